package main

import (
	"fmt"
	"os"
)

// totalMemory returns the machine's memory in bytes, from /proc/meminfo.
func totalMemory() (int64, error) {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n, err := parseMemInfo(f)
	if err != nil {
		return 0, fmt.Errorf("reading /proc/meminfo: %w", err)
	}
	return n, nil
}
