package server

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golm-dev/golm/internal/kernel/supervisor"
	"github.com/golm-dev/golm/internal/kernel/wire"
)

// withSpare turns the spare worker on and adds variables to the workers' environment.
func withSpare(env ...string) func(*Config) {
	return func(c *Config) {
		c.SpareWorker = true
		c.Worker.Env = append(slices.Clone(c.Worker.Env), env...)
	}
}

// readySpare waits until the kernel keeps a spare worker that is ready, and returns it.
func readySpare(t *testing.T, srv *Server) *supervisor.Process {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		srv.mu.Lock()
		sp := srv.spare
		srv.mu.Unlock()
		if sp != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := sp.p.Ready(ctx); err != nil {
				t.Fatalf("spare worker: %v", err)
			}
			return sp.p
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the kernel started no spare worker")
	return nil
}

// session returns the worker that serves the session now.
func session(srv *Server) *supervisor.Process {
	srv.mu.Lock()
	defer srv.mu.Unlock()
	return srv.proc
}

// outputs joins the text of a request's stream messages and results.
func outputs(ms []*wire.Message) string {
	var b strings.Builder
	for _, m := range ms {
		switch m.Header.MsgType {
		case wire.StreamMsg:
			b.WriteString(content(m)["text"].(string))
		case wire.ExecuteResultMsg:
			b.WriteString(content(m)["data"].(map[string]any)["text/plain"].(string) + "\n")
		}
	}
	return b.String()
}

func mustOK(t *testing.T, c *client, code string) string {
	t.Helper()
	rep, out := c.execute(code)
	if content(rep)["status"] != "ok" {
		t.Fatalf("%q: %s", code, rep.Content)
	}
	return outputs(out)
}

func mustFail(t *testing.T, c *client, code, want string) {
	t.Helper()
	rep, _ := c.execute(code)
	if content(rep)["status"] != "error" || !strings.Contains(string(rep.Content), want) {
		t.Fatalf("%q: %s, want an error with %q", code, rep.Content, want)
	}
}

// TestSpareResetIsolation: %reset hands the session the spare worker, which holds nothing of the session
// before (variables, functions, types, what a cell's os.Setenv set there) and has the kernel's
// environment and the session's %env settings (kept across %reset, as IPython does); each reset hands
// over a spare started meanwhile.
func TestSpareResetIsolation(t *testing.T) {
	c, srv := startKernel(t, 0, withSpare("GOLM_SPARE_FROM_KERNEL=kernel-env"))
	for round, name := range []string{"first", "second"} {
		mustOK(t, c, "secret"+name+" := 42\nfunc helper"+name+"() int { return 1 }\ntype T"+name+" struct{}")
		if out := mustOK(t, c, "%env GOLM_SPARE_SET_IN_SESSION="+name); !strings.Contains(out, name) {
			t.Fatalf("%%env: %q", out)
		}
		mustOK(t, c, `os.Setenv("GOLM_SPARE_SETENV_IN_CELL", "`+name+`")`)
		spare := readySpare(t, srv)
		old := session(srv)
		start := time.Now()
		mustOK(t, c, "%reset")
		took := time.Since(start)
		if got := session(srv); got != spare {
			t.Fatalf("round %d: after %%reset the session runs in worker %d, not the spare %d", round, got.Pid(), spare.Pid())
		}
		select {
		case <-old.Exited():
		default:
			t.Fatalf("round %d: the worker of the session before %%reset still runs", round)
		}
		t.Logf("round %d: %%reset took %v", round, took)
		for _, gone := range []string{"first", "second"} {
			mustFail(t, c, "secret"+gone, "undefined")
			mustFail(t, c, "helper"+gone+"()", "undefined")
			mustFail(t, c, "T"+gone+"{}", "undefined")
		}
		if out := mustOK(t, c, "%env GOLM_SPARE_SET_IN_SESSION"); !strings.Contains(out, name) {
			t.Fatalf("round %d: %%env of the session before %%reset was not kept: %q", round, out)
		}
		if out := mustOK(t, c, `os.Getenv("GOLM_SPARE_SETENV_IN_CELL") == ""`); !strings.Contains(out, "true") {
			t.Fatalf("round %d: a cell's os.Setenv survived %%reset: %q", round, out)
		}
		if out := mustOK(t, c, `os.Getenv("GOLM_SPARE_FROM_KERNEL")`); !strings.Contains(out, "kernel-env") {
			t.Fatalf("round %d: the kernel's environment did not reach the spare: %q", round, out)
		}
		if out := mustOK(t, c, `fmt.Println("printed by the spare")`); out != "printed by the spare\n" {
			t.Fatalf("round %d: output of the handed-over spare: %q", round, out)
		}
	}
	if next := readySpare(t, srv); next == session(srv) {
		t.Fatal("no new spare after the last %reset")
	}
}

