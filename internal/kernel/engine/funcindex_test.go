package engine

import "testing"

// TestFuncIndex refuses a function that is not generic written with type arguments, as go build does
// (cannot index plain (value of type func(x int) int)): the interpreter ran plain[int](1) as plain(1).
// A generic function, and a variable of the same name in a function, still work.
func TestFuncIndex(t *testing.T) {
	runCells(t, []cellCase{
		{code: "func plain(x int) int { return x }"},
		{code: "fmt.Println(plain[int](1))", err: "cell line 1: cannot index plain (value of type func(x int) int)"},
		{code: "func g() {\n\tfmt.Println(plain[int](2))\n}", err: "cell line 2: cannot index plain (value of type func(x int) int)"},
		{code: "func local(s string) {}\nlocal[string](\"x\")", err: "cell line 2: cannot index local (value of type func(s string))"},
		{code: "func Gen[T any](x T) T { return x }\nfmt.Println(Gen[int](4), plain(5))", stdout: "4 5\n"},
		{code: "func h() {\n\tplain := []int{6}\n\tfmt.Println(plain[0])\n}\nh()", stdout: "6\n"},
	})
}
