package engine

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/symbols"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// TestQuirks runs every quirk of quirks.go on a bare interpreter, without the engine's workarounds, and fails
// when the interpreter no longer shows it: then the workaround can go. Every quirk needs a probe, and every
// probe a quirk.
func TestQuirks(t *testing.T) {
	listed := map[string]bool{}
	for _, q := range quirks {
		listed[q.id] = true
		probe, ok := quirkProbes[q.id]
		if !ok {
			t.Errorf("quirk %s has no probe in quirkProbes", q.id)
			continue
		}
		t.Run(q.id, func(t *testing.T) {
			if err := probe(t); err != nil {
				t.Errorf("yaegi fixed quirk %s (%s): remove workaround %q, applied in %s. The probe saw: %v",
					q.id, q.what, q.fix, q.where, err)
			}
		})
	}
	for id := range quirkProbes {
		if !listed[id] {
			t.Errorf("probe %s has no entry in quirks", id)
		}
	}
}

// Values of the compiled package q the probes use.
type (
	qResp    struct{ Choices []qChoice }
	qChoice  struct{ Message qMessage }
	qMessage struct{ Content string }
)

// bare is an interpreter as yaegi makes it, with the standard library and a small compiled package q.
type bare struct {
	i         *interp.Interpreter
	out       *syncBuffer // Stdout and Stderr
	recovered any         // what q.Recover recovered
	release   chan struct{}
}

func newBare(t *testing.T) *bare {
	t.Helper()
	b := &bare{out: &syncBuffer{}, release: make(chan struct{})}
	b.i = interp.New(interp.Options{Stdout: b.out, Stderr: b.out})
	q := map[string]reflect.Value{
		"Get": reflect.ValueOf(func() qResp {
			return qResp{Choices: []qChoice{{Message: qMessage{Content: "hi"}}}}
		}),
		"Choice":  reflect.ValueOf((*qChoice)(nil)),
		"Fields":  reflect.ValueOf(func() []string { return []string{"b", "a"} }),
		"Recover": reflect.ValueOf(func() { b.recovered = recover() }),
		"Block":   reflect.ValueOf(func() { <-b.release }),
		"Yes":     reflect.ValueOf(true),
	}
	if err := b.i.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	if err := b.i.Use(interp.Exports{"q/q": q}); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{`import "q"`, `import "fmt"`, `import "strconv"`, `import "errors"`} {
		if _, err := b.i.Eval(src); err != nil {
			t.Fatalf("%s: %v", src, err)
		}
	}
	return b
}

// eval evaluates src, turning a panic of the interpreter into an error that starts with "panic: ".
func (b *bare) eval(src string) (v reflect.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return b.i.Eval(src)
}

// must evaluates each source and fails on an error.
func (b *bare) must(t *testing.T, srcs ...string) {
	t.Helper()
	for _, src := range srcs {
		if _, err := b.eval(src); err != nil {
			t.Fatalf("%q: %v", src, err)
		}
	}
}

// wantErr returns nil when src fails with an error containing want, else what happened.
func (b *bare) wantErr(src, want string) error {
	v, err := b.eval(src)
	if err != nil && strings.Contains(err.Error(), want) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%q failed with %q, not %q", src, err, want)
	}
	return fmt.Errorf("%q ran and gave %v", src, v)
}

