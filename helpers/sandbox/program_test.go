package sandbox

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestPrepare(t *testing.T) {
	tests := []struct {
		name      string
		code      string
		plain     []string // substrings of the plain program, in order
		withValue string   // substring of the capturing program; "" when there must be none
		imports   []string
		errHas    string
	}{
		{
			name:      "statements",
			code:      "a := 1\nb := 2\na+b",
			plain:     []string{"func main() {", "//line code.go:1:1\na := 1", "//line code.go:3:1\na+b\n}"},
			withValue: captureName + ".Value(a+b,\n)",
		},
		{
			name: "declarations go to package level",
			code: "import \"fmt\"\nfunc fact(n int) int {\n\tif n <= 1 {\n\t\treturn 1\n\t}\n\treturn n * fact(n-1)\n}\ntype T struct{ X int }\nfunc (t T) Double() int { return 2 * t.X }\nvar memo = map[int]int{}\nconst k = 3\nfmt.Println(fact(k))\nfact(12)",
			plain: []string{"//line code.go:1:1\nimport \"fmt\"", "//line code.go:2:1\nfunc fact", "//line code.go:8:1\ntype T",
				"//line code.go:9:1\nfunc (t T) Double", "//line code.go:10:1\nvar memo", "//line code.go:11:1\nconst k",
				"func main() {\n//line code.go:12:1\nfmt.Println(fact(k))"},
			withValue: ".Value(fact(12),\n)",
			imports:   []string{"fmt"},
		},
		{
			name:      "grouped imports",
			code:      "import (\n\t\"fmt\"\n\t\"math/big\"\n)\nimport \"strings\"\nfmt.Println(strings.ToUpper(big.NewInt(1).String()))",
			imports:   []string{"fmt", "math/big", "strings"},
			plain:     []string{"func main() {"},
			withValue: ".Value(fmt.Println(", // a call with two results: it will not compile, and plain runs
		},
		{
			name:      "function literal called at once is a statement",
			code:      "func() { println(1) }()",
			plain:     []string{"func main() {\n//line code.go:1:1\nfunc() { println(1) }()\n}"},
			withValue: ".Value(func() { println(1) }(),\n)",
		},
		{
			name:      "expression list",
			code:      "a, b := 1, 2\na, b",
			plain:     []string{"_, _ = a, b"},
			withValue: ".Values([]any{a, b,\n})",
		},
		{
			name:  "ends with an assignment",
			code:  "x := 1\nx++",
			plain: []string{"x++"},
		},
		{
			name:      "semicolons and comments",
			code:      "a := 1; b := 2 // two\n/* sum */ a + b // done",
			plain:     []string{"//line code.go:1:1\na := 1", "//line code.go:1:9\nb := 2 // two", "//line code.go:2:1\n/* sum */ a + b // done"},
			withValue: ".Value(/* sum */ a + b // done,\n)",
		},
		{
			name:    "func main without statements",
			code:    "import \"fmt\"\nfunc main() { fmt.Println(1) }",
			plain:   []string{"func main() { fmt.Println(1) }"},
			imports: []string{"fmt"},
		},
		{
			name:    "whole program",
			code:    "package main\n\nimport \"os\"\n\nfunc main() { os.Exit(0) }",
			plain:   []string{"package main\n\nimport \"os\""},
			imports: []string{"os"},
		},
		{name: "func main and statements", code: "func main() {}\nx := 1", errHas: "declares func main and also has statements"},
		{name: "not package main", code: "package lib\nfunc F() {}", errHas: "must be package main, not lib"},
		{name: "bad import", code: "import fmt", errHas: "line 1"},
		{name: "unterminated string", code: "x := \"abc", errHas: "string literal not terminated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := prepare(tt.code)
			if tt.errHas != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errHas) || !errors.Is(err, ErrCompile) {
					t.Fatalf("error = %v, want ErrCompile with %q", err, tt.errHas)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rest := p.plain
			for _, s := range tt.plain {
				i := strings.Index(rest, s)
				if i < 0 {
					t.Fatalf("plain program lacks %q (in order):\n%s", s, p.plain)
				}
				rest = rest[i+len(s):]
			}
			if tt.withValue == "" && p.withValue != "" {
				t.Errorf("unexpected capturing program:\n%s", p.withValue)
			}
			if tt.withValue != "" && !strings.Contains(p.withValue, tt.withValue) {
				t.Errorf("capturing program lacks %q:\n%s", tt.withValue, p.withValue)
			}
			if fmt.Sprint(p.imports) != fmt.Sprint(tt.imports) {
				t.Errorf("imports = %q, want %q", p.imports, tt.imports)
			}
		})
	}
}

func TestCheckImports(t *testing.T) {
	for _, p := range []string{"os/exec", "net", "net/http", "unsafe", "syscall", "reflect", "plugin", "runtime",
		"runtime/debug", "io/ioutil", "os/signal", "golang.org/x/sys/unix", capturePath} {
		err := checkImports([]string{"fmt", p})
		var na *NotAllowedError
		if !errors.As(err, &na) || na.Package != p || !errors.Is(err, ErrNotAllowed) {
			t.Errorf("%s: error = %v", p, err)
		}
	}
	if err := checkImports(AllowedPackages()); err != nil {
		t.Error(err)
	}
}

func TestTrimRuntimeReport(t *testing.T) {
	tests := []struct{ in, want string }{
		{"hello\n", "hello\n"},
		{"hi\nruntime: out of memory: cannot allocate\nfatal error: out of memory\n\ngoroutine 1 [running]:\n", "hi\n"},
		{"fatal error: stack overflow\n", ""},
		{"a\npanic: boom\n\ngoroutine 7 [running]:\nmain.f()\n", "a\npanic: boom\n\n"},
	}
	for _, tt := range tests {
		if got := trimRuntimeReport(tt.in); got != tt.want {
			t.Errorf("trimRuntimeReport(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCrashError(t *testing.T) {
	opts := Options{MemoryLimit: 256 << 20}
	tests := []struct {
		out  string
		is   error
		want string
	}{
		{"runtime: goroutine stack exceeds 1000-byte limit\nfatal error: stack overflow", ErrMemory, "stack overflow"},
		{"fatal error: out of memory", ErrMemory, "needed more than 256 MiB"},
		{"runtime: program exceeds 256-thread limit\nfatal error: thread exhaustion", ErrCrashed, "too many threads"},
		{"x\npanic: boom [recovered, repanicked]\n", ErrPanic, "panicked in a goroutine: boom"},
		{"fatal error: concurrent map writes\n", ErrCrashed, "concurrent map writes"},
		{"", ErrCrashed, "exit status 9"},
	}
	for _, tt := range tests {
		err := crashError(tt.out, errors.New("exit status 9"), opts)
		if !errors.Is(err, tt.is) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("crashError(%q) = %v, want %v with %q", tt.out, err, tt.is, tt.want)
		}
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{10: "10 bytes", 2048: "2 KiB", 3 << 20: "3 MiB", 1 << 30: "1 GiB", 1500: "1500 bytes"} {
		if got := size(n); got != want {
			t.Errorf("size(%d) = %q, want %q", n, got, want)
		}
	}
}
