package engine

import "testing"

// TestFmtCellsKeepMethods checks that the session's Printf leaves to fmt the values whose type has a
// method fmt calls for the verb: Format for every verb, GoString for %#v, and does not write a wrapped value
// it cannot read back as the value.
func TestFmtCellsKeepMethods(t *testing.T) {
	runCells(t, []cellCase{
		{code: "type money int\n\nfunc (m money) Format(f fmt.State, c rune) { fmt.Fprintf(f, \"$%d%c\", int(m), c) }"},
		// Go calls Format for every verb, %d included.
		{code: "fmt.Printf(\"%v %d %x %+v\\n\", money(5), money(5), money(5), money(5))", stdout: "$5v $5d $5x $5v\n"},
		{code: "fmt.Println(fmt.Sprintf(\"%d|%s\", money(7), money(7)))", stdout: "$7d|$7s\n"},
		{code: "type level int\n\nfunc (l level) String() string { return \"L\" }"},
		{code: "fmt.Printf(\"%v %d %x\\n\", level(3), level(3), level(3))", stdout: "L 3 4c\n"},
	})
}

// TestGenericDefineAtTop runs x := f(...) and var x = f(...) at a cell's top level with f a generic
// function of the session whose type arguments are written out, by the cell or by golm (quirk
// func-result-inference): the interpreter refused them with "not a generic type".
func TestGenericDefineAtTop(t *testing.T) {
	runCells(t, []cellCase{
		{code: "func Map[T, U any](xs []T, f func(T) U) []U {\n\tvar out []U\n\tfor _, x := range xs {\n\t\tout = append(out, f(x))\n\t}\n\treturn out\n}\n\ntype point struct{ x int }"},
		{code: "ys := Map[int, string]([]int{1}, strconv.Itoa)\nfmt.Println(ys)", stdout: "[1]\n"},
		{code: "zs := Map([]int{1}, strconv.Itoa)\nfmt.Println(zs)", stdout: "[1]\n"},
		{code: "ws := Map([]int{1}, func(i int) float64 { return 1.5 })\nfmt.Println(ws)", stdout: "[1.5]\n"},
		{code: "rs := Map([]string{\"a+\"}, regexp.MustCompile)\nfmt.Println(rs[0].MatchString(\"aa\"))", stdout: "true\n"},
		{code: "ps := Map([]int{3}, func(i int) *point { return &point{i} })\nfmt.Println(ps[0].x)", stdout: "3\n"},
		{code: "var vs = Map([]int{1}, func(i int) float64 { return 2.5 })\nfmt.Println(vs)", stdout: "[2.5]\n"},
	})
}

// TestStandInRenamedImport calls the standard library's generic names through renamed imports: golm's
// stand-ins are found by the imported package's path (import c "cmp"; c.Or), in the cell that imports it
// and in later ones. They were refused, asking for the package's own name.
func TestStandInRenamedImport(t *testing.T) {
	runCells(t, []cellCase{
		{code: "import c \"cmp\"\nfmt.Println(c.Or(\"\", \"z\"), c.Compare(1, 2))", stdout: "z -1\n"},
		{code: "import mrand \"math/rand/v2\"\nfmt.Println(mrand.N(1), mrand.IntN(1))", stdout: "0 0\n"},
		{code: "import s \"slices\"\nxs := []int{3, 1, 2}\ns.Sort(xs)\nfmt.Println(xs, s.Contains(xs, 2))", stdout: "[1 2 3] true\n"},
		{code: "import m \"maps\"\nkeys := s.Sorted(m.Keys(map[string]int{\"b\": 1, \"a\": 2}))\nfmt.Println(keys, s.Index(keys, \"b\"))", stdout: "[a b] 1\n"},
		{code: "fmt.Println(cmp.Or(\"\", \"z\"), rand.N(1), slices.Max(xs))", stdout: "z 0 3\n"},
		{code: "import s \"strings\"", err: "s is already imported as \"slices\""},
	})
}

// TestDeferComputedLast runs a cell whose last statement defers a named function with computed arguments:
// golm keeps the arguments in session variables declared just before, and the cell failed with a panic of
// reflect.Set when the deferred call's registration ran apart from them.
func TestDeferComputedLast(t *testing.T) {
	runCells(t, []cellCase{
		{code: "func show(s string) { fmt.Println(s) }"},
		{code: "defer show(strconv.Itoa(1))", stdout: "1\n"},
		{code: "x := \"a\"\ndefer show(x)\ndefer show(x + \"b\")", stdout: "ab\na\n"},
		{code: "n := 1\ndefer show(strconv.Itoa(n))\nn = 2\ndefer show(strconv.Itoa(n))", stdout: "2\n1\n"},
		{code: "for _, w := range []string{\"c\", \"d\"} {\n\tdefer show(w + \"!\")\n}", stdout: "d!\nc!\n"},
	})
}

// TestGenericInferenceParams calls a generic function of the session with a parameter of the calling
// function as the argument that gives a type parameter (quirk func-result-inference): its type is read from
// the parameter's declaration, where the interpreter inferred a wrong one.
func TestGenericInferenceParams(t *testing.T) {
	runCells(t, []cellCase{
		{code: "func Map[T, U any](xs []T, f func(T) U) []U {\n\tvar out []U\n\tfor _, x := range xs {\n\t\tout = append(out, f(x))\n\t}\n\treturn out\n}"},
		{code: "f := strconv.Itoa\nxs := []int{1}"},
		// The parameter f, not the session's f.
		{code: "func h(f func(int) bool) {\n\tfmt.Println(Map(xs, f))\n}\nh(func(int) bool { return true })", stdout: "[true]\n"},
		{code: "func all(fs ...func(int) float64) {\n\tfmt.Println(Map(xs, fs[0]))\n}\nall(func(int) float64 { return 0.5 })", stdout: "[0.5]\n"},
		{code: "func m() {\n\tfor _, f := range []func(int) bool{func(int) bool { return false }} {\n\t\tfmt.Println(Map(xs, f))\n\t}\n}\nm()", stdout: "[false]\n"},
		{code: "func g() {\n\tf := func(i int) float64 { return 1.5 }\n\tfmt.Println(Map(xs, f))\n}\ng()", stdout: "[1.5]\n"},
	})
}

// TestRangeOverDefinedInOtherPiece ranges over a sequence declared with := in another piece of the same
// cell (a function declared between them splits the cell): golm could not tell it is a sequence.
func TestRangeOverDefinedInOtherPiece(t *testing.T) {
	runCells(t, []cellCase{
		{code: "func numsSeq() iter.Seq[int] {\n\treturn func(yield func(int) bool) { yield(1) }\n}"},
		{code: "seq := slices.Values([]int{1, 2})\nfunc double(x int) int { return 2 * x }\nfor v := range seq {\n\tfmt.Print(double(v))\n}\nfmt.Println()", stdout: "24\n"},
		{code: "mine := numsSeq()\nfunc triple(x int) int { return 3 * x }\nfor v := range mine {\n\tfmt.Println(triple(v))\n}", stdout: "3\n"},
		{code: "pairs := maps.All(map[string]int{\"a\": 1})\nfunc show(k string, v int) { fmt.Println(k, v) }\nfor k, v := range pairs {\n\tshow(k, v)\n}", stdout: "a 1\n"},
	})
}
