package engine

import (
	"context"
	"strings"
	"testing"
)

// cellCase is a cell and what it must print, show or fail with (err: a part of the error's text).
type cellCase struct {
	code, stdout, result, err string
}

// runCells runs cells in order in a new session and checks each.
func runCells(t *testing.T, cases []cellCase) {
	t.Helper()
	s, out, _ := newSession(t)
	checkCells(t, s, out, cases)
}

// checkCells runs cells in order in session s, whose standard output goes to out, and checks each.
func checkCells(t *testing.T, s *Session, out *syncBuffer, cases []cellCase) {
	t.Helper()
	for _, c := range cases {
		out.Reset()
		r, err := s.Execute(context.Background(), c.code)
		switch {
		case c.err != "":
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err = %v, want %q", c.code, err, c.err)
			}
		case err != nil:
			t.Errorf("%q: %v", c.code, err)
			continue
		}
		if out.String() != c.stdout {
			t.Errorf("%q printed %q, want %q", c.code, out.String(), c.stdout)
		}
		if c.result != "" && text(r) != c.result {
			t.Errorf("%q = %s, want %s", c.code, text(r), c.result)
		}
	}
}

// TestKernelNamesStayOut runs cells that declare the names the kernel uses for itself: the type parameters
// of the prelude's stand-ins (T, E, K, V), its import of sort, the builtins it provides (min, max, clear).
// Each session must behave as the same code in a program.
func TestKernelNamesStayOut(t *testing.T) {
	sessions := map[string][]cellCase{
		"type T": {
			{code: "type T struct{ A int }"},
			{code: "min(3, 1, 2)", result: "1"},
			{code: "max(3, 1, 2)", result: "3"},
			{code: "cmp.Compare(1, 2)", result: "-1"},
		},
		"type E": {
			{code: "type E int"},
			{code: "x := []E{3, 1, 2}\nslices.Sort(x)\nx", result: "[]E{1, 2, 3}"},
			{code: "slices.Max([]int{1, 2})", result: "2"},
			{code: "slices.Contains([]string{\"a\"}, \"a\")", result: "true"},
		},
		"type K and V": {
			{code: "type K struct{}\ntype V struct{}"},
			{code: "slices.Sorted(maps.Keys(map[string]int{\"b\": 1, \"a\": 2}))", result: "[]string{\"a\", \"b\"}"},
			{code: "maps.Equal(map[string]int{\"a\": 1}, map[string]int{\"a\": 1})", result: "true"},
		},
		"func sort": {
			{code: "func sort(x []int) int { return len(x) }"},
			{code: "sort([]int{1, 2})", result: "2"},
			{code: "slices.Sort([]int{2, 1})"}, // the stand-ins keep their own sort
		},
		"var sort": {
			{code: "sort := \"by name\"\nsort", result: "\"by name\""},
		},
		"import sort": {
			{code: "import \"sort\"\nx := []int{3, 1}\nsort.Ints(x)\nx", result: "[]int{1, 3}"},
		},
		"own max": {
			// Code written before Go 1.21 declares its own max.
			{code: "func max(a, b int) int {\n\tif a > b {\n\t\treturn a\n\t}\n\treturn b\n}"},
			{code: "max(1, 2)", result: "2"},
			{code: "min(4, 3)", result: "3"},
		},
		"fields named min": {
			{code: "type R struct{ max, min int }\nr := R{max: 3, min: 1}\nr.max + min(r.min, 0)", result: "3"},
			{code: "clear := 4\nclear", result: "4"},
		},
		"program": {
			{code: "package main\n\nimport (\n\t\"fmt\"\n\t\"sort\"\n)\n\ntype T struct{ n int }\n\nfunc min(a, b int) int {\n\tif a < b {\n\t\treturn a\n\t}\n\treturn b\n}\n\n" +
				"func main() {\n\ts := []int{3, 1, 2}\n\tsort.Ints(s)\n\tfmt.Println(s, min(4, 2), max(1, 7), T{5}.n)\n}",
				stdout: "[1 2 3] 2 7 5\n"},
		},
	}
	for name, cases := range sessions {
		t.Run(name, func(t *testing.T) { runCells(t, cases) })
	}
}
