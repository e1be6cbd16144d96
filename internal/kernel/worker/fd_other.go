//go:build !linux

package worker

// describeFD would say what a file descriptor is; only Linux says it (see fd_linux.go).
func describeFD(int) string { return "" }
