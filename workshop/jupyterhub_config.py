# JupyterHub for a workshop room on one machine, with golm as every learner's kernel.
#
#   make build && sudo install bin/golm /usr/local/bin/golm
#   venv=$(scripts/venv.sh hub)                        # JupyterHub, JupyterLab and the proxy, pinned
#   golm install --prefix "$venv"                      # the Go (golm) kernel for every learner
#   export OPENAI_API_KEY=sk-...                       # or OPENAI_BASE_URL=http://127.0.0.1:8080/v1 (golm serve)
#   GOLM_ROOM_PASSWORD=choose-one PATH="$venv/bin:$PATH" jupyterhub -f workshop/jupyterhub_config.py
#
# Learners open http://THIS-MACHINE:8000, log in with any user name and the room's password, and find the
# lessons and the set-up check in their home folder. test/hub/test_hub.py loads this file (changing only the
# addresses, folders and timeouts) and runs 30 learners through it.
#
# Every learner's server runs as the Unix user that runs the hub (SimpleLocalProcessSpawner), in a home
# folder of their own under GOLM_ROOM_HOMES. That is enough for a room of people who trust each other: they
# are not isolated from each other's files, and they all use the key given here. For isolation, give each
# learner a Unix account (c.JupyterHub.authenticator_class = "pam" and spawner_class = "localprocess", run as
# root), or use Zero to JupyterHub on Kubernetes (see the README's workshop section).
import os
import shutil
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub's config loader defines it)

ROOT = Path(__file__).resolve().parent.parent
HOMES = Path(os.environ.get("GOLM_ROOM_HOMES", "/srv/golm-room"))

c.JupyterHub.bind_url = os.environ.get("GOLM_ROOM_URL", "http://0.0.0.0:8000")
c.JupyterHub.authenticator_class = "dummy"
# One password for the room, any user name (without GOLM_ROOM_PASSWORD: any password at all; only on a
# closed network).
if os.environ.get("GOLM_ROOM_PASSWORD"):
    c.DummyAuthenticator.password = os.environ["GOLM_ROOM_PASSWORD"]
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
SERVER_ARGS = ["--allow-root"] if os.geteuid() == 0 else []
c.Spawner.args = SERVER_ARGS
c.Spawner.default_url = "/lab"
# A room logs in within a minute or two. On 2 cores, 30 servers starting at once took 75-85 s each
# (test/hub): JupyterHub's default start_timeout of 60 s would turn most of them away.
c.Spawner.start_timeout = 300
c.Spawner.http_timeout = 300
# The API settings reach every learner's kernel.
c.Spawner.environment = {k: os.environ[k] for k in
                         ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_MODEL", "GOLM_MODEL", "GOLM_CACHE",
                          "JUPYTER_PATH")
                         if k in os.environ}
# Learners who leave free their memory: stop servers idle for an hour (needs jupyterhub-idle-culler;
# not installed by scripts/venv.sh hub).


# Ports: with 90 learners starting at once (test/hub), two kinds of random port choice raced. Each learner's
# server gets a random free port from the spawner, and two learners got the same one (one learner's requests
# reached the other's server); each kernel gets five random free TCP ports from its server, and two servers
# gave their kernels the same one (the second kernel could not listen, and died). So each learner's server
# gets a fixed port, from the learner's number in the hub's database (below Linux's range of ports given to
# outgoing connections, 32768-60999, where a first try at 40000 + number met ports already taken), and kernels talk to their server over
# Unix sockets (ZeroMQ's ipc transport, which golm supports) in a folder of the learner's own, so that no
# learner's kernel can take another's address.
PORT_BASE = int(os.environ.get("GOLM_ROOM_PORT_BASE", "20000"))
# Short, because a Unix socket's path has at most 107 bytes.
SOCKETS = Path(os.environ.get("GOLM_ROOM_SOCKETS", "/tmp/golm-room-sockets"))


def before_spawn(spawner):
    """Give the learner's server its port and its kernels their sockets' folder, and the learner the lessons
    and the set-up check (once: their later edits are kept)."""
    uid = spawner.user.id
    spawner.port = PORT_BASE + uid
    sockets = SOCKETS / str(uid)
    sockets.mkdir(parents=True, exist_ok=True, mode=0o700)
    # port_retries=0: a port that is taken stops this server with an error, instead of the server moving to
    # another port, where the hub would never find it.
    spawner.args = SERVER_ARGS + ["--ServerApp.port_retries=0", "--KernelManager.transport=ipc",
                                  f"--KernelManager.ip={sockets}/kernel"]
    home = Path(spawner.home_dir_template.format(username=spawner.user.name))
    home.mkdir(parents=True, exist_ok=True)
    for src, dst in ((ROOT / "notebooks", home / "lessons"), (ROOT / "workshop" / "00-setup-check.ipynb",
                                                                home / "00-setup-check.ipynb")):
        if src.exists() and not dst.exists():
            if src.is_dir():
                shutil.copytree(src, dst)
            else:
                shutil.copy(src, dst)


c.Spawner.pre_spawn_hook = before_spawn
