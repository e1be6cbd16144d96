//go:build linux

package sandbox

import "golang.org/x/sys/unix"

// onTmpfs reports whether path is on a memory file system.
func onTmpfs(path string) bool {
	var st unix.Statfs_t
	return unix.Statfs(path, &st) == nil && st.Type == unix.TMPFS_MAGIC
}
