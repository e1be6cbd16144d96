// Package engine runs Go cells with the yaegi interpreter and keeps the session's state between them.
//
// The interpreter has gaps that a notebook user would trip over; the engine closes them:
//   - a cell may mix imports, declarations and statements: it is split (package cell) and each run is
//     evaluated on its own, in order;
//   - packages are imported on first use, and importing a package again is harmless;
//   - the last expression of a cell is evaluated into a session variable and rendered (text in Go syntax,
//     rich forms when its type has HTML, Markdown, SVG, PNG... methods), since the interpreter's own
//     result is unreliable;
//   - func main runs once, when its cell runs;
//   - a cell's top-level statements behave as one function body: defer runs when the cell ends, recover
//     in a deferred function stops the cell's panic, return ends the cell (see body.go);
//   - a type or method redefined with a different body is reported, since the interpreter would keep the
//     old one silently;
//   - min, max, clear and the common functions of slices and maps work (see prelude.go);
//   - errors name the cell line, panics carry the interpreted call stack.
package engine

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/internal/cell"
	cellog "github.com/golm-dev/golm/internal/kernel/engine/internal/log"
	"github.com/traefik/yaegi/interp"
)

// Options configure a Session.
type Options struct {
	// Stdout and Stderr receive what cells print.
	Stdout, Stderr io.Writer
	// Input answers reads of standard input by cells (fmt.Scan...); nil makes them fail with a clear error.
	Input func(ctx context.Context, prompt string, password bool) (string, error)
	// Symbols are the compiled packages cells can import, in yaegi's form (key "import/path/name").
	Symbols interp.Exports
	// Preferred maps a package name used without import to the import path to use when several packages
	// share the name (rand → math/rand).
	Preferred map[string]string
	// Docs looks up the documentation of a package member for inspect ("strings.Repeat"); may be nil.
	Docs func(pkgPath, name string) (doc string, ok bool)
	// Env is the environment of shell magics and the interpreter; nil means the process environment.
	Env []string
}

// Session is an interpreter session: the state that persists from one cell to the next.
type Session struct {
	opts Options
	i    *interp.Interpreter

	mu             sync.Mutex                      // serialises Execute, Complete and Inspect
	cellCtx        atomic.Pointer[context.Context] // the running cell's context
	hasMain        bool                            // a cell declared func main (as __golm_main, see declSource)
	mainVar        bool                            // a cell declared main as a variable (see rewriteMainCalls)
	ctxVar         reflect.Value                   // the session variable ctx (a *context.Context), see enterCell
	stderr         *panicCatcher
	count          int                     // cells executed, for naming
	cmd            *cmdLine                // os.Args and package flag's command line
	imported       map[string]string       // local name → import path
	pkgNames       map[string]string       // package name → import path, for auto-import
	pkgs           map[string]string       // import path → package name
	names          map[string]nameInfo     // names declared by cells
	types          map[string]*typeInfo    // declared types
	typeName       map[reflect.Type]string // reflect type of a declared type → its name
	ptrMethods     map[string]bool         // names of the methods declared with a pointer receiver (see methodSet)
	generic        generic                 // the prelude's stand-ins for generic standard functions
	preludeResults map[string]int          // number of results of the prelude's functions, by name
	lazy           map[string]*lazyDecl    // the prelude's stand-ins, evaluated when a cell first uses them (see lazy.go)
	preludeSeqs    map[string]int          // arity of the sequences the prelude's functions return, by name
	syms           interp.Exports          // the compiled packages' symbols
	blocks         int                     // functions declared to run compound statements (see stmts.go)
	rvar           int                     // suffix of the variable holding the last expression (see value.go)
	compiling      atomic.Bool             // true while the interpreter compiles a cell
	pending        any                     // the value the cell panicked with, for its deferred calls (see body.go)
	returned       bool                    // a return statement of the cell ran (see body.go)
	panicVar       reflect.Value           // the session variable __golmPanic (a *any), see body.go
	exitMu         sync.Mutex              // guards the three below, set while exec runs code
	exitCancel     context.CancelFunc      // stops the code exec runs
	exitDone       chan struct{}           // closed when the code exec ran has stopped
	exitCode       *int                    // the code of os.Exit, when the running cell called it
	exitMsg        string                  // log.Fatal's message, when it called os.Exit
	inCell         bool                    // a cell is running (os.Exit ends it)
	defaultLog     *cellog.Logger          // log.Default(), the logger of log.Println and the like
	deferVars      []string                // session variables holding a running cell's deferred arguments (see deferCall)
}

// Compiling reports whether the session is compiling code. The interpreter logs through the standard
// log package just before it panics on code it cannot compile; the worker drops those lines, since the
// panic becomes the cell's error.
func (s *Session) Compiling() bool { return s.compiling.Load() }

