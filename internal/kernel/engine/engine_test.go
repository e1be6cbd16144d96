package engine

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golm-dev/golm/helpers/display"
)

// syncBuffer is a bytes.Buffer safe for the interpreter's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}

func newSession(t testing.TB) (*Session, *syncBuffer, *syncBuffer) {
	t.Helper()
	var out, errb syncBuffer
	s, err := New(Options{Stdout: &out, Stderr: &errb})
	if err != nil {
		t.Fatal(err)
	}
	return s, &out, &errb
}

func text(r *Result) string {
	if r == nil || r.Value == nil {
		return "<none>"
	}
	return r.Value.Data[display.MIMEText].(string)
}

// TestCells runs a sequence of cells in one session; each row is one cell and what it must show, print, or
// fail with.
func TestCells(t *testing.T) {
	s, out, _ := newSession(t)
	cases := []struct {
		code   string
		result string // text/plain of the execute_result ("<none>" for none)
		stdout string // substring of what the cell prints
		err    string // substring of the error, "" for success
	}{
		{code: `fmt.Println("hi")`, result: "<none>", stdout: "hi\n"},
		{code: `x := 41`, result: "<none>"},
		{code: `x + 1`, result: "42"},
		{code: `strings.Repeat("ab", 2)`, result: `"abab"`},
		{code: `[]int{1, 2, 3}`, result: "[]int{1, 2, 3}"},
		{code: `map[string]int{"b": 2, "a": 1}`, result: `map[string]int{"a": 1, "b": 2}`},
		{code: "type Point struct{ X, Y int }\nPoint{1, 2}", result: "Point{X: 1, Y: 2}"},
		{code: `&Point{3, 4}`, result: "&Point{X: 3, Y: 4}"},
		{code: `[]Point{{1, 2}}`, result: "[]Point{{X: 1, Y: 2}}"},
		{code: `errors.New("boom")`, result: "boom"},
		// A method with a pointer receiver called last on a variable holding a value: no result to show (it used
		// to fail with "reflect.Set: value of type context.Context is not assignable to type func()").
		{code: "var mu sync.Mutex\nmu.Lock()", result: "<none>"},
		{code: "mu.Unlock()", result: "<none>"},
		{code: "var sb strings.Builder\nsb.WriteString(\"abc\")", result: "3"},
		{code: "sb.Len()", result: "3"},
		{code: `os.Setenv("GOLM_TEST_VAR", "1")`, result: "<none>"},
		{code: `os.Chdir("/nonexistent-golm")`, result: "chdir /nonexistent-golm: no such file or directory"},
		{code: `time.Duration(1500) * time.Millisecond`, result: "1.5s"},
		{code: "func f() {}\nf()", result: "<none>"},
		{code: `strconv.Atoi("12")`, result: "12"},
		{code: `strconv.Atoi("x")`, result: `0, strconv.Atoi: parsing "x": invalid syntax`},
		{code: "func three() (int, string, error) { return 1, \"a\", nil }\nthree()", result: `1, "a"`},
		{code: "import \"strings\"\nstrings.ToUpper(\"a\")", result: `"A"`},
		{code: "import \"strings\"\nimport \"fmt\"\nfmt.Sprint(strings.ToLower(\"B\"))", result: `"b"`},
		{code: "func g() int { return 1 }\nfunc g() int { return 2 }\ng()", err: "g redeclared"},
		{code: "func g() int { return 2 }\ng()", result: "2"},
		{code: "func g() int { return 3 }", result: "<none>"},
		{code: "g()", result: "3"},
		{code: "y := 1", result: "<none>"},
		{code: "y := \"now a string\"\ny", result: `"now a string"`},
		{code: "func main() { fmt.Println(\"main ran\") }", stdout: "main ran", result: "<none>"},
		{code: "1 + 1", result: "2", stdout: ""},
		{code: "min(3, 1, 2)", result: "1"},
		{code: "max(2.5, 1.0)", result: "2.5"},
		{code: "m := map[string]int{\"a\": 1}\nclear(m)\nlen(m)", result: "0"},
		{code: "s := []int{3, 1, 2}\nslices.Sort(s)\ns", result: "[]int{1, 2, 3}"},
		{code: "slices.Contains(s, 2)", result: "true"},
		{code: "slices.Index(s, 3)", result: "2"},
		{code: "slices.Max(s)", result: "3"},
		{code: "slices.Min([]float64{2.5, 1.5})", result: "1.5"},
		{code: "slices.Reverse(s)\ns", result: "[]int{3, 2, 1}"},
		{code: "slices.Sorted(maps.Keys(map[string]bool{\"b\": true, \"a\": true}))", result: `[]string{"a", "b"}`},
		{code: "if true {\n\tn, err := strconv.Atoi(\"7\")\n\tfmt.Println(n, err)\n}", stdout: "7 <nil>\n", result: "<none>"},
		{code: "func() { fmt.Println(\"literal ran\") }()", stdout: "literal ran\n", result: "<none>"},
		{code: "2 * 2", result: "4", stdout: ""}, // the literal above does not run again
		{code: "for i := range 3 { fmt.Print(i) }", stdout: "012", result: "<none>"},
		{code: "func sum(n int) int { t := 0; for i := range n { t += i }; return t }\nsum(5)", result: "10"},
		{code: "for range 2 { fmt.Print(\"x\") }", stdout: "xx", result: "<none>"},
		{code: "func() int { return 5 }()", result: "5"},
		{code: "ys := []int{}\nfor _, v := range []int{1, 2} {\n\tw, ok := map[int]int{1: 10, 2: 20}[v]\n\tif ok { ys = append(ys, w) }\n}\nys", result: "[]int{10, 20}"},
		{code: "x := undefinedName + 1", err: "cell line 1"},
		{code: "a := 1\nb := )", err: "cell line 2"},
		{code: "var zz []int\n\nzz[3]", err: "index out of range"},
		{code: "panic(\"boom\")", err: "boom"},
		{code: "os.Exit(3)", err: "os.Exit(3)"},
		{code: "type Point struct{ X, Y, Z int }", err: "type Point was already declared"},
		{code: "type Point struct{ X, Y int }", result: "<none>"},
		{code: "import \"example.com/nope\"", err: "not available"},
		{code: "%%nosuch\n1", err: "unknown cell magic"},
	}
	for i, c := range cases {
		out.Reset()
		res, err := s.Execute(context.Background(), c.code)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("cell %d %q: error %v, want %q", i, c.code, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("cell %d %q: %v", i, c.code, err)
			continue
		}
		if got := text(res); got != c.result {
			t.Errorf("cell %d %q: result %s, want %s", i, c.code, got, c.result)
		}
		if !strings.Contains(out.String(), c.stdout) {
			t.Errorf("cell %d %q: stdout %q, want %q", i, c.code, out.String(), c.stdout)
		}
	}
}

