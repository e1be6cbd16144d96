//go:build unix

package worker

import (
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/golm-dev/golm/symbols"
)

// The test binary doubles as the processes of the tests: with GOLM_TEST_WORKER set it is a worker serving
// on the pipes, as golm worker is; with GOLM_TEST_PARENT set it is a parent that starts a worker (see
// actAsParent).
func TestMain(m *testing.M) {
	switch {
	case os.Getenv("GOLM_TEST_WORKER") == "1":
		poll, _ := time.ParseDuration(os.Getenv("GOLM_TEST_PARENT_POLL"))
		if err := Run(Config{Symbols: symbols.Symbols, StuckAfter: time.Second, ParentPoll: poll}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	case os.Getenv("GOLM_TEST_PARENT") != "":
		if err := actAsParent(os.Getenv("GOLM_TEST_PARENT")); err != nil {
			fmt.Fprintln(os.Stderr, "test parent:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
