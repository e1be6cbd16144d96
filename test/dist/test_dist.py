#!/usr/bin/python3
"""The release on a clean machine: `make dist` output, served over HTTP, installed by the Colab/Kaggle first
cell (scripts/colab.sh) from a Python kernel started the way those services start theirs, in a fresh home
folder with no Go toolchain on PATH; then the runtime's kernel must be golm and run Go cells.

    make dist && /usr/bin/python3 test/dist/test_dist.py      (or: make test-dist)

The stand-ins of the services' layouts, and what they are based on:

- Colab starts its kernel as `/usr/bin/python3 -m colab_kernel_launcher -f /root/.local/share/jupyter/runtime/
  kernel-UUID.json`: the command line is quoted by Colab's own kernel logs ("/usr/bin/python3: No module named
  colab_kernel_launcher", googlecolab/colabtools#5133) and by argparse errors seen in Colab
  ("colab_kernel_launcher.py: error: unrecognized arguments: -f /root/.local/share/jupyter/runtime/kernel-....json");
  the module is a file in /usr/local/lib/python3.X/dist-packages (tracebacks from Colab), and it defines
  ColabKernelApp, a subclass of ipykernel's IPKernelApp that sets socket options, launched with
  launch_instance() (colabtools' colab_kernel_launcher.py). Our stand-in is such a module in a folder on the
  kernel's PYTHONPATH, and a python3 kernelspec with that command line.
- Kaggle: we found no record of its kernel's command line, and assume ipykernel's usual launcher (`python -m
  ipykernel_launcher -f ...`) with KAGGLE_* variables set (KAGGLE_KERNEL_RUN_TYPE); colab.sh handles
  colab_kernel_launcher there too, and says so when it finds neither. Our stand-in: an ipykernel_launcher
  module of our own, ahead of the system's on PYTHONPATH, and KAGGLE_KERNEL_RUN_TYPE=Interactive.
- A restart after the kernel dies is what Jupyter's kernel restarter does (Colab's logs: "KernelRestarter:
  restarting kernel (1/5), keep random ports"): here KernelManager.restart_kernel with the same ports.

Not tested here: Colab's and Kaggle's real machines and web front ends, GitHub's release downloads.
"""

import contextlib
import functools
import http.server
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DIST = os.environ.get("GOLM_DIST_DIR", os.path.join(REPO, "build", "dist"))
# A machine's usual PATH, without Go (which lives in /usr/local/go/bin and ~/go/bin here).
CLEAN_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"
PYTHON = "/usr/bin/python3"
# This machine's archive (the test runs the release's golm here).
ARCH = {"x86_64": "amd64", "aarch64": "arm64"}.get(os.uname().machine, os.uname().machine)
NAME = "golm-%s-%s" % (os.uname().sysname.lower(), ARCH)

COLAB_LAUNCHER = '''"""Stand-in of Colab's colab_kernel_launcher (see test/dist/test_dist.py): an IPKernelApp subclass."""
from ipykernel import kernelapp


class ColabKernelApp(kernelapp.IPKernelApp):
    pass


if __name__ == "__main__":
    ColabKernelApp.launch_instance()
'''

KAGGLE_LAUNCHER = '''"""Stand-in of ipykernel_launcher as Kaggle runs it (see test/dist/test_dist.py)."""
if __name__ == "__main__":
    from ipykernel import kernelapp
    kernelapp.launch_new_instance()
'''


def serve(folder):
    """Serves folder over HTTP on a loopback port; returns the base URL and the server."""
    handler = functools.partial(QuietHandler, directory=folder)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return "http://127.0.0.1:%d" % srv.server_address[1], srv


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def run_cell(kc, code, timeout=120):
    """Executes code; returns (status, text output) once the kernel is idle, or (None, output) if the kernel
    stopped answering (it died) before that."""
    msg_id = kc.execute(code)
    out = []
    status = None
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=1)
        except queue.Empty:
            if not kc.is_alive():
                return None, "".join(out)
            continue
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        t, c = msg["msg_type"], msg["content"]
        if t == "stream":
            out.append(c["text"])
        elif t in ("execute_result", "display_data"):
            out.append(c["data"].get("text/plain", "") + "\n")
        elif t == "error":
            out.append("ERROR %s: %s\n" % (c["ename"], c["evalue"]))
            status = "error"
        elif t == "status" and c["execution_state"] == "idle":
            return status or "ok", "".join(out)
    return None, "".join(out)


