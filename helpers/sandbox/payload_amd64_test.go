//go:build linux && amd64

package sandbox

import "golang.org/x/sys/unix"

var _ = func() bool {
	forkCalls = append(forkCalls, forkCall{"fork", unix.SYS_FORK, 0}, forkCall{"vfork", unix.SYS_VFORK, 0})
	return true
}()
