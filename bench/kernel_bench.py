"""Start-up, reset, restart and round-trip times of Jupyter kernels, and their memory, measured in one run
through jupyter_client.

Each kernel is measured RUNS times, the kernels taking turns (golm, ipykernel, golm, ...) so that a change in
the machine's load falls on all of them alike. One run of a kernel:

  start → kernel_info     from starting the kernel process (KernelManager.start_kernel) to its
                          kernel_info_reply, IOPub connected (the kernel_info request's status came back)
  start → first output    from starting the kernel process to the output (execute_result) of a first
                          trivial cell, sent as soon as the kernel answered kernel_info
  %reset → output         a pause of PAUSE seconds (a person reads the cell's output), then %reset -f, and as
                          soon as it is answered a trivial cell: from sending %reset to that cell's output;
                          RESETS times per run
  restart → first output  KernelManager.restart_kernel (shutdown_request with restart, the process waited
                          for, a new process started) to the output of a first trivial cell
  CPU to first output     the processor time the kernel's processes (the kernel and its descendants) had
                          used when the first output arrived, from /proc/PID/task/*/schedstat: unlike the
                          times above, it hardly depends on the machine's load
  memory                  after the first cell and a pause of SETTLE seconds: the proportional set size
                          (PSS, shared pages divided among the processes that share them) and the resident
                          size (RSS) of the kernel process and all its descendants, from /proc/PID/smaps_rollup

The client connects as soon as the kernel process is started, before the kernel listens: its sockets retry
a refused connection every RECONNECT_MS milliseconds (5; libzmq's default, which jupyter_client keeps, is
100, and puts a floor of 100-200 ms under the start of any kernel that listens sooner: RECONNECT_MS=100
shows that).

Then the round trip of a trivial cell, execute_request to execute_reply (median of ROUNDS cells in one
session, begun SETTLE seconds after the kernel's start). All figures are medians. golm is measured twice: as installed (a spare worker kept ready) and with
GOLM_SPARE_WORKER=0 (no spare), so that the spare's cost in memory and its gain in time show side by side.
Kernels: golm, ipykernel (python3), and GoNB where it is installed.

    JUPYTER_PATH=build/jupyter python3 bench/kernel_bench.py      (make bench does this)
"""

import os
import statistics
import sys
import time

import zmq
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

RUNS = int(os.environ.get("RUNS", "7"))
RESETS = int(os.environ.get("RESETS", "3"))
ROUNDS = int(os.environ.get("ROUNDS", "200"))
PAUSE = float(os.environ.get("PAUSE", "1"))
SETTLE = float(os.environ.get("SETTLE", "1.5"))
RECONNECT_MS = int(os.environ.get("RECONNECT_MS", "5"))
TIMEOUT = 60.0

CELLS = {"python3": "1", "gonb": "%%\nfmt.Println(1)"}
RESET = {"gonb": "%reset"}
OUTPUTS = ("execute_result", "stream", "display_data")


