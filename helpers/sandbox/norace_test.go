//go:build !race

package sandbox_test

// race reports a test binary built with -race (see race_test.go).
const race = false