// TestSpareInterruptAndRestart: interrupts work in a handed-over spare, and a cell that ignores the
// interrupt restarts the session in the next spare.
func TestSpareInterruptAndRestart(t *testing.T) {
	c, srv := startKernel(t, 500*time.Millisecond, withSpare())
	mustOK(t, c, "x := 1")
	readySpare(t, srv)
	mustOK(t, c, "%reset")

	id := c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": "for { }", "silent": false})
	time.Sleep(300 * time.Millisecond)
	c.send(c.control, wire.InterruptRequest, map[string]any{})
	c.reply(c.control, wire.InterruptReply)
	if rep := c.reply(c.shell, wire.ExecuteReply); content(rep)["ename"] != "Interrupted" {
		t.Fatalf("interrupt in the handed-over spare: %s", rep.Content)
	}
	c.waitIdle(id, 5*time.Second)
	mustOK(t, c, "y := 2")

	spare := readySpare(t, srv)
	c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": "time.Sleep(time.Hour)"})
	time.Sleep(300 * time.Millisecond)
	c.send(c.control, wire.InterruptRequest, map[string]any{})
	c.reply(c.control, wire.InterruptReply)
	if rep := c.reply(c.shell, wire.ExecuteReply); !strings.Contains(string(rep.Content), "restarted") {
		t.Fatalf("unstoppable cell: %s", rep.Content)
	}
	if out := mustOK(t, c, "1 + 1"); out != "2\n" {
		t.Fatalf("after the restart: %q", out)
	}
	if session(srv) != spare {
		t.Fatal("the restart did not hand over the spare")
	}
	mustFail(t, c, "y", "undefined")
}

// TestSpareOutputHidden: what a spare prints before it is handed over (here a line at its start) does not
// appear in the cells of the session, which it does not serve yet.
func TestSpareOutputHidden(t *testing.T) {
	const banner = "golm-test-worker-banner"
	c, srv := startKernel(t, 0, withSpare("GOLM_TEST_WORKER_BANNER="+banner))
	mustOK(t, c, "1")
	// A cell that runs until the spare is ready: the spare starts, prints and gets ready meanwhile.
	flag := filepath.Join(t.TempDir(), "spare-ready")
	id := c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": `for {
	if _, err := os.Stat(` + "`" + flag + "`" + `); err == nil {
		break
	}
	time.Sleep(10 * time.Millisecond)
}
fmt.Println("done")`})
	readySpare(t, srv)
	if err := os.WriteFile(flag, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	c.reply(c.shell, wire.ExecuteReply)
	out := outputs(c.waitIdle(id, 20*time.Second))
	if out != "done\n" {
		t.Fatalf("output of the cell that ran while the spare started: %q", out)
	}
	mustOK(t, c, "%reset")
	if out := mustOK(t, c, "2"); out != "2\n" {
		t.Fatalf("first cell in the handed-over spare: %q", out)
	}
}

// TestSpareOfOtherCommandDiscarded: a spare started with another worker command (before %go switched
// workers) is ended, not handed over.
func TestSpareOfOtherCommandDiscarded(t *testing.T) {
	c, srv := startKernel(t, 0, withSpare())
	mustOK(t, c, "1")
	stale := readySpare(t, srv)
	srv.mu.Lock()
	srv.cfg.Worker.Command = append(slices.Clone(srv.cfg.Worker.Command), "-test.count=1")
	srv.mu.Unlock()
	mustOK(t, c, "%reset")
	if session(srv) == stale {
		t.Fatal("a spare of the old worker command was handed over")
	}
	select {
	case <-stale.Exited():
	case <-time.After(5 * time.Second):
		t.Fatal("the stale spare was not ended")
	}
	if out := mustOK(t, c, "3"); out != "3\n" {
		t.Fatalf("after %%reset: %q", out)
	}
	if sp := readySpare(t, srv); sp == stale {
		t.Fatal("the stale spare is still kept")
	}
}

// TestSpareEndsWithKernel: shutting the kernel down ends the spare too.
func TestSpareEndsWithKernel(t *testing.T) {
	c, srv := startKernel(t, 0, withSpare())
	mustOK(t, c, "1")
	spare := readySpare(t, srv)
	c.send(c.control, wire.ShutdownRequest, map[string]any{"restart": false})
	c.reply(c.control, wire.ShutdownReply)
	select {
	case <-spare.Exited():
	case <-time.After(10 * time.Second):
		t.Fatal("the spare outlived its kernel")
	}
}

// TestNoSpareWhenOff: without Config.SpareWorker the kernel runs one worker.
func TestNoSpareWhenOff(t *testing.T) {
	c, srv := startKernel(t, 0)
	mustOK(t, c, "1")
	time.Sleep(spareDelay + 500*time.Millisecond)
	srv.mu.Lock()
	sp := srv.spare
	srv.mu.Unlock()
	if sp != nil {
		t.Fatalf("a spare worker (%d) with spares off", sp.p.Pid())
	}
	mustOK(t, c, "z := 1")
	mustOK(t, c, "%reset")
	mustFail(t, c, "z", "undefined")
}