type richType struct{}

func (richType) HTML() string { return "<b>rich</b>" }

func TestRichValues(t *testing.T) {
	s, _, _ := newSession(t)
	res, err := s.Execute(context.Background(), "type Card struct{ Title string }\nfunc (c Card) HTML() string { return \"<h1>\" + c.Title + \"</h1>\" }\nfunc (c Card) String() string { return \"Card \" + c.Title }\nCard{\"hi\"}")
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Value.Data[display.MIMEHTML]; got != "<h1>hi</h1>" {
		t.Fatalf("html: %v", res.Value.Data)
	}
	if got := text(res); got != "Card hi" {
		t.Fatalf("text: %q", got)
	}
}

func TestInterruptStopsLoop(t *testing.T) {
	s, _, _ := newSession(t)
	if _, err := s.Execute(context.Background(), "n := 0"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := s.Execute(ctx, "for { n++ }")
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("interrupt took %v", d)
	}
	res, err := s.Execute(context.Background(), "n > 0")
	if err != nil || text(res) != "true" {
		t.Fatalf("state lost after interrupt: %v %v", text(res), err)
	}
}

// TestCtxPerCell checks that ctx keeps the context.Context contract across cells: each cell has its own, a ctx
// kept from an earlier cell is done once that cell ended, the new one is live, and interrupting a cell cancels
// the ctx it is running with.
func TestCtxPerCell(t *testing.T) {
	s, out, _ := newSession(t)
	bg := context.Background()
	cells := []struct{ code, result, stdout string }{
		{code: "saved := ctx\nsaved.Err() == nil", result: "true"}, // live while its cell runs
		{code: "saved.Err() == context.Canceled", result: "true"},  // done once its cell ended
		{code: "ctx.Err() == nil && ctx != saved", result: "true"}, // this cell's ctx is its own and live
		{code: "select {\ncase <-saved.Done():\n\tfmt.Println(\"done\")\ndefault:\n\tfmt.Println(\"not done\")\n}",
			result: "<none>", stdout: "done\n"},
		{code: "func cellErr() error { return ctx.Err() }\ncellErr() == nil", result: "true"}, // functions see the running cell's ctx
		{code: "cellErr() == nil", result: "true"},
	}
	for _, c := range cells {
		out.Reset()
		res, err := s.Execute(bg, c.code)
		if err != nil || text(res) != c.result {
			t.Fatalf("%q: %s %v, want %s", c.code, text(res), err, c.result)
		}
		if got := out.String(); got != c.stdout {
			t.Fatalf("%q printed %q, want %q", c.code, got, c.stdout)
		}
	}
	ctx, cancel := context.WithCancel(bg)
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := s.Execute(ctx, "running := ctx\n<-ctx.Done()\nfmt.Println(\"cancelled\")")
	if err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("interrupt: %v", err)
	}
	res, err := s.Execute(bg, "running.Err() == context.Canceled && ctx.Err() == nil")
	if err != nil || text(res) != "true" {
		t.Fatalf("after an interrupt: %s %v", text(res), err)
	}
}

