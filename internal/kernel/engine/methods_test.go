package engine

import "testing"

// methodsDecls declares types with the methods fmt and errors call: Error (value and pointer receivers),
// Error and String, String on the pointer, GoString, a list node (a struct whose last field points to its
// own type), and errors with Unwrap, Is and As. TestCellTypesMethods' outputs are go run's of the same
// code.
const methodsDecls = `type codeErr struct{ code int }

func (e codeErr) Error() string { return fmt.Sprintf("code %d", e.code) }

type pathErr struct{ path string }

func (e *pathErr) Error() string { return "bad " + e.path }

type both struct{ n int }

func (b both) Error() string  { return "both-error" }
func (b both) String() string { return "both-string" }

type ptrStr struct{ n int }

func (p *ptrStr) String() string { return "ptr-string" }

type gos struct{ a int }

func (g gos) GoString() string { return "gos!" }
func (g gos) String() string   { return "gos" }

type node struct {
	v    int
	next *node
}

func (n node) String() string { return fmt.Sprint("n", n.v) }

type NotFound struct{ Name string }

func (e NotFound) Error() string { return e.Name + " not found" }

type opErr struct{ op string }

func (e *opErr) Error() string { return "op " + e.op }

type wrapErr struct {
	msg string
	err error
}

func (w *wrapErr) Error() string { return w.msg + ": " + w.err.Error() }
func (w *wrapErr) Unwrap() error { return w.err }

var errBase = errors.New("base")

type temporary struct{}

func (temporary) Error() string        { return "temporary" }
func (temporary) Is(target error) bool { return target == errBase }

var errOp = &opErr{"sentinel"}

type asErr struct{}

func (*asErr) Error() string { return "asErr" }
func (*asErr) As(target any) bool {
	if p, ok := target.(*NotFound); ok {
		*p = NotFound{"from As"}
		return true
	}
	return false
}`

// TestCellTypesMethods checks that fmt and errors call a cell's types' methods as in Go (quirk
// maptypes-first-interface, wrapper-struct-value): Error before String in Print, Println and %v (and %+v),
// not for %d; GoString for %#v; a String of the pointer not for a value; %T of a value with methods;
// errors.As and errors.Is through fmt.Errorf's %w, a cell's Unwrap, Is and As, and errors.Join, for value
// and pointer receivers.
func TestCellTypesMethods(t *testing.T) {
	for name, cells := range map[string][]cellCase{
		"fmt": {
			{code: "fmt.Println(codeErr{3}, &pathErr{\"x\"}, both{1})", stdout: "code 3 bad x both-error\n"},
			{code: "fmt.Printf(\"%v|%s|%+v|%d|%T\\n\", codeErr{3}, codeErr{3}, codeErr{3}, codeErr{3}, codeErr{3})", stdout: "code 3|code 3|code 3|{3}|main.codeErr\n"},
			{code: "v := ptrStr{4}\nfmt.Println(v, &v)\nfmt.Printf(\"%v %v %T\\n\", v, &v, &v)", stdout: "{4} ptr-string\n{4} ptr-string *main.ptrStr\n"},
			{code: "fmt.Printf(\"%#v %v\\n\", gos{1}, gos{1})", stdout: "gos! gos\n"},
			{code: "s := fmt.Sprint(codeErr{1}) + fmt.Sprintln(both{2})\nfmt.Print(s)", stdout: "code 1both-error\n"},
			{code: "n := node{1, &node{2, nil}}\nfmt.Printf(\"%v %T %T %v\\n\", n, n, &n, *n.next)", stdout: "n1 main.node *main.node n2\n"},
		},
		"GoString alone": {
			{code: "type gs struct{ a, b int }\n\nfunc (g gs) GoString() string { return \"gs!\" }\n\ntype gp struct{ n int }\n\nfunc (g *gp) GoString() string { return \"gp!\" }"},
			{code: "fmt.Printf(\"%#v|%v|%+v|%T|%d\\n\", gs{1, 2}, gs{1, 2}, gs{1, 2}, gs{1, 2}, gs{1, 2})\nfmt.Println(gs{3, 4}, fmt.Sprint(gs{5, 6}))\nfmt.Printf(\"%#v %v\\n\", &gp{1}, gp{2})",
				stdout: "gs!|{1 2}|{a:1 b:2}|main.gs|{1 2}\n{3 4} {5 6}\ngp! {2}\n"},
		},
		"log": {
			{code: "var buf strings.Builder\nlog.SetOutput(&buf)\nlog.SetFlags(0)\nlog.Println(codeErr{3}, &pathErr{\"x\"}, both{1})\nlog.Print(codeErr{4})\nfmt.Print(buf.String())",
				stdout: "code 3 bad x both-error\ncode 4\n"},
		},
		"errors": {
			{code: "err := fmt.Errorf(\"lookup: %w\", NotFound{\"x\"})\nvar nf NotFound\nfmt.Println(errors.As(err, &nf), nf.Name)", stdout: "true x\n"},
			{code: "err2 := fmt.Errorf(\"ctx: %w\", &wrapErr{\"mid\", &opErr{\"w\"}})\nvar oe *opErr\nvar we *wrapErr\nfmt.Println(errors.As(err2, &oe), oe.op, errors.As(err2, &we), we.msg)", stdout: "true w true mid\n"},
			{code: "fmt.Println(errors.Is(&wrapErr{\"o\", errBase}, errBase), errors.Is(fmt.Errorf(\"t: %w\", temporary{}), errBase), errors.Is(temporary{}, errBase))", stdout: "true true true\n"},
			{code: "fmt.Println(errors.Is(fmt.Errorf(\"x: %w\", errOp), errOp), errors.Is(&wrapErr{\"y\", errOp}, errOp), errors.Is(errOp, &opErr{\"sentinel\"}))", stdout: "true true false\n"},
			{code: "joined := errors.Join(NotFound{\"j\"}, &opErr{\"k\"})\nvar nf2 NotFound\nvar oe2 *opErr\nfmt.Println(errors.As(joined, &nf2), nf2.Name, errors.As(joined, &oe2), oe2.op)\nfmt.Println(joined)", stdout: "true j true k\nj not found\nop k\n"},
			{code: "u := errors.Unwrap(&wrapErr{\"m\", errBase})\nfmt.Println(u == errBase)", stdout: "true\n"},
			{code: "_, ferr := os.Open(\"/nonexistent/golm\")\nvar pe *fs.PathError\nfmt.Println(errors.As(&wrapErr{\"open\", ferr}, &pe), errors.Is(&wrapErr{\"open\", ferr}, fs.ErrNotExist))", stdout: "true true\n"},
			{code: "nf3, ok := errors.AsType[NotFound](err)\nfmt.Println(nf3.Name, ok)", stdout: "x true\n"},
			{code: "var nf4 NotFound\nfmt.Println(errors.As(fmt.Errorf(\"w: %w\", &asErr{}), &nf4), nf4.Name)", stdout: "true from As\n"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			runCells(t, append([]cellCase{{code: methodsDecls}}, cells...))
		})
	}
}
