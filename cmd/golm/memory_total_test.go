//go:build linux || darwin

package main

import "testing"

// TestTotalMemory reads this machine's memory size the way the kernel does for its default limit.
func TestTotalMemory(t *testing.T) {
	n, err := totalMemory()
	if err != nil {
		t.Fatal(err)
	}
	if n < 256<<20 || n > 64<<40 {
		t.Fatalf("total memory %d bytes: not plausible", n)
	}
}