type nameKind int

const (
	kindVar nameKind = iota
	kindConst
	kindFunc
	kindType
)

// nameInfo records a name declared by a cell, for completion and inspection.
type nameInfo struct {
	kind nameKind
	src  string // declaration text (functions and types)
	doc  string
	cell int
	// recovers tells that a function's body calls recover (see rewriteFuncDefers and deferCall).
	recovers bool
}

// typeInfo records a declared type.
type typeInfo struct {
	src     string
	methods map[string]string // method name → declaration text
	rtype   reflect.Type
}

// New starts a session.
func New(opts Options) (*Session, error) {
	if opts.Stdout == nil {
		opts.Stdout = io.Discard
	}
	if opts.Stderr == nil {
		opts.Stderr = io.Discard
	}
	s := &Session{
		opts:     opts,
		imported: map[string]string{},
		pkgNames: map[string]string{},
		pkgs:     map[string]string{},
		names:    map[string]nameInfo{},
		types:    map[string]*typeInfo{},
		typeName: map[reflect.Type]string{},
		stderr:   &panicCatcher{w: opts.Stderr},
	}
	bg := context.Background()
	s.cellCtx.Store(&bg)
	stdin := &inputReader{s: s}
	s.i = interp.New(interp.Options{
		Stdout:       opts.Stdout,
		Stderr:       s.stderr,
		Stdin:        stdin,
		Unrestricted: true,
		Env:          opts.Env,
	})
	syms := s.symbols()
	s.syms = syms
	if err := s.useSymbols(syms, stdin); err != nil {
		return nil, fmt.Errorf("loading package symbols: %w", err)
	}
	if err := s.i.Use(s.logFuncs()); err != nil {
		return nil, fmt.Errorf("loading the log package's functions: %w", err)
	}
	if err := s.i.Use(s.fmtFuncs()); err != nil {
		return nil, fmt.Errorf("loading fmt's functions: %w", err)
	}
	for key := range syms {
		path, name := splitKey(key)
		if path == "" || path == twinsPath || strings.HasPrefix(name, "_") {
			continue
		}
		s.pkgs[path] = name
		if old, ok := s.pkgNames[name]; !ok || preferPath(path, old, opts.Preferred[name]) {
			s.pkgNames[name] = path
		}
	}
	if err := s.prelude(); err != nil {
		return nil, fmt.Errorf("loading the prelude: %w", err)
	}
	return s, nil
}

// splitKey splits a yaegi symbol key "import/path/name" into path and name.
func splitKey(key string) (path, name string) {
	i := strings.LastIndex(key, "/")
	if i < 0 {
		return "", key
	}
	return key[:i], key[i+1:]
}

// preferPath decides which of two packages with the same name gets the name for auto-import: the preferred
// one, else the standard library's, else the shorter path.
func preferPath(path, old, preferred string) bool {
	if preferred != "" {
		return path == preferred
	}
	std := func(p string) bool { return !strings.Contains(strings.SplitN(p, "/", 2)[0], ".") }
	if std(path) != std(old) {
		return std(path)
	}
	if len(path) != len(old) {
		return len(path) < len(old)
	}
	return path < old
}

// Context returns the context of the running cell (context.Background between cells). Cells see it as the
// variable ctx; see enterCell for what makes each cell's value its own.
func (s *Session) Context() context.Context { return s.current() }

func (s *Session) current() context.Context { return *s.cellCtx.Load() }

// enterCell gives a cell a context of its own, derived from ctx, and sets the session's variable ctx to it.
// Each cell gets a new value, so a ctx that a cell keeps (in a variable, a struct, a goroutine) behaves as Go
// code expects of a request's context: the returned leave function cancels it, so once its cell has ended it
// is done, with Err() == context.Canceled. Interrupting the cell cancels ctx too, while it runs.
//
// A goroutine of an earlier cell may read ctx while it is set: every value it holds after the first cell
// has the same dynamic type (*context.cancelCtx), so such a read sees the old or the new context, whole.
func (s *Session) enterCell(ctx context.Context) (cellCtx context.Context, leave func()) {
	cellCtx, cancel := context.WithCancel(ctx)
	s.cellCtx.Store(&cellCtx)
	if s.ctxVar.IsValid() {
		s.ctxVar.Elem().Set(reflect.ValueOf(&cellCtx).Elem())
	}
	return cellCtx, func() {
		cancel()
		bg := context.Background()
		s.cellCtx.Store(&bg)
	}
}

