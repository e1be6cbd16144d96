"""A workshop room on one machine: JupyterHub with N learners (30 by default), each running golm at once.

The test starts, on loopback, a fake OpenAI-compatible server (golm fake-openai, with the scripted replies of
lessons 01 and 02) and a JupyterHub from golm's hub environment (scripts/venv.sh hub: JupyterHub, JupyterLab,
the Node.js configurable-http-proxy) with the room's configuration, workshop/jupyterhub_config.py (the shared-password
authenticator and SimpleLocalProcessSpawner), changing only its addresses, folders and timeouts: every learner's single-user server runs as this Unix user, in a home folder of its own under a temporary
folder (which the room's configuration fills with the lessons), with the golm kernelspec of JUPYTER_PATH. Then, through the hub's REST API, it creates the learners,
gives each an API token of their own and starts all their servers at once; through each server's REST API
(behind the hub's proxy) it starts a golm kernel and, over the kernel's websocket, runs lesson 01's code
cells and lesson 02's client cell and first question in every kernel at the same time, as a room does when
the instructor says "run all".

It prints the time to start the servers, the memory of each learner (PSS and RSS of their single-user server
with its kernel processes, and of the hub and proxy), and the p50/p95/max time of a cell. It fails when any
server does not start, any cell shows an error or takes longer than CELL_TIMEOUT, or a learner's lesson 02
question does not get the fake server's answer: fewer than N working learners is a failure.

    JUPYTER_PATH=build/jupyter $(scripts/venv.sh hub)/bin/python test/hub/test_hub.py [--users N]
    (make test-hub runs it with 30 learners; make hub-capacity with more)
"""

import argparse
import asyncio
import datetime
import json
import os
import random
import secrets
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psutil
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parents[2]
GOLM = os.environ.get("GOLM", str(ROOT / "bin" / "golm"))
CELL_TIMEOUT = float(os.environ.get("CELL_TIMEOUT", "300"))
# The test stops the room when the machine's available memory falls below this (GiB), so that a capacity run
# with many learners finds the limit without the kernel's out-of-memory killer choosing what to end.
MEMORY_FLOOR = float(os.environ.get("HUB_MEMORY_FLOOR_GIB", "1.5"))
SPAWN_TIMEOUT = 600
ROOM_CONFIG = ROOT / "workshop" / "jupyterhub_config.py"
# The lesson 02 question every learner asks, and what the fake server answers to it (its script's rule).
ASK_CELL = 'client.Ask(ctx, "What model are you exactly, and what is your knowledge cut-off date?")'
ASK_ANSWER = "I'm ChatGPT, a large language model"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port_block(n):
    """A base such that base+1 ... base+n are free on loopback: the room gives learner number i (1, 2, ...)
    the port GOLM_ROOM_PORT_BASE + i, and a fixed base would collide with another run on the same machine."""
    for _ in range(50):
        base = random.randrange(20000, 30000 - n)
        socks = []
        try:
            for port in range(base + 1, base + n + 1):
                s = socket.socket()
                socks.append(s)
                s.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError(f"found no {n} free ports in a row between 20000 and 30000")


# A file under build/hub naming the running test's temporary folder, so that a run killed before it could
# clean up (SIGKILL, a crash) has its leftovers stopped by the next run in this checkout.
LEFTOVERS = ROOT / "build" / "hub" / "running"


def kill_under(folder):
    """Kill every process whose working folder or command line is under folder (the hub, the proxy, the
    learners' servers and kernels, the fake server), even those the hub no longer knows."""
    folder = str(folder)
    victims = []
    for p in psutil.process_iter(["pid", "cwd", "cmdline"]):
        if p.pid == os.getpid():
            continue
        cwd, cmd = p.info.get("cwd") or "", p.info.get("cmdline") or []
        if cwd == folder or cwd.startswith(folder + os.sep) or any(folder in a for a in cmd):
            victims.append(p)
    for p in victims:
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(victims, timeout=10)
    return len(victims)


