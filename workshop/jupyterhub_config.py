# JupyterHub for a workshop room on one machine, with golm as every learner's kernel.
#
#   make build && sudo install bin/golm /usr/local/bin/golm
#   venv=$(scripts/venv.sh hub)                        # JupyterHub, JupyterLab and the proxy, pinned
#   golm install --prefix "$venv"                      # the Go (golm) kernel for every learner
#   sudo install -d -o "$USER" -m 700 /srv/golm-room   # the learners' homes (or GOLM_ROOM_HOMES=a folder of yours)
#   export OPENAI_API_KEY=sk-...                       # a key with a spending limit, or OPENAI_BASE_URL of a golm serve
#   export GOLM_ROOM_PASSWORD=...                      # the room's password, 8 characters or more (required)
#   export GOLM_ROOM_URL=https://0.0.0.0:8000          # the room's address (default http://127.0.0.1:8000: this
#                                                      # machine only); 0.0.0.0 listens on every network
#   export GOLM_ROOM_SSL_CERT=cert.pem GOLM_ROOM_SSL_KEY=key.pem   # HTTPS (or run behind your own TLS proxy)
#   PATH="$venv/bin:$PATH" jupyterhub -f workshop/jupyterhub_config.py
#
# Learners open the room's address, log in with any user name and the room's password (JupyterHub's
# shared-password authenticator), and find the lessons and the set-up check in their home folder.
# test/hub/test_hub.py loads this file (changing only the addresses, folders and timeouts) and runs 30
# learners through it.
#
# What one password and one Unix user mean. Every learner's server runs as the Unix user that runs the hub
# (SimpleLocalProcessSpawner), in a home folder of their own under GOLM_ROOM_HOMES, and the hub does not
# separate them:
#   - anyone with the password can log in under any name, including another learner's;
#   - every learner can read, change and delete every other learner's files (terminals and os/exec in cells
#     run as the hub's user), stop other learners' servers and the hub, and read the secrets of the hub's
#     processes (/proc/PID/environ: the proxy's token, each server's API token; the cookie secret and the
#     database in the hub's working folder);
#   - every learner can read the API key given here: give the room a key with a spending limit, or a golm
#     serve with -api-key, and revoke it after the workshop.
# That suits a room of people who trust each other, for a day, on a machine with nothing else of value on it.
# For isolation, give each learner a Unix account (c.JupyterHub.authenticator_class = "pam" and
# spawner_class = "localprocess", run as root), or use Zero to JupyterHub on Kubernetes (see the README's
# workshop section). The hub refuses to run as root (every learner's server would run as root) unless
# GOLM_ROOM_ALLOW_ROOT=1.
import os
import shutil
import stat
from pathlib import Path

c = get_config()  # noqa: F821 (JupyterHub's config loader defines it)

ROOT = Path(__file__).resolve().parent.parent
HOMES = Path(os.environ.get("GOLM_ROOM_HOMES", "/srv/golm-room"))


def fail(msg):
    """Stop the hub before it starts, with a message that says what to set."""
    raise SystemExit(f"workshop/jupyterhub_config.py: {msg}")


PASSWORD = os.environ.get("GOLM_ROOM_PASSWORD", "")
if len(PASSWORD) < 8:
    fail("set GOLM_ROOM_PASSWORD to the room's password, 8 characters or more (without one, nobody could log "
         "in; the room is never open without a password)")
if os.geteuid() == 0 and os.environ.get("GOLM_ROOM_ALLOW_ROOT") != "1":
    fail("the hub runs as root, so every learner's server and kernel would run as root: run it as an "
         "ordinary user, or set GOLM_ROOM_ALLOW_ROOT=1 on a machine you throw away after the workshop")
CERT, KEY = os.environ.get("GOLM_ROOM_SSL_CERT", ""), os.environ.get("GOLM_ROOM_SSL_KEY", "")
if bool(CERT) != bool(KEY):
    fail("set both GOLM_ROOM_SSL_CERT and GOLM_ROOM_SSL_KEY (the certificate and its key), or neither")
