package engine

import "testing"

// TestTypeNames checks Printf's %T of a cell's types that are not structs, pointers to them, and generic
// types' instances (rewriteTypeNames): the interpreter wrote the underlying type (float64) or an unnamed
// struct. An interface-typed variable keeps the dynamic type's name. The outputs are go run's.
func TestTypeNames(t *testing.T) {
	runCells(t, []cellCase{
		{code: "type Celsius float64\ntype Names []string\ntype Lookup map[string]int\ntype Fn func(int) int\n" +
			"type Shape interface{ Area() float64 }\ntype Sq struct{ s float64 }\n\nfunc (q Sq) Area() float64 { return q.s * q.s }\n\n" +
			"type Pair[K comparable, V any] struct {\n\tKey K\n\tVal V\n}\ntype List[T any] []T\nvar c Celsius = 3"},
		{code: "var sh Shape = Sq{2}\nn := Names{\"a\"}\nfmt.Printf(\"%T %T %T %T %T %v\\n\", Celsius(1), n, Lookup{}, Fn(nil), sh, c)",
			stdout: "main.Celsius main.Names main.Lookup main.Fn main.Sq 3\n"},
		{code: "fmt.Printf(\"%T|%14T|%T\\n\", &c, c, 5)", stdout: "*main.Celsius|  main.Celsius|int\n"},
		{code: "func f(x Celsius) string { return fmt.Sprintf(\"%T %.1f\", x, x) }\nfmt.Println(f(2))", stdout: "main.Celsius 2.0\n"},
		{code: "fmt.Printf(\"%T %T\\n\", Pair[string, int]{\"a\", 1}, List[Celsius]{})", stdout: "main.Pair[string,int] main.List[main.Celsius]\n"},
		{code: "e := fmt.Errorf(\"%T: %w\", c, errors.New(\"x\"))\nfmt.Println(e, errors.Unwrap(e))", stdout: "main.Celsius: x x\n"},
		// Explicit argument indexes are left as they are (README, Known limits).
		{code: "fmt.Printf(\"%[1]v\\n\", c)", stdout: "3\n"},
	})
}