def kill_leftovers():
    """Stop what an earlier run in this checkout left behind."""
    try:
        old = LEFTOVERS.read_text().strip()
    except OSError:
        return
    if old and Path(old).name.startswith("golm-hub-"):
        n = kill_under(old)
        if n:
            print(f"stopped {n} processes left by an earlier run under {old}", flush=True)
        shutil.rmtree(old, ignore_errors=True)
    LEFTOVERS.unlink(missing_ok=True)


def code_cells(name):
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]


def cells_to_run():
    """Lesson 01's code cells, then lesson 02's client cell and its first question."""
    lesson02 = code_cells("02-openai-api")
    setup = next(c for c in lesson02 if "llm.NewClient()" in c)
    if ASK_CELL not in lesson02:
        raise RuntimeError(f"lesson 02 no longer has the cell {ASK_CELL!r}: update test/hub/test_hub.py")
    return [("01", c) for c in code_cells("01-tokens")] + [("02", setup), ("02", ASK_CELL)]


def fake_script(tmp):
    """One script with the rules of lessons 01 and 02 (the fake server takes one)."""
    rules = []
    for name in ("01-tokens", "02-openai-api"):
        rules += json.loads((ROOT / "test" / "notebooks" / "scripts" / f"{name}.json").read_text())["rules"]
    path = tmp / "fake.json"
    path.write_text(json.dumps({"unmatched": "error", "rules": rules}))
    return path


def start_fake(script):
    proc = subprocess.Popen([GOLM, "fake-openai", "--addr", "127.0.0.1:0", "--script", str(script)],
                            stdout=subprocess.PIPE, text=True)
    ready, _, _ = select.select([proc.stdout], [], [], 60)
    line = proc.stdout.readline().strip() if ready else "(nothing within 60 s)"
    if not line.startswith("OPENAI_BASE_URL="):
        proc.kill()
        raise RuntimeError(f"fake-openai did not start: {line!r}")
    return proc, line.split("=", 1)[1]


HUB_CONFIG = """
# The room's configuration (workshop/jupyterhub_config.py), with the test's addresses, folders and timeouts.
c = get_config()  # noqa
load_subconfig({room!r})  # noqa
c.JupyterHub.bind_url = {bind_url!r}
c.JupyterHub.hub_bind_url = {hub_bind_url!r}
c.JupyterHub.db_url = {db_url!r}
c.JupyterHub.cookie_secret_file = {cookie_file!r}
c.JupyterHub.pid_file = {pid_file!r}
c.ConfigurableHTTPProxy.command = [{proxy!r}]
c.ConfigurableHTTPProxy.api_url = {proxy_api!r}
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.cmd = [{singleuser!r}]
c.Spawner.environment.update({env!r})  # the room's own settings (GOLM_SPARE_WORKER=0) stay
c.Spawner.start_timeout = {timeout}
c.Spawner.http_timeout = {timeout}
c.JupyterHub.services = [{{"name": "loadtest", "api_token": {token!r}}}]
c.JupyterHub.load_roles = [{{"name": "loadtest", "services": ["loadtest"],
                             "scopes": ["admin:users", "admin:servers", "tokens", "read:users"]}}]
"""


