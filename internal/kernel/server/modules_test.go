package server

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golm-dev/golm/internal/kernel/modules"
	"github.com/golm-dev/golm/internal/kernel/wire"
)

// executeLong runs a cell that may take long (a worker build) and returns its reply and IOPub messages.
func (c *client) executeLong(code string, timeout time.Duration) (*wire.Message, []*wire.Message) {
	c.t.Helper()
	id := c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": code, "silent": false, "user_expressions": map[string]any{}, "allow_stdin": true})
	out := c.waitIdle(id, timeout)
	if out == nil {
		c.t.Fatalf("%q did not finish in %s", code, timeout)
	}
	return c.reply(c.shell, wire.ExecuteReply), out
}

func streamText(ms []*wire.Message) string {
	var b strings.Builder
	for _, m := range ms {
		if m.Header.MsgType == wire.StreamMsg {
			b.WriteString(content(m)["text"].(string))
		}
	}
	return b.String()
}

func errorText(ms []*wire.Message) string {
	for _, m := range ms {
		if m.Header.MsgType == wire.ErrorMsg {
			return content(m)["ename"].(string) + ": " + content(m)["evalue"].(string)
		}
	}
	return ""
}

// withModules gives a kernel a modules workspace in dir, building from this checkout into cache.
func withModules(t *testing.T, dir, cache string) func(*Config) {
	src, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	ws, err := modules.Open(modules.Options{Dir: dir, CacheDir: cache, Source: src})
	if err != nil {
		t.Fatal(err)
	}
	return func(cfg *Config) {
		m := &modules.Magic{Workspace: ws, Default: cfg.Worker.Command}
		cfg.Modules = m
		cfg.Worker.Command = m.StartCommand()
	}
}

// getModules is one %go get of pinned pure-Go modules; a package of gonum and one of generics (lo).
const getModules = "%go get github.com/shopspring/decimal@v1.4.0 github.com/google/uuid@v1.6.0 " +
	"gonum.org/v1/gonum/stat@v0.16.0 github.com/samber/lo@v1.52.0"

// TestGoGet adds modules from the module proxy to a session with state: the first time a worker is built
// (with Go's build cache, which golm's own build filled), the second time, in a fresh kernel and workspace,
// it comes from the worker cache.
func TestGoGet(t *testing.T) {
	cache, workspace := t.TempDir(), t.TempDir()
	c, srv := startKernel(t, 0, withModules(t, workspace, cache))

	rep, out := c.execute(`import "github.com/shopspring/decimal"`)
	if got := errorText(out); !strings.Contains(got, "%go get github.com/shopspring/decimal") {
		t.Errorf("importing a module not in the session: %q, want a hint to use %%go get", got)
	}
	_ = rep
	c.execute("x := 41\ntype point struct{ X, Y int }\nfunc (p point) Sum() int { return p.X + p.Y }")
	c.mustExecute("!echo a shell command")
	t.Logf("resident memory of golm's worker: %s", workerRSS(t, srv))

	start := time.Now()
	rep, out = c.executeLong(getModules, 15*time.Minute)
	cold := time.Since(start)
	t.Logf("%%go get, worker built (Go build cache warm from golm's own build): %s", cold)
	if st := content(rep)["status"]; st != "ok" {
		t.Fatalf("%%go get: %v %s\n%s", st, errorText(out), streamText(out))
	}
	text := streamText(out)
	t.Logf("%%go get printed:\n%s", text)
	for _, want := range []string{"Replaying the 2 cell", "Restored: 1 of 1 cell(s) replayed (1 shell command cell(s) not run again)", "Worker built",
		"generic functions and types of github.com/samber/lo cannot be called from cells"} {
		if !strings.Contains(text, want) {
			t.Errorf("%%go get output lacks %q:\n%s", want, text)
		}
	}

	cases := []struct{ code, want string }{
		{"x + 1", "42"},
		{"point{1, 2}.Sum()", "3"},
		{`decimal.NewFromFloat(0.1).Add(decimal.NewFromFloat(0.2)).String()`, `"0.3"`},
		{`uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://go.dev")).String()`, `"76d71d1b-203b-51c3-b17d-c090cb0e4e32"`},
		{`import "gonum.org/v1/gonum/stat"` + "\nstat.Mean([]float64{1, 2, 3, 4}, nil)", "2.5"},
		{`import "github.com/samber/lo"` + "\nlen(lo.RandomString(8, lo.LettersCharset))", "8"},
	}
	for _, tc := range cases {
		_, out := c.execute(tc.code)
		got := strings.Join(resultTexts(out), "")
		if got != tc.want {
			t.Errorf("%s = %q (%s), want %q", tc.code, got, errorText(out), tc.want)
		}
	}

	t.Logf("resident memory of the worker with the modules: %s", workerRSS(t, srv))
	// The speed of a compiled module function against the same code interpreted (logged, not asserted).
	_, out = c.execute(speedCell)
	t.Logf("stat.Variance of 1e6 values, compiled vs the same loops interpreted: %s %s", streamText(out), errorText(out))

	// Asking again for a package the session has keeps the session as it is.
	_, out = c.executeLong("%go get github.com/google/uuid@v1.6.0", 2*time.Minute)
	if text := streamText(out); !strings.Contains(text, "already runs with these packages") || strings.Contains(text, "Replaying") {
		t.Errorf("%%go get of a package the session has:\n%s %s", text, errorText(out))
	}

	_, out = c.execute("%go list")
	if text := streamText(out); !strings.Contains(text, "github.com/shopspring/decimal v1.4.0") || !strings.Contains(text, "gonum.org/v1/gonum/stat") {
		t.Errorf("%%go list:\n%s", text)
	}

	// A fresh kernel with a fresh workspace asks for the same set: the worker comes from the cache.
	c2, _ := startKernel(t, 0, withModules(t, t.TempDir(), cache))
	start = time.Now()
	rep, out = c2.executeLong(getModules, 5*time.Minute)
	warm := time.Since(start)
	t.Logf("%%go get, cached: %s", warm)
	if st := content(rep)["status"]; st != "ok" || !strings.Contains(streamText(out), "found in the cache") {
		t.Fatalf("second %%go get: %v %s\n%s", st, errorText(out), streamText(out))
	}
	if warm > 30*time.Second {
		t.Errorf("a cached %%go get took %s", warm)
	}
	if got := strings.Join(resultTexts(c2.mustExecute(`decimal.NewFromInt(7).Mul(decimal.NewFromInt(6)).String()`)), ""); got != `"42"` {
		t.Errorf("decimal after a cached %%go get: %q", got)
	}

	// A kernel started again on the first workspace (the notebook reopened) starts with its worker.
	c3, _ := startKernel(t, 0, withModules(t, workspace, cache))
	if got := strings.Join(resultTexts(c3.mustExecute(`stat.Mean([]float64{1, 2}, nil)`)), ""); got != "1.5" {
		t.Errorf("a reopened notebook's session lacks its modules: %q", got)
	}
	_, out = c3.executeLong("%go get", 2*time.Minute)
	if text := streamText(out); !strings.Contains(text, "found in the cache") || !strings.Contains(text, "already runs with these packages") {
		t.Errorf("%%go get without arguments in a reopened notebook:\n%s %s", text, errorText(out))
	}
}

