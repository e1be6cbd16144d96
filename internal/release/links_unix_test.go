//go:build unix

package release

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// An install killed between making bin/golm's temporary link and renaming it leaves golm.tmp-PID-RANDOM
// behind; the next install removes those of processes that have ended at once, and those of running
// processes once they are old (the PID may have been reused), and nothing else.
func TestInstallRemovesStaleLinks(t *testing.T) {
	ended := exec.Command("true")
	if err := ended.Run(); err != nil {
		t.Fatal(err)
	}
	dead, alive := ended.Process.Pid, os.Getpid()
	if processRuns(dead) {
		t.Fatalf("process %d ended but processRuns says it runs", dead)
	}
	if !processRuns(alive) {
		t.Fatalf("processRuns(%d) is false for this test's own process", alive)
	}
	dest := t.TempDir()
	bin := filepath.Join(dest, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	type entry struct {
		name    string
		link    bool // a symbolic link (else a file)
		old     bool // last changed two hours ago
		removed bool
	}
	entries := []entry{
		{fmt.Sprintf("golm.tmp-%d-1f", dead), true, false, true},
		{fmt.Sprintf("golm.tmp-%d-2f", alive), true, false, false}, // another install at work right now
		{fmt.Sprintf("golm.tmp-%d-3f", alive), true, true, true},
		{"golm.tmp-notapid-4f", true, false, false},
		{"golm.tmp-notapid-5f", true, true, true},
		{fmt.Sprintf("golm.tmp-%d-6f", dead), false, true, false}, // not a link: not ours
		{fmt.Sprintf("other.tmp-%d-7f", dead), true, true, false},
	}
	old := time.Now().Add(-2 * time.Hour)
	for _, e := range entries {
		p := filepath.Join(bin, e.name)
		var err error
		if e.link {
			err = os.Symlink("/nonexistent/golm", p)
		} else {
			err = os.WriteFile(p, []byte("x"), 0o644)
		}
		if err == nil && e.old {
			tv := []unix.Timeval{unix.NsecToTimeval(old.UnixNano()), unix.NsecToTimeval(old.UnixNano())}
			err = unix.Lutimes(p, tv)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	rel := newRelease(t, "v1", "golm v1", nil)
	r, err := Install(context.Background(), Options{Source: Source{Base: rel.folder(t)}, Dest: dest})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		_, err := os.Lstat(filepath.Join(bin, e.name))
		if gone := errors.Is(err, fs.ErrNotExist); gone != e.removed {
			t.Errorf("%s: removed %v, want %v", e.name, gone, e.removed)
		}
	}
	if target, err := os.Readlink(r.Link); err != nil || target != r.Binary {
		t.Errorf("bin/golm points at %q (%v), want %q", target, err, r.Binary)
	}
}
