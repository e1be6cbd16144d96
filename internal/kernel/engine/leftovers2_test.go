package engine

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/golm-dev/golm/internal/cell"
)

// TestEngineLeftovers runs the cells of issue 10's last engine leftovers: a deferred named function with a
// computed argument that recovers at a cell's top level, goto out of a range-over-func body, range over an
// int64, log.Default as the package functions' logger (and golm's loggers where compiled code wants a
// *log.Logger), and the names golm keeps for itself.
func TestEngineLeftovers(t *testing.T) {
	sessions := map[string][]cellCase{
		"defer handle(x) at top level": {
			{code: "func handle(where string) {\n\tif r := recover(); r != nil {\n\t\tfmt.Println(where, r)\n\t}\n}"},
			// The argument is taken at the defer, and handle's recover stops the cell's panic.
			{code: "where := \"cell\"\ndefer handle(where + \"!\")\nwhere = \"changed\"\npanic(\"top\")", stdout: "cell! top\n"},
			{code: "n := 2\ndefer handle(strconv.Itoa(n))\nfmt.Println(\"no panic\")", stdout: "no panic\n"},
			{code: "fmt.Println(\"next\")", stdout: "next\n"},
		},
		"goto out of range over func": {
			{code: "func count(n int) func(func(int) bool) {\n\treturn func(yield func(int) bool) {\n\t\tdefer fmt.Println(\"cleanup\")\n" +
				"\t\tfor i := 0; i < n; i++ {\n\t\t\tif !yield(i) {\n\t\t\t\treturn\n\t\t\t}\n\t\t}\n\t}\n}"},
			// The sequence stops (its defer runs) when goto leaves the loop, not when the function returns.
			{code: "func find() int {\n\tfor x := range count(5) {\n\t\tif x == 2 {\n\t\t\tgoto found\n\t\t}\n\t}\n\treturn -1\nfound:\n\tfmt.Println(\"found\")\n\treturn 2\n}\nfind()",
				stdout: "cleanup\nfound\n", result: "2"},
			// A loop over a function run many times in one call, left by break to an outer loop too.
			{code: "func sum() int {\n\ttotal := 0\nouter:\n\tfor i := 0; i < 300; i++ {\n\t\tfor x := range count(3) {\n\t\t\tif x == 2 && i%2 == 0 {\n\t\t\t\tcontinue outer\n\t\t\t}\n\t\t\ttotal += x\n\t\t}\n\t}\n\treturn total\n}\nsum()",
				stdout: strings.Repeat("cleanup\n", 300), result: "600"},
		},
		"range over int64": {
			{code: "var n int64 = 3\nfor i := range n {\n\tfmt.Printf(\"%T %v \", i, i)\n}", stdout: "int64 0 int64 1 int64 2 "},
			{code: "func f(n uint8) {\n\tfor i := range n {\n\t\tfmt.Printf(\"%T \", i)\n\t}\n}\nf(2)", stdout: "uint8 uint8 "},
			{code: "for range int64(2) {\n\tfmt.Print(\"x\")\n}", stdout: "xx"},
			{code: "const k = 2\nfor i := range k {\n\tfmt.Printf(\"%T \", i)\n}", stdout: "int int "},
		},
		"log.Default": {
			{code: "var buf strings.Builder\nlog.SetOutput(&buf)\nlog.SetFlags(0)\nlog.Default().SetPrefix(\"d: \")\nlog.Println(\"pkg\")\nlog.Default().Println(\"default\")\n" +
				"fmt.Print(buf.String())\nfmt.Println(log.Prefix(), log.Default().Flags(), log.Default().Writer() == log.Writer())",
				stdout: "d: pkg\nd: default\nd:  0 true\n"},
			{code: "log.SetOutput(io.Discard)\nlog.Default().Print(\"hidden\")\nfmt.Println(\"ok\")", stdout: "ok\n"},
			// golm's loggers where compiled code wants the standard library's *log.Logger.
			{code: "var out strings.Builder\nlogger := log.New(&out, \"srv: \", 0)\nsrv := &http.Server{ErrorLog: logger}\nsrv.ErrorLog.Println(\"one\")\n" +
				"var srv2 http.Server\nsrv2.ErrorLog = log.New(&out, \"s2: \", 0)\nsrv2.ErrorLog.Println(\"two\")\nfmt.Print(out.String())",
				stdout: "srv: one\ns2: two\n"},
		},
		"os.Exit and log.Fatal": {
			// No deferred call runs, of the function or of the cell, as in a program; the session goes on.
			{code: "func main() {\n\tdefer fmt.Println(\"!\")\n\tdefer func() { fmt.Println(\"lit\") }()\n\tfmt.Println(\"exiting\")\n\tos.Exit(3)\n}\nmain()",
				stdout: "exiting\n", err: "os.Exit(3)"},
			{code: "defer fmt.Println(\"cell defer\")\nfmt.Println(\"top\")\nos.Exit(2)\nfmt.Println(\"after\")", stdout: "top\n", err: "os.Exit(2)"},
			{code: "fmt.Println(\"goes on\")", stdout: "goes on\n"},
			{code: "os.Exit(0)"}, // a program that exits 0 ended without error
			{code: "func f() (r any) {\n\tdefer func() { r = recover() }()\n\tlog.SetOutput(io.Discard)\n\tlog.Fatalf(\"bad %d\", 7)\n\treturn nil\n}\nf()",
				err: "log.Fatal: bad 7 (exit status 1"},
			{code: "go func() { os.Exit(4) }()\ntime.Sleep(2 * time.Second)\nfmt.Println(\"not reached\")", err: "os.Exit(4)"},
		},
		"fmt of a cell's types": {
			{code: "type point struct {\n\tx, y int\n}\n\ntype state int\n\nfunc (s state) String() string { return \"idle\" }\n\ntype person struct {\n\tName string\n\tp    point\n\tpp   *point\n}"},
			{code: "p := point{1, 2}\nfmt.Printf(\"%v|%+v|%#v|%T|%T|%-12T|\\n\", p, p, p, p, &p, p)", stdout: "{1 2}|{x:1 y:2}|main.point{x:1, y:2}|main.point|*main.point|main.point  |\n"},
			{code: "fmt.Printf(\"%v %d %s %x\\n\", state(3), state(3), state(3), state(10))", stdout: "idle 3 idle 69646c65\n"},
			{code: "q := person{\"Bob\", p, nil}\nfmt.Printf(\"%+v\\n%#v\\n\", q, q)\nfmt.Println(fmt.Sprintf(\"%T %d%%\", &q, 5))",
				stdout: "{Name:Bob p:{x:1 y:2} pp:<nil>}\nmain.person{Name:\"Bob\", p:main.point{x:1, y:2}, pp:(*main.point)(nil)}\n*main.person 5%\n"},
		},
		"generic inference of a function's result": {
			{code: "func Map[T, U any](xs []T, f func(T) U) []U {\n\tout := make([]U, 0, len(xs))\n\tfor _, x := range xs {\n\t\tout = append(out, f(x))\n\t}\n\treturn out\n}"},
			{code: "fmt.Println(Map([]int{1, 2, 3}, func(i int) string { return fmt.Sprint(i * i) }))", stdout: "[1 4 9]\n"},
			{code: "xs := []float64{1.5}\nfmt.Println(Map(xs, func(f float64) int { return int(f * 2) }))", stdout: "[3]\n"},
			// A compiled function, and a session's variable.
			{code: "fmt.Printf(\"%q\\n\", Map([]int{1, 2}, strconv.Itoa))", stdout: "[\"1\" \"2\"]\n"},
			{code: "fmt.Println(Map(xs, math.Floor))", stdout: "[1]\n"},
			{code: "func Apply[S ~[]E, E, R any](s S, f func(E) R) []R {\n\tvar out []R\n\tfor _, v := range s {\n\t\tout = append(out, f(v))\n\t}\n\treturn out\n}\n" +
				"fmt.Println(Apply([]string{\"a\"}, func(s string) bool { return s == \"a\" }))", stdout: "[true]\n"},
		},
		"x := generic call at top level": {
			// The interpreter cannot name the value's type; golm declares x with the function's result type.
			{code: "type big struct{ n int }\nb := &big{5}\nw := weak.Make(b)\nfmt.Println(w.Value().n)", stdout: "5\n"},
			{code: "type Pair[K comparable, V any] struct {\n\tKey K\n\tVal V\n}\n\nfunc MakePair[K comparable, V any](k K, v V) Pair[K, V] { return Pair[K, V]{k, v} }\n" +
				"p := MakePair(\"a\", 1)\nfmt.Println(p.Key, p.Val)", stdout: "a 1\n"},
		},
		"reserved names": {
			{code: "__golmDefers = nil", err: "__golmDefers: names starting with __golm are golm's own"},
			{code: "func __golmPull() {}", err: "__golmPull: names starting with __golm are golm's own"},
			{code: "func f() {\n\t__golm_n1 := 1\n\t_ = __golm_n1\n}", err: "cell line 2: __golm_n1"},
			{code: "defer fmt.Println(\"defers still work\")", stdout: "defers still work\n"},
		},
	}
	for name, cases := range sessions {
		t.Run(name, func(t *testing.T) { runCells(t, cases) })
	}
}

