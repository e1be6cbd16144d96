package engine

import "testing"

// TestDeferLeftovers runs the forms where a cell's statements differed from a function body's: each cell
// prints what the same statements print in func main.
func TestDeferLeftovers(t *testing.T) {
	sessions := map[string][]cellCase{
		"defer evaluates the function value and receiver at once": {
			{code: "type res struct{ name string }\n\nfunc (r *res) Close() { fmt.Println(\"close\", r.name) }"},
			{code: "f := &res{\"a\"}\ndefer f.Close()\nf = &res{\"b\"}\nfmt.Println(\"body\")", stdout: "body\nclose a\n"},
			{code: "g := func() { fmt.Println(\"g1\") }\ndefer g()\ng = func() { fmt.Println(\"g2\") }", stdout: "g1\n"},
			{code: "rs := []*res{{\"x\"}, {\"y\"}}\nfor _, r := range rs {\n\tdefer r.Close()\n}", stdout: "close y\nclose x\n"},
		},
		"defer with untyped constants": {
			{code: "func half(x float64) { fmt.Println(x / 2) }\nconst k = 5\ndefer half(-1)\ndefer half(1 << 3)\ndefer half(k * 2)\ndefer fmt.Println(math.Pi > 3)",
				stdout: "true\n5\n4\n-0.5\n"},
		},
		"defer of a named function that recovers": {
			{code: "func handler() {\n\tif r := recover(); r != nil {\n\t\tfmt.Println(\"recovered:\", r)\n\t}\n}"},
			{code: "defer handler()\nfmt.Println(\"start\")\npanic(\"boom\")", stdout: "start\nrecovered: boom\n"},
			{code: "defer handler()\nfmt.Println(\"no panic\")", stdout: "no panic\n"},
			{code: "var zz []int\ndefer handler()\nzz[1] = 2", stdout: "recovered: runtime error: index out of range [1] with length 0\n"},
			// A named function that does not recover leaves the panic.
			{code: "func note() { fmt.Println(\"note\") }\ndefer note()\npanic(\"still\")", stdout: "note\n", err: "still"},
		},
		"range over an int into a variable": {
			{code: "n := 3\nvar i int\nfor i = range n {\n\tn = 1\n}\nfmt.Println(i, n)", stdout: "2 1\n"},
			{code: "j := 7\nfor j = range 0 {\n}\nfmt.Println(j)", stdout: "7\n"},
			{code: "var q int\nouter:\nfor q = range 3 {\n\tfor w := range 2 {\n\t\tif w == 1 {\n\t\t\tcontinue outer\n\t\t}\n\t\tif q == 2 {\n\t\t\tbreak outer\n\t\t}\n\t\tfmt.Println(q, w)\n\t}\n}\nfmt.Println(\"q\", q)",
				stdout: "0 0\n1 0\nq 2\n"},
			{code: "var r int64\nfor r = range 4 {\n}\nfmt.Println(r)", stdout: "3\n"},
		},
		"comma-ok in an if statement's init": {
			{code: "m := map[string]int{\"a\": 1}\nfor _, k := range []string{\"a\", \"zz\"} {\n\tif v, ok := m[k]; true {\n\t\tfmt.Println(v, ok)\n\t}\n}", stdout: "1 true\n0 false\n"},
			{code: "func kinds() {\n\tfor _, x := range []any{3, \"s\"} {\n\t\tif n, isInt := x.(int); n >= 0 {\n\t\t\tfmt.Println(n, isInt)\n\t\t}\n\t}\n}\nkinds()", stdout: "3 true\n0 false\n"},
		},
		"a variable named main after func main": {
			{code: "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"main ran\") }", stdout: "main ran\n"},
			{code: "main := 3"},
			{code: "main + 1", result: "4"},
			{code: "fmt.Println(main)", stdout: "3\n"},
			{code: "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"again\") }", stdout: "again\n"},
			{code: "main()", stdout: "again\n"},
		},
	}
	for name, cases := range sessions {
		t.Run(name, func(t *testing.T) { runCells(t, cases) })
	}
}