class Client:
    """Plain blocking shell and IOPub sockets on jupyter_client's session, polled together, so that each
    message is seen the moment it arrives (jupyter_client's own clients add polling delays)."""

    def __init__(self, km):
        self.km = km
        self.session = km.session
        self.shell = self.socket(zmq.DEALER, "shell")
        self.iopub = self.socket(zmq.SUB, "iopub")
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self.poller = zmq.Poller()
        self.poller.register(self.shell, zmq.POLLIN)
        self.poller.register(self.iopub, zmq.POLLIN)

    def socket(self, kind, channel):
        """A socket connected to one of the kernel's channels that retries a refused connection every
        RECONNECT_MS (libzmq's default, which jupyter_client keeps, is 100 ms)."""
        sock = self.km.context.socket(kind)
        sock.linger = 0
        sock.setsockopt(zmq.RECONNECT_IVL, RECONNECT_MS)
        sock.connect(self.km._make_url(channel))
        return sock

    def close(self):
        self.shell.close(linger=0)
        self.iopub.close(linger=0)

    def send(self, msg_type, content):
        msg = self.session.msg(msg_type, content)
        self.session.send(self.shell, msg)
        return msg["header"]["msg_id"]

    def wait(self, until, timeout):
        """Reads messages until until(channel, msg) is true; returns the time it was. Raises TimeoutError."""
        deadline = time.perf_counter() + timeout
        while True:
            left = deadline - time.perf_counter()
            if left <= 0:
                raise TimeoutError
            for sock, _ in self.poller.poll(left * 1000):
                channel = "shell" if sock is self.shell else "iopub"
                _, msg = self.session.recv(sock, mode=zmq.NOBLOCK)
                if msg is not None and until(channel, msg):
                    return time.perf_counter()

    def handshake(self, t0):
        """Sends kernel_info until it is answered on shell and a status of one arrives on IOPub (IOPub messages
        published before the subscription reaches the kernel are lost: once the kernel has answered, the
        request is sent again every 10 ms until IOPub carries one); returns the time of the first reply.
        The wait for the first reply ends when it arrives: a wait that went on for IOPub with the 0.5 s
        timeout meant for the reply put half a second under about half the starts."""
        ids = {self.send("kernel_info_request", {})}
        replied, iopub = None, False

        def until(channel, msg):
            nonlocal replied, iopub
            if msg["parent_header"].get("msg_id") not in ids:
                return False
            if channel == "iopub":
                iopub = True
            if channel == "shell" and replied is None:
                replied = time.perf_counter()
                return True
            return replied is not None and iopub

        while True:
            try:
                self.wait(until, 0.5 if replied is None else 0.01)
                if replied is not None and iopub:
                    return replied
            except TimeoutError:
                if time.perf_counter() - t0 > TIMEOUT:
                    raise
                ids.add(self.send("kernel_info_request", {}))

    def run_cell(self, code):
        """Executes code; returns the time of its first output and waits for its reply."""
        msg_id = self.send("execute_request", {"code": code, "silent": False, "store_history": True,
                                               "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        out = []

        def until(channel, msg):
            if msg["parent_header"].get("msg_id") != msg_id:
                return False
            if channel == "iopub" and msg["msg_type"] in OUTPUTS and not out:
                out.append(time.perf_counter())
            if channel == "shell":
                if msg["content"]["status"] != "ok":
                    raise RuntimeError(f"cell {code!r} failed: {msg['content']}")
                return True
            return False

        self.wait(until, TIMEOUT)
        return out[0] if out else None

    def output_of(self, code):
        """Executes code and returns the time of its output (the reply may come first: wait for both)."""
        msg_id = self.send("execute_request", {"code": code, "silent": False, "store_history": True,
                                               "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        seen = {}

        def until(channel, msg):
            if msg["parent_header"].get("msg_id") != msg_id:
                return False
            if channel == "iopub" and msg["msg_type"] in OUTPUTS:
                seen.setdefault("out", time.perf_counter())
            if channel == "shell":
                if msg["content"]["status"] != "ok":
                    raise RuntimeError(f"cell {code!r} failed: {msg['content']}")
                seen["reply"] = True
            return "out" in seen and "reply" in seen

        self.wait(until, TIMEOUT)
        return seen["out"]


def kernel_pid(km):
    p = getattr(km, "provisioner", None)
    proc = getattr(p, "process", None) or getattr(km, "kernel", None)
    return proc.pid


def tree(pid):
    """pid and its descendants."""
    children = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu(pid):
    """Processor time used so far by a process and its descendants (the threads alive now), in seconds."""
    total = 0
    for p in tree(pid):
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/schedstat") as f:
                    total += int(f.read().split()[0])
        except OSError:
            pass
    return total / 1e9


def memory(pid):
    """PSS and RSS of a process and its descendants, in bytes, and the number of processes."""
    pss = rss = n = 0
    for p in tree(pid):
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    k, v = line.split(":", 1)
                    if k == "Pss":
                        pss += int(v.split()[0]) * 1024
                    elif k == "Rss":
                        rss += int(v.split()[0]) * 1024
            n += 1
        except OSError:
            pass
    return pss, rss, n


def one_run(kernel, env):
    """One run of a kernel: see the module's doc. Returns a dict of seconds (and bytes)."""
    name = kernel_name(kernel)
    km = KernelManager(kernel_name=name)
    code = CELLS.get(name, "1")
    r = {}
    t0 = time.perf_counter()
    km.start_kernel(env=env)
    c = Client(km)
    try:
        r["info"] = c.handshake(t0) - t0
        r["first"] = c.output_of(code) - t0
        r["cpu"] = cpu(kernel_pid(km))
        time.sleep(SETTLE)
        r["pss"], r["rss"], r["procs"] = memory(kernel_pid(km))
        resets = []
        for _ in range(RESETS):
            time.sleep(PAUSE)
            t = time.perf_counter()
            c.run_cell(RESET.get(name, "%reset -f"))
            resets.append(c.output_of(code) - t)
        r["reset"] = statistics.median(resets)
        time.sleep(PAUSE)
        t = time.perf_counter()
        km.restart_kernel(now=False)
        c.handshake(t)
        r["restart"] = c.output_of(code) - t
    finally:
        c.close()
        km.shutdown_kernel(now=True)
    return r


def round_trips(kernel, env):
    """Seconds per trivial cell, execute_request to execute_reply."""
    km = KernelManager(kernel_name=kernel_name(kernel))
    km.start_kernel(env=env)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    time.sleep(SETTLE)  # what a kernel does after its start (golm: its spare worker) is not timed
    code = CELLS.get(kernel_name(kernel), "1")
    for _ in range(5):  # warm up
        kc.execute_interactive(code, timeout=60, output_hook=lambda m: None)
    times = []
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        msg_id = kc.execute(code)
        while True:
            reply = kc.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        times.append(time.perf_counter() - t0)
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return times


# The kernels measured: a label, the kernelspec and extra environment.
VARIANTS = {
    "golm": ("golm", {}),
    "golm-nospare": ("golm", {"GOLM_SPARE_WORKER": "0"}),
    "python3": ("python3", {}),
    "gonb": ("gonb", {}),
}


def kernel_name(kernel):
    return VARIANTS[kernel][0]


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def main():
    specs = KernelSpecManager().find_kernel_specs()
    kernels = [k for k in VARIANTS if VARIANTS[k][0] in specs]
    if "golm" not in kernels:
        sys.exit("no golm kernelspec: run make bench (or set JUPYTER_PATH)")
    envs = {k: dict(os.environ, **VARIANTS[k][1]) for k in kernels}
    print(f"load average before: {load()}", flush=True)
    runs = {k: [] for k in kernels}
    for i in range(RUNS):
        for k in kernels:
            runs[k].append(one_run(k, envs[k]))
        print(f"run {i + 1}/{RUNS} done (load {load()})", file=sys.stderr, flush=True)
    med = {k: {m: statistics.median(r[m] for r in runs[k]) for m in runs[k][0]} for k in kernels}
    rt = {k: statistics.median(round_trips(k, envs[k])) for k in kernels}

    print(f"\n{'kernel':13} {'start→kernel_info':>18} {'start→first output':>19} {'CPU to it':>10} {'%reset→output':>14} "
          f"{'restart→output':>15} {'cell round trip':>16} {'PSS':>9} {'RSS':>9}  (medians; processes)")
    for k in kernels:
        m = med[k]
        print(f"{k:13} {m['info']*1000:15.1f} ms {m['first']*1000:16.1f} ms {m['cpu']*1000:7.1f} ms {m['reset']*1000:11.1f} ms "
              f"{m['restart']*1000:12.1f} ms {rt[k]*1000:13.2f} ms {m['pss']/2**20:5.0f} MiB {m['rss']/2**20:5.0f} MiB  "
              f"({m['procs']:.0f})")
    print(f"\n{RUNS} runs per kernel ({RESETS} resets each, after a pause of {PAUSE} s), {ROUNDS} cells for the round "
          f"trip, reconnecting every {RECONNECT_MS} ms, on {os.cpu_count()} cores; load average after: {load()}.")
    if "python3" in med:
        ratio = med["golm"]["first"] / med["python3"]["first"]
        verdict = "met" if ratio <= 0.1 else "NOT met"
        print(f"golm start→first output / ipykernel's: {ratio:.3f} (target ≤ 0.1: {verdict}; in processor time "
              f"{med['golm']['cpu'] / med['python3']['cpu']:.3f}); "
              f"%reset→output {med['golm']['reset']*1000:.1f} ms vs {med['python3']['reset']*1000:.1f} ms.")
    if "golm-nospare" in med:
        extra = med["golm"]["pss"] - med["golm-nospare"]["pss"]
        print(f"the spare worker costs {extra/2**20:.0f} MiB PSS per kernel "
              f"({(med['golm']['rss'] - med['golm-nospare']['rss'])/2**20:.0f} MiB RSS); GOLM_SPARE_WORKER=0 turns it off.")


if __name__ == "__main__":
    main()