class CleanMachine(unittest.TestCase):
    """Each test: a fresh home, a PATH without Go, the release served on a loopback port."""

    @classmethod
    def setUpClass(cls):
        for f in ("manifest.json", "SHA256SUMS", "colab.sh", NAME + ".tar.gz"):
            if not os.path.exists(os.path.join(DIST, f)):
                raise AssertionError("no %s in %s: run make dist first (make test-dist does)" % (f, DIST))
        cls.url, cls.server = serve(DIST)

    @classmethod
    def tearDownClass(cls):
        cls.server.shutdown()
        cls.server.server_close()

    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="golm-clean-")
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        self.home = os.path.join(self.root, "home")
        os.makedirs(self.home)
        self.env = {
            "HOME": self.home,
            "PATH": CLEAN_PATH,
            "LANG": "C.UTF-8",
            "TMPDIR": os.path.join(self.root, "tmp"),
            "JUPYTER_PATH": os.path.join(self.root, "jupyter"),
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # ipykernel's debugger warnings, not ours
        }
        os.makedirs(self.env["TMPDIR"])
        self.assertIsNone(shutil.which("go", path=CLEAN_PATH), "go is on the clean PATH")

    @contextlib.contextmanager
    def environ(self, extra):
        """The test process's environment replaced by the clean machine's (jupyter_client reads it)."""
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(self.env)
        os.environ.update(extra)
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def first_cell(self):
        # The README's first cell, pointed at the local server instead of GitHub.
        return "!curl -fsSL %s/colab.sh | GOLM_RELEASE_URL=%s sh" % (self.url, self.url)

    def python_kernel(self, launcher_module, launcher_source, extra_env):
        """Writes the stand-in launcher and a python3 kernelspec that starts it; returns a started
        KernelManager and its client."""
        from jupyter_client import KernelManager
        site = os.path.join(self.root, "dist-packages")
        os.makedirs(site)
        with open(os.path.join(site, launcher_module + ".py"), "w") as f:
            f.write(launcher_source)
        spec = os.path.join(self.root, "jupyter", "kernels", "python3")
        os.makedirs(spec)
        with open(os.path.join(spec, "kernel.json"), "w") as f:
            f.write('{"argv": ["%s", "-m", "%s", "-f", "{connection_file}"], "display_name": "Python 3", '
                    '"language": "python"}' % (PYTHON, launcher_module))
        env = {"PYTHONPATH": site}
        env.update(extra_env)
        with self.environ(env):
            km = KernelManager(kernel_name="python3")
            km.start_kernel()
        self.addCleanup(lambda: km.shutdown_kernel(now=True))
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        return km, kc, site

    def check_switch(self, launcher_module, launcher_source, extra_env):
        km, kc, site = self.python_kernel(launcher_module, launcher_source, extra_env)
        status, out = run_cell(kc, "import sys; print(sys.version_info[0])")
        self.assertEqual((status, out.strip()), ("ok", "3"), "the stand-in Python kernel does not run")

        t0 = time.time()
        status, out = run_cell(kc, self.first_cell(), timeout=180)
        took = time.time() - t0
        print("\n--- first cell in Python (%.1fs):\n%s" % (took, out), file=sys.stderr)
        self.assertIsNone(status, "the Python kernel should have been ended by the first cell")
        self.assertIn("now starts golm", out)
        self.assertIn("restarting the runtime's kernel as golm", out)
        with open(os.path.join(site, launcher_module + ".py")) as f:
            self.assertIn("# golm launcher (colab.sh)", f.read())
        self.assertTrue(os.path.exists(os.path.join(site, launcher_module + ".py.golm-orig")))
        kc.stop_channels()

        # What the service's restarter does: the same kernelspec, the same ports.
        deadline = time.time() + 10
        while km.is_alive() and time.time() < deadline:
            time.sleep(0.2)
        with self.environ({"PYTHONPATH": site, **extra_env}):
            km.restart_kernel(now=True)
        kc = km.client()
        kc.start_channels()
        self.addCleanup(kc.stop_channels)
        kc.wait_for_ready(timeout=60)
        info = kc.kernel_info(reply=True)["content"]
        self.assertEqual(info["language_info"]["name"], "go", info)
        pid = km.provisioner.process.pid
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            argv = f.read().split(b"\0")
        self.assertTrue(argv[0].endswith(b"/golm") and argv[1] == b"kernel", argv)

        status, out = run_cell(kc, 'words := strings.Fields("They are splashing")\nlen(words)')
        self.assertEqual((status, out.strip()), ("ok", "3"))
        status, out = run_cell(kc, "!command -v go || echo no go here")
        self.assertEqual(out.strip(), "no go here")

        # The first cell again, now in golm: nothing happens, the session goes on.
        t0 = time.time()
        status, out = run_cell(kc, self.first_cell())
        print("--- first cell in golm (%.1fs):\n%s" % (time.time() - t0, out), file=sys.stderr)
        self.assertEqual(status, "ok")
        self.assertIn("already runs in golm", out)
        status, out = run_cell(kc, "len(words)")
        self.assertEqual((status, out.strip()), ("ok", "3"))

        # The kernelspec for Jupyters that read it (golm install --user from the release).
        ks = os.path.join(self.home, ".local", "share", "jupyter", "kernels", "golm", "kernel.json")
        with open(ks) as f:
            self.assertIn(os.path.join(self.home, ".local", "share", "golm", "releases"), f.read())

        # --restore, run in golm (where a learner is once the launcher was replaced), puts Python back.
        status, out = run_cell(kc, "!curl -fsSL %s/colab.sh | sh -s -- --restore" % self.url)
        print("--- --restore in golm:\n%s" % out, file=sys.stderr)
        self.assertEqual(status, "ok", out)
        self.assertIn("restored %s" % launcher_module, out)
        with open(os.path.join(site, launcher_module + ".py")) as f:
            self.assertEqual(f.read(), launcher_source)
        self.assertFalse(os.path.exists(os.path.join(site, launcher_module + ".py.golm-orig")))
        status, out = run_cell(kc, "!curl -fsSL %s/colab.sh | sh -s -- --restore" % self.url)
        self.assertIn("nothing to restore", out)
        return took

    def test_colab(self):
        self.check_switch("colab_kernel_launcher", COLAB_LAUNCHER, {})

    def test_kaggle(self):
        self.check_switch("ipykernel_launcher", KAGGLE_LAUNCHER, {"KAGGLE_KERNEL_RUN_TYPE": "Interactive"})

    def test_plain_jupyter_keeps_python(self):
        """In another Jupyter the first cell installs golm and its kernelspec, and leaves Python alone."""
        km, kc, site = self.python_kernel("ipykernel_launcher", KAGGLE_LAUNCHER, {})
        status, out = run_cell(kc, self.first_cell(), timeout=180)
        self.assertEqual(status, "ok", out)
        self.assertIn('pick the "Go (golm)" kernel', out)
        self.assertFalse(os.path.exists(os.path.join(site, "ipykernel_launcher.py.golm-orig")))
        self.assertTrue(km.is_alive())
        kc.stop_channels()

    def run_script(self, base, *args, extra_env=None):
        env = dict(self.env, GOLM_RELEASE_URL=base, **(extra_env or {}))
        return subprocess.run(["sh", os.path.join(DIST, "colab.sh"), *args], env=env, cwd=self.root,
                              capture_output=True, text=True, timeout=180)

    def test_from_a_shell(self):
        """The one line of the README's fast path, run from a shell rather than a notebook."""
        r = self.run_script(self.url)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('pick the "Go (golm)" kernel in Jupyter', r.stdout)
        ks = os.path.join(self.home, ".local", "share", "jupyter", "kernels", "golm", "kernel.json")
        self.assertTrue(os.path.exists(ks), r.stdout)
        again = self.run_script(self.url)
        self.assertIn("is installed already", again.stdout)
        # --restore with no launcher replaced says so and changes nothing.
        r = self.run_script(self.url, "--restore")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("nothing to restore", r.stdout)
        # On Kaggle (or Colab) without a launcher it knows, the cell fails and says why.
        kaggle = self.run_script(self.url, extra_env={"KAGGLE_KERNEL_RUN_TYPE": "Interactive"})
        self.assertNotEqual(kaggle.returncode, 0, kaggle.stdout)
        self.assertIn("cannot be switched to golm and stays Python", kaggle.stderr)

    def test_damaged_release_installs_nothing(self):
        bad = os.path.join(self.root, "bad")
        shutil.copytree(DIST, bad)
        with open(os.path.join(bad, NAME + ".tar.gz"), "r+b") as f:
            f.seek(1000)
            b = f.read(1)
            f.seek(1000)
            f.write(bytes([b[0] ^ 0xFF]))
        url, srv = serve(bad)
        self.addCleanup(srv.server_close)
        self.addCleanup(srv.shutdown)
        r = self.run_script(url)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("damaged (nothing was installed)", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.home, ".local", "share", "golm")))
        self.assertFalse(os.path.exists(os.path.join(self.home, ".local", "share", "jupyter")))

    def test_golm_that_does_not_run_installs_nothing(self):
        """A release whose checksums are right but whose golm fails (as one needing a newer glibc would)."""
        import hashlib
        import io
        import json
        import tarfile
        rel = os.path.join(self.root, "rel")
        os.makedirs(rel)
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:gz") as tf:
            body = b"#!/bin/sh\necho 'golm: /lib/x86_64-linux-gnu/libc.so.6: version GLIBC_2.99 not found' >&2\nexit 1\n"
            info = tarfile.TarInfo(NAME + "/golm")
            info.size, info.mode = len(body), 0o755
            tf.addfile(info, io.BytesIO(body))
        archive = buf.getvalue()
        manifest = json.dumps({"name": "golm", "version": "v0.0.1", "archives": [{
            "file": NAME + ".tar.gz", "os": NAME.split("-")[1], "arch": ARCH, "features": [], "requires": {},
            "size": len(archive), "sha256": hashlib.sha256(archive).hexdigest()}]}, indent=2).encode()
        files = {NAME + ".tar.gz": archive, "manifest.json": manifest}
        with open(os.path.join(rel, "SHA256SUMS"), "w") as sums:
            for name, b in files.items():
                with open(os.path.join(rel, name), "wb") as f:
                    f.write(b)
                sums.write("%s  %s\n" % (hashlib.sha256(b).hexdigest(), name))
        r = self.run_script(rel)
        self.assertNotEqual(r.returncode, 0, r.stdout)
        self.assertIn("GLIBC_2.99 not found", r.stdout + r.stderr)
        self.assertIn("installing golm failed", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(self.home, ".local", "share", "jupyter")))
        golm_home = os.path.join(self.home, ".local", "share", "golm")
        self.assertFalse(os.path.exists(golm_home), os.listdir(golm_home) if os.path.exists(golm_home) else "")

    def test_golm_install_release(self):
        """golm install --release from the served release, by a golm unpacked by hand (no Go on PATH)."""
        subprocess.run(["tar", "-C", self.root, "-xzf", os.path.join(DIST, NAME + ".tar.gz")], check=True)
        golm = os.path.join(self.root, NAME, "golm")
        with open(os.path.join(self.root, NAME, "share", "jupyter", "kernels", "golm", "kernel.json")) as f:
            import json
            self.assertEqual(json.load(f)["argv"], ["golm", "kernel", "{connection_file}"])
        t0 = time.time()
        r = subprocess.run([golm, "install", "--release", "--from", self.url, "--user"], env=self.env,
                           capture_output=True, text=True, timeout=180)
        took = time.time() - t0
        print("\n--- golm install --release (%.1fs):\n%s%s" % (took, r.stdout, r.stderr), file=sys.stderr)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("sha256 verified", r.stdout)
        linked = os.path.join(self.home, ".local", "share", "golm", "bin", "golm")
        v = subprocess.run([linked, "version"], capture_output=True, text=True, env=self.env)
        with open(os.path.join(DIST, "manifest.json")) as f:
            import json
            self.assertEqual(v.stdout.strip(), "golm " + json.load(f)["version"])
        r = subprocess.run([golm, "install", "--release", "--from", self.url, "--user"], env=self.env,
                           capture_output=True, text=True, timeout=60)
        self.assertIn("already installed", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
