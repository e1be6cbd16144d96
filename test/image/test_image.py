#!/usr/bin/python3
"""The single-user image of workshop/k8s/Dockerfile, built and run with podman: the image builds, Jupyter's
server in it lists the golm kernel, and a Go cell runs through the server's REST API and kernel websocket.

    /usr/bin/python3 test/image/test_image.py        (or: make test-image; not in make test: it takes minutes)

Needs podman (Debian: apt-get install podman runc debootstrap) and root. The Dockerfile's base images come
from container registries (Docker Hub's golang, quay.io's jupyter/base-notebook); where those cannot be reached
(the project's machines resolve no registry), GOLM_IMAGE_BASES=stand-in (the default) builds local stand-ins
of both, tagged localhost/golm-test/...:

- a Debian bookworm root file system made with debootstrap from the Debian mirror and imported;
- golang: that system with gcc, make, git and the Go toolchain of this machine (`go env GOROOT`, the version
  go.mod asks for) in /usr/local/go, GOPATH /go, as the golang:VERSION-bookworm image has them;
- base-notebook: that system with Python 3.11 and a virtual environment in /opt/conda holding JupyterHub
  and JupyterLab from scripts/hub-requirements.txt (pinned, hashed), the user jovyan (NB_UID 1000) and
  NB_USER/NB_UID set, as jupyter/base-notebook has them (it has conda and Ubuntu instead);
- both trust the certificate authorities of this machine (GOLM_IMAGE_CAS, /etc/ssl/certs/ca-certificates.crt),
  since the project's machines reach the package registries through a proxy that signs with its own CA.

GOLM_IMAGE_BASES=real builds FROM the Dockerfile's own base images. Either way the Dockerfile itself is
built unchanged (the base images are its GO_IMAGE and BASE_IMAGE build arguments).

The single-user server is started as `jupyter server` with a token, which jupyterhub-singleuser (also
checked to be in the image) extends with the hub's login; no hub and no Kubernetes are involved.

podman runs with build/image/containers.conf (CONTAINERS_CONF), for machines like the project's (no
CAP_SYS_RESOURCE; cgroup v1 with one controller on cgroup2): the runc runtime where it is installed (crun
1.8 refuses that cgroup layout: "cgroups in hybrid mode not supported, drop all controllers from cgroupv2"),
and ulimits no higher than this process's own (podman's defaults ask for more, and every container then
fails with "setrlimit `RLIMIT_NOFILE`: Operation not permitted").

Measured on the project's 2-core machine under load: the stand-in base images 3–4 minutes each, the image's
first build 35 minutes (llama.cpp compiled in it), a rebuild with its caches well under a minute.
"""

import asyncio
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

from tornado.websocket import websocket_connect

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "build" / "image"
IMAGE = os.environ.get("GOLM_IMAGE", "localhost/golm-singleuser:test")
BASES = os.environ.get("GOLM_IMAGE_BASES", "stand-in")
DEBIAN = "localhost/golm-test/debian:bookworm"
GOLANG = "localhost/golm-test/golang:bookworm"
NOTEBOOK = "localhost/golm-test/base-notebook:latest"
MIRROR = os.environ.get("GOLM_DEBIAN_MIRROR", "http://deb.debian.org/debian")

# Both stand-ins trust the certificate authorities this machine trusts (HOST_CAS): where HTTPS goes through a
# proxy that signs with a CA of its own (as here), pip and go in the image would otherwise fail on every
# download. A file in /usr/local/share/ca-certificates survives update-ca-certificates in the Dockerfile.
HOST_CAS = os.environ.get("GOLM_IMAGE_CAS", "/etc/ssl/certs/ca-certificates.crt")

GOLANG_FILE = """FROM {debian}
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl git gcc g++ libc6-dev make \\
        pkg-config && rm -rf /var/lib/apt/lists/*
COPY host-cas.crt /usr/local/share/ca-certificates/host-cas.crt
RUN update-ca-certificates
COPY go /usr/local/go
ENV GOPATH=/go PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /go
"""

NOTEBOOK_FILE = """FROM {debian}
RUN apt-get update && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates tini \\
        && rm -rf /var/lib/apt/lists/*
COPY host-cas.crt /usr/local/share/ca-certificates/host-cas.crt
RUN update-ca-certificates
RUN useradd -m -u 1000 -g 100 -s /bin/bash jovyan
COPY hub-requirements.txt /tmp/hub-requirements.txt
RUN python3 -m venv /opt/conda && /opt/conda/bin/pip install --no-cache-dir --require-hashes \\
        -r /tmp/hub-requirements.txt && chown -R 1000:100 /opt/conda && rm /tmp/hub-requirements.txt
ENV NB_USER=jovyan NB_UID=1000 NB_GID=100 CONDA_DIR=/opt/conda HOME=/home/jovyan \\
    PATH=/opt/conda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
WORKDIR /home/jovyan
USER 1000
CMD ["jupyter", "lab"]
"""


