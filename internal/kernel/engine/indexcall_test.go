package engine

import "testing"

// TestIndexedCalls: a cell that ends by calling a function taken from a map or a slice (handlers["a"](),
// steps[i]()) shows what the call returns, nothing for a function without results; it failed after the
// call ran ("reflect.Set: value of type *interface {} is not assignable to type func()").
func TestIndexedCalls(t *testing.T) {
	s, out, _ := newSession(t)
	checkCells(t, s, out, []cellCase{
		{code: "handlers := map[string]func(){\"a\": func() { fmt.Println(\"A\") }}"},
		{code: `handlers["a"]()`, stdout: "A\n", result: "<none>"},
		{code: "steps := []func() int{func() int { return 7 }, func() int { return 8 }}\ni := 1"},
		{code: "steps[i]()", result: "8"},
		{code: "checks := map[string]func() error{\"ok\": func() error { return nil }, \"bad\": func() error { return errors.New(\"bad\") }}"},
		{code: `checks["ok"]()`, result: "<none>"},
		{code: `checks["bad"]()`, result: "bad"}, // as a named function's error result is shown
		{code: "pairs := map[int]func() (int, string){1: func() (int, string) { return 1, \"one\" }}"},
		{code: "pairs[1]()", result: `1, "one"`},
		{code: `handlers["missing"]()`, err: "nil pointer dereference"},
	})
}