// TestRangeFuncDefersOnce checks that the rewrite of range over a function defers nothing inside a loop:
// a function whose loop over a function runs many times defers one call in all (its stop list's run), not
// one per run of the loop.
func TestRangeFuncDefersOnce(t *testing.T) {
	s, _, _ := newSession(t)
	if _, err := s.Execute(context.Background(), "func seq(yield func(int) bool) { yield(1) }"); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{
		"func f() {\n\tfor i := 0; i < 10; i++ {\n\t\tfor x := range seq {\n\t\t\t_ = x\n\t\t}\n\t}\n}",
		"for i := 0; i < 10; i++ {\n\tfor x := range seq {\n\t\tif x > 5 {\n\t\t\treturn\n\t\t}\n\t}\n}",
	} {
		c, err := cell.Parse(src)
		if err != nil {
			t.Fatal(err)
		}
		out := s.rewriteRangeFuncs(context.Background(), src, c)
		file := "package p\n" + out
		if !strings.HasPrefix(src, "func") {
			file = "package p\nfunc cell() {\n" + out + "\n}"
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", file, 0)
		if err != nil {
			t.Fatalf("%s\nrewritten to\n%s\n%v", src, out, err)
		}
		defers := 0
		var inLoop func(n ast.Node, loop bool)
		inLoop = func(n ast.Node, loop bool) {
			ast.Inspect(n, func(m ast.Node) bool {
				switch m := m.(type) {
				case *ast.ForStmt:
					if m != n {
						inLoop(m.Body, true)
						return false
					}
				case *ast.DeferStmt:
					defers++
					if loop {
						t.Errorf("%s\nrewritten to\n%s\ndefers in a loop", src, out)
					}
				}
				return true
			})
		}
		inLoop(f, false)
		if defers != 1 {
			t.Errorf("%s\nrewritten to\n%s\n%d defer statements, want 1", src, out, defers)
		}
	}
}
