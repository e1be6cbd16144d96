package engine

import (
	"context"
	"testing"
)

// TestReviewRewrites runs the idioms the rewrites of defers and of range over functions must keep working:
// a named function deferred with arguments that recovers (defer catch(&err)), a loop body that declares
// the loop variable again, a panic in a loop body (the iterator's defers must run, as Go unwinds it).
func TestReviewRewrites(t *testing.T) {
	sessions := map[string][]cellCase{
		"defer catch(&err)": {
			{code: "func catch(err *error) {\n\tif r := recover(); r != nil {\n\t\t*err = fmt.Errorf(\"recovered: %v\", r)\n\t}\n}"},
			{code: "func safe() (err error) {\n\tdefer catch(&err)\n\tpanic(\"boom\")\n}\nfmt.Println(safe())", stdout: "recovered: boom\n"},
			// Declared in the same cell as its caller.
			{code: "func catch2(err *error, what string) {\n\tif r := recover(); r != nil {\n\t\t*err = fmt.Errorf(\"%s: %v\", what, r)\n\t}\n}\n" +
				"func safe2() (err error) {\n\twhat := \"safe2\"\n\tdefer catch2(&err, what)\n\tvar m map[string]int\n\tm[\"x\"] = 1\n\treturn nil\n}\nfmt.Println(safe2() != nil)", stdout: "true\n"},
			// A method that recovers.
			{code: "type guard struct{ name string }\n\nfunc (g *guard) catch(err *error) {\n\tif r := recover(); r != nil {\n\t\t*err = fmt.Errorf(\"%s: %v\", g.name, r)\n\t}\n}\n" +
				"func safe3() (err error) {\n\tg := &guard{\"g\"}\n\tdefer g.catch(&err)\n\tpanic(\"m\")\n}\nfmt.Println(safe3())", stdout: "g: m\n"},
			// At the top level of a cell, with a constant argument.
			{code: "func handle(where string) {\n\tif r := recover(); r != nil {\n\t\tfmt.Println(where, r)\n\t}\n}"},
			{code: "defer handle(\"cell\")\npanic(\"top\")", stdout: "cell top\n"},
		},
		"range over func body redeclares": {
			{code: "for line := range strings.Lines(\" a \\n b \\n\") {\n\tline := strings.TrimSpace(line)\n\tfmt.Println(line)\n}", stdout: "a\nb\n"},
			{code: "func pairs(yield func(int, string) bool) { yield(1, \"x\") }\nfor k, v := range pairs {\n\tk, v := k+1, v+\"!\"\n\tfmt.Println(k, v)\n}", stdout: "2 x!\n"},
		},
		"per-iteration address": {
			{code: "ps := []*int{}\nfor _, v := range []int{1, 2, 3} {\n\tps = append(ps, &v)\n}\nfmt.Println(*ps[0], *ps[1], *ps[2])", stdout: "1 2 3\n"},
			{code: "type pt struct{ x int }\nvar xs []*int\nfor _, p := range []pt{{1}, {2}} {\n\txs = append(xs, &p.x)\n}\nfmt.Println(*xs[0], *xs[1])", stdout: "1 2\n"},
		},
		"range over func body panics": {
			{code: "import \"sync\""},
			{code: "var mu sync.RWMutex\nfunc locked(yield func(int) bool) {\n\tmu.RLock()\n\tdefer mu.RUnlock()\n\tfor i := 0; i < 3; i++ {\n\t\tif !yield(i) {\n\t\t\treturn\n\t\t}\n\t}\n}"},
			{code: "var m map[int]int\nfor i := range locked {\n\tm[i] = i\n}", err: "nil map"},
			{code: "func inFunc() {\n\tvar m map[int]int\n\tfor i := range locked {\n\t\tm[i] = i\n\t}\n}\nfunc try() (r any) {\n\tdefer func() { r = recover() }()\n\tinFunc()\n\treturn nil\n}\ntry() != nil", result: "true"},
			// The iterator released its lock both times.
			{code: "fmt.Println(mu.TryLock())", stdout: "true\n"},
		},
	}
	for name, cases := range sessions {
		t.Run(name, func(t *testing.T) { runCells(t, cases) })
	}
}

// TestSelfDeclaredSequence runs a range over a variable declared with itself (invalid Go the parser
// resolves to itself): the cell fails with an error instead of the engine recursing without end.
func TestSelfDeclaredSequence(t *testing.T) {
	s, _, _ := newSession(t)
	if _, err := s.Execute(context.Background(), "var a = a\n\nfunc f() {\n\tfor x := range a {\n\t\t_ = x\n\t}\n}"); err == nil {
		t.Error("var a = a ran without error")
	}
}
