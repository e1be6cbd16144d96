package engine

import "testing"

// TestSplitPrograms runs code that a learner splits over cells, or pastes with forms the interpreter lacks:
// struct embedding with an interface variable declared at top level, log.New's logger with every method of
// *log.Logger, dot imports. Each cell prints what go run prints.
func TestSplitPrograms(t *testing.T) {
	sessions := map[string][]cellCase{
		"embedding": {
			{code: "type base struct {\n\tnum int\n}\n\nfunc (b base) describe() string {\n\treturn fmt.Sprintf(\"base with num=%v\", b.num)\n}\n\n" +
				"type container struct {\n\tbase\n\tstr string\n}"},
			{code: "co := container{\n\tbase: base{\n\t\tnum: 1,\n\t},\n\tstr: \"some name\",\n}\nfmt.Printf(\"co={num: %v, str: %v}\\n\", co.num, co.str)\n" +
				"fmt.Println(\"describe:\", co.describe())\ntype describer interface {\n\tdescribe() string\n}\nvar d describer = co\nfmt.Println(\"describer:\", d.describe())",
				stdout: "co={num: 1, str: some name}\ndescribe: base with num=1\ndescriber: base with num=1\n"},
			{code: "var d2, d3 describer = co, container{base{2}, \"two\"}\nd3.describe()", result: "\"base with num=2\""},
		},
		"logger": {
			{code: "var buf bytes.Buffer\nl := log.New(&buf, \"my:\", 0)\nl.Println(\"a\")\nl.SetPrefix(\"ohmy:\")\nl.Println(\"b\")\nfmt.Print(buf.String())\nl.Prefix()",
				stdout: "my:a\nohmy:b\n", result: "\"ohmy:\""},
			{code: "fmt.Printf(\"%T %T\\n\", l, log.Default())", stdout: "*log.Logger *log.Logger\n"},
			{code: "l.SetFlags(log.Lmsgprefix)\nl.SetOutput(&buf)\nbuf.Reset()\nl.Print(\"c\")\nbuf.String()", result: "\"ohmy:c\\n\""},
			// Fatal panics instead of ending the kernel.
			{code: "l.Fatalf(\"bye %d\", 1)", err: "bye 1"},
			{code: "var std *log.Logger = log.Default()\nstd.Flags() == log.LstdFlags", result: "true"},
		},
		"dot imports": {
			{code: "import . \"strings\""},
			{code: "ToUpper(\"dot\")", result: "\"DOT\""},
			{code: "import (\n\t. \"fmt\"\n\t. \"math\"\n)\nPrintln(Sqrt(16), HasPrefix(\"golm\", \"go\"))", stdout: "4 true\n"},
			// A name the session declares keeps its meaning.
			{code: "func Repeat(s string) string { return s + s }\nRepeat(\"ab\")", result: "\"abab\""},
			{code: "type point struct{ Title string }\npoint{Title: Title(\"x\")}", result: "point{Title: \"X\"}"},
		},
		"loop variables": {
			{code: "var fs []func() int\nfor i := 0; i < 3; i++ {\n\tfs = append(fs, func() int { return i * i })\n}\nfmt.Println(fs[0](), fs[1](), fs[2]())", stdout: "0 1 4\n"},
			// Code written before Go 1.22 copies the variable itself.
			{code: "var gs []func() string\nfor _, v := range []string{\"a\", \"b\"} {\n\tv := v\n\tgs = append(gs, func() string { return v })\n}\nfmt.Println(gs[0](), gs[1]())", stdout: "a b\n"},
			{code: "var hs []func() int\nfor _, v := range []int{1, 2} {\n\tv := v * 10\n\ths = append(hs, func() int { return v })\n}\nfmt.Println(hs[0](), hs[1]())", stdout: "10 20\n"},
			// A loop that changes its variable keeps one.
			{code: "var ks []func() int\nfor i := 0; i < 4; i++ {\n\tks = append(ks, func() int { return 0 })\n\ti++\n}\nlen(ks)", result: "2"},
			{code: "func deferred() {\n\tfor i := 0; i < 3; i++ {\n\t\tdefer fmt.Print(i, \" \")\n\t}\n}\ndeferred()\nfmt.Println()", stdout: "2 1 0 \n"},
		},
		"dot import in a program": {
			{code: "package main\n\nimport . \"fmt\"\n\nfunc main() {\n\tPrintln(\"hello\", Sprint(1))\n}", stdout: "hello 1\n"},
		},
	}
	for name, cases := range sessions {
		t.Run(name, func(t *testing.T) { runCells(t, cases) })
	}
}