// quirkProbes reproduce the quirks: each returns nil while the interpreter shows the quirk, else what it saw.
var quirkProbes = map[string]func(t *testing.T) error{
	"shared-loop-var": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "func loop() []func() int {\n\tvar fs []func() int\n\tfor _, v := range []int{1, 2} {\n\t\tfs = append(fs, func() int { return v })\n\t}\n\treturn fs\n}")
		if v, err := b.eval("loop()[0]()"); err != nil || v.Interface() != 2 {
			return fmt.Errorf("the first closure gave %v, %v", v, err)
		}
		return nil
	},
	"defer-args-late": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "var got int\nfunc rec(v int) { got = v }\nfunc f() {\n\tx := 1\n\tdefer rec(x)\n\tx = 2\n}", "f()")
		if v, err := b.eval("got"); err != nil || v.Interface() != 2 {
			return fmt.Errorf("the deferred call got %v, %v", v, err)
		}
		return nil
	},
	"errorf-wrap": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "type E struct{}\nfunc (e *E) Error() string { return \"e\" }")
		if v, err := b.eval("errors.Unwrap(fmt.Errorf(\"w: %w\", &E{})) == nil"); err != nil || v.Interface() != true {
			return fmt.Errorf("Unwrap == nil gave %v, %v", v, err)
		}
		return nil
	},
	"errors-as-cell-type": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "type E struct{}\nfunc (e *E) Error() string { return \"e\" }", "var target *E")
		return b.wantErr("errors.As(&E{}, &target)", "must be interface or implement error")
	},
	"var-definition-loop": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "type base struct{ n int }\nfunc (b base) get() int { return b.n }\ntype outer struct{ base }\ntype getter interface{ get() int }",
			"o := outer{base{1}}")
		return b.wantErr("var g getter = o", "definition loop")
	},
	"log-wrapper": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, `import "log"`, `import "io"`, "l := log.New(io.Discard, \"\", 0)")
		return b.wantErr(`l.SetPrefix("p")`, "undefined method")
	},
	"generic-tparam-scope": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "func smallest[T int | float64](x T, y ...T) T {\n\tm := x\n\tfor _, v := range y {\n\t\tif v < m {\n\t\t\tm = v\n\t\t}\n\t}\n\treturn m\n}",
			"type T struct{ A int }")
		if v, err := b.eval("smallest(3, 1, 2)"); err == nil && v.IsValid() && fmt.Sprint(v) == "1" {
			return errors.New("a generic function ran with a type T declared")
		}
		return nil
	},
	"mixed-cell": func(t *testing.T) error {
		return newBare(t).wantErr("func f() int { return 1 }\nfmt.Println(f())", "expected declaration")
	},
	"reimport": func(t *testing.T) error {
		return newBare(t).wantErr(`import "fmt"`, "redeclared")
	},
	"main-reruns": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, `func main() { fmt.Print("main ") }`, "x := 1")
		if got := b.out.String(); got != "main main " {
			return fmt.Errorf("func main printed %q", got)
		}
		return nil
	},
	"redefinition-ignored": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "type T struct{ A int }", "func (T) M() int { return 1 }", "func (T) M() int { return 2 }")
		v, err := b.eval("T{}.M()")
		if err != nil || !v.CanInt() || v.Int() != 1 {
			return fmt.Errorf("the redefined method gave %v, %v", v, err)
		}
		return nil
	},
	"line-one-columns": func(t *testing.T) error {
		b := newBare(t)
		_, err1 := b.eval("fmt.Println(nope)")
		_, err2 := b.eval("\nfmt.Println(nope)")
		if err1 == nil || err2 == nil || !strings.HasPrefix(err2.Error(), "2:13: ") || strings.HasPrefix(err1.Error(), "1:13: ") {
			return fmt.Errorf("on line 1: %v; on line 2: %v", err1, err2)
		}
		return nil
	},
	"compile-panics": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "func seq(yield func(int) bool) { yield(1) }")
		var logged syncBuffer
		log.SetOutput(&logged)
		defer log.SetOutput(stderrWriter{})
		_, err := b.compile("for v := range seq { _ = v }")
		if err == nil || !strings.HasPrefix(err.Error(), "panic: ") || !strings.Contains(logged.String(), "nil type") {
			return fmt.Errorf("compile: %v; logged %q", err, logged.String())
		}
		return nil
	},
	"range-over-func": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "func seq(yield func(int) bool) { yield(1) }")
		log.SetOutput(discard{})
		defer log.SetOutput(stderrWriter{})
		p := b.compilePanic("for v := range seq { _ = v }")
		if !rangeOverFuncPanic(p) {
			return fmt.Errorf("panic value %v", p)
		}
		return nil
	},
	"range-over-int": func(t *testing.T) error {
		b := newBare(t)
		log.SetOutput(discard{})
		defer log.SetOutput(stderrWriter{})
		if p := b.compilePanic("for i := range 3 { _ = i }"); p == nil {
			return errors.New("range over an int compiled")
		}
		return nil
	},
	"no-min-max-clear": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "m := map[int]int{1: 1}")
		return errors.Join(b.wantErr("min(1, 2)", "undefined: min"), b.wantErr("max(1, 2)", "undefined: max"),
			b.wantErr("clear(m)", "undefined: clear"))
	},
	"generic-stdlib": func(t *testing.T) error {
		for _, sym := range []string{"slices/slices.Sort", "slices/slices.Contains", "maps/maps.Keys", "cmp/cmp.Compare"} {
			pkg, name, _ := strings.Cut(sym, ".")
			if _, ok := stdlib.Symbols[pkg][name]; ok {
				return fmt.Errorf("the standard library's table has %s", sym)
			}
		}
		b := newBare(t)
		b.must(t, `import "slices"`, "s := []int{2, 1}")
		return b.wantErr("slices.Sort(s)", "undefined selector")
	},
	"generic-compiled-slice": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "func first[E ~string](x []E) E { return x[0] }")
		if _, err := b.eval("first(q.Fields())"); err == nil {
			return errors.New("a generic call with a compiled slice type compiled")
		}
		if v, err := b.eval("first([]string(q.Fields()))"); err != nil || v.String() != "b" { // the workaround
			return fmt.Errorf("the converted call gave %v, %v", v, err)
		}
		return nil
	},
	"no-iter": func(t *testing.T) error {
		return newBare(t).wantErr(`import "iter"`, "unable to find source")
	},
	"block-define": func(t *testing.T) error {
		return newBare(t).wantErr("if true {\n\tn, err := strconv.Atoi(\"7\")\n\t_, _ = n, err\n}", "undefined: n")
	},
	"literal-reruns": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, `func() { fmt.Print("literal ") }()`, "x := 1")
		if got := b.out.String(); got != "literal literal " {
			return fmt.Errorf("the literal printed %q", got)
		}
		return nil
	},
	"definition-loop": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "resp := q.Get()")
		_, err1 := b.eval("choice := resp.Choices[0]")
		_, err2 := b.eval("msg := resp.Choices[0].Message")
		for _, err := range []error{err1, err2} {
			if err == nil || !definitionLoop(&Error{Name: "CompileError", Value: err.Error()}) {
				return fmt.Errorf("x := compiled[i]: %v; x := compiled[i].Field: %v", err1, err2)
			}
		}
		b.must(t, "var c2 q.Choice", "c2 = resp.Choices[0]") // the workaround
		return nil
	},
	"undefined-loop": func(t *testing.T) error {
		_, err := newBare(t).eval("z := undefinedName + 1")
		if err == nil {
			return errors.New("an undefined name compiled")
		}
		if m := posRE.FindStringSubmatch(err.Error()); m == nil || m[3] != undefinedLoopMsg {
			return fmt.Errorf("the error is %q", err)
		}
		return nil
	},
	"panic-frames": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, `func f() { panic("boom") }`)
		if _, err := b.eval("\nf()"); err == nil {
			return errors.New("no panic")
		}
		for _, line := range strings.SplitAfter(b.out.String(), "\n") {
			if m := panicFrameRE.FindStringSubmatch(line); m != nil && strings.Contains(line, panicFrameMark) && m[3] == "main.f" {
				return nil
			}
		}
		return fmt.Errorf("stderr %q has no frame of main.f", b.out.String())
	},
	"value-receiver-interface": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "type E struct{}", `func (E) Error() string { return "e" }`, "var err error = E{}", "var e E")
		_, err := b.eval("errors.As(err, &e)")
		if err == nil || !valueReceiverPanic(err.Error()) {
			return fmt.Errorf("errors.As: %v", err)
		}
		return nil
	},
	"statement-value": func(t *testing.T) error {
		v, err := newBare(t).eval("var zz int")
		if err != nil || !isNoValue(v) {
			return fmt.Errorf("a statement's value is %v (%v), %v", v, typeOf(v), err)
		}
		return nil
	},
	"stale-value": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, `import "sync"`, `s := "stale"`, "var mu sync.Mutex")
		v, err := b.eval("mu.Lock()")
		if err != nil || v.Kind() != reflect.String || v.String() != "stale" {
			return fmt.Errorf("mu.Lock() gave %v (%v), %v", v, typeOf(v), err)
		}
		return nil
	},
	"generic-name": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "func id[T any](x T) T { return x }")
		if v, err := b.eval("id"); err == nil && v.Kind() == reflect.Func {
			return errors.New("a generic function's name evaluated to a function")
		}
		return nil
	},
	"generic-var-value": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "type seq[V any] func(yield func(V) bool)", "func one[V any](v V) seq[V] { return func(yield func(V) bool) { yield(v) } }",
			"var s seq[int] = one(1)")
		if v, err := b.eval("s == nil"); err != nil || v.Kind() != reflect.Bool || !v.Bool() {
			return fmt.Errorf("s == nil gave %v, %v", v, err)
		}
		b.must(t, "var s2 seq[int]", "s2 = one(2)") // the workaround
		if v, err := b.eval("s2 == nil"); err != nil || v.Kind() != reflect.Bool || v.Bool() {
			return fmt.Errorf("after the workaround, s2 == nil gave %v, %v", v, err)
		}
		return nil
	},
	"variadic-generic": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "func or[T comparable](vals ...T) T { var z T; for _, v := range vals { if v != z { return v } }; return z }",
			"func or2[T comparable](first T, rest ...T) T { return first }")
		if err := b.wantErr(`or("", "a")`, "undefined type"); err != nil {
			return err
		}
		if v, err := b.eval(`or2("a", "b")`); err != nil || v.String() != "a" { // the workaround
			return fmt.Errorf("or2 gave %v, %v", v, err)
		}
		return nil
	},
	"generic-multi-define": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "func two[T any](x T) (T, bool) { return x, true }")
		log.SetOutput(discard{})
		defer log.SetOutput(stderrWriter{})
		if _, err := b.eval("a, ok := two(1)"); err == nil {
			return errors.New("a, ok := two(1) compiled")
		}
		b.must(t, "var many []any", "many = func() []any { a, ok := two(3); return []any{&a, &ok} }()") // the workaround
		if v, err := b.eval("*(many[0].(*int))"); err != nil || !v.CanInt() || v.Int() != 3 {
			return fmt.Errorf("the function literal gave %v, %v", v, err)
		}
		return nil
	},
	"func-result-inference": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "func Map[T, U any](xs []T, f func(T) U) []U { var out []U; for _, x := range xs { out = append(out, f(x)) }; return out }")
		if err := b.wantErr("Map([]int{1}, func(i int) string { return strconv.Itoa(i) })", "cannot use type func(int) string as type func(int) int"); err != nil {
			return err
		}
		if v, err := b.eval("Map[int, string]([]int{1}, func(i int) string { return strconv.Itoa(i) })"); err != nil || v.Len() != 1 { // the workaround
			return fmt.Errorf("the explicit instantiation gave %v, %v", v, err)
		}
		return nil
	},
	"generic-result-define": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "func id[T any](x T) T { return x }")
		log.SetOutput(discard{})
		defer log.SetOutput(stderrWriter{})
		if _, err := b.eval("r := id(1)"); err == nil {
			return errors.New("r := id(1) compiled")
		}
		if v, err := b.eval("id(2)"); err != nil || !v.CanInt() || v.Int() != 2 { // the workaround
			return fmt.Errorf("the bare call gave %v, %v", v, err)
		}
		return nil
	},
	"unnamed-types": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "type T struct{ A int }", `func (T) M() string { return "m" }`)
		v, err := b.eval("T{1}")
		if err != nil || v.Type().Name() != "" || v.MethodByName("M").IsValid() {
			return fmt.Errorf("T{1} is %v of type %v, %v", v, typeOf(v), err)
		}
		return nil
	},
	"maptypes-first-interface": func(t *testing.T) error {
		decl := "type C struct{ T string }\nfunc (C) HTML() string { return \"<b>\" }\nfunc (C) Markdown() string { return \"*\" }"
		b := display.Render(showThrough(t, false, decl, "C{\"x\"}"))
		if _, ok := b.Data[display.MIMEMarkdown]; ok {
			return fmt.Errorf("compiled code saw both methods: %v", b.Data)
		}
		b = display.Render(showThrough(t, true, decl, "C{\"x\"}")) // the workaround
		if len(b.Data) != 3 {
			return fmt.Errorf("with the wrappers, compiled code saw %v", b.Data)
		}
		// The workaround's twins mirror display's list.
		var rich []display.Method
		for _, m := range display.Methods() {
			if m.MIME != display.MIMEText {
				rich = append(rich, m)
			}
		}
		if len(rich) != len(twins) {
			t.Fatalf("%d twins for %d rich methods of display.Methods", len(twins), len(rich))
		}
		for i, m := range rich {
			if twins[i].NumMethod() != 1 || twins[i].Method(0) != m.Type.Method(0) {
				t.Fatalf("twin %v does not mirror display's %v", twins[i], m.Type)
			}
		}
		return nil
	},
	"wrapper-struct-value": func(t *testing.T) error {
		decl := "type C struct{ T string; N int }\nfunc (C) HTML() string { return \"<b>\" }"
		for _, rich := range []bool{false, true} {
			v := reflect.ValueOf(showThrough(t, rich, decl, "C{\"x\", 2}")).Field(0).Elem()
			if v.Kind() != reflect.Int {
				return fmt.Errorf("the value arrived as %v (%v)", v, typeOf(v))
			}
		}
		return nil
	},
	"deferred-compiled-recover": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, `func f() { defer q.Recover(); panic("boom") }`)
		if _, err := b.eval("f()"); err == nil || b.recovered != nil {
			return fmt.Errorf("the compiled deferred function recovered %v (f: %v)", b.recovered, err)
		}
		return nil
	},
	"comma-ok-define": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, `m := map[string]int{"a": 1}`, "ch := make(chan int, 1)", "var ia any = 1")
		log.SetOutput(discard{})
		defer log.SetOutput(stderrWriter{})
		var errs []error
		for _, src := range []string{`v, ok := m["a"]`, "v, ok := <-ch", "v, ok := ia.(int)"} {
			if p := b.compilePanic(src); p == nil {
				errs = append(errs, fmt.Errorf("%s compiled", src))
			}
		}
		b.must(t, "var v int", "var ok bool", `v, ok = m["a"]`) // the workaround
		return errors.Join(errs...)
	},
	"comma-ok-assign": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "var ctx = fmt.Sprint()", "ch := make(chan int, 1)", "close(ch)", "var ok bool")
		return b.wantErr("_, ok = <-ch", "reflect.Set")
	},
	"comma-ok-stale": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, `m := map[string]int{"a": 1}`, "var got []int", `func f() {
	for _, k := range []string{"a", "zz"} {
		v, ok := m[k]
		got = append(got, v)
		_ = ok
	}
}`, "f()")
		if v, err := b.eval("got"); err != nil || fmt.Sprint(v) != "[1 1]" {
			return fmt.Errorf("the values were %v (want the stale [1 1]): %v", v, err)
		}
		return nil
	},
	"pkg-var-assign": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, `import "os"`, `os.Args = []string{"prog", "-v"}`)
		if v, err := b.eval("len(os.Args)"); err != nil || v.Interface() == 2 {
			return fmt.Errorf("os.Args has %v elements after the assignment of 2 (%v)", v, err)
		}
		b.must(t, `*(&os.Args) = []string{"prog", "-v"}`) // the workaround
		if v, err := b.eval("len(os.Args)"); err != nil || v.Interface() != 2 {
			t.Fatalf("the workaround fails: os.Args has %v elements (%v)", v, err)
		}
		return nil
	},
	"recv-condition": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, `import "time"`, "bc := make(chan bool)", `var got, fixed string`,
			"func send() { time.Sleep(20 * time.Millisecond); bc <- true }")
		// The first ExecuteWithContext makes later compiles make cancellable receives.
		for _, src := range []string{"got = \"\"", "go send()\ngot = fmt.Sprint(\"got=\", <-bc && true)", // the quirk
			"go send()\nfixed = fmt.Sprint(\"fixed=\", (<-bc == true) && true)"} { // the workaround
			prog, err := b.i.Compile(src)
			if err != nil {
				return err
			}
			if _, err := b.i.ExecuteWithContext(context.Background(), prog); err != nil {
				return err
			}
		}
		v, err := b.eval("got + \" \" + fixed")
		if err != nil || v.String() != "got=false fixed=true" {
			return fmt.Errorf("the waiting receive and the comparison gave %v (want got=false fixed=true): %v", v, err)
		}
		return nil
	},
	"return-recv": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "ic := make(chan int, 2)", "ic <- 1", "ic <- 2", "func f() int { return <-ic }",
			"func g() int { { v := <-ic; return v } }")
		if v, err := b.eval("g()"); err != nil || !v.CanInt() || v.Int() != 1 { // the workaround
			return fmt.Errorf("the rewritten return gave %v, %v", v, err)
		}
		return b.wantErr("f()", "unaddressable value")
	},
	"recover-lexical": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "func run(f func()) { defer f(); panic(\"p\") }", "var got any")
		if _, err := b.eval("run(func() { got = recover() })"); err == nil {
			return errors.New("the deferred literal recovered the panic")
		}
		return nil
	},
	"reflect-runtime-errors": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "var zz []int", "var pz *struct{ X int }")
		var errs []error
		for src, want := range map[string]string{"zz[0]": goIndexOutOfRange, "pz.X": goNilDereference} {
			_, err := b.eval(src)
			if err == nil {
				errs = append(errs, fmt.Errorf("%s ran", src))
				continue
			}
			if got, _ := goWords(err.Error()); got != want || strings.Contains(err.Error(), want) {
				errs = append(errs, fmt.Errorf("%s failed with %q", src, err))
			}
		}
		return errors.Join(errs...)
	},
	"panic-position": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, `var ia any = "s"`)
		_, err := b.eval("\n_ = ia.(int)")
		var p interp.Panic
		if !errors.As(err, &p) {
			return fmt.Errorf("no panic: %v", err)
		}
		if m := posRE.FindStringSubmatch(fmt.Sprint(p.Value)); m == nil || m[1] != "2" {
			return fmt.Errorf("the panic value is %q", p.Value)
		}
		return nil
	},
	"type-switch-cases": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "func kind(v any) string {\n\tswitch v.(type) {\n\tcase error:\n\t\treturn \"error\"\n\t}\n\treturn \"other\"\n}",
			"type rect struct{ w int }",
			"func gen[T any](v T) string {\n\tswitch any(v).(type) {\n\tcase int:\n\t\treturn \"int\"\n\tcase rect:\n\t\treturn \"rect\"\n\t}\n\treturn \"other\"\n}")
		v1, err1 := b.eval("kind(errors.New(\"x\"))")
		b.must(t, "_ = gen(1)")
		v2, err2 := b.eval("gen(rect{})")
		if err1 != nil || err2 != nil || v1.Interface() == "error" || v2.Interface() == "rect" {
			return fmt.Errorf("kind gave %v (%v), gen %v (%v)", v1, err1, v2, err2)
		}
		return nil
	},
	"method-expression": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "type N int", "func (n N) Double() int { return int(n) * 2 }", "func f() int {\n\td := N.Double\n\treturn d(3)\n}")
		if v, err := b.eval("f()"); err == nil {
			return fmt.Errorf("f() gave %v", v)
		}
		return nil
	},
	"method-value-copy": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "type acc struct{ n int }", "func (a acc) get() int { return a.n }",
			"func f() int {\n\tx := acc{1}\n\tg := x.get\n\tx.n = 9\n\treturn g()\n}")
		if v, err := b.eval("f()"); err != nil || v.Interface() != 9 {
			return fmt.Errorf("f() gave %v, %v", v, err)
		}
		return nil
	},
	"defer-literal-late": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "var got []int", "func f() {\n\tfor i := 0; i < 2; i++ {\n\t\ti := i\n\t\tdefer func() { got = append(got, i) }()\n\t}\n}", "f()")
		if v, err := b.eval("got[0] == got[1]"); err != nil || v.Interface() != true {
			return fmt.Errorf("the deferred literals saw %v (%v)", v, err)
		}
		return nil
	},
	"defer-closure-deadlock": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "func f() int {\n\tg := func() {}\n\tdefer g()\n\treturn 1\n}")
		done := make(chan error, 1)
		go func() { // left blocked while the interpreter deadlocks
			_, err := b.eval("f()")
			done <- err
		}()
		select {
		case err := <-done:
			return fmt.Errorf("f() returned (%v)", err)
		case <-time.After(2 * time.Second):
			return nil
		}
	},
	"embedded-interface-method": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "type greeter interface{ greet() string }", "type animal struct{ name string }",
			"func (a animal) greet() string { return a.name }", "type service struct {\n\tgreeter\n\tid int\n}",
			"func f() string {\n\ts := service{greeter: animal{\"rex\"}, id: 1}\n\treturn s.greet()\n}")
		if v, err := b.eval("f()"); err == nil {
			return fmt.Errorf("f() gave %v", v)
		}
		return nil
	},
	"generic-literal-flow": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "type pair[K comparable, V any] struct {\n\tkey K\n\tval V\n}", "var got []string",
			"func a() {\n\tp := pair[string, int]{\"a\", 1}\n\tgot = append(got, \"a1 \"+p.key)\n\tq := pair[string, int]{\"b\", 2}\n\tgot = append(got, \"a2 \"+q.key)\n}",
			"a()")
		if v, err := b.eval("len(got)"); err != nil || v.Interface() == 2 {
			return fmt.Errorf("a() ran %v statements (%v)", v, err)
		}
		return nil
	},
	"error-var-struct": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "type nf struct{ a, b int }", "func (e nf) Error() string { return \"nf\" }", "var e error = nf{1, 2}")
		if v, err := b.eval("errors.Is(e, e)"); err == nil {
			return fmt.Errorf("errors.Is(e, e) gave %v", v)
		}
		return nil
	},
	"not-case": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "func nc() string {\n\tswitch {\n\tcase !q.Yes:\n\t\treturn \"taken\"\n\t}\n\treturn \"not taken\"\n}")
		if v, err := b.eval("nc()"); err != nil || v.Interface() != "taken" {
			return fmt.Errorf("nc() gave %v, %v", v, err)
		}
		return nil
	},
	"multi-define-global": func(t *testing.T) error {
		b := newBare(t)
		b.must(t, "type C struct{ N int }", "func mk() (*C, error) { return &C{N: 3}, nil }", "client, _ := mk()",
			"func get() int { return client.N }", "func outer() int { return get() }")
		if v, err := b.eval("outer()"); err == nil && v.Interface() == 3 {
			return fmt.Errorf("outer() gave %v", v)
		}
		return nil
	},
	"cancel-outlives": func(t *testing.T) error {
		b := newBare(t)
		prog, err := b.i.Compile("q.Block()")
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		if _, err := b.i.ExecuteWithContext(ctx, prog); !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("ExecuteWithContext returned %v", err)
		}
		running := InterpreterRunning()
		close(b.release)
		if !running {
			return errors.New("no goroutine named " + executeGoroutine + " while the program was blocked")
		}
		for deadline := time.Now().Add(5 * time.Second); InterpreterRunning(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("InterpreterRunning stays true after the program ended")
			}
		}
		return nil
	},
}