def log(msg):
    print(msg, flush=True)


def podman(*args, check=True, capture=False, env=None):
    cmd = ["podman", *args]
    out = subprocess.run(cmd, env=env, text=True, capture_output=capture)
    if check and out.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed (exit {out.returncode})"
                           + (f":\n{out.stderr}" if capture else ""))
    return out


def containers_conf():
    """A containers.conf for this machine (see the module's doc), in CONTAINERS_CONF."""
    soft, hard = _limits("RLIMIT_NOFILE")
    WORK.mkdir(parents=True, exist_ok=True)
    conf = WORK / "containers.conf"
    lines = ["[containers]", f'default_ulimits = ["nofile={soft}:{hard}", "nproc=16384:16384"]']
    if shutil.which("runc"):
        lines += ["[engine]", 'runtime = "runc"']
    conf.write_text("\n".join(lines) + "\n")
    os.environ["CONTAINERS_CONF"] = str(conf)


def _limits(name):
    import resource
    return resource.getrlimit(getattr(resource, name))


def exists(image):
    return podman("image", "exists", image, check=False).returncode == 0


def timed(what, fn):
    t0 = time.time()
    fn()
    took = time.time() - t0
    log(f"     {what}: {took:.0f} s")
    return took


def build_debian():
    if exists(DEBIAN):
        return
    if not shutil.which("debootstrap"):
        raise RuntimeError("debootstrap is missing (apt-get install debootstrap)")
    with tempfile.TemporaryDirectory(dir=WORK) as tmp:
        rootfs = Path(tmp) / "rootfs"
        subprocess.run(["debootstrap", "--variant=minbase", "bookworm", str(rootfs), MIRROR], check=True,
                       stdout=subprocess.DEVNULL)
        tar = subprocess.Popen(["tar", "-C", str(rootfs), "-c", "."], stdout=subprocess.PIPE)
        subprocess.run(["podman", "import", "-", DEBIAN], stdin=tar.stdout, check=True, stdout=subprocess.DEVNULL)
        if tar.wait() != 0:
            raise RuntimeError("tar of the Debian root file system failed")


def build_from(tag, containerfile, files):
    """Build tag from a Containerfile text and files {name: source path} in a context folder of its own."""
    if exists(tag):
        return
    with tempfile.TemporaryDirectory(dir=WORK) as ctx:
        for name, src in files.items():
            if Path(src).is_dir():
                shutil.copytree(src, Path(ctx) / name, symlinks=True)
            else:
                shutil.copy(src, Path(ctx) / name)
        (Path(ctx) / "Containerfile").write_text(containerfile.format(debian=DEBIAN))
        podman("build", "--network", "host", "-t", tag, ctx)


