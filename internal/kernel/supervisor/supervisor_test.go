package supervisor

import (
	"context"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golm-dev/golm/internal/kernel/pipe"
	"github.com/golm-dev/golm/internal/kernel/worker"
	"github.com/golm-dev/golm/symbols"
	"github.com/traefik/yaegi/interp"
)

// The test binary doubles as the worker: with GOLM_TEST_WORKER set it serves on the pipes, as golm worker
// does. (Only the test links the interpreter; the package does not.)
func TestMain(m *testing.M) {
	if os.Getenv("GOLM_TEST_WORKER") == "1" {
		syms := interp.Exports{}
		for k, v := range symbols.Symbols {
			syms[k] = v
		}
		// A compiled function that exits, as a C library or a careless helper might.
		syms["golm.test/exiter/exiter"] = map[string]reflect.Value{"Exit": reflect.ValueOf(os.Exit)}
		err := worker.Run(worker.Config{StuckAfter: time.Second, Symbols: syms})
		if err != nil {
			fmt.Fprintln(os.Stderr, "golm worker:", err) // as golm's main says it
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// transcript records streams and events in the order the parent publishes them.
type transcript struct {
	mu    sync.Mutex
	items []string
}

func (t *transcript) add(s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.items = append(t.items, s)
}

func (t *transcript) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.items, "|")
}

func start(t *testing.T, limit int64) (*Process, *transcript) {
	t.Helper()
	tr := &transcript{}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	p, err := Start(Options{
		Command:     []string{exe, "-test.run=^$"},
		Env:         append(os.Environ(), "GOLM_TEST_WORKER=1"),
		MemoryLimit: limit,
		Stream:      func(name, text string) { tr.add(name + ":" + text) },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := p.Ready(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p, tr
}

func run(t *testing.T, p *Process, tr *transcript, code string) (pipe.Event, error) {
	t.Helper()
	return p.Do(pipe.Request{Op: pipe.OpExecute, Code: code, AllowStdin: true}, func(ev pipe.Event) {
		switch ev.Kind {
		case pipe.EvDisplay:
			tr.add("display:" + fmt.Sprint(ev.Bundle.Data["text/html"]))
		case pipe.EvResult:
			tr.add("result:" + fmt.Sprint(ev.Bundle.Data["text/plain"]))
		case pipe.EvError:
			tr.add("error:" + ev.Error.Value)
		case pipe.EvInput:
			tr.add("input:" + ev.Prompt)
			_ = p.Answer("Ada", nil)
		default:
			tr.add(ev.Kind)
		}
	})
}

func TestOrderOfOutputAndDisplays(t *testing.T) {
	p, tr := start(t, 0)
	_, err := run(t, p, tr, `fmt.Println("one")
display.HTML("<b>two</b>")
fmt.Fprintln(os.Stderr, "three")
display.HTML("<i>four</i>")
fmt.Print("five")
6*7`)
	if err != nil {
		t.Fatal(err)
	}
	want := "stdout:one\n|display:<b>two</b>|stderr:three\n|display:<i>four</i>|stdout:five|result:42"
	if got := tr.String(); got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
}

func TestInput(t *testing.T) {
	p, tr := start(t, 0)
	if _, err := run(t, p, tr, "var name string\nfmt.Scanln(&name)\n\"hello \" + name"); err != nil {
		t.Fatal(err)
	}
	if got := tr.String(); !strings.Contains(got, "input:|result:\"hello Ada\"") {
		t.Fatalf("transcript %q", got)
	}
}

func TestInterrupt(t *testing.T) {
	p, tr := start(t, 0)
	time.AfterFunc(300*time.Millisecond, func() { _ = p.Interrupt() })
	startT := time.Now()
	ev, err := run(t, p, tr, "n := 0\nfor { n++ }")
	if err != nil {
		t.Fatal(err)
	}
	if ev.Kind != pipe.EvDone || !strings.Contains(tr.String(), "error:the cell was interrupted") {
		t.Fatalf("event %v, transcript %q", ev, tr)
	}
	if d := time.Since(startT); d > 2*time.Second {
		t.Fatalf("interrupt took %v", d)
	}
	if _, err := run(t, p, tr, "n > 0"); err != nil || !strings.Contains(tr.String(), "result:true") {
		t.Fatalf("session state after interrupt: %v %q", err, tr)
	}
}

func TestStuckCompiledCall(t *testing.T) {
	p, tr := start(t, 0)
	time.AfterFunc(200*time.Millisecond, func() { _ = p.Interrupt() })
	ev, err := run(t, p, tr, "time.Sleep(time.Hour)")
	if err != nil {
		t.Fatal(err)
	}
	if ev.Kind != pipe.EvStuck {
		t.Fatalf("want a stuck event, got %v (%q)", ev, tr)
	}
}

func TestCrashes(t *testing.T) {
	cases := []struct {
		name, code, want string
		limit            int64
	}{
		// A goroutine started with go f() (one started with a function literal is caught: see the engine).
		{"panic in a goroutine", "func lose() { panic(\"lost\") }\ngo lose()\ntime.Sleep(2*time.Second)", "panic outside the cell", 0},
		{"fatal runtime error", "m := map[int]int{}\nfor i := 0; i < 4; i++ { go func() { for j := 0; j < 1000000; j++ { m[j] = j } }() }\ntime.Sleep(3*time.Second)",
			"concurrent map writes", 0},
		{"exit from compiled code", "import \"golm.test/exiter\"\nexiter.Exit(3)", "os.Exit", 0},
		{"out of memory", "var keep [][]byte\nfor i := 0; i < 1000; i++ { b := make([]byte, 8<<20); for j := range b { b[j] = 1 }; keep = append(keep, b) }", "memory", 200 << 20},
		{"stack overflow", "func down(n int) int { return down(n+1) + 1 }\ndown(0)", "stack overflow", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, tr := start(t, c.limit)
			_, err := run(t, p, tr, c.code)
			crash, ok := err.(*Crash)
			if !ok {
				t.Fatalf("want a crash, got %v (%q)", err, tr)
			}
			if !strings.Contains(crash.Reason, c.want) {
				t.Fatalf("reason %q, want %q", crash.Reason, c.want)
			}
		})
	}
}

// TestCrashReport checks what a crash says about a worker that ends on its own: the reason, the exit status
// and the end of its standard error, however the process ends.
func TestCrashReport(t *testing.T) {
	type crashCase struct {
		name   string
		code   string
		during func(p *Process) // done while the cell runs
		reason string
		status string
		stderr string // in the kept end of stderr
	}
	cases := []crashCase{
		{name: "exit 0 from compiled code",
			code:   "import \"golm.test/exiter\"\nfmt.Fprintln(os.Stderr, \"about to leave\")\nexiter.Exit(0)",
			reason: "exited without saying why", status: "exit status 0", stderr: "about to leave"},
		{name: "exit 7 from compiled code",
			code:   "import \"golm.test/exiter\"\nfmt.Fprintln(os.Stderr, \"leaving with 7\")\nexiter.Exit(7)",
			reason: "os.Exit", status: "exit status 7", stderr: "leaving with 7"},
		{name: "request pipe closed under a running cell",
			code:   "fmt.Fprintln(os.Stderr, \"sleeping\")\ntime.Sleep(time.Minute)",
			during: func(p *Process) { _ = p.reqW.Close() },
			reason: "the kernel closed the request pipe while request 1 ran", status: "exit status 0", stderr: "sleeping"},
		{name: "malformed request",
			code: "time.Sleep(time.Minute)",
			during: func(p *Process) {
				p.reqMu.Lock()
				defer p.reqMu.Unlock()
				_, _ = p.reqW.(io.Writer).Write([]byte("{not json\n"))
			},
			reason: "reading the kernel's requests: invalid character", status: "exit status 1", stderr: "golm worker: reading"},
	}
	if runtime.GOOS == "linux" {
		// Code in the session puts another file on the request pipe's descriptor: the read in progress still
		// gets the next request (an interrupt), the one after reads the other file.
		cases = append(cases, crashCase{name: "request pipe replaced",
			code:   "f, _ := os.Open(\"/dev/null\")\nsyscall.Dup3(int(f.Fd()), 3, 0)\ntime.Sleep(time.Minute)",
			during: func(p *Process) { _ = p.Interrupt() },
			reason: "file descriptor 3 was pipe:", status: "exit status 1", stderr: "is now /dev/null"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, tr := start(t, 0)
			if c.during != nil {
				time.AfterFunc(500*time.Millisecond, func() { c.during(p) })
			}
			_, err := run(t, p, tr, c.code)
			crash, ok := err.(*Crash)
			if !ok {
				t.Fatalf("want a crash, got %v (%q)", err, tr)
			}
			if !strings.Contains(crash.Reason, c.reason) || crash.Status != c.status || !strings.Contains(crash.LastLines(10, 1<<10), c.stderr) {
				t.Fatalf("crash %+v\nwant reason %q, status %q, stderr with %q", crash, c.reason, c.status, c.stderr)
			}
			t.Logf("reason: %s (%s)", crash.Reason, crash.Status)
			if got := p.Crash(); got == nil || got.Reason != crash.Reason {
				t.Fatalf("Crash() after the exit: %+v", got)
			}
		})
	}
}

func TestCrashKeepsTheEndOfStderr(t *testing.T) {
	p, tr := start(t, 0)
	// 100 KiB of numbered lines, then an exit: the crash keeps the last StderrKept bytes.
	_, err := run(t, p, tr, "import \"golm.test/exiter\"\nfor i := 0; i < 10000; i++ { fmt.Fprintf(os.Stderr, \"line %05d\\n\", i) }\nexiter.Exit(0)")
	crash, ok := err.(*Crash)
	if !ok {
		t.Fatalf("want a crash, got %v", err)
	}
	if len(crash.Detail) != StderrKept || !strings.HasSuffix(crash.Detail, "line 09999\n") {
		t.Fatalf("kept %d bytes, ending %q", len(crash.Detail), crash.Detail[max(0, len(crash.Detail)-40):])
	}
	if got, want := crash.LastLines(3, 1<<10), "line 09997\nline 09998\nline 09999"; got != want {
		t.Fatalf("LastLines(3) = %q, want %q", got, want)
	}
	if got := crash.LastLines(100, 30); got != "line 09998\nline 09999" {
		t.Fatalf("LastLines(100, 30 bytes) = %q", got)
	}
}

func TestRing(t *testing.T) {
	var r ring
	r.write("abc")
	mark := r.total
	r.write("def")
	if r.String() != "abcdef" || r.since(mark) != "def" || r.since(0) != "abcdef" {
		t.Fatalf("ring %q, since %q", r.String(), r.since(mark))
	}
	big := strings.Repeat("x", 3*StderrKept) + "end"
	r.write(big)
	if s := r.String(); len(s) != StderrKept || !strings.HasSuffix(s, "end") {
		t.Fatalf("kept %d bytes", len(s))
	}
	if s := r.since(mark); len(s) != StderrKept {
		t.Fatalf("since an old mark: %d bytes, want the %d kept", len(s), StderrKept)
	}
}

// TestForgedMarks: text a cell prints that looks like a sync mark (a model's output, say) is text: a mark
// without the worker's key with a large number does not hold back the output, one that never ends is
// published instead of growing the parent's buffer, and the order of text and displays holds.
func TestForgedMarks(t *testing.T) {
	p, tr := start(t, 0)
	code := `fmt.Print("a\x00golm-sync:99999999999\x00b")
display.HTML("<b>c</b>")
fmt.Print("d\x00golm-sync:" + os.Getenv("GOLM_SYNC_KEY") + ":12x\x00e")
fmt.Print("\x00golm-sync:")
fmt.Print(strings.Repeat("x", 300000))
fmt.Fprint(os.Stderr, "\x00golm-sync:" + strings.Repeat("7", 50) + "\x00f")
display.HTML("<i>g</i>")
7`
	done := make(chan error, 1)
	go func() { _, err := run(t, p, tr, code); done <- err }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("the cell's output was held back: %.300q", tr.String())
	}
	// Standard output and error are two pipes: their texts may interleave in any order between displays,
	// which each come after everything printed before them. So stdout with the displays and the result,
	// adjacent pieces merged, must be in order, and stderr must come before the last display.
	var merged []string
	var stderr string
	items := strings.Split(tr.String(), "|")
	lastDisplay := -1
	for i, item := range items {
		if strings.HasPrefix(item, "display:<i>g") {
			lastDisplay = i
		}
	}
	for i, item := range items {
		if rest, ok := strings.CutPrefix(item, "stderr:"); ok {
			stderr += rest
			if i > lastDisplay {
				t.Errorf("stderr text after the display that follows it: %.100q", item)
			}
			continue
		}
		if n := len(merged); n > 0 && strings.HasPrefix(item, "stdout:") && strings.HasPrefix(merged[n-1], "stdout:") {
			merged[n-1] += strings.TrimPrefix(item, "stdout:")
			continue
		}
		merged = append(merged, item)
	}
	want := []string{"stdout:a\x00golm-sync:99999999999\x00b", "display:<b>c</b>",
		"stdout:d\x00golm-sync::12x\x00e\x00golm-sync:" + strings.Repeat("x", 300000), "display:<i>g</i>", "result:7"}
	if len(merged) != len(want) {
		t.Fatalf("got %d items, want %d: %.400q", len(merged), len(want), merged)
	}
	for i := range want {
		if merged[i] != want[i] {
			t.Errorf("item %d: got %.200q, want %.200q", i, merged[i], want[i])
		}
	}
	if want := "\x00golm-sync:" + strings.Repeat("7", 50) + "\x00f"; stderr != want {
		t.Errorf("stderr %q, want %q", stderr, want)
	}
	if os.Getenv(pipe.KeyEnv) != "" {
		t.Errorf("the test process has %s set", pipe.KeyEnv)
	}
}
