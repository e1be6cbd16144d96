package engine

import (
	"bytes"
	"errors"
	"fmt"
	"go/ast"
	"go/scanner"
	"go/token"
	"io"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/golm-dev/golm/internal/cell"
	"github.com/traefik/yaegi/interp"
)

// Error is a failed cell: Jupyter's ename, evalue and traceback.
type Error struct {
	Name      string   // kind of failure: CompileError, panic, Interrupted, ImportError...
	Value     string   // one-line message
	Traceback []string // lines shown to the user (may contain ANSI colours)
}

func (e *Error) Error() string { return e.Name + ": " + e.Value }

// Lines returns the traceback, or a line made of the name and value when there is none.
func (e *Error) Lines() []string {
	if len(e.Traceback) > 0 {
		return e.Traceback
	}
	return []string{red(e.Name) + ": " + e.Value}
}

const (
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiBold  = "\x1b[1m"
	ansiReset = "\x1b[0m"
)

func red(s string) string { return ansiRed + ansiBold + s + ansiReset }

// ErrInterrupted is the Value of an interrupted cell's error.
const ErrInterrupted = "the cell was interrupted"

func interrupted() *Error {
	return &Error{Name: "Interrupted", Value: ErrInterrupted}
}

// compileError reports a problem at a cell line, showing the line with a caret under col (0: no caret).
func compileError(src string, line, col int, msg string) *Error {
	e := &Error{Name: "CompileError", Value: fmt.Sprintf("cell line %d: %s", line, msg)}
	e.Traceback = append([]string{red("error") + fmt.Sprintf(" at cell line %d: %s", line, msg)}, sourceContext(src, line, col)...)
	return e
}

// sourceContext returns the cell line with its number and a caret.
func sourceContext(src string, line, col int) []string {
	lines := strings.Split(src, "\n")
	if line < 1 || line > len(lines) {
		return nil
	}
	text := strings.ReplaceAll(lines[line-1], "\t", "    ")
	out := []string{fmt.Sprintf("%s%4d |%s %s", ansiGreen, line, ansiReset, text)}
	if col > 0 {
		orig := lines[line-1]
		if col-1 <= len(orig) {
			prefix := strings.ReplaceAll(orig[:col-1], "\t", "    ")
			out = append(out, fmt.Sprintf("     | %s%s^%s", strings.Repeat(" ", len([]rune(prefix))), ansiRed, ansiReset))
		}
	}
	return out
}

// posRE finds "L:C: message" (optionally after a file name) in an interpreter error.
var posRE = regexp.MustCompile(`^(?:[^:\s]*\.go:)?(\d+):(\d+): (.*)$`)

// evalError turns an interpreter error into an *Error at a cell line.
func (s *Session) evalError(src string, err error) *Error {
	var p interp.Panic
	if errors.As(err, &p) {
		return s.panicError(src, p)
	}
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		pos := list[0].Pos
		return compileError(src, pos.Line-lineShift, pos.Column, list[0].Msg)
	}
	msg := err.Error()
	if m := posRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		text := m[3]
		if text == undefinedLoopMsg {
			text = "undefined name on this line (the interpreter reports it as a constant definition loop)"
		}
		if line > lineShift {
			return compileError(src, line-lineShift, col, text)
		}
		return &Error{Name: "CompileError", Value: text}
	}
	return &Error{Name: "error", Value: msg}
}

