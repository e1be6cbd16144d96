package engine

import (
	"context"
	"math/bits"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestStdio: what the interpreter's Use would bind when given fmt under its usual key, the session binds
// itself (stdioFuncs): printing and scanning on the session's streams, flag.CommandLine, os.Args,
// math/bits.UintSize; and the generic stand-ins that replace yaegi's own generic sources still work.
func TestStdio(t *testing.T) {
	var out, errb syncBuffer
	inputs := []string{"7 eight", "9", "ten 11"}
	var prompts []string
	s, err := New(Options{Stdout: &out, Stderr: &errb, Input: func(_ context.Context, prompt string, _ bool) (string, error) {
		prompts = append(prompts, prompt)
		if len(inputs) == 0 {
			return "", os.ErrClosed
		}
		in := inputs[0]
		inputs = inputs[1:]
		return in, nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	argsBefore := slices.Clone(os.Args)
	cases := []struct {
		code   string
		result string // text/plain of the result, "" for none
		stdout string // what the cell prints
		stderr string // substring of what the cell writes on stderr
		err    string // substring of the error
	}{
		{code: `fmt.Print("a", 1, "\n"); fmt.Println("b", 2)`, stdout: "a1\nb 2\n"},
		{code: "type temp float64\nfunc (t temp) String() string { return fmt.Sprintf(\"%.1f°C\", float64(t)) }\nfmt.Println(temp(21.5))", stdout: "21.5°C\n"},
		{code: "var n int\nvar w string\nfmt.Scanln(&n, &w)\nfmt.Println(n+1, w)", stdout: "8 eight\n"},
		{code: "var m int\nfmt.Scan(&m)\nm * 2", result: "18"},
		{code: "var a string\nvar b int\nfmt.Scanf(\"%s %d\", &a, &b)\nfmt.Sprint(a, b)", result: `"ten11"`},
		{code: `flag.CommandLine.Parse([]string{"-nope"})`, err: "flag provided but not defined", stderr: "flag provided but not defined: -nope"},
		{code: `v := flag.CommandLine.Int("v", 1, "verbosity"); flag.CommandLine.Parse([]string{"-v", "3"}); *v`, result: "3"},
		{code: `len(os.Args) == ` + strconv.Itoa(len(os.Args)) + ` && os.Args[0] == ` + strconv.Quote(os.Args[0]), result: "true"},
		{code: `os.Args = []string{"prog", "x"}`},
		{code: `bits.UintSize`, result: strconv.Itoa(bits.UintSize)},
		{code: "xs := []int{3, 1, 2}\nslices.Sort(xs)\nfmt.Println(xs, slices.Max(xs), cmp.Compare(1, 2))", stdout: "[1 2 3] 3 -1\n"},
		{code: "var once = sync.OnceValue(func() int { return 5 })\nonce()", result: "5"},
		{code: "var p atomic.Pointer[int]\nk := 4\np.Store(&k)\n*p.Load()", result: "4"},
	}
	for _, c := range cases {
		out.Reset()
		errb.Reset()
		r, err := s.Execute(context.Background(), c.code)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want one with %q", c.code, err, c.err)
			}
			if !strings.Contains(errb.String(), c.stderr) {
				t.Errorf("%q: stderr %q, want %q in it", c.code, errb.String(), c.stderr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.code, err)
			continue
		}
		got := ""
		if r != nil && r.Value != nil {
			got = text(r)
		}
		if got != c.result {
			t.Errorf("%q: result %q, want %q", c.code, got, c.result)
		}
		if out.String() != c.stdout {
			t.Errorf("%q: printed %q, want %q", c.code, out.String(), c.stdout)
		}
		if !strings.Contains(errb.String(), c.stderr) {
			t.Errorf("%q: stderr %q, want %q in it", c.code, errb.String(), c.stderr)
		}
	}
	if !slices.Equal(os.Args, argsBefore) {
		t.Errorf("a cell's os.Args changed the process's: %q", os.Args)
	}
	if len(prompts) != 3 {
		t.Errorf("%d reads of standard input, want 3", len(prompts))
	}
}
