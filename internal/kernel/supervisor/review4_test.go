package supervisor

import (
	"strings"
	"testing"
	"time"

	"github.com/golm-dev/golm/internal/kernel/pipe"
)

// TestCrashWithAChildHoldingStderr checks that a worker that exits while a process it started still holds
// its standard error (a server started from a cell, say) is reported as a crash at once, not when that
// process ends.
func TestCrashWithAChildHoldingStderr(t *testing.T) {
	p, tr := start(t, 0)
	code := "import \"golm.test/exiter\"\nimport \"os/exec\"\ncmd := exec.Command(\"sleep\", \"30\")\ncmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr\n" +
		"if err := cmd.Start(); err != nil { panic(err) }\nfmt.Fprintln(os.Stderr, \"leaving a child\")\nexiter.Exit(0)"
	type result struct {
		ev  pipe.Event
		err error
	}
	done := make(chan result, 1)
	go func() { ev, err := run(t, p, tr, code); done <- result{ev, err} }()
	select {
	case r := <-done:
		crash, ok := r.err.(*Crash)
		if !ok || crash.Status != "exit status 0" || !strings.Contains(crash.Detail, "leaving a child") {
			t.Fatalf("want a crash with exit status 0 and the stderr, got %v %+v (%q)", r.err, crash, tr)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("no answer 10 s after the worker exited: the kernel waits for the child that holds its pipes (%q)", tr)
	}
}