def base_images():
    """The build arguments naming the base images."""
    if BASES == "real":
        return []
    if BASES != "stand-in":
        raise RuntimeError(f"GOLM_IMAGE_BASES={BASES!r}: want stand-in or real")
    timed("Debian root file system (debootstrap, imported; cached as " + DEBIAN + ")", build_debian)
    goroot = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True, check=True).stdout.strip()
    timed("stand-in golang image (cached)", lambda: build_from(GOLANG, GOLANG_FILE, {"go": goroot, "host-cas.crt": HOST_CAS}))
    timed("stand-in base-notebook image (cached)", lambda: build_from(
        NOTEBOOK, NOTEBOOK_FILE, {"hub-requirements.txt": ROOT / "scripts" / "hub-requirements.txt",
                                  "host-cas.crt": HOST_CAS}))
    return ["--build-arg", f"GO_IMAGE={GOLANG}", "--build-arg", f"BASE_IMAGE={NOTEBOOK}"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base, token, path, method="GET", body=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


async def execute(ws_url, code, timeout=120):
    """Run code in the kernel over its websocket; returns (status, text of its outputs)."""
    ws = await websocket_connect(ws_url)
    msg_id = uuid.uuid4().hex
    ws.write_message(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test", "session": uuid.uuid4().hex,
                   "date": "", "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}}))
    out, status, idle = [], None, False
    deadline = time.time() + timeout
    while not (idle and status):
        left = deadline - time.time()
        if left <= 0:
            raise TimeoutError(f"no answer to {code!r} within {timeout} s")
        raw = await asyncio.wait_for(ws.read_message(), left)
        if raw is None:
            raise RuntimeError("the kernel's websocket closed")
        m = json.loads(raw)
        if m.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        t, c = m["msg_type"], m["content"]
        if t == "stream":
            out.append(c["text"])
        elif t in ("execute_result", "display_data"):
            out.append(c["data"].get("text/plain", ""))
        elif t == "error":
            out.append(f"{c['ename']}: {c['evalue']}")
        elif t == "execute_reply":
            status = c["status"]
        elif t == "status" and c["execution_state"] == "idle":
            idle = True
    ws.close()
    return status, "".join(out)


def run_server():
    """Start the image's Jupyter server, run Go cells through it; returns a list of problems."""
    port, token = free_port(), secrets.token_hex(16)
    name = f"golm-image-test-{os.getpid()}"
    problems = []
    podman("run", "-d", "--rm", "--name", name, "--network", "host", IMAGE,
           "jupyter", "server", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
           f"--IdentityProvider.token={token}", "--ServerApp.port_retries=0", "--no-browser", capture=True)
    try:
        base = f"http://127.0.0.1:{port}"
        t0 = time.time()
        while True:
            try:
                api(base, token, "/api/status")
                break
            except OSError:
                if time.time() - t0 > 120:
                    logs = podman("logs", name, check=False, capture=True)
                    raise RuntimeError(f"the server did not answer within 120 s:\n{logs.stdout}{logs.stderr}")
                time.sleep(0.5)
        log(f"     server up: {time.time() - t0:.1f} s")
        specs = api(base, token, "/api/kernelspecs")["kernelspecs"]
        if "golm" not in specs:
            problems.append(f"no golm kernelspec in the image's server: {sorted(specs)}")
            return problems
        t0 = time.time()
        kernel = api(base, token, "/api/kernels", "POST", {"name": "golm"})
        ws_url = f"ws://127.0.0.1:{port}/api/kernels/{kernel['id']}/channels?token={token}"
        cells = [  # (code, text the outputs must contain)
            ('fmt.Println(strings.ToUpper("golm in a container"), runtime.GOOS)', "GOLM IN A CONTAINER linux"),
            ("local.Built", "true"),
            ("n := 0\nfor i := 0; i < 10; i++ {\n\tn += i\n}\nn", "45"),
        ]
        for i, (code, want) in enumerate(cells):
            c0 = time.time()
            status, text = asyncio.run(execute(ws_url, code))
            log(f"     cell {i + 1} ({'first, with kernel start' if i == 0 else 'warm'}): "
                f"{time.time() - (t0 if i == 0 else c0):.2f} s: {status}: {text.strip()!r}")
            if status != "ok" or want not in text:
                problems.append(f"cell {code!r}: status {status}, output {text!r}; want {want!r}")
        checks = podman("exec", name, "sh", "-c",
                        "ls /opt/golm/lessons | grep -c 'ipynb$'; test -f /opt/golm/00-setup-check.ipynb && echo setup;"
                        " command -v jupyterhub-singleuser; go version; id -u",
                        capture=True).stdout.split("\n")
        log(f"     in the image: {checks[0]} lesson notebooks, {' '.join(c for c in checks[1:] if c)}")
        if not checks[0].isdigit() or int(checks[0]) < 8 or "setup" not in checks \
                or not any(c.endswith("jupyterhub-singleuser") for c in checks) or "1000" not in checks:
            problems.append(f"the image lacks the course, the set-up check or jupyterhub-singleuser, or runs as "
                            f"root: {checks}")
        api(base, token, f"/api/kernels/{kernel['id']}", "DELETE")
    finally:
        podman("rm", "-f", name, check=False, capture=True)
    return problems


def main():
    if not shutil.which("podman"):
        sys.exit("test-image needs podman: apt-get install podman runc debootstrap (Debian)")
    containers_conf()
    log(f"image {IMAGE} from workshop/k8s/Dockerfile, base images: {BASES}")
    args = base_images()
    took = timed("image build", lambda: podman("build", "--network", "host", "-f", str(ROOT / "workshop" / "k8s" / "Dockerfile"),
                                               *args, "-t", IMAGE, str(ROOT)))
    size = podman("image", "inspect", "--format", "{{.Size}}", IMAGE, capture=True).stdout.strip()
    log(f"     image size: {int(size) / 1e6:.0f} MB (built in {took:.0f} s)")
    problems = run_server()
    for p in problems:
        log("FAIL " + p)
    log("ok   the image runs Go cells" if not problems else "FAIL test-image")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
