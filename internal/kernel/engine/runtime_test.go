package engine

import (
	"context"
	"strings"
	"testing"
)

// TestRuntimeErrors checks that a cell's run-time failure says what go run says, and names the cell line
// where it happened.
func TestRuntimeErrors(t *testing.T) {
	cases := []struct {
		code  string
		value string // the error's Value: Go's words, exactly
		line  string // a traceback line that must be there
	}{
		{code: "var zz []int\nzz[0]", value: "runtime error: index out of range [0] with length 0", line: "cell line 2"},
		{code: "a := []int{1, 2}\ni := 5\nfmt.Println(a[i])", value: "runtime error: index out of range [5] with length 2", line: "cell line 3"},
		{code: "arr := [2]int{}\nk := 3\n_ = arr[k]", value: "runtime error: index out of range [3] with length 2", line: "cell line 3"},
		{code: "str := \"abc\"\nstr[5]", value: "runtime error: index out of range [5] with length 3", line: "cell line 2"},
		{code: "func f() {\n\tvar s []int\n\t_ = s[0]\n}\nf()", value: "runtime error: index out of range", line: "f(), cell line 3"},
		{code: "func f() {\n\tvar s []int\n\t_ = s[0]\n}\nf()", value: "runtime error: index out of range", line: "in this cell, cell line 5"},
		{code: "func h() {\n\tfmt.Println(\"h\")\n\tpanic(\"at 3\")\n}\nh()", value: "at 3", line: "h(), cell line 3"},
		// Two indexes: the interpreter does not say which failed, and the traceback does not pretend.
		{code: "func two(a, b []int) int {\n\tx := a[0]\n\treturn x + b[0]\n}\ntwo([]int{1}, nil)", value: "runtime error: index out of range",
			line: "two(), in the function from cell line 2 on (the interpreter does not say which line)"},
		{code: "s3 := []int{1, 2, 3}\ns3[1:5]", value: "runtime error: slice bounds out of range", line: "cell line 2"},
		{code: "var p *struct{ X int }\np.X", value: "runtime error: invalid memory address or nil pointer dereference", line: "cell line 2"},
		{code: "type P struct{ X int }\nvar pp *P\npp.X = 3", value: "runtime error: invalid memory address or nil pointer dereference", line: "cell line 3"},
		{code: "var fn func()\nfn()", value: "runtime error: invalid memory address or nil pointer dereference", line: "cell line 2"},
		{code: "var m map[string]int\nm[\"a\"] = 1", value: "assignment to entry in nil map", line: "cell line 2"},
		{code: "x := 0\nfmt.Println(1 / x)", value: "runtime error: integer divide by zero", line: "cell line 2"},
		// The interpreter's message carried its own position, one line too low: it is Go's words now, and
		// the line is the assertion's.
		{code: "var i any = \"s\"\n_ = 1\nn := i.(int)", value: "interface conversion: interface {} is string, not int", line: "cell line 3"},
		{code: "func k() int {\n\tvar i any = \"s\"\n\treturn i.(int)\n}\nk()", value: "interface conversion: interface {} is string, not int", line: "k(), cell line 3"},
	}
	for _, c := range cases {
		s, _, _ := newSession(t)
		_, err := s.Execute(context.Background(), c.code)
		e, ok := err.(*Error)
		if !ok || e.Name != "panic" {
			t.Errorf("%q: err = %v, want a panic", c.code, err)
			continue
		}
		if e.Value != c.value {
			t.Errorf("%q: value %q, want %q", c.code, e.Value, c.value)
		}
		if !strings.Contains(strings.Join(e.Traceback, "\n"), c.line) {
			t.Errorf("%q: traceback %q has no %q", c.code, e.Traceback, c.line)
		}
	}
}
