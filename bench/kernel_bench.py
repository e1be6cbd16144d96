"""Start-up and round-trip times of Jupyter kernels, measured in one run through jupyter_client.

For each kernel: the time from starting the kernel process to its kernel_info_reply (median of STARTS
starts), and the round trip of a trivial cell, execute_request to execute_reply (median of ROUNDS cells in
one session). Kernels: golm, ipykernel (python3), and GoNB where it is installed.

    JUPYTER_PATH=build/jupyter python3 bench/kernel_bench.py      (make bench does this)
"""

import os
import statistics
import sys
import time

from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

STARTS = int(os.environ.get("STARTS", "15"))
ROUNDS = int(os.environ.get("ROUNDS", "200"))

CELLS = {"golm": "1", "python3": "1", "gonb": "%%\nfmt.Println(1)"}


def start_time(name):
    """Seconds from starting the kernel process to its kernel_info_reply."""
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    while True:
        msg_id = kc.kernel_info()
        try:
            while True:
                reply = kc.get_shell_msg(timeout=0.05)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            break
        except Exception:  # no reply yet: ZeroMQ may drop requests sent before the kernel binds
            if time.perf_counter() - t0 > 60:
                raise
    elapsed = time.perf_counter() - t0
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return elapsed


def first_cell_time(name):
    """Seconds from starting the kernel process to the reply of its first trivial cell (for golm this
    includes starting the interpreter process)."""
    km = KernelManager(kernel_name=name)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    msg_id = kc.execute(CELLS.get(name, "1"))
    while True:
        reply = kc.get_shell_msg(timeout=60)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    elapsed = time.perf_counter() - t0
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    return elapsed


def round_trips(name):
    """Seconds per trivial cell, execute_request to execute_reply."""
    km = KernelManager(kernel_name=name)
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    code = CELLS.get(name, "1")
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


def main():
    specs = KernelSpecManager().find_kernel_specs()
    kernels = [k for k in ("golm", "python3", "gonb") if k in specs]
    if "golm" not in kernels:
        sys.exit("no golm kernelspec: run make bench (or set JUPYTER_PATH)")
    print(f"{'kernel':10} {'start→kernel_info':>20} {'start→first cell':>18} {'trivial cell round trip':>25}   (medians)")
    for k in kernels:
        starts = statistics.median([start_time(k) for _ in range(STARTS)])
        firsts = statistics.median([first_cell_time(k) for _ in range(max(3, STARTS // 3))])
        rt = statistics.median(round_trips(k))
        print(f"{k:10} {starts*1000:17.1f} ms {firsts*1000:15.1f} ms {rt*1000:22.2f} ms", flush=True)
    print(f"\n{STARTS} starts and {ROUNDS} cells per kernel on {os.cpu_count()} cores; targets for golm: start < 150 ms, round trip < 5 ms.")


if __name__ == "__main__":
    main()