// Result is what a cell produced besides its printed output.
type Result struct {
	// Value is the rendered last expression, nil when the cell ends with a statement or a call with no
	// result.
	Value *display.Bundle
	// Page is help to show in the pager (a cell "?name" or "name?").
	Page *display.Bundle
}

// Execute runs a cell. ctx is the cell's context: cancelling it interrupts the cell. Errors are *Error
// values that name the cell line.
func (s *Session) Execute(ctx context.Context, src string) (*Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, leave := s.enterCell(ctx)
	defer leave()
	s.count++
	s.cmd.run.Store(uint64(s.count))
	res, err := s.execute(ctx, src)
	if err != nil {
		return nil, s.secrets().error(err) // no secret of the environment in an error
	}
	return res, nil
}

// execute runs a cell (see Execute).
func (s *Session) execute(ctx context.Context, src string) (*Result, error) {
	if name, ok := helpQuery(src); ok {
		text, found := s.describe(name)
		if !found {
			return nil, &Error{Name: "NameError", Value: fmt.Sprintf("no help for %s: not a package, function, type or variable of this session", name)}
		}
		return &Result{Page: &display.Bundle{Data: map[string]any{display.MIMEText: text}}}, nil
	}
	c, err := cell.Parse(src)
	if err != nil {
		var se *cell.Error
		if errors.As(err, &se) {
			return nil, compileError(src, se.Line, se.Col, "syntax error: "+se.Msg)
		}
		return nil, &Error{Name: "SyntaxError", Value: err.Error()}
	}
	switch c.CellMagic {
	case "":
		return s.run(ctx, src, c)
	case "time":
		start := time.Now()
		res, err := s.run(ctx, src, c)
		fmt.Fprintf(s.opts.Stdout, "%s\n", timing(time.Since(start)))
		return res, err
	default:
		return nil, &Error{Name: "UsageError", Value: fmt.Sprintf("unknown cell magic %%%%%s (try %%help)", c.CellMagic)}
	}
}

// helpQuery recognises a help request: "?name" or "name?" alone in a cell.
func helpQuery(src string) (string, bool) {
	t := strings.TrimSpace(src)
	var name string
	switch {
	case strings.HasPrefix(t, "?"):
		name = strings.TrimSpace(t[1:])
	case strings.HasSuffix(t, "?"):
		name = strings.TrimSpace(t[:len(t)-1])
	default:
		return "", false
	}
	if name == "" || chainBefore(name, len(name)) != 0 {
		return "", false
	}
	return name, true
}

// Evaluate evaluates one expression in the session (Jupyter's user_expressions) and renders it.
func (s *Session) Evaluate(ctx context.Context, expr string) (*display.Bundle, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, leave := s.enterCell(ctx)
	defer leave()
	c, err := cell.Parse(expr)
	if err != nil || len(c.Pieces) != 1 || c.Pieces[0].Kind != cell.Stmts || len(c.Pieces[0].Stmts) != 1 {
		return nil, &Error{Name: "SyntaxError", Value: fmt.Sprintf("not a single expression: %q", expr)}
	}
	if _, ok := c.Pieces[0].Stmts[0].(*ast.ExprStmt); !ok {
		return nil, &Error{Name: "SyntaxError", Value: fmt.Sprintf("not an expression: %q", expr)}
	}
	res, err := s.run(ctx, expr, c)
	if err != nil {
		return nil, s.secrets().error(err)
	}
	if res == nil || res.Value == nil {
		return &display.Bundle{Data: map[string]any{display.MIMEText: ""}}, nil
	}
	return res.Value, nil
}

func timing(d time.Duration) string {
	return fmt.Sprintf("Wall time: %s", d.Round(time.Microsecond))
}

