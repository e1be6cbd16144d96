package cell

import (
	"fmt"
	"strings"
	"testing"
)

func summary(c *Cell) string {
	var parts []string
	if c.CellMagic != "" {
		parts = append(parts, "%%"+c.CellMagic+" "+c.CellMagicArgs)
	}
	for _, p := range c.Pieces {
		src := strings.TrimSpace(p.Src)
		if p.Kind == Magic && p.Shell {
			src = "!" + src
		}
		parts = append(parts, fmt.Sprintf("%s@%d:%s", p.Kind, p.Line, src))
	}
	return strings.Join(parts, " | ")
}

func TestParse(t *testing.T) {
	cases := []struct {
		name, src, want string
	}{
		{"expression", "1+1", "statements@1:1+1"},
		{"mixed", "import \"fmt\"\nfunc f() int { return 1 }\nx := f()\nfmt.Println(x)",
			"import@1:import \"fmt\" | declarations@2:func f() int { return 1 } | statements@3:x := f()\nfmt.Println(x)"},
		{"grouped imports", "import (\n\t\"fmt\"\n\t\"os\"\n)\nos.Exit(0)", "import@1:import (\n\t\"fmt\"\n\t\"os\"\n) | statements@5:os.Exit(0)"},
		{"method is a declaration", "func (t T) M() int { return 1 }", "declarations@1:func (t T) M() int { return 1 }"},
		{"generic method receiver", "func (l *List[T]) Len() int { return 0 }", "declarations@1:func (l *List[T]) Len() int { return 0 }"},
		{"func literal call is a statement", "func() { fmt.Println(1) }()", "statements@1:func() { fmt.Println(1) }()"},
		{"func literal with results", "func() (int, error) { return 1, nil }()", "statements@1:func() (int, error) { return 1, nil }()"},
		{"var is a declaration", "var x = 3\ny := x", "declarations@1:var x = 3 | statements@2:y := x"},
		{"statements then declarations", "a := 1\ntype T struct{}\nb := 2", "statements@1:a := 1 | declarations@2:type T struct{} | statements@3:b := 2"},
		{"doc comment stays with its func", "// f does it.\nfunc f() {}", "declarations@1:// f does it.\nfunc f() {}"},
		{"blank lines before code keep line numbers", "\n\nx := 1", "statements@3:x := 1"},
		{"shell magic", "!echo hi\nx := 1", "magic@1:!echo hi | statements@2:x := 1"},
		{"line magic between code", "x := 1\n%time y := x\nz := 2", "statements@1:x := 1 | magic@2:time y := x | statements@3:z := 2"},
		{"cell magic", "%%time\nx := 1", "%%time  | statements@2:x := 1"},
		{"not a magic inside an expression", "ok := true &&\n!false", "statements@1:ok := true &&\n!false"},
		{"not a magic inside braces", "if true {\n!x\n}", "statements@1:if true {\n!x\n}"},
		{"not a magic inside a raw string", "tmpl := `\n%s is %d\n!done\n`", "statements@1:tmpl := `\n%s is %d\n!done\n`"},
		{"not a magic inside a block comment", "/*\n%env X=1\n*/\nx := 1", "statements@1:/*\n%env X=1\n*/\nx := 1"},
		{"semicolons", "a := 1; b := 2", "statements@1:a := 1; b := 2"},
		{"switch", "switch x := 2; x {\ncase 1:\n\tfmt.Println(1)\n}", "statements@1:switch x := 2; x {\ncase 1:\n\tfmt.Println(1)\n}"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Parse(c.src)
			if c.want == "" {
				if err == nil {
					t.Fatalf("want a syntax error, got %s", summary(got))
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := summary(got); s != c.want {
				t.Fatalf("got  %s\nwant %s", s, c.want)
			}
		})
	}
}

func TestSyntaxErrorLine(t *testing.T) {
	cases := []struct {
		src  string
		line int
	}{
		{"x := 1\ny := )", 2},
		{"x := 1\n\nfunc f( {", 3},
		{"fmt.Println(\"a\")\nvar = 3", 2},
		{"a := 'ab'", 1},
	}
	for _, c := range cases {
		_, err := Parse(c.src)
		e, ok := err.(*Error)
		if !ok {
			t.Fatalf("%q: got %v, want *Error", c.src, err)
		}
		if e.Line != c.line {
			t.Errorf("%q: error at line %d, want %d (%v)", c.src, e.Line, c.line, e)
		}
	}
}

func TestParsedStatementsKeepCellLines(t *testing.T) {
	c, err := Parse("// comment\n\nx := 1\ny := 2")
	if err != nil {
		t.Fatal(err)
	}
	p := c.Pieces[0]
	if got := p.FileSet.Position(p.Stmts[1].Pos()).Line; got != 4 {
		t.Fatalf("second statement at line %d, want 4", got)
	}
}

func TestAnalyze(t *testing.T) {
	c, err := Parse(`import "strings"
type T struct{ A int }
func (t *T) HTML() string { return "" }
func (t T) String() string { return "" }
var v, _ = 1, 2
const k = 3
func helper() int { return 1 }
x := strings.Repeat("a", 2)
y := fmt.Sprint(x, os.Args, v, tokens.X)
var tokens struct{ X int }
func main() {}
`)
	if err != nil {
		t.Fatal(err)
	}
	info := c.Analyze()
	got := fmt.Sprintf("vars=%v consts=%v funcs=%v types=%v methods=%v refs=%v main=%v",
		info.Vars, info.Consts, info.Funcs, info.Types, info.Methods["T"], info.PkgRefs, info.Main != nil)
	want := "vars=[v x y tokens] consts=[k] funcs=[helper main] types=[T] methods=[HTML String] refs=[fmt os strings] main=true"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	if n := len(c.Imports()); n != 1 {
		t.Fatalf("imports: %d", n)
	}
}

func TestPieceStart(t *testing.T) {
	src := "%%time\nx := 1\n\n!ls\n// doc\nfunc f() {}\ny := 2"
	c, err := Parse(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range c.Pieces {
		if p.Kind == Magic {
			continue
		}
		if !strings.HasPrefix(src[p.Start:], p.Src) {
			t.Errorf("piece %q: Start %d points at %q", p.Src, p.Start, src[p.Start:])
		}
	}
}

func TestChunks(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // kind@line:col:text
		errLine   int
	}{
		{name: "mixed", src: "import \"fmt\"\nfunc f() int { return 1 }\nx := f(); y := 2\nfmt.Println(x)",
			want: []string{"import@1:1:import \"fmt\"", "declarations@2:1:func f() int { return 1 }", "statements@3:1:x := f();",
				"statements@3:11:y := 2", "statements@4:1:fmt.Println(x)"}},
		{name: "expression list is one chunk", src: "a, b := 1, 2\na, b", want: []string{"statements@1:1:a, b := 1, 2", "statements@2:1:a, b"}},
		{name: "leading comment belongs to the chunk", src: "// doc\nfunc f() {}", want: []string{"declarations@1:1:// doc\nfunc f() {}"}},
		{name: "function literal", src: "func() {}()", want: []string{"statements@1:1:func() {}()"}},
		{name: "for and if headers are not cut", src: "for i := 0; i < 3; i++ {\n}\nif x := 1; x > 0 { y := 2; _ = y }\nswitch a := 1; a {\n}; z := 3",
			want: []string{"statements@1:1:for i := 0; i < 3; i++ {\n}", "statements@3:1:if x := 1; x > 0 { y := 2; _ = y }",
				"statements@4:1:switch a := 1; a {\n};", "statements@5:4:z := 3"}},
		{name: "unterminated string", src: "x := 1\ny := \"abc", errLine: 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			chunks, err := Chunks(tc.src)
			if tc.errLine != 0 {
				e, ok := err.(*Error)
				if !ok || e.Line != tc.errLine {
					t.Fatalf("error = %v, want one at line %d", err, tc.errLine)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range chunks {
				got = append(got, fmt.Sprintf("%s@%d:%d:%s", c.Kind, c.Line, c.Col, tc.src[c.Start:c.End]))
			}
			if strings.Join(got, " | ") != strings.Join(tc.want, " | ") {
				t.Errorf("chunks:\n%q\nwant:\n%q", got, tc.want)
			}
		})
	}
}
