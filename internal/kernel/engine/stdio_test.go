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

// flagProgram is a program with flags, parsed from os.Args as a program's are.
const flagProgram = `package main

import (
	"flag"
	"fmt"
)

func main() {
	word := flag.String("word", "foo", "a word")
	var n int
	flag.IntVar(&n, "n", 1, "a number")
	flag.Parse()
	fmt.Println("word:", *word, "n:", n, "tail:", flag.Args())
}
`

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
		// os.Args: the program's name alone, as for a program run without arguments; a cell can set it.
		{code: `len(os.Args) == 1 && os.Args[0] == ` + strconv.Quote(os.Args[0]), result: "true"},
		{code: flagProgram, stdout: "word: foo n: 1 tail: []\n"},
		{code: flagProgram, stdout: "word: foo n: 1 tail: []\n"}, // run again: its flags are defined anew
		{code: `os.Args = []string{"prog", "-word=opt", "-n", "3", "a1"}` + "\nmain()", stdout: "word: opt n: 3 tail: [a1]\n"},
		{code: `os.Args[4]`, result: `"a1"`},
		{code: `os.Args = []string{"prog", "-nope"}` + "\nmain()", err: "os.Exit(2)", stderr: "flag provided but not defined: -nope\nUsage of prog:\n  -n int\n"},
		{code: `os.Args = []string{"prog", "-h"}` + "\nmain()", stderr: "Usage of prog:"}, // os.Exit(0): no error
		{code: `flag.Usage = func() { fmt.Fprintln(flag.CommandLine.Output(), "usage: prog [-word w]") }` + "\nos.Args = []string{\"prog\", \"-x\"}\nmain()",
			err: "os.Exit(2)", stderr: "usage: prog [-word w]"},
		{code: `flag.Bool("twice", false, "")` + "\n" + `flag.Bool("twice", false, "")`, err: "flag redefined: twice"},
		{code: `flag.Parsed() && flag.NArg() == 0 && flag.Lookup("n") != nil`, result: "true"},
		// A cell run again keeps what an earlier cell set on flag.CommandLine (its Usage, output), and needs no
		// os.Args[0]; flag.Parse ignores the error of a ContinueOnError CommandLine, as in Go.
		{code: "flag.CommandLine.Usage = func() { fmt.Fprintln(flag.CommandLine.Output(), \"custom usage\") }\nvar nm = flag.String(\"name\", \"\", \"a name\")"},
		{code: "flag.CommandLine.Usage = func() { fmt.Fprintln(flag.CommandLine.Output(), \"custom usage\") }\nvar nm = flag.String(\"name\", \"\", \"a name\")"},
		{code: "os.Args = []string{\"prog\", \"-bad\"}\nflag.Parse()", err: "os.Exit(2)", stderr: "flag provided but not defined: -bad\ncustom usage\n"},
		{code: "os.Args = []string{}\n_ = flag.Int(\"noname\", 1, \"\")"},
		{code: "os.Args = []string{}\n_ = flag.Int(\"noname\", 1, \"\")"},
		{code: "flag.CommandLine = flag.NewFlagSet(\"p\", flag.ContinueOnError)\nflag.CommandLine.SetOutput(io.Discard)\nflag.Int(\"k\", 1, \"\")\nos.Args = []string{\"p\", \"-zz\"}\nflag.Parse()\nfmt.Println(\"after parse\")",
			stdout: "after parse\n"},
		// An ExitOnError CommandLine (flag.NewFlagSet(os.Args[0], flag.ExitOnError), as Go tests reset their
		// flags) ends the cell as os.Exit(2) would end the program, instead of the worker's process.
		{code: "flag.CommandLine = flag.NewFlagSet(\"p\", flag.ExitOnError)\nflag.CommandLine.SetOutput(io.Discard)\nflag.Int(\"k\", 1, \"\")\nos.Args = []string{\"p\", \"-zz\"}\nflag.Parse()",
			err: "os.Exit(2)"},
		{code: "os.Args = []string{\"p\", \"-h\"}\nflag.Parse()\nfmt.Println(\"not reached\")"},
		{code: "flag.CommandLine.ErrorHandling() == flag.ExitOnError && flag.CommandLine.Name() == \"p\"", result: "true"},
		// Assignments to a compiled package's variable hold (quirk pkg-var-assign), in functions and under
		// another import name too.
		{code: "func setArgs() { os.Args = []string{\"p\", \"q\"} }\nsetArgs()\nlen(os.Args)", result: "2"},
		{code: "import o \"os\"\no.Args = []string{\"r\"}\nlen(os.Args)", result: "1"},
		{code: "os.Args = append(os.Args, \"s\")\nos.Args", result: `[]string{"r", "s"}`},
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