// run evaluates the pieces of a parsed cell in order.
func (s *Session) run(ctx context.Context, src string, c *cell.Cell) (*Result, error) {
	s.exitMu.Lock()
	s.exitCode, s.exitMsg, s.inCell = nil, "", true
	s.exitMu.Unlock()
	defer func() {
		s.exitMu.Lock()
		s.inCell = false
		s.exitMu.Unlock()
	}()
	if err := reservedNames(src, c); err != nil {
		return nil, err
	}
	if err := s.checkFuncIndex(src, c); err != nil {
		return nil, err
	}
	info := c.Analyze()
	// Rewrite what the interpreter cannot run as written (see prelude.go and stmts.go). Each rewrite keeps
	// the cell's lines, and works on positions of the source it is given, so the cell is parsed again after
	// each one that changed something.
	code := src
	reparse := func(next string) error {
		if next == code {
			return nil
		}
		code = next
		var err error
		if c, err = cell.Parse(code); err != nil {
			return &Error{Name: "SyntaxError", Value: err.Error()}
		}
		info = c.Analyze()
		return nil
	}
	next, err := s.rewriteShims(ctx, code, c, info)
	if err != nil {
		return nil, err
	}
	if err := reparse(next); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteGenericCalls(ctx, code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteStdLoggers(code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteTypeNames(ctx, code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteTypeSwitches(ctx, code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteMethodExprs(code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteMethodValues(ctx, code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewritePromotedCalls(ctx, code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteGenericLiterals(code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteErrorValues(ctx, code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteRangeFuncs(ctx, code, c)); err != nil {
		return nil, err
	}

	if err := reparse(s.rewriteLoopVars(code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteFuncDefers(code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteRangeInts(code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteRecvConds(code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteNotCases(code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteMultiDefines(code, c)); err != nil {
		return nil, err
	}
	next, err = s.rewriteEmbeds(code, c)
	if err != nil {
		return nil, err
	}
	if err := reparse(next); err != nil {
		return nil, err
	}
	if err := reparse(s.rewritePkgVarAssigns(code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteReturnRecvs(code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteCommaOKZero(code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteGoroutines(code, c)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteMainCalls(code, c, info)); err != nil {
		return nil, err
	}
	if err := reparse(s.rewriteDotNames(code, c, info)); err != nil {
		return nil, err
	}
	next, deferred := s.rewriteDefers(code, c)
	if err := reparse(next); err != nil {
		return nil, err
	}
	if err := s.checkRedefinitions(src, c); err != nil {
		return nil, err
	}
	if err := s.importAll(ctx, src, c, info); err != nil {
		return nil, err
	}
	if err := s.checkUndefined(src, c, info); err != nil {
		return nil, err
	}
	if err := s.loadStandIns(ctx, code); err != nil {
		return nil, err
	}
	s.returned, s.pending = false, nil
	res, err := s.runPieces(ctx, src, c, info)
	if errors.Is(err, errReturned) {
		s.recordVars(info)
		res, err = nil, nil
	}
	var exit *exitError
	errors.As(err, &exit)
	if deferred && exit == nil { // os.Exit runs no deferred call
		if err = s.runDefers(ctx, src, err); err != nil {
			res = nil
		}
	}
	if deferred && exit != nil {
		s.clearDefers()
	}
	if exit != nil && exit.code == 0 {
		return nil, nil // os.Exit(0): the program ended without error
	}
	return res, err
}

// runPieces evaluates the pieces of a cell, prepared by run, in order.
func (s *Session) runPieces(ctx context.Context, src string, c *cell.Cell, info cell.Info) (*Result, error) {
	var res *Result
	last := lastStmtsPiece(c)
	for idx := range c.Pieces {
		p := &c.Pieces[idx]
		if err := ctx.Err(); err != nil {
			return nil, interrupted()
		}
		switch p.Kind {
		case cell.Import:
			continue // done by importAll
		case cell.Magic:
			r, err := s.magic(ctx, p)
			if err != nil {
				return nil, err
			}
			if idx == len(c.Pieces)-1 {
				res = r
			}
		case cell.Decls:
			code, callMain := s.declSource(p, info)
			if !callMain && genericTypedVar(p) {
				// var x G[T] = v leaves x nil at top level (quirk generic-var-value): declare, then assign.
				if err := s.runDeclsSplit(ctx, src, p); err != nil {
					return nil, err
				}
				s.recordDecls(p)
				continue
			}
			if _, err := s.eval(ctx, src, code); err != nil {
				if !definitionLoop(err) && !s.genericDefine(err, definedValues(nil, p.Decls)) || callMain {
					return nil, err
				}
				// Nothing ran (the piece failed to compile): go again one declaration at a time, a variable
				// with a type and a value as a declaration and an assignment.
				if err := s.runDeclsSplit(ctx, src, p); err != nil {
					return nil, err
				}
			}
			s.recordDecls(p)
			if callMain {
				s.hasMain = true
				if _, err := s.eval(ctx, src, "\n__golm_main()"); err != nil {
					return nil, err
				}
			}
		case cell.Stmts:
			var err error
			if idx == last {
				// The last expression's arity needs the variables the cell declared before it.
				s.recordVars(info)
				res, err = s.runLastStmts(ctx, src, p)
			} else {
				err = s.runStmts(ctx, src, p, p.Stmts)
			}
			if err != nil {
				if ran(err) || errors.Is(err, errReturned) {
					// Variables declared before the failure exist in the session.
					s.recordVars(info)
				}
				return nil, err
			}
		}
	}
	s.recordVars(info)
	return res, nil
}

// lastStmtsPiece returns the index of the last piece if it is a statements piece, else -1.
func lastStmtsPiece(c *cell.Cell) int {
	if n := len(c.Pieces); n > 0 && c.Pieces[n-1].Kind == cell.Stmts {
		return n - 1
	}
	return -1
}

// pad returns the newlines that put code starting at a cell line at that line plus lineShift, which keeps
// code off line 1, where the interpreter's wrapper shifts columns (quirk line-one-columns); positions are
// read back lineShift lines higher (see evalError).
func pad(line int) string { return strings.Repeat("\n", line-1+lineShift) }

// eval compiles and runs code (already padded) with the cell's context, turning failures into *Error.
func (s *Session) eval(ctx context.Context, src, code string) (reflect.Value, error) {
	prog, err := s.compile(src, code)
	if err != nil {
		return reflect.Value{}, err
	}
	return s.exec(ctx, src, prog)
}

// compile compiles code without running it. The interpreter panics on some code it cannot handle; the
// panic becomes a compile error.
func (s *Session) compile(src, code string) (prog *interp.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			msg := fmt.Sprintf("the interpreter cannot compile this code (%v); generic code and some newer Go features are only partly supported", r)
			if rangeOverFuncPanic(r) && strings.Contains(code, "range") {
				msg = rangeOverFuncMsg
			}
			err = &Error{Name: "CompileError", Value: msg}
		}
	}()
	s.stderr.reset()
	s.compiling.Store(true)
	defer s.compiling.Store(false)
	prog, err = s.i.Compile(code)
	if err != nil {
		return nil, s.evalError(src, err)
	}
	return prog, nil
}

// exec runs compiled code with the cell's context.
func (s *Session) exec(ctx context.Context, src string, prog *interp.Program) (reflect.Value, error) {
	s.stderr.reset()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	s.exitMu.Lock()
	if code := s.exitCode; code != nil { // a goroutine of the cell called os.Exit
		s.exitMu.Unlock()
		return reflect.Value{}, &exitError{code: *code, msg: s.exitMsg}
	}
	s.exitCancel, s.exitDone = cancel, done
	s.exitMu.Unlock()
	v, err := s.i.ExecuteWithContext(ctx, prog)
	stopped := ctx.Err() != nil
	s.exitMu.Lock()
	code, msg := s.exitCode, s.exitMsg
	s.exitCancel, s.exitDone = nil, nil
	s.exitMu.Unlock()
	close(done) // os.Exit, waiting, goes on once the interpreter stopped
	if code != nil {
		return reflect.Value{}, &exitError{code: *code, msg: msg}
	}
	if err != nil {
		if stopped {
			return v, interrupted()
		}
		return v, s.evalError(src, err)
	}
	return v, nil
}

// exitError ends a cell that called os.Exit (or log.Fatal): no deferred call runs, as in a program, but
// the session goes on.
type exitError struct {
	code int
	msg  string // log.Fatal's message
}

func (e *exitError) Error() string {
	if e.msg != "" {
		return fmt.Sprintf("log.Fatal: %s (exit status %d: the cell ended as the program would, without running its deferred calls; "+
			"the session goes on)", strings.TrimSuffix(e.msg, "\n"), e.code)
	}
	return fmt.Sprintf("os.Exit(%d): the cell called os.Exit; its deferred calls did not run, and the session goes on", e.code)
}

// fatalExit is exit for log.Fatal, with its message for the cell's error.
func (s *Session) fatalExit(code int, msg string) {
	s.exitMu.Lock()
	if s.inCell && s.exitCode == nil {
		s.exitMsg = msg
	}
	s.exitMu.Unlock()
	s.exit(code)
}

// exit is os.Exit for cells: it stops the running cell as an interrupt does, which runs no deferred call of
// interpreted code (the interpreter skips the bodies of functions of a stopped run), and the cell ends with
// an exitError; the goroutine that called it ends. It does not return. Outside a cell (a goroutine left
// running), it panics.
func (s *Session) exit(code int) {
	s.exitMu.Lock()
	cancel, done, inCell := s.exitCancel, s.exitDone, s.inCell
	if inCell && s.exitCode == nil {
		s.exitCode = &code
	}
	s.exitMu.Unlock()
	if !inCell { // a goroutine that outlived its cell
		panic(fmt.Sprintf("os.Exit(%d)", code))
	}
	if cancel == nil {
		panic(exitPanic{code}) // between pieces of the cell: the next exec ends it
	}
	cancel()
	<-done
	// The goroutine ends without a panic: the interpreter's deferred recover of a goroutine (see
	// rewriteGoroutines) no longer runs, and a panic there would end the process.
	runtime.Goexit()
}

// exitPanic unwinds the goroutine that called os.Exit once its cell ended.
type exitPanic struct{ code int }

// declSource returns the source of a declarations piece, with func main renamed so that it runs once
// (the interpreter would run main again after every later cell).
func (s *Session) declSource(p *cell.Piece, info cell.Info) (string, bool) {
	code := p.Src
	callMain := false
	if m := info.Main; m != nil {
		for _, d := range p.Decls {
			if d == ast.Decl(m) {
				callMain = true
			}
		}
		if callMain {
			// The declaration's name and every use in this piece that resolves to it (a recursive main(), a
			// usage() that calls main()); uses in other pieces are unresolved here (see rewriteMainCalls).
			var edits []srcEdit
			for _, d := range p.Decls {
				ast.Inspect(d, func(n ast.Node) bool {
					if id, ok := n.(*ast.Ident); ok && id.Name == "main" && (id == m.Name || (id.Obj != nil && id.Obj.Decl == m)) {
						off := p.Offset(id.Pos())
						edits = append(edits, srcEdit{start: off, end: off + len("main"), text: "__golm_main"})
					}
					return true
				})
			}
			code = applyEdits(code, edits)
		}
	}
	return pad(p.Line) + code + selfMethods(p.Decls), callMain
}

// selfMethod is the name of the method golm declares on each of a cell's struct types, which returns the
// value: compiled code finds it in the interpreter's wrapper of the value, whose IValue field holds the last
// field of a struct, not the struct (quirk wrapper-struct-value; see methodwrap.go).
const selfMethod = "__golmSelf"

// selfMethods declares selfMethod for the struct types of decls (not generic; the wrapper of a value of
// another kind holds the value), on one line after the declarations, so that no line number moves.
func selfMethods(decls []ast.Decl) string {
	var b strings.Builder
	for _, d := range decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			ts := spec.(*ast.TypeSpec)
			if _, isStruct := ts.Type.(*ast.StructType); !isStruct || ts.TypeParams != nil || ts.Assign.IsValid() || ts.Name.Name == "_" {
				continue
			}
			fmt.Fprintf(&b, "; func (x %s) %s() any { return x }", ts.Name.Name, selfMethod)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "\n" + b.String()[2:]
}

// reservedPrefix starts the names golm declares in a session for itself (the prelude's stand-ins, the
// variables of its rewrites): a cell may not use them, since it would break them for the session.
const reservedPrefix = "__golm"

// reservedNames refuses a cell that declares or uses a name starting with reservedPrefix.
func reservedNames(src string, c *cell.Cell) error {
	var err error
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		return func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && err == nil && strings.HasPrefix(id.Name, reservedPrefix) {
				pos := p.FileSet.Position(id.Pos())
				err = compileError(src, pos.Line, pos.Column, fmt.Sprintf(
					"%s: names starting with %s are golm's own (the session's hidden helpers); rename it", id.Name, reservedPrefix))
			}
			return err == nil
		}
	})
	return err
}

// checkFuncIndex refuses, with Go's message, a function that is not generic written with type arguments
// (plain[int](1)): the interpreter ignored them.
func (s *Session) checkFuncIndex(src string, c *cell.Cell) error {
	var err error
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		return func(n ast.Node) bool {
			if err != nil {
				return false
			}
			var x ast.Expr
			var lbrack token.Pos
			switch ix := n.(type) {
			case *ast.IndexExpr:
				x, lbrack = ix.X, ix.Lbrack
			case *ast.IndexListExpr:
				x, lbrack = ix.X, ix.Lbrack
			default:
				return true
			}
			id, ok := x.(*ast.Ident)
			if !ok {
				return true
			}
			if fd := s.plainFunc(c, id); fd != nil {
				pos := p.FileSet.Position(lbrack)
				err = compileError(src, pos.Line, pos.Column, fmt.Sprintf("cannot index %s (value of type %s)", id.Name, types.ExprString(fd.Type)))
			}
			return true
		}
	})
	return err
}

// plainFunc returns the declaration of the function id names, declared by the cell or the session, when
// it has no type parameters; nil for anything else.
func (s *Session) plainFunc(c *cell.Cell, id *ast.Ident) *ast.FuncDecl {
	var fd *ast.FuncDecl
	if id.Obj != nil {
		fd, _ = id.Obj.Decl.(*ast.FuncDecl)
	} else {
		for _, p := range c.Pieces {
			for _, d := range p.Decls {
				if f, ok := d.(*ast.FuncDecl); ok && f.Recv == nil && f.Name.Name == id.Name {
					fd = f
				}
			}
		}
		if fd == nil {
			if cellDecl(c, id.Name) != nil {
				return nil
			}
			info, ok := s.names[id.Name]
			if !ok || info.kind != kindFunc {
				return nil
			}
			f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+info.src, 0)
			if err != nil || len(f.Decls) != 1 {
				return nil
			}
			fd, _ = f.Decls[0].(*ast.FuncDecl)
		}
	}
	if fd == nil || fd.Recv != nil || fd.Type.TypeParams != nil {
		return nil
	}
	return fd
}

// genericTypedVar reports whether a declarations piece declares a variable of an instantiated generic type
// with a value (var s iter.Seq[int] = seq).
func genericTypedVar(p *cell.Piece) bool {
	for _, d := range p.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				switch vs.Type.(type) {
				case *ast.IndexExpr, *ast.IndexListExpr:
					if len(vs.Values) > 0 {
						return true
					}
				}
			}
		}
	}
	return false
}

// runDeclsSplit evaluates the declarations of a piece one at a time, var x T = v as var x T, then x = v:
// at top level the interpreter fails to compile some such declarations (quirk var-definition-loop: a
// variable of an interface type given a value of a struct type that embeds another).
func (s *Session) runDeclsSplit(ctx context.Context, src string, p *cell.Piece) error {
	for _, d := range p.Decls {
		line := p.FileSet.Position(d.Pos()).Line
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			if _, err := s.eval(ctx, src, pad(line)+p.Text(d)+selfMethods([]ast.Decl{d})); err != nil {
				return err
			}
			continue
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			line := p.FileSet.Position(vs.Pos()).Line
			if _, isCall := ast.Unparen(firstValue(vs)).(*ast.CallExpr); isCall && vs.Type == nil && len(vs.Names) == 1 && len(vs.Values) == 1 {
				// var x = f(...), f generic: as x := f(...) (see runTyped).
				done, err := s.defineFromValue(ctx, src, line, vs.Names[0].Name, vs.Values[0], p.Text(vs.Values[0]))
				if err != nil {
					return err
				}
				if done {
					continue
				}
			}
			if vs.Type == nil || len(vs.Values) == 0 {
				if _, err := s.eval(ctx, src, pad(line)+"var "+p.Text(vs)); err != nil {
					return err
				}
				continue
			}
			names := make([]string, len(vs.Names))
			for i, n := range vs.Names {
				names[i] = n.Name
			}
			values := make([]string, len(vs.Values))
			for i, v := range vs.Values {
				values[i] = p.Text(v)
			}
			if _, err := s.eval(ctx, src, pad(line)+"var "+strings.Join(names, ", ")+" "+p.Text(vs.Type)); err != nil {
				return err
			}
			if _, err := s.eval(ctx, src, pad(line)+strings.Join(names, ", ")+" = "+strings.Join(values, ", ")); err != nil {
				return err
			}
		}
	}
	return nil
}

// firstValue returns a variable declaration's first value, or nil.
func firstValue(vs *ast.ValueSpec) ast.Expr {
	if len(vs.Values) == 0 {
		return nil
	}
	return vs.Values[0]
}

// recordDecls remembers what a declarations piece declared, for completion, inspection and rendering.
func (s *Session) recordDecls(p *cell.Piece) {
	// Types first, so that methods declared above their type find it.
	decls := append([]ast.Decl(nil), p.Decls...)
	sort.SliceStable(decls, func(i, j int) bool {
		_, fi := decls[i].(*ast.FuncDecl)
		_, fj := decls[j].(*ast.FuncDecl)
		return !fi && fj
	})
	for _, d := range decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			text := p.Text(d) // a FuncDecl starts at func, after its doc comment
			doc := ""
			if d.Doc != nil {
				doc = d.Doc.Text()
			}
			sig := strings.TrimSpace(text)
			if d.Body != nil {
				sig = strings.TrimSpace(p.Src[p.Offset(d.Pos()):p.Offset(d.Body.Lbrace)])
			}
			if d.Recv != nil && len(d.Recv.List) > 0 {
				if ti := s.types[cell.ReceiverName(d.Recv.List[0].Type)]; ti != nil {
					if _, ok := ti.methods[d.Name.Name]; !ok {
						ti.methods[d.Name.Name] = text
						if ptrReceiver(text) {
							if s.ptrMethods == nil {
								s.ptrMethods = map[string]bool{}
							}
							s.ptrMethods[d.Name.Name] = true
						}
					}
				}
				continue
			}
			s.names[d.Name.Name] = nameInfo{kind: kindFunc, src: sig, doc: doc, cell: s.count, recovers: d.Body != nil && callsRecover(d.Body)}
			if d.Name.Name == "main" { // declared as __golm_main, which later cells call (see rewriteMainCalls)
				s.names["__golm_main"] = s.names["main"]
			}
		case *ast.GenDecl:
			for _, spec := range d.Specs {
				switch sp := spec.(type) {
				case *ast.TypeSpec:
					name := sp.Name.Name
					doc := ""
					if d.Doc != nil {
						doc = d.Doc.Text()
					}
					s.names[name] = nameInfo{kind: kindType, src: "type " + p.Text(sp), doc: doc, cell: s.count}
					if _, ok := s.types[name]; !ok {
						ti := &typeInfo{src: p.Text(sp), methods: map[string]string{}}
						s.types[name] = ti
						if sp.TypeParams == nil {
							if v, err := s.i.Eval("(*" + name + ")(nil)"); err == nil && v.IsValid() && v.Kind() == reflect.Pointer {
								ti.rtype = v.Type().Elem()
								s.typeName[ti.rtype] = name
							}
						}
					}
				case *ast.ValueSpec:
					kind := kindVar
					if d.Tok.String() == "const" {
						kind = kindConst
					}
					for _, n := range sp.Names {
						s.names[n.Name] = nameInfo{kind: kind, src: strings.TrimSpace(d.Tok.String() + " " + p.Text(sp)), cell: s.count}
					}
				}
			}
		}
	}
}

// ran reports whether an error happened while code ran (after it compiled).
func ran(err error) bool {
	e, ok := err.(*Error)
	return ok && (e.Name == "panic" || e.Name == "Interrupted")
}

// recordVars remembers variables declared with := at top level.
func (s *Session) recordVars(info cell.Info) {
	for _, v := range info.Vars {
		if _, ok := s.names[v]; !ok {
			s.names[v] = nameInfo{kind: kindVar, cell: s.count}
		}
	}
}

// universe holds the predeclared names of Go and those the prelude adds.
var universe = func() map[string]bool {
	m := map[string]bool{}
	for n := range builtinDocs {
		m[n] = true
	}
	for _, n := range predeclaredTypes {
		m[n] = true
	}
	return m
}()

// checkUndefined reports the first name the cell uses that nothing declares: the interpreter's own
// messages for this are confusing, and for a lone name it even returns a stale value.
func (s *Session) checkUndefined(src string, c *cell.Cell, info cell.Info) error {
	declared := map[string]bool{}
	for _, list := range [][]string{info.Vars, info.Consts, info.Funcs, info.Types} {
		for _, n := range list {
			declared[n] = true
		}
	}
	for _, p := range c.Pieces {
		for _, id := range p.Unresolved {
			n := id.Name
			if declared[n] || universe[n] || strings.HasPrefix(n, "__golm") {
				continue
			}
			if _, ok := s.names[n]; ok {
				continue
			}
			if _, ok := s.imported[n]; ok {
				continue
			}
			if shimmed[n] {
				continue
			}
			pos := p.FileSet.Position(id.Pos())
			msg := "undefined: " + n
			if path, ok := s.pkgNames[n]; ok {
				msg = fmt.Sprintf("%s is a package (%s): use one of its members, like %s.Name", n, path, n)
			}
			return compileError(src, pos.Line, pos.Column, msg)
		}
	}
	return nil
}

// checkRedefinitions refuses a cell that changes a type or a method already declared: the interpreter
// would keep the old one without a word. Declaring them again unchanged (running a cell twice) is fine.
func (s *Session) checkRedefinitions(src string, c *cell.Cell) error {
	for _, p := range c.Pieces {
		for _, d := range p.Decls {
			switch d := d.(type) {
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					sp, ok := spec.(*ast.TypeSpec)
					if !ok {
						continue
					}
					if ti := s.types[sp.Name.Name]; ti != nil && ti.src != p.Text(sp) {
						line := p.FileSet.Position(sp.Pos()).Line
						return compileError(src, line, 0, fmt.Sprintf(
							"type %s was already declared with a different definition, and the interpreter cannot change a type "+
								"in a running session: give the new type another name, or restart the session (%%reset)", sp.Name.Name))
					}
				}
			case *ast.FuncDecl:
				if d.Recv == nil || len(d.Recv.List) == 0 {
					continue
				}
				tn := cell.ReceiverName(d.Recv.List[0].Type)
				ti := s.types[tn]
				if ti == nil {
					continue
				}
				if old, ok := ti.methods[d.Name.Name]; ok && old != methodText(p, d) {
					line := p.FileSet.Position(d.Pos()).Line
					return compileError(src, line, 0, fmt.Sprintf(
						"method %s.%s was already declared with a different body, and the interpreter cannot replace a method "+
							"in a running session: restart the session (%%reset) to change it", tn, d.Name.Name))
				}
			}
		}
	}
	return nil
}

func methodText(p cell.Piece, d *ast.FuncDecl) string {
	return p.Text(d) // a FuncDecl starts at func, after its doc comment
}

// Names returns the names declared by cells, sorted.
func (s *Session) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.names))
	for n := range s.names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