// panicError reports a panic with the interpreted frames the interpreter logged while unwinding.
func (s *Session) panicError(src string, p interp.Panic) *Error {
	value := fmt.Sprint(p.Value)
	if e, ok := p.Value.(error); ok {
		value = e.Error()
	}
	if strings.HasPrefix(value, "os.Exit(") {
		value += ": the cell called os.Exit; the session goes on"
	}
	if rangeOverFuncPanic(value) {
		value += " (the interpreter does not support some newer Go features: range over a function " +
			"(iterators), the iter package; call the function with a yield callback instead)"
	}
	if strings.Contains(value, "*log.Logger is not assignable to type *log.Logger") {
		value += " (a cell's log.New and log.Default give golm's *log.Logger, whose Fatal panics instead of ending " +
			"the kernel: where compiled code wants the standard library's own, pass its field Logger, as in logger.Logger)"
	} else if valueReceiverPanic(value) {
		value += " (the interpreter cannot use a value of a cell's type as an interface when the methods have " +
			"value receivers: declare them on the pointer, as in func (e *MyErr) Error() string, and use &MyErr{...})"
	}
	s.pending = pendingValue(p.Value) // for the cell's deferred calls (see body.go)
	frames := s.stderr.frames()
	before := value
	value, at := goWords(value)
	if at > 0 && len(frames) > 0 {
		frames[0].line = at + lineShift // the message's position is the panicking node; the frame's is not
	}
	if (value == goIndexOutOfRange || value == goNilDereference) && at == 0 && len(frames) > 0 &&
		(frames[0].fn == "main" || frames[0].fn == "main.func") {
		// The frame names the first line of the code run at once (or of a function literal in it): find
		// the failing expression from there.
		if detail, line := s.failedAt(src, frames[0].line-lineShift, value); line > 0 {
			value += detail
			frames[0].line, frames[0].fn = line+lineShift, "main"
			at = line
		}
	}
	if at == 0 && len(frames) > 0 && strings.HasPrefix(frames[0].fn, "main.") && frames[0].fn != "main.func" {
		// In a function, the frame names the function's first line (quirk panic-position): the failing
		// line is known when the function, declared in this cell, has one expression that can fail so.
		if line := panicLineIn(src, strings.TrimPrefix(frames[0].fn, "main."), value); line > 0 {
			frames[0].line = line + lineShift
		} else {
			frames[0].approx = true
		}
	}
	if value != before && strings.HasPrefix(value, "runtime error: ") {
		s.pending = runtimeError(value) // what a deferred recover() gets, as in Go
	}
	pv, ok := p.Value.(reflect.Value) // the interpreter panics with reflect values of interpreted values
	if !ok {
		pv = reflect.ValueOf(p.Value)
	}
	value = s.secrets(pv).text(value) // a panic with a client holding a key
	e := &Error{Name: "panic", Value: value}
	e.Traceback = []string{red("panic") + ": " + value}
	for i, f := range frames {
		where := "in this cell"
		if fn := strings.TrimPrefix(f.fn, "main."); fn != "" && fn != "main" && !strings.HasPrefix(fn, "__golm") {
			name := strings.TrimPrefix(f.fn, "main.")
			if info, ok := s.names[name]; ok && info.cell != s.count {
				if f.approx {
					e.Traceback = append(e.Traceback, fmt.Sprintf("  %s(), declared in an earlier cell", name))
				} else {
					e.Traceback = append(e.Traceback, fmt.Sprintf("  %s() at line %d of the cell that declared it", name, f.line-lineShift))
				}
				continue
			}
			where = name + "()"
		}
		if f.approx {
			e.Traceback = append(e.Traceback, fmt.Sprintf("  %s, in the function from cell line %d on (the interpreter does not say which line)", where, f.line-lineShift))
			continue
		}
		e.Traceback = append(e.Traceback, fmt.Sprintf("  %s, cell line %d", where, f.line-lineShift))
		if i < 3 {
			for _, l := range sourceContext(src, f.line-lineShift, 0) {
				e.Traceback = append(e.Traceback, "  "+l)
			}
		}
	}
	return e
}

// Go's words for the run-time errors whose words the interpreter changes (quirk reflect-runtime-errors).
const (
	goIndexOutOfRange = "runtime error: index out of range"
	goSliceOutOfRange = "runtime error: slice bounds out of range"
	goNilDereference  = "runtime error: invalid memory address or nil pointer dereference"
)

// runtimeError is a run-time error in Go's words, as recover() returns it (a runtime.Error).
type runtimeError string

func (e runtimeError) Error() string { return string(e) }

// RuntimeError marks the error as a run-time error, as runtime.Error does.
func (runtimeError) RuntimeError() {}

// goWords returns the message go run would print for a panic message of the interpreter, and the cell line
// the interpreter's message names (0 when it names none): run-time errors raised by reflect get Go's words
// (quirk reflect-runtime-errors), and the position the interpreter puts before its own run-time errors
// ("4:6: interface conversion: ...", quirk panic-position) is taken out, as Go's message has none.
func goWords(msg string) (string, int) {
	line := 0
	if m := posRE.FindStringSubmatch(msg); m != nil {
		if l, err := strconv.Atoi(m[1]); err == nil && l > lineShift {
			line = l - lineShift
		}
		msg = m[3]
	}
	for _, w := range reflectWords {
		if w.re.MatchString(msg) {
			return w.goMsg, line
		}
	}
	return msg, line
}