class Hub:
    """A JupyterHub process on loopback and a client of its REST API."""

    def __init__(self, venv, tmp, env, users):
        self.tmp = tmp
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.token = secrets.token_hex(16)
        (tmp / "homes").mkdir()
        config = HUB_CONFIG.format(
            bind_url=self.url, hub_bind_url=f"http://127.0.0.1:{free_port()}",
            db_url=f"sqlite:///{tmp / 'jupyterhub.sqlite'}", cookie_file=str(tmp / "cookie_secret"),
            pid_file=str(tmp / "hub.pid"), proxy=str(Path(venv) / "bin" / "configurable-http-proxy"),
            proxy_api=f"http://127.0.0.1:{free_port()}", homes=str(tmp / "homes"),
            singleuser=str(Path(venv) / "bin" / "jupyterhub-singleuser"), room=str(ROOM_CONFIG),
            env=env, timeout=SPAWN_TIMEOUT, token=self.token)
        (tmp / "jupyterhub_config.py").write_text(config)
        self.log_path = ROOT / "build" / "hub" / "hub.log"
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log = open(self.log_path, "w")
        # The room's configuration asks for a password, refuses root without GOLM_ROOM_ALLOW_ROOT=1 (the test
        # machines run as root), and gives learner i the port GOLM_ROOM_PORT_BASE + i.
        hub_env = dict(os.environ, CONFIGPROXY_AUTH_TOKEN=secrets.token_hex(16), GOLM_ROOM_SOCKETS=str(tmp / "s"),
                       GOLM_ROOM_PASSWORD=secrets.token_hex(16), GOLM_ROOM_ALLOW_ROOT="1",
                       GOLM_ROOM_PORT_BASE=str(free_port_block(users)))
        for k in ("GOLM_ROOM_URL", "GOLM_ROOM_SSL_CERT", "GOLM_ROOM_SSL_KEY", "GOLM_ROOM_HOMES"):
            hub_env.pop(k, None)
        self.proc = subprocess.Popen([str(Path(venv) / "bin" / "jupyterhub"), "-f", str(tmp / "jupyterhub_config.py")],
                                     cwd=tmp, env=hub_env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        self.http = AsyncHTTPClient(max_clients=200)

    async def api(self, method, path, body=None, token=None, ok=(200, 201, 202, 204), timeout=SPAWN_TIMEOUT):
        req = HTTPRequest(self.url + path, method=method, headers={"Authorization": f"token {token or self.token}"},
                          body=json.dumps(body) if body is not None else (b"" if method == "POST" else None),
                          connect_timeout=min(timeout, 20), request_timeout=timeout)
        resp = await self.http.fetch(req, raise_error=False)
        if resp.code not in ok:
            raise RuntimeError(f"{method} {path}: HTTP {resp.code}: {resp.body[:300] if resp.body else resp.error}")
        return json.loads(resp.body) if resp.body else None

    async def wait_up(self):
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyterhub exited with {self.proc.returncode}; see {self.log_path}")
            try:
                await self.api("GET", "/hub/api/", timeout=5)
                return
            except (OSError, RuntimeError):
                await asyncio.sleep(0.5)
        raise RuntimeError(f"the hub did not answer within 120 s; see {self.log_path}")

    def stop(self, now=False):
        """Stop the hub and everything it started (its servers, their kernels, the proxy); now kills them
        at once instead of letting the hub shut them down."""
        try:
            procs = psutil.Process(self.proc.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            procs = []
        if now:
            for p in procs + [self.proc]:
                try:
                    p.kill()
                except (psutil.NoSuchProcess, ProcessLookupError):
                    pass
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        _, alive = psutil.wait_procs(procs, timeout=10)
        for p in alive:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        # Servers and kernels the hub no longer knows (it died, or lost them) live under the temporary folder.
        kill_under(self.tmp)
        self.log.close()


async def start_server(hub, name):
    """Start one learner's server; return its start time in seconds."""
    t0 = time.time()
    await hub.api("POST", f"/hub/api/users/{name}/server")
    while time.time() - t0 < SPAWN_TIMEOUT:
        user = await hub.api("GET", f"/hub/api/users/{name}")
        server = user.get("servers", {}).get("")
        if server and server.get("ready"):
            return time.time() - t0
        if not server or not server.get("pending"):
            if server is None and time.time() - t0 > 5:
                raise RuntimeError(f"{name}'s server stopped while starting; see {hub.log_path}")
        await asyncio.sleep(0.5)
    raise RuntimeError(f"{name}'s server was not ready within {SPAWN_TIMEOUT} s")


def message(msg_type, content, session):
    return {
        "header": {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "loadtest", "session": session,
                   "date": datetime.datetime.now(datetime.timezone.utc).isoformat(), "version": "5.3"},
        "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": [],
    }


async def learner(hub, name, token, cells):
    """Start a golm kernel in name's server and run the cells in it; return (cell times, kernel start, problems)."""
    base = f"/user/{name}/api/kernels"
    t0 = time.time()
    kernel = await hub.api("POST", base, {"name": "golm"}, token=token)
    ws_url = hub.url.replace("http", "ws", 1) + f"{base}/{kernel['id']}/channels"
    ws = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"},
                                             request_timeout=SPAWN_TIMEOUT), max_message_size=64 << 20)
    session = uuid.uuid4().hex
    # kernel_info answers once the kernel runs: that is the kernel's start time.
    info = message("kernel_info_request", {}, session)
    await ws.write_message(json.dumps(info))
    while True:
        raw = await asyncio.wait_for(ws.read_message(), CELL_TIMEOUT)
        if raw is None:
            return [], 0, [f"{name}: the websocket closed before the kernel answered"]
        if json.loads(raw).get("parent_header", {}).get("msg_id") == info["header"]["msg_id"] and \
                json.loads(raw)["msg_type"] == "kernel_info_reply":
            break
    started = time.time() - t0
    times, problems = [], []
    for i, (lesson, code) in enumerate(cells):
        msg = message("execute_request", {"code": code, "silent": False, "store_history": True,
                                          "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
                      session)
        msg_id = msg["header"]["msg_id"]
        t = time.time()
        await ws.write_message(json.dumps(msg))
        replied = idle = False
        text = []
        try:
            while not (replied and idle):
                raw = await asyncio.wait_for(ws.read_message(), CELL_TIMEOUT - (time.time() - t))
                if raw is None:
                    problems.append(f"{name}: the websocket closed in cell {i} of lesson {lesson}")
                    return times, started, problems
                m = json.loads(raw)
                if m.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                kind, content = m["msg_type"], m["content"]
                if kind == "execute_reply":
                    replied = True
                    if content.get("status") != "ok":
                        problems.append(f"{name}: lesson {lesson} cell {i}: {content.get('ename')}: "
                                        f"{content.get('evalue')}")
                elif kind == "status" and content.get("execution_state") == "idle":
                    idle = True
                elif kind == "error":
                    problems.append(f"{name}: lesson {lesson} cell {i}: {content.get('ename')}: {content.get('evalue')}")
                elif kind == "stream":
                    text.append(content.get("text", ""))
                elif kind in ("execute_result", "display_data", "update_display_data"):
                    text.append(content.get("data", {}).get("text/plain", ""))
        except asyncio.TimeoutError:
            problems.append(f"{name}: lesson {lesson} cell {i} ran longer than {CELL_TIMEOUT:.0f} s")
            return times, started, problems
        times.append(time.time() - t)
        if code == ASK_CELL and ASK_ANSWER not in "".join(text):
            problems.append(f"{name}: lesson 02's question did not get the fake server's answer: {''.join(text)[:200]!r}")
    ws.close()
    return times, started, problems


def memory(hub_pid):
    """PSS and RSS in bytes per learner (their server and its kernel processes), and of the hub with its proxy;
    and the PSS of all learners' golm kernel processes together."""
    per_user, overhead, kernels = {}, [0, 0], 0
    root = psutil.Process(hub_pid)
    servers = {}
    for p in root.children():
        try:
            user = p.environ().get("JUPYTERHUB_USER")
        except psutil.Error:
            user = None
        if user:
            servers[p.pid] = user
    for p in [root] + root.children(recursive=True):
        try:
            owner = next((servers[a.pid] for a in [p] + p.parents() if a.pid in servers), None)
            mem = p.memory_full_info()
        except psutil.Error:
            continue
        acc = per_user.setdefault(owner, [0, 0]) if owner else overhead
        acc[0] += mem.pss
        acc[1] += mem.rss
        if owner and p.pid not in servers:
            kernels += mem.pss
    return per_user, overhead, kernels


def kernel_addresses(hub_pid):
    """The addresses each learner's kernel processes listen on: TCP ports and Unix sockets."""
    root = psutil.Process(hub_pid)
    found = {}
    for server in root.children():
        try:
            user = server.environ().get("JUPYTERHUB_USER")
            kernels = server.children(recursive=True)
        except psutil.Error:
            continue
        for k in kernels:
            try:
                tcp = k.net_connections(kind="tcp")
                unix = k.net_connections(kind="unix")
            except psutil.Error:
                continue
            found.setdefault(user, set()).update(
                [f"tcp {c.laddr.ip}:{c.laddr.port}" for c in tcp if c.status == psutil.CONN_LISTEN] +
                [f"unix {c.laddr}" for c in unix if c.laddr])
    return found


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


async def main_async(args, room):
    venv = os.environ.get("GOLM_HUB_VENV") or sys.prefix
    if not (Path(venv) / "bin" / "jupyterhub").exists():
        sys.exit(f"no JupyterHub in {venv}: run with $(scripts/venv.sh hub)/bin/python or set GOLM_HUB_VENV")
    if not os.environ.get("JUPYTER_PATH"):
        sys.exit("JUPYTER_PATH must name the folder with the golm kernelspec (make test-hub sets it)")
    t_all = time.time()
    kill_leftovers()
    tmp = Path(tempfile.mkdtemp(prefix="golm-hub-"))
    room["tmp"] = tmp
    LEFTOVERS.parent.mkdir(parents=True, exist_ok=True)
    LEFTOVERS.write_text(str(tmp))
    cells = cells_to_run()
    fake, openai_url = start_fake(fake_script(tmp))
    room["fake"] = fake
    env = {"JUPYTER_PATH": os.environ["JUPYTER_PATH"], "OPENAI_BASE_URL": openai_url,
           "OPENAI_API_KEY": "sk-hub-test", "GOLM_SANDBOX_CONFIRM": "yes"}
    hub = Hub(venv, tmp, env, args.users)
    room["hub"] = hub
    problems = []
    lowest = [psutil.virtual_memory().available]

    async def guard():
        while True:
            avail = psutil.virtual_memory().available
            lowest[0] = min(lowest[0], avail)
            if avail < MEMORY_FLOOR * (1 << 30):
                problems.append(f"the machine ran low on memory ({avail / (1 << 30):.1f} GiB available): "
                                "the room was stopped")
                hub.stop(now=True)
                return
            await asyncio.sleep(0.5)

    watcher = asyncio.ensure_future(guard())
    try:
        await hub.wait_up()
        names = [f"learner{i:02d}" for i in range(1, args.users + 1)]
        await hub.api("POST", "/hub/api/users", {"usernames": names})
        tokens = {}
        for n in names:
            tokens[n] = (await hub.api("POST", f"/hub/api/users/{n}/tokens",
                                       {"note": "load test", "expires_in": 3600}))["token"]
        t = time.time()
        spawns = await asyncio.gather(*(start_server(hub, n) for n in names), return_exceptions=True)
        spawn_wall = time.time() - t
        ready = [n for n, s in zip(names, spawns) if not isinstance(s, BaseException)]
        problems += [str(s) for s in spawns if isinstance(s, BaseException)]
        print(f"{len(ready)}/{len(names)} servers ready in {spawn_wall:.1f} s "
              f"(each {min(s for s in spawns if not isinstance(s, BaseException)) if ready else 0:.1f}–"
              f"{max((s for s in spawns if not isinstance(s, BaseException)), default=0):.1f} s)", flush=True)
        problems += [f"{n}: the room's configuration did not copy the lessons into the home folder"
                     for n in ready if not (tmp / "homes" / n / "lessons" / "01-tokens.ipynb").exists()]
        t = time.time()
        results = await asyncio.gather(*(learner(hub, n, tokens[n], cells) for n in ready), return_exceptions=True)
        run_wall = time.time() - t
        per_user, overhead, kernels = memory(hub.proc.pid)
        addresses = kernel_addresses(hub.proc.pid)
        owners = {}
        for user, ips in addresses.items():
            for ip in ips:
                owners.setdefault(ip, []).append(user)
        problems += [f"the kernels of {', '.join(sorted(set(us)))} listen on the same address {a}: the room's "
                     "configuration should give each learner's kernels their own" for a, us in owners.items()
                     if len(set(us)) > 1]
        times, starts, done = [], [], 0
        for n, r in zip(ready, results):
            if isinstance(r, BaseException):
                problems.append(f"{n}: {type(r).__name__}: {r}")
                continue
            ts, started, probs = r
            times += ts
            starts.append(started)
            problems += probs
            if not probs and len(ts) == len(cells):
                done += 1
        mib = 1 << 20
        pss = [v[0] / mib for v in per_user.values()]
        rss = [v[1] / mib for v in per_user.values()]
        print(f"{done}/{args.users} learners ran all {len(cells)} cells (lesson 01's {len(cells) - 2} code cells, "
              f"lesson 02's client cell and question) at once in {run_wall:.1f} s")
        if starts:
            print(f"kernel start (to kernel_info_reply): p50 {pct(starts, 50):.1f} s, max {max(starts):.1f} s")
        if times:
            print(f"cell time over {len(times)} cells: p50 {pct(times, 50):.2f} s, p95 {pct(times, 95):.2f} s, "
                  f"max {max(times):.2f} s")
        if pss:
            print(f"memory per learner (server + kernel processes), {len(pss)} learners: "
                  f"PSS mean {statistics.mean(pss):.0f} MiB (max {max(pss):.0f}), "
                  f"RSS mean {statistics.mean(rss):.0f} MiB (max {max(rss):.0f}); of the PSS, the golm kernel "
                  f"{kernels / mib / len(pss):.0f} MiB and the Jupyter server {statistics.mean(pss) - kernels / mib / len(pss):.0f} MiB")
        kinds = sorted({a.split()[0] for a in owners})
        shared = sum(len(set(us)) > 1 for us in owners.values())
        print(f"the kernels of {len(addresses)} learners listen on {len(owners)} addresses ({', '.join(kinds)}), "
              f"{shared} of them shared between learners")
        print(f"hub + proxy: PSS {overhead[0] / mib:.0f} MiB, RSS {overhead[1] / mib:.0f} MiB; "
              f"all together PSS {(sum(pss) + overhead[0] / mib) / 1024:.2f} GiB")
        vm = psutil.virtual_memory()
        print(f"machine: {psutil.cpu_count()} cores, {vm.total / (1 << 30):.1f} GiB, "
              f"{vm.available / (1 << 30):.1f} GiB available with the room running (lowest {lowest[0] / (1 << 30):.1f} GiB)")
        if done < args.users:
            problems.append(f"only {done} of {args.users} learners ran every cell without a problem")
    finally:
        watcher.cancel()
        clean_up(room)
    print(f"failures: {len(problems)}; whole test {time.time() - t_all:.1f} s")
    for p in problems[:40]:
        print("  " + p)
    return not problems


def clean_up(room):
    """Stop the hub with everything it started and the fake server, and remove the temporary folder (once;
    main calls it again after an interrupt). A second Ctrl-C or SIGTERM does not cut it short."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    hub, fake, tmp = room.get("hub"), room.get("fake"), room.get("tmp")
    if hub:
        hub.stop()
    if fake:
        fake.kill()
        fake.wait()
        fake.stdout.close()
    if tmp:
        kill_under(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
        LEFTOVERS.unlink(missing_ok=True)
    room.clear()


def interrupted(signum, frame):
    """SIGTERM and SIGHUP (a CI timeout, make stopped) stop the test as Ctrl-C does, so that it cleans up."""
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--users", type=int, default=int(os.environ.get("HUB_USERS", "30")))
    args = ap.parse_args()
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)
    room = {}
    try:
        ok = asyncio.run(main_async(args, room))
    except KeyboardInterrupt as e:
        print(f"interrupted ({e or 'SIGINT'}): stopping the room", flush=True)
        ok = False
    finally:
        clean_up(room)
    print(f"{1 if ok else 0} passed, {0 if ok else 1} failed")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
