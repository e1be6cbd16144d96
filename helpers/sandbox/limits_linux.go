//go:build linux

package sandbox

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/golm-dev/golm/internal/procmem"
)

// kill ends the child's process group.
func kill(p *os.Process) {
	if err := syscall.Kill(-p.Pid, syscall.SIGKILL); err != nil {
		_ = p.Kill()
	}
}

// residentBytes returns the memory a process has in RAM.
func residentBytes(pid int) (int64, bool) {
	rss, err := procmem.Resident(pid)
	return rss, err == nil
}

// virtualBytes returns the address space of this process, from /proc.
func virtualBytes() (int64, bool) {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmSize:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0, false
			}
			return kb << 10, true
		}
	}
	return 0, false
}

// applyLimits runs in the child before it is confined: an address-space limit (what it has now plus twice
// the memory limit, so that a huge allocation fails at once; the parent watches the resident size for the
// real limit), a file size limit (writes past it fail with "file too large"), few open files, no core dumps
// and, in a user namespace of its own (where the count starts at zero), few threads.
func applyLimits(cfg childConfig) error {
	signal.Ignore(syscall.SIGXFSZ)
	set := func(what string, res int, v uint64) error {
		// Never above the limit inherited from the parent (the kernel's worker may have its own): raising a
		// hard limit is not allowed.
		var cur syscall.Rlimit
		if err := syscall.Getrlimit(res, &cur); err == nil && cur.Max < v {
			v = cur.Max
		}
		lim := syscall.Rlimit{Cur: v, Max: v}
		if err := syscall.Setrlimit(res, &lim); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	if cfg.MemoryLimit > 0 && !raceEnabled {
		if vsz, ok := virtualBytes(); ok {
			if err := set("address space", syscall.RLIMIT_AS, uint64(vsz+2*cfg.MemoryLimit)); err != nil {
				return err
			}
		}
	}
	if cfg.MaxFileSize > 0 {
		if err := set("file size", syscall.RLIMIT_FSIZE, uint64(cfg.MaxFileSize)); err != nil {
			return err
		}
	}
	if cfg.NS && cfg.Level != Unconfined {
		if err := set("threads", unix.RLIMIT_NPROC, maxThreads+64); err != nil {
			return err
		}
	}
	if err := set("open files", syscall.RLIMIT_NOFILE, 128); err != nil {
		return err
	}
	return set("core dumps", syscall.RLIMIT_CORE, 0)
}
