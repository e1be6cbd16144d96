package engine

import "testing"

// TestCurrentGo runs Go of releases newer than the interpreter's tables (1.23 to 1.26): iterators and
// range over functions, errors.AsType, math/rand/v2 chosen by the names a cell uses, packages and names
// the standard library gained (package symbols/std). Each cell prints what go run prints.
func TestCurrentGo(t *testing.T) {
	sessions := map[string][]cellCase{
		"range over func": {
			{code: "import \"iter\""},
			{code: "func count(n int) iter.Seq[int] {\n\treturn func(yield func(int) bool) {\n\t\tdefer fmt.Println(\"cleanup\")\n" +
				"\t\tfor i := 0; i < n; i++ {\n\t\t\tif !yield(i) {\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}\n}"},
			{code: "for x := range count(4) {\n\tif x == 1 {\n\t\tcontinue\n\t}\n\tif x == 3 {\n\t\tbreak\n\t}\n\tfmt.Println(x)\n}\nfmt.Println(\"after\")",
				stdout: "0\n2\ncleanup\nafter\n"},
			// return inside the loop: the sequence ends (its defer runs) before the function returns.
			{code: "func firstOver(seq iter.Seq[int], n int) int {\n\tfor v := range seq {\n\t\tif v > n {\n\t\t\treturn v\n\t\t}\n\t}\n\treturn -1\n}\nfirstOver(count(10), 4)",
				stdout: "cleanup\n", result: "5"},
			{code: "var i int\nouter:\nfor i = range count(3) {\n\tfor j := range count(2) {\n\t\tif j == 1 {\n\t\t\tcontinue outer\n\t\t}\n\t\tfmt.Println(i, j)\n\t}\n}\nfmt.Println(\"i\", i)",
				stdout: "0 0\ncleanup\n1 0\ncleanup\n2 0\ncleanup\ncleanup\ni 2\n"},
			{code: "for range count(2) {\n\tfmt.Println(\"tick\")\n}", stdout: "tick\ntick\ncleanup\n"},
			{code: "type List struct{ items []string }\n\nfunc (l *List) All() iter.Seq2[int, string] {\n\treturn func(yield func(int, string) bool) {\n" +
				"\t\tfor i, s := range l.items {\n\t\t\tif !yield(i, s) {\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}\n}\n\nl := &List{[]string{\"x\", \"y\"}}\nfor i, s := range l.All() {\n\tfmt.Println(i, s)\n}",
				stdout: "0 x\n1 y\n"},
			{code: "seq := func(yield func(string) bool) { yield(\"lit\") }\nfor v := range seq {\n\tfmt.Println(v)\n}", stdout: "lit\n"},
			// A panic of the sequence reaches the loop.
			{code: "func bad(yield func(int) bool) { panic(\"seq failed\") }\nfor v := range bad {\n\tfmt.Println(v)\n}", err: "seq failed"},
		},
		"standard iterators": {
			{code: "for line := range strings.Lines(\"a\\nb\\n\") {\n\tfmt.Print(strings.ToUpper(line))\n}", stdout: "A\nB\n"},
			{code: "for part := range strings.SplitSeq(\"x,y\", \",\") {\n\tfmt.Println(part)\n}", stdout: "x\ny\n"},
			{code: "m := map[string]int{\"b\": 2, \"a\": 1}\nfor _, k := range slices.Sorted(maps.Keys(m)) {\n\tfmt.Println(k, m[k])\n}", stdout: "a 1\nb 2\n"},
			{code: "for k, v := range maps.All(m) {\n\tif k == \"a\" {\n\t\tfmt.Println(k, v)\n\t}\n}", stdout: "a 1\n"},
			{code: "for i, v := range slices.Backward([]string{\"x\", \"y\"}) {\n\tfmt.Println(i, v)\n}", stdout: "1 y\n0 x\n"},
			{code: "for v := range slices.Values([]int{7, 8}) {\n\tfmt.Println(v)\n}", stdout: "7\n8\n"},
			// x := a generic call at top level.
			{code: "ks := slices.Sorted(maps.Keys(m))\nn := len(ks)\nfmt.Println(ks, n)", stdout: "[a b] 2\n"},
			{code: "m2 := maps.Collect(maps.All(m))\nlen(m2)", result: "2"},
			{code: "slices.Collect(slices.Values(slices.Repeat([]string{\"r\"}, 2)))", result: "[]string{\"r\", \"r\"}"},
		},
		"errors.AsType": {
			{code: "type MyErr struct{ s string }\n\nfunc (e *MyErr) Error() string { return e.s }"},
			{code: "func check(err error) {\n\tif me, ok := errors.AsType[*MyErr](err); ok {\n\t\tfmt.Println(\"found\", me.s)\n\t} else {\n\t\tfmt.Println(\"not found\")\n\t}\n}\n" +
				"check(&MyErr{\"mine\"})\ncheck(errors.New(\"other\"))\ncheck(fmt.Errorf(\"wrapped: %w\", &MyErr{\"deep\"}))", stdout: "found mine\nnot found\nfound deep\n"},
			{code: "var me *MyErr\nerrors.As(fmt.Errorf(\"w: %w\", &MyErr{\"as\"}), &me) && me.s == \"as\"", result: "true"},
			{code: "var re interface{ RuntimeError() }\nerrors.As(errors.New(\"x\"), &re)", result: "false"},
			{code: "_, err := os.Open(\"/no/such/file\")\nfunc path(err error) string {\n\tpe, ok := errors.AsType[*fs.PathError](err)\n\tif !ok {\n\t\treturn \"\"\n\t}\n\treturn pe.Path\n}\n" +
				"path(fmt.Errorf(\"wrapped: %w\", err))", result: "\"/no/such/file\""},
		},
		"rand v2 by the names used": {
			{code: "r := rand.New(rand.NewPCG(1, 2))\nr.IntN(100) < 100", result: "true"},
			{code: "rand.N(10) < 10", result: "true"},
			{code: "d := rand.N(time.Second)\nd < time.Second", result: "true"},
		},
		"rand v1 by the names used": {
			{code: "rand.Seed(1)\nrand.Intn(10) < 10", result: "true"},
		},
		"new packages and names": {
			{code: "fmt.Printf(\"%x\\n\", sha3.Sum256([]byte(\"golm\")))", stdout: "a60fe2a56e5844da257853d9a677ddff27b56b735690fa672aaa6bbf7f365fd6\n"},
			{code: "var n sql.Null[int64]\n_ = n", err: "sql.Null is a generic function"},
			{code: "once := sync.OnceFunc(func() { fmt.Println(\"once\") })\nonce()\nonce()", stdout: "once\n"},
			{code: "dir := os.TempDir()\nroot, err := os.OpenRoot(dir)\nerr == nil && root.Name() == dir", result: "true"},
		},
	}
	for name, cases := range sessions {
		t.Run(name, func(t *testing.T) { runCells(t, cases) })
	}
}