if CERT:
    c.JupyterHub.ssl_cert = CERT
    c.JupyterHub.ssl_key = KEY
# 127.0.0.1 by default: only this machine. A room sets GOLM_ROOM_URL=https://0.0.0.0:8000 (every network).
c.JupyterHub.bind_url = os.environ.get("GOLM_ROOM_URL", ("https" if CERT else "http") + "://127.0.0.1:8000")
# One password for the room, any user name.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = PASSWORD
c.Authenticator.allow_all = True
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
SERVER_ARGS = ["--allow-root"] if os.geteuid() == 0 else []  # only with GOLM_ROOM_ALLOW_ROOT=1 (above)
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
# One Go session process per kernel, not two: the spare worker that makes %reset instant (README,
# GOLM_SPARE_WORKER) costs about 15 MiB and 45 ms of CPU per kernel, and memory and starts are what limit a
# room (README); %reset then waits for a worker to start (0.1-0.15 s on a busy machine).
# GOLM_SPARE_WORKER=1 in the hub's environment turns it back on.
c.Spawner.environment["GOLM_SPARE_WORKER"] = os.environ.get("GOLM_SPARE_WORKER", "0")
# Idle servers are not stopped: a learner's server and kernels keep their memory until the hub stops (or
# until stopped from the hub's admin page). To cull idle servers, add jupyterhub-idle-culler as a service.


# Ports: with 90 learners starting at once (test/hub), two kinds of random port choice raced. Each learner's
# server gets a random free port from the spawner, and two learners got the same one (one learner's requests
# reached the other's server); each kernel gets five random free TCP ports from its server, and two servers
# gave their kernels the same one (the second kernel could not listen, and died). So each learner's server
# gets a fixed port, from the learner's number in the hub's database (below Linux's range of ports given to
# outgoing connections, 32768-60999, where a first try at 40000 + number met ports already taken), and kernels talk to their server over
# Unix sockets (ZeroMQ's ipc transport, which golm supports) in a folder of the learner's own, so that no
# learner's kernel can take another's address.
PORT_BASE = int(os.environ.get("GOLM_ROOM_PORT_BASE", "20000"))
# The kernels' sockets: a folder only this user can enter (checked), with a short path, because a Unix
# socket's path has at most 107 bytes: GOLM_ROOM_SOCKETS, or golm-room in $XDG_RUNTIME_DIR (private to the
# user), or else /tmp/golm-room-UID.
SOCKETS = Path(os.environ.get("GOLM_ROOM_SOCKETS") or (
    Path(os.environ["XDG_RUNTIME_DIR"]) / "golm-room" if os.environ.get("XDG_RUNTIME_DIR")
    else f"/tmp/golm-room-{os.geteuid()}"))


def private_folder(path):
    """Make path a folder that only this user can enter, or stop the hub: a folder another user made first
    (in /tmp anyone can) would let them read the kernels' messages or take their sockets' addresses."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        st = path.lstat()
    except OSError as e:
        raise RuntimeError(f"cannot make the kernels' socket folder {path}: {e}") from e
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
        raise RuntimeError(f"the kernels' socket folder {path} is not a folder of this user: remove it, or set "
                           "GOLM_ROOM_SOCKETS to a private folder")
    if st.st_mode & 0o077:
        os.chmod(path, 0o700)


try:
    private_folder(SOCKETS)
except RuntimeError as e:
    fail(str(e))


def before_spawn(spawner):
    """Give the learner's server its port and its kernels their sockets' folder, and the learner the lessons
    and the set-up check (once: their later edits are kept)."""
    uid = spawner.user.id
    spawner.port = PORT_BASE + uid
    sockets = SOCKETS / str(uid)
    private_folder(sockets)
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