// failedAt finds, from a top-level cell line on, the first expression that fails as msg says with the
// session's values as they are now: an index out of range (its detail is " [i] with length n", as Go says
// it) or a nil pointer's field or dereference. Only expressions that read back without running anything
// (session variables, fields, constant indexes) are tried. It returns the detail and the expression's cell
// line, 0 when none is found.
func (s *Session) failedAt(src string, from int, msg string) (detail string, line int) {
	c, err := cell.Parse(src)
	if err != nil {
		return "", 0
	}
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		return func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok || line > 0 || n == nil {
				return false
			}
			at := p.FileSet.Position(n.Pos()).Line
			switch x := n.(type) {
			case *ast.FuncDecl:
				return false
			case *ast.IndexExpr:
				if msg != goIndexOutOfRange || at < from {
					return true
				}
				v, ok := s.lookup(x.X)
				if !ok {
					return true
				}
				if v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Array && !v.IsNil() {
					v = v.Elem()
				}
				switch v.Kind() {
				case reflect.Slice, reflect.Array, reflect.String:
				default:
					return true
				}
				if i, ok := s.lookupInt(x.Index); ok && (i < 0 || i >= int64(v.Len())) {
					detail, line = fmt.Sprintf(" [%d] with length %d", i, v.Len()), at
				}
			case *ast.SelectorExpr, *ast.StarExpr:
				if msg != goNilDereference || at < from {
					return true
				}
				var base ast.Expr
				if sel, ok := x.(*ast.SelectorExpr); ok {
					base = sel.X
				} else {
					base = x.(*ast.StarExpr).X
				}
				if v, ok := s.lookup(base); ok && v.Kind() == reflect.Pointer && v.IsNil() {
					line = at
				}
			}
			return true
		}
	})
	return detail, line
}

// lookup reads a name, or a chain of fields of a name, of the session with reflect, running nothing.
func (s *Session) lookup(e ast.Expr) (v reflect.Value, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		if _, isPkg := s.imported[x.Name]; isPkg || universe[x.Name] {
			return reflect.Value{}, false
		}
		v, err := s.i.Eval(x.Name)
		return v, err == nil && v.IsValid()
	case *ast.SelectorExpr:
		v, ok := s.lookup(x.X)
		if !ok {
			return reflect.Value{}, false
		}
		return walk(v, []string{x.Sel.Name})
	}
	return reflect.Value{}, false
}

// lookupInt reads an integer constant, or an integer the session holds (see lookup).
func (s *Session) lookupInt(e ast.Expr) (int64, bool) {
	if lit, ok := ast.Unparen(e).(*ast.BasicLit); ok && lit.Kind == token.INT {
		n, err := strconv.ParseInt(lit.Value, 0, 64)
		return n, err == nil
	}
	if u, ok := ast.Unparen(e).(*ast.UnaryExpr); ok && u.Op == token.SUB {
		n, ok := s.lookupInt(u.X)
		return -n, ok
	}
	v, ok := s.lookup(e)
	if !ok || !v.CanInt() {
		return 0, false
	}
	return v.Int(), true
}

// frame is one interpreted frame of a panic, as logged by the interpreter.
type frame struct {
	line   int
	fn     string
	approx bool // line is the first line of the function, not the failing one
}

// panicLineIn returns the cell line of the one expression of function fn, declared in the cell src, that
// can fail as msg says (an index for an index out of range, a slice expression for slice bounds, a call
// of panic for anything else), or 0 when the function is not in the cell or has none or several.
func panicLineIn(src, fn, msg string) int {
	c, err := cell.Parse(src)
	if err != nil {
		return 0
	}
	var body *ast.BlockStmt
	var fset *token.FileSet
	for _, p := range c.Pieces {
		for _, d := range p.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == fn && fd.Body != nil {
				body, fset = fd.Body, p.FileSet
			}
		}
	}
	if body == nil {
		return 0
	}
	var lines []int
	ast.Inspect(body, func(n ast.Node) bool {
		var hit bool
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.IndexExpr:
			hit = msg == goIndexOutOfRange || strings.HasPrefix(msg, goIndexOutOfRange+" ")
		case *ast.SliceExpr:
			hit = msg == goSliceOutOfRange
		case *ast.CallExpr:
			id, ok := x.Fun.(*ast.Ident)
			hit = ok && id.Name == "panic" && id.Obj == nil && !strings.HasPrefix(msg, "runtime error: ")
		}
		if hit {
			lines = append(lines, fset.Position(n.Pos()).Line)
		}
		return true
	})
	if len(lines) != 1 {
		return 0
	}
	return lines[0]
}

// panicCatcher sits in front of the session's stderr and takes out the lines the interpreter logs while a
// panic unwinds ("12:3: panic: main.f(...)", quirk panic-frames), keeping them as frames for the error.
type panicCatcher struct {
	w   io.Writer
	mu  sync.Mutex
	buf []frame
}

func (c *panicCatcher) Write(p []byte) (int, error) {
	if bytes.Contains(p, []byte(panicFrameMark)) {
		if m := panicFrameRE.FindSubmatch(p); m != nil {
			line, _ := strconv.Atoi(string(m[1]))
			c.mu.Lock()
			if len(c.buf) < 64 {
				c.buf = append(c.buf, frame{line: line, fn: string(m[3])})
			}
			c.mu.Unlock()
			return len(p), nil
		}
	}
	return c.w.Write(p)
}

func (c *panicCatcher) reset() {
	c.mu.Lock()
	c.buf = nil
	c.mu.Unlock()
}

func (c *panicCatcher) frames() []frame {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]frame(nil), c.buf...)
}
