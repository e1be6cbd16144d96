//go:build !linux && !darwin

package main

import "errors"

// totalMemory is unknown here: the kernel sets no memory limit unless GOLM_MEMORY_LIMIT does.
func totalMemory() (int64, error) {
	return 0, errors.New("the machine's memory size is unknown on this system")
}
