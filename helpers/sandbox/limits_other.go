//go:build !linux

package sandbox

import (
	"os"
	"os/exec"
)

// configure does nothing where process groups and parent-death signals are not available through this code.
func configure(cmd *exec.Cmd) {}

// kill ends the child.
func kill(p *os.Process) { _ = p.Kill() }

// residentBytes is unknown outside Linux; the memory limit then rests on the Go runtime's soft limit.
func residentBytes(pid int) (int64, bool) { return 0, false }

// applyLimits sets the limits the Go runtime enforces itself.
func applyLimits(req request) error {
	setSoftLimits(req)
	return nil
}
