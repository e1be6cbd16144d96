//go:build unix

package supervisor

import (
	"fmt"
	"strconv"
	"strings"
	"syscall"
)

// killGroup kills the worker's process group (the worker and what it started).
func killGroup(pid int) {
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}

// parsePSKiB reads the output of ps -o rss= (kibibytes) as bytes.
func parsePSKiB(out []byte) (int64, error) {
	kib, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("reading the resident size from ps: %q is not a number", out)
	}
	return kib << 10, nil
}
