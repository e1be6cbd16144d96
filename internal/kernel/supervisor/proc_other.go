//go:build unix && !linux

package supervisor

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// sysProcAttr puts the worker in its own process group (so that Kill ends what it started too). These
// systems have no death signal: the worker exits when its request pipe reaches end-of-file, which happens
// when the kernel dies (see package worker).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}

// memoryPoll is how often the worker's memory is measured: each measure runs ps.
const memoryPoll = time.Second

// residentMemory returns the resident memory of a process, in bytes, as ps reports it.
func residentMemory(pid int) (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "ps", "-o", "rss=", "-p", strconv.Itoa(pid)).Output()
	if err != nil {
		return 0, fmt.Errorf("ps -p %d: %w", pid, err)
	}
	return parsePSKiB(out)
}
