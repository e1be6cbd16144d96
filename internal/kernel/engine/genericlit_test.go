package engine

import "testing"

// TestGenericLiterals uses composite literals of one instance of a generic struct type in several
// functions and cells, with keys, through a pointer and over several lines (quirk generic-literal-flow:
// statements were skipped, values zero, earlier cells' code ran). The outputs are go run's.
func TestGenericLiterals(t *testing.T) {
	runCells(t, []cellCase{
		{code: "type Pair[K comparable, V any] struct {\n\tKey K\n\tVal V\n}\n\nfunc MakePair[K comparable, V any](k K, v V) Pair[K, V] { return Pair[K, V]{k, v} }"},
		{code: "func a() {\n\tp := Pair[string, int]{\"a\", 1}\n\tfmt.Println(\"A1\", p)\n\tq := Pair[string, int]{Key: \"b\"}\n\tfmt.Println(\"A2\", q)\n}\na()", stdout: "A1 {a 1}\nA2 {b 0}\n"},
		{code: "func b() {\n\tfmt.Println(\"B0\")\n\tp := &Pair[string, int]{\"c\", 3}\n\tfmt.Printf(\"B1 %v %+v\\n\", *p, Pair[string, int]{\"d\", 4})\n}\nb()", stdout: "B0\nB1 {c 3} {Key:d Val:4}\n"},
		{code: "x := Pair[int, []string]{\n\tKey: 1,\n\tVal: []string{\"x\"},\n}\nfmt.Println(x, MakePair(\"e\", 5))", stdout: "{1 [x]} {e 5}\n"},
		{code: "y := Pair[int, int]{\n\t1,\n\t2,\n}\nfmt.Println(y)\nfmt.Println(zz)", err: "cell line 6: undefined: zz"},
		{code: "fmt.Println(\"next\")", stdout: "next\n"},
	})
}
