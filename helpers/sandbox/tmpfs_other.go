//go:build !linux

package sandbox

// onTmpfs is not checked outside Linux.
func onTmpfs(path string) bool { return false }