// showThrough passes the value of expr, of a type declared by decl, to a compiled function mapped to
// display's interfaces as display.Show is, with the engine's wrappers or without, and returns what the
// function received.
func showThrough(t *testing.T, withWrappers bool, decl, expr string) any {
	b := newBare(t)
	var got any
	show := func(v any) { got = v }
	var ifaces []reflect.Type
	for _, m := range display.Methods() {
		ifaces = append(ifaces, m.Type)
	}
	mapTypes := map[reflect.Value][]reflect.Type{reflect.ValueOf(show): ifaces}
	exports := []interp.Exports{symbols.Symbols, {"show/show": {"Show": reflect.ValueOf(show)}}}
	if withWrappers {
		exports = append(exports, interp.Exports{twinsPath + "/engine": wrapRich(mapTypes)})
	}
	exports = append(exports, interp.Exports{".": {"MapTypes": reflect.ValueOf(mapTypes)}})
	for _, e := range exports {
		if err := b.i.Use(e); err != nil {
			t.Fatal(err)
		}
	}
	b.must(t, `import "show"`, decl, "show.Show("+expr+")")
	return got
}

// compile compiles src, turning a panic into an error that starts with "panic: ".
func (b *bare) compile(src string) (p *interp.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return b.i.Compile(src)
}

// compilePanic compiles src and returns the value it panicked with, nil if none.
func (b *bare) compilePanic(src string) (v any) {
	defer func() { v = recover() }()
	_, _ = b.i.Compile(src)
	return nil
}

func typeOf(v reflect.Value) any {
	if !v.IsValid() {
		return "invalid"
	}
	return v.Type()
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// stderrWriter restores the log package's default output.
type stderrWriter struct{}

func (stderrWriter) Write(p []byte) (int, error) { return os.Stderr.Write(p) }
