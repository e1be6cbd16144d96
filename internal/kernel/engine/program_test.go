package engine

import (
	"context"
	"strings"
	"testing"
)

// TestWholePrograms pastes programs as go run takes them, package clause and all: main runs once, with the
// cell; a later cell may call it again; another package is refused with a reason.
func TestWholePrograms(t *testing.T) {
	s, out, _ := newSession(t)
	program := `package main

import (
	"fmt"
	"strings"
)

type greeter struct{ name string }

func (g greeter) greet() string { return "hello, " + strings.ToUpper(g.name) }

func main() {
	fmt.Println(greeter{"gopher"}.greet())
}
`
	cases := []struct {
		code, stdout, err string
	}{
		{code: program, stdout: "hello, GOPHER\n"},
		{code: `fmt.Println("next cell")`, stdout: "next cell\n"}, // main does not run again
		{code: "main()", stdout: "hello, GOPHER\n"},
		{code: "package main\n\nfunc main() {\n\tfmt.Println(\"redefined\")\n}", stdout: "redefined\n"},
		{code: "package main\n\nvar depth int\n\nfunc usage() { fmt.Println(\"usage\") }\n\nfunc main() {\n\tif depth < 2 {\n\t\tdepth++\n\t\tmain()\n\t\treturn\n\t}\n\tusage()\n}", stdout: "usage\n"},
		{code: "package tools\n\nfunc F() {}", err: "package tools: a notebook runs its cells as the program's package main"},
		{code: "x := 1\npackage main", err: "the package clause must come first"},
	}
	defer func() {
		if r, _ := s.Execute(context.Background(), "%who"); r == nil || strings.Contains(text(r), "__golm") ||
			!strings.Contains(text(r), "func   main") {
			t.Errorf("%%who: %s", text(r))
		}
	}()
	for _, c := range cases {
		out.Reset()
		_, err := s.Execute(context.Background(), c.code)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err = %v, want %q", c.code, err, c.err)
			}
		case err != nil:
			t.Errorf("%q: %v", c.code, err)
		case out.String() != c.stdout:
			t.Errorf("%q printed %q, want %q", c.code, out.String(), c.stdout)
		}
	}
}