// TestStatementsRunOnce checks that nothing a cell ran runs again with later cells (the interpreter
// re-runs function literals called at top level, and func main, unless the engine prevents it).
func TestStatementsRunOnce(t *testing.T) {
	s, out, _ := newSession(t)
	for _, c := range []string{
		"func() { fmt.Println(\"literal\") }()",
		"func main() { fmt.Println(\"main\") }",
		"go func() { fmt.Println(\"goroutine\") }()\ntime.Sleep(50 * time.Millisecond)",
		"if true { fmt.Println(\"block\") }",
	} {
		if _, err := s.Execute(context.Background(), c); err != nil {
			t.Fatalf("%q: %v", c, err)
		}
	}
	out.Reset()
	for _, c := range []string{"a := 1", "a + 1", "type T struct{}", "func f() {}"} {
		if _, err := s.Execute(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(50 * time.Millisecond)
	if got := out.String(); got != "" {
		t.Fatalf("earlier statements ran again: %q", got)
	}
}

// TestGoroutinePanics checks that a panic in a goroutine a cell starts with a function literal is reported and
// leaves the session as it was (in the interpreter it would end the process), in every place such a goroutine
// can be written.
func TestGoroutinePanics(t *testing.T) {
	s, out, errb := newSession(t)
	ctx := context.Background()
	cells := []struct {
		code, stdout, stderr string
	}{
		{code: "answer := 42"},
		{code: "go func() { panic(\"boom\") }()\ntime.Sleep(200 * time.Millisecond)",
			stderr: "panic in a goroutine: boom\n(golm stopped that goroutine"},
		{code: `var wg sync.WaitGroup
for i := 0; i < 3; i++ {
	wg.Add(1)
	go func(n int) {
		defer wg.Done()
		if n == 1 {
			panic(fmt.Errorf("worker %d failed", n))
		}
		fmt.Println("worker", n, "done")
	}(i)
}
wg.Wait()`, stdout: "done", stderr: "panic in a goroutine: worker 1 failed"},
		{code: "func startWorker(done chan bool) {\n\tgo func() { defer close(done); var m map[string]int; m[\"x\"] = 1 }()\n}"},
		{code: "done := make(chan bool)\nstartWorker(done)\n<-done", stderr: "panic in a goroutine: assignment to entry in nil map"},
		// A goroutine that recovers by itself: golm says nothing.
		{code: "quiet := make(chan any)\ngo func() { defer func() { quiet <- recover() }(); panic(\"mine\") }()\n<-quiet", stderr: ""},
		{code: "fmt.Println(answer)", stdout: "42\n"},
	}
	for _, c := range cells {
		out.Reset()
		errb.Reset()
		if _, err := s.Execute(ctx, c.code); err != nil {
			t.Fatalf("%q: %v", c.code, err)
		}
		if c.stdout != "" && !strings.Contains(out.String(), c.stdout) {
			t.Errorf("%q printed %q, want %q", c.code, out.String(), c.stdout)
		}
		if c.stderr == "" && strings.Contains(errb.String(), "panic in a goroutine") {
			t.Errorf("%q: stderr %q, want no report", c.code, errb.String())
		}
		if c.stderr != "" && !strings.Contains(errb.String(), c.stderr) {
			t.Errorf("%q: stderr %q, want %q", c.code, errb.String(), c.stderr)
		}
	}
	// The added code keeps the cell's lines: an error on line 3 is reported on line 3.
	_, err := s.Execute(ctx, "go func() {\n}()\nundefinedThing()")
	if err == nil || !strings.Contains(err.Error(), "3") || !strings.Contains(err.Error(), "undefinedThing") {
		t.Errorf("line of an error after a goroutine: %v", err)
	}
}
