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
if os.geteuid() == 0:
    c.Spawner.args = ["--allow-root"]
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


# Each learner's server gets a port of its own, from the learner's number in the hub's database. The spawner's
# default, a random free port, raced when 90 servers started at once (test/hub): two learners got the same
# port, and one learner's requests reached the other's server.
PORT_BASE = int(os.environ.get("GOLM_ROOM_PORT_BASE", "40000"))


def before_spawn(spawner):
    """Give the learner's server its port, and the learner the lessons and the set-up check (once: their
    later edits are kept)."""
    spawner.port = PORT_BASE + spawner.user.id
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
