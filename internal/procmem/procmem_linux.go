package procmem

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
)

// Resident returns the memory process pid has in RAM, in bytes, from /proc/PID/statm (a read of a few
// bytes: cheap enough to poll every 100 ms).
func Resident(pid int) (int64, error) {
	path := "/proc/" + strconv.Itoa(pid) + "/statm"
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	return parseStatm(path, data)
}

// parseStatm reads the resident size (the second field, in pages) of a statm file's content.
func parseStatm(path string, data []byte) (int64, error) {
	f := bytes.Fields(data)
	if len(f) < 2 {
		return 0, fmt.Errorf("reading %s: %q has no resident size", path, data)
	}
	pages, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w", path, err)
	}
	return pages * int64(os.Getpagesize()), nil
}