func (c *client) mustExecute(code string) []*wire.Message {
	c.t.Helper()
	_, out := c.execute(code)
	if e := errorText(out); e != "" {
		c.t.Fatalf("%s: %s", code, e)
	}
	return out
}

// TestGoMagicErrors covers what %go refuses, without building anything.
func TestGoMagicErrors(t *testing.T) {
	c, _ := startKernel(t, 0, withModules(t, t.TempDir(), t.TempDir()))
	cases := []struct{ code, want string }{
		{"%go get github.com/google/uuid\nx := 1", "UsageError: %go lines must be alone in their cell"},
		{"%go frob", `GoError: unknown %go command "frob"`},
		{"%go get", "GoError: %go get needs a module"},
		{"%go remove example.com/none", "GoError: example.com/none is not in this notebook's packages"},
		{"%go get example.invalid/nothing@v1.0.0", "GoError: go get example.invalid/nothing@v1.0.0 failed: "},
	}
	for _, tc := range cases {
		_, out := c.executeLong(tc.code, 2*time.Minute)
		if got := errorText(out); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: %q, want it to start with %q", tc.code, got, tc.want)
		}
	}
}

const speedCell = `xs := make([]float64, 1000000)
for i := range xs {
	xs[i] = float64(i % 1000)
}
func variance(x []float64) float64 {
	m := 0.0
	for _, v := range x {
		m += v
	}
	m /= float64(len(x))
	s := 0.0
	for _, v := range x {
		d := v - m
		s += d * d
	}
	return s / float64(len(x)-1)
}
t0 := time.Now()
a := stat.Variance(xs, nil)
compiled := time.Since(t0)
t0 = time.Now()
b := variance(xs)
interpreted := time.Since(t0)
fmt.Printf("compiled %v, interpreted %v (%.0fx), same result: %v", compiled, interpreted, float64(interpreted)/float64(compiled), math.Abs(a-b) < 1e-6*a)`

// workerRSS returns the worker's resident memory, for the log.
func workerRSS(t *testing.T, srv *Server) string {
	srv.mu.Lock()
	p := srv.proc
	srv.mu.Unlock()
	if p == nil {
		return "no worker"
	}
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.Pid()))
	if err != nil {
		return err.Error()
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:"))
		}
	}
	return "unknown"
}

// TestGoGetInterrupt interrupts a %go get while it builds: the build stops, the cell says so, and the
// session goes on.
func TestGoGetInterrupt(t *testing.T) {
	c, _ := startKernel(t, 0, withModules(t, t.TempDir(), t.TempDir()))
	c.mustExecute("kept := 7")
	id := c.send(c.shell, wire.ExecuteRequest, map[string]any{"code": "%go get gonum.org/v1/gonum/mat@v0.16.0 gonum.org/v1/gonum/floats@v0.16.0"})
	time.Sleep(1500 * time.Millisecond)
	start := time.Now()
	c.send(c.control, wire.InterruptRequest, map[string]any{})
	c.reply(c.control, wire.InterruptReply)
	out := c.waitIdle(id, 2*time.Minute)
	if got := errorText(out); got != "KeyboardInterrupt: %go was interrupted" {
		t.Fatalf("interrupted %%go get: %q\n%s", got, streamText(out))
	}
	c.reply(c.shell, wire.ExecuteReply)
	t.Logf("stopped %s after the interrupt", time.Since(start))
	if got := strings.Join(resultTexts(c.mustExecute("kept")), ""); got != "7" {
		t.Errorf("the session after an interrupted %%go get: %q", got)
	}
}
