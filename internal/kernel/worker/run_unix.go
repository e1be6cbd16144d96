//go:build unix

package worker

import (
	"fmt"
	"os"
	"syscall"

	"github.com/golm-dev/golm/internal/kernel/pipe"
)

// Run serves on the pipes the kernel passes to the worker process (pipe.RequestFD and pipe.EventFD): it is
// the main loop of "golm worker". See Serve for when it returns.
func Run(cfg Config) error {
	in := os.NewFile(pipe.RequestFD, "requests")
	out := os.NewFile(pipe.EventFD, "events")
	for _, f := range []*os.File{in, out} {
		if _, err := f.Stat(); err != nil {
			return fmt.Errorf("no %s pipe (file descriptor %d): golm worker is started by the kernel: %w", f.Name(), f.Fd(), err)
		}
	}
	// Programs that cells start must not inherit the pipes: one that held the event pipe would keep the
	// kernel from seeing this worker end.
	syscall.CloseOnExec(pipe.RequestFD)
	syscall.CloseOnExec(pipe.EventFD)
	return Serve(in, out, cfg)
}
