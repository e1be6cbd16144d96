//go:build race

package sandbox_test

// race reports a test binary built with -race, where the child has no address-space limit.
const race = true
