package supervisor

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// sysProcAttr puts the worker in its own process group (so that Kill ends what it started too) and asks
// Linux to kill it when the kernel dies, however the kernel dies. (Linux sends the signal when the thread
// that started the worker ends, which in Go happens only to a thread locked with runtime.LockOSThread; the
// worker also exits when its request pipe reaches end-of-file, which covers that case.)
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// memoryPoll is how often the worker's memory is measured: reading /proc is cheap.
const memoryPoll = 100 * time.Millisecond

// residentMemory returns the resident memory of a process, in bytes, from /proc/PID/statm.
func residentMemory(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/statm", pid))
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(data))
	if len(f) < 2 {
		return 0, fmt.Errorf("reading /proc/%d/statm: %q has no resident size", pid, data)
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("reading /proc/%d/statm: %w", pid, err)
	}
	return pages * int64(os.Getpagesize()), nil
}
