package supervisor

import (
	"syscall"
	"time"

	"github.com/golm-dev/golm/internal/procmem"
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

// residentMemory returns the resident memory of a process, in bytes.
func residentMemory(pid int) (int64, error) { return procmem.Resident(pid) }
