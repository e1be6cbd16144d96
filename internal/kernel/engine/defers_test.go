package engine

import "testing"

// TestDeferredLiterals runs functions that defer function literals: made at the defer in a loop, they see
// that iteration's variables (quirk defer-literal-late); kept in a variable and deferred, they run instead
// of hanging the cell (quirk defer-closure-deadlock). The outputs are go run's.
func TestDeferredLiterals(t *testing.T) {
	runCells(t, []cellCase{
		{code: "func m() int {\n\tf := func() { fmt.Println(\"f ran\") }\n\tdefer f()\n\tvar g = func(s string) { fmt.Println(\"g\", s) }\n\tdefer g(\"x\")\n\treturn 1\n}"},
		{code: "m()", stdout: "g x\nf ran\n", result: "1"},
		{code: "func loop() {\n\tfor i := 0; i < 3; i++ {\n\t\th := func() { fmt.Print(\"h \", i, \"\\n\") }\n\t\tdefer h()\n\t}\n}\nloop()", stdout: "h 2\nh 1\nh 0\n"},
		{code: "func viaLit() int {\n\tcleanup := func() { fmt.Println(\"cleanup\") }\n\tdefer func() { cleanup() }()\n\treturn 2\n}\nviaLit()", stdout: "cleanup\n", result: "2"},
		{code: "func lits() {\n\tfor _, s := range []string{\"a\", \"b\"} {\n\t\tdefer func() { fmt.Print(s) }()\n\t}\n\tfor i := 0; i < 2; i++ {\n\t\tdefer func(k int) { fmt.Print(i, k, \" \") }(i * 10)\n\t}\n}\nlits()\nfmt.Println()",
			stdout: "1 10 0 0 ba\n"},
	})
}
