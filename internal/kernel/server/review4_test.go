package server

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golm-dev/golm/internal/kernel/wire"
)

// switchTo is a modules workspace that, for any %go command, asks for another worker command (the same
// test binary, with one more flag), so that the session switches workers and replays its cells.
type switchTo struct{ cmd []string }

func (m switchTo) Go(ctx context.Context, args []string, out io.Writer) ([]string, error) {
	return m.cmd, nil
}

// TestReplayCrashShowsStderr checks that a worker that dies while %go replays the cells says why in the
// cell's error: the replayed cells' output is hidden, so its standard error is the only clue.
func TestReplayCrashShowsStderr(t *testing.T) {
	exe, _ := os.Executable()
	c, _ := startKernel(t, 0, func(cfg *Config) {
		cfg.Modules = switchTo{cmd: []string{exe, "-test.run=^$", "-test.count=1"}}
	})
	mark := filepath.Join(t.TempDir(), "ran")
	code := fmt.Sprintf("import \"golm.test/exiter\"\nif _, err := os.Stat(%q); err == nil { fmt.Fprintln(os.Stderr, \"dying on replay\"); exiter.Exit(0) }\nos.WriteFile(%q, nil, 0o644)", mark, mark)
	if rep, _ := c.execute(code); content(rep)["status"] != "ok" {
		t.Fatalf("first run: %s", rep.Content)
	}
	rep, out := c.execute("%go get example.com/anything")
	evalue, tb := crashReport(t, rep, out)
	if !strings.Contains(evalue, "replaying cell 1 of 1") || !strings.Contains(tb, "    dying on replay") {
		t.Fatalf("evalue %q\ntraceback %q", evalue, tb)
	}
	if rep, _ := c.execute("1 + 1"); content(rep)["status"] != "ok" {
		t.Fatalf("after the crash: %s", rep.Content)
	}
}

// TestShutdownDuringReplay checks that a kernel shut down while %go replays the cells says so, as it does
// for a cell, and starts no new session.
func TestShutdownDuringReplay(t *testing.T) {
	exe, _ := os.Executable()
	c, srv := startKernel(t, 0, func(cfg *Config) {
		cfg.Modules = switchTo{cmd: []string{exe, "-test.run=^$", "-test.count=1"}}
	})
	mark := filepath.Join(t.TempDir(), "ran")
	code := fmt.Sprintf("if _, err := os.Stat(%q); err == nil { time.Sleep(time.Minute) }\nos.WriteFile(%q, nil, 0o644)", mark, mark)
	if rep, _ := c.execute(code); content(rep)["status"] != "ok" {
		t.Fatalf("first run: %s", rep.Content)
	}
	id := c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": "%go get example.com/anything", "silent": false})
	time.Sleep(2 * time.Second)
	c.send(c.control, wire.ShutdownRequest, map[string]any{"restart": false})
	c.reply(c.control, wire.ShutdownReply)
	rep := c.reply(c.shell, wire.ExecuteReply)
	if content(rep)["ename"] != "KernelShutdown" {
		t.Fatalf("reply %s", rep.Content)
	}
	c.waitIdle(id, 2*time.Second)
	time.Sleep(300 * time.Millisecond)
	srv.mu.Lock()
	p := srv.proc
	srv.mu.Unlock()
	if p != nil && p.Crash() == nil {
		t.Fatal("a new session was started while the kernel shut down")
	}
}
