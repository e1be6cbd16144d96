package engine

import "testing"

// TestVariadicGenerics calls a generic function with a variadic parameter of its type parameter: the
// interpreter could not infer it (undefined type for T), and golm now instantiates the call, from
// conversions to the session's types too, an untyped float before an untyped int as in Go.
func TestVariadicGenerics(t *testing.T) {
	runCells(t, []cellCase{
		{code: "type number interface {\n\t~int | ~int32 | ~int64 | ~float64\n}\ntype celsius float64\ntype score int\n\n" +
			"func sum[T number](xs ...T) T {\n\tvar total T\n\tfor _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn total\n}"},
		{code: "fmt.Println(sum(1, 2, 3), sum(1.5, 2.5))", stdout: "6 4\n"},
		{code: "fmt.Println(sum(celsius(20), celsius(1.5)))", stdout: "21.5\n"},
		{code: "fmt.Println(sum[score](7, 8), sum(1, 2.5), sum[float64]())", stdout: "15 3.5 0\n"},
		{code: "func label[T any](prefix string, xs ...T) string { return fmt.Sprint(prefix, len(xs)) }\nfmt.Println(label(\"n\", true, false))", stdout: "n2\n"},
	})
}
