package engine

import (
	"go/ast"
	"go/token"
	"reflect"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/golm-dev/golm/helpers/display"
)

// This file is the one seam between the engine and the interpreter's known defects (yaegi v0.16.1). Each
// quirk is listed once in quirks, with what the interpreter does, what the engine does instead and where;
// everything that depends on the interpreter's error text or internal names is defined here, next to its
// entry. quirks_test.go runs each quirk on a bare interpreter and fails, naming the workaround to remove,
// when an upgrade of the interpreter fixes it.

// quirk is a behaviour of the interpreter that the engine works around.
type quirk struct {
	id    string // short name, used by the tests
	what  string // what the interpreter does
	fix   string // what the engine does instead
	where string // where the workaround is applied
}

// quirks lists every workaround of the engine for the interpreter.
var quirks = []quirk{
	{"mixed-cell",
		"a source that mixes declarations (import, func, type) and statements fails: expected declaration, found ...",
		"the cell is split into runs of declarations and statements, evaluated in order",
		"internal/cell.Parse; Session.run (engine.go)"},
	{"reimport",
		"importing a package again fails: redeclared in this block",
		"each package is imported once per session; repeated imports are dropped",
		"Session.importAll (imports.go)"},
	{"main-reruns",
		"func main runs again after every later Eval",
		"func main is renamed __golm_main and called once, by its cell",
		"Session.declSource, Session.run (engine.go)"},
	{"redefinition-ignored",
		"declaring a type or method again with another body is accepted, and the old one kept",
		"the cell is refused with an explanation",
		"Session.checkRedefinitions (engine.go)"},
	{"line-one-columns",
		"columns on line 1 count the wrapper put around statements (package main; func main() {)",
		"code starts one line below its cell line (pad); positions are read lineShift lines higher",
		"pad, evalError, panicError"},
	{"compile-panics",
		"Compile panics on some code instead of returning an error, after logging the value with the log package",
		"compile recovers the panic as a CompileError; Session.Compiling lets the worker drop the log line",
		"Session.compile, Session.Compiling (engine.go); the worker's log filter"},
	{"range-over-func",
		"ranging over a function (Go 1.23 iterators) panics with \"nil type\"",
		"a loop over a value the engine can tell is a sequence becomes a for loop over the prelude's __golmPull; for others the error names the missing feature and the way around it",
		"Session.rewriteRangeFuncs (rangefunc.go); rangeOverFuncPanic in Session.compile (engine.go) and Session.panicError (errors.go)"},
	{"range-over-int",
		"for i := range n (Go 1.22) panics in Compile",
		"the loop is rewritten as a three-clause loop",
		"Session.rewriteRangeInts (stmts.go)"},
	{"no-min-max-clear",
		"the builtins min, max and clear are undefined",
		"the prelude declares them",
		"_prelude/prelude.go"},
	{"generic-stdlib",
		"the symbol tables of slices, maps and cmp lack their generic functions (undefined selector: slices.Sort)",
		"the prelude declares stand-ins, cells are rewritten to call them, and the empty tables are dropped",
		"_prelude/prelude.go; Session.rewriteShims, Session.symbols (prelude.go)"},
	{"generic-compiled-slice",
		"calling a generic function with a slice whose type comes from compiled code panics in Compile",
		"such arguments of the stand-ins are converted to their type written out",
		"Session.conversion (prelude.go)"},
	{"no-iter",
		"the iter package cannot be imported",
		"import \"iter\" is dropped; the prelude declares iter.Seq and iter.Seq2, and cells are rewritten to use them; symbols/std has the names of packages newer than the interpreter's tables",
		"Session.importAll (imports.go), Session.rewriteShims, Session.symbols (prelude.go)"},
	{"block-define",
		"at top level, a two-value := inside a block fails: undefined: <first name>",
		"compound statements run in a function of their own",
		"needsWrapping, Session.runStmts (stmts.go)"},
	{"literal-reruns",
		"a function literal called as a top-level statement runs again with every later Eval",
		"such calls run in a function of their own",
		"needsWrapping, Session.runStmts (stmts.go)"},
	{"definition-loop",
		"at top level, x := v.Slice[i] of compiled types fails: constant definition loop (a nil pointer dereference for x := v.Slice[i].Field)",
		"the statement runs again as var x T; x = ...",
		"definitionLoop, Session.runTyped (typed.go)"},
	{"undefined-loop",
		"an undefined name in x := expression is reported as constant definition loop",
		"undefined names are found before evaluation, and the message is reworded",
		"Session.checkUndefined (engine.go), undefinedLoopMsg in Session.evalError (errors.go)"},
	{"panic-frames",
		"a panic writes the interpreted frames to Stderr, one line each: L:C: panic: main.f(...)",
		"those lines are taken out of Stderr and shown as the error's traceback",
		"panicFrameRE, panicCatcher (errors.go)"},
	{"value-receiver-interface",
		"a cell's type with value-receiver methods, used through an interface by compiled code, panics (errors.As: Call using struct {} as type error)",
		"the panic message suggests pointer receivers",
		"valueReceiverPanic in Session.panicError (errors.go)"},
	{"statement-value",
		"the value Eval returns for a statement is a pointer to an empty interface, not an invalid value",
		"isNoValue recognises it; the last expression is assigned to a session variable instead",
		"isNoValue, Session.runLastStmts (value.go)"},
	{"stale-value",
		"the value Eval returns for a call of a compiled method without results (mu.Lock()) is the value of an earlier Eval",
		"Eval's own value is never shown: the last expression is assigned to a session variable, and calls without results (by arity) show nothing",
		"Session.runLastStmts, Session.arity (value.go)"},
	{"generic-name",
		"evaluating the name of a generic function fails",
		"the number of results of a call is read from the function's declaration",
		"Session.arity (value.go)"},
	{"generic-result-define",
		"x := call of a generic function panics in Compile (nil reflect type)",
		"as the last expression, the bare expression is compiled instead; the next result variable gets a new name (a precaution: a later x := 5 works in v0.16.1); elsewhere at top level, the bare call is run, and x declared with its value's type (or, for a generic type's instance, whose type the interpreter cannot name, with the function's result type, its type parameters inferred from the arguments) and set to it",
		"Session.runLastStmts, Session.resultVar (value.go); Session.defineFromValue, Session.runTyped (typed.go); Session.resultTypeOf (inference.go)"},
	{"unnamed-types",
		"values of types declared in cells have unnamed reflect types without their methods",
		"declared types are named from the session's table, and their methods called through the interpreter; fmt.Printf, Sprintf, Fprintf, Appendf and Errorf write %T, %+v and %#v of a cell's struct types (and %d of a wrapped Stringer) as Go does, and %T of a cell's other types and generic types' instances where the cell tells the argument's type",
		"Session.recordDecls (engine.go), Session.formatter, Session.renderDeclared (value.go), Session.fmtFuncs (fmtcells.go), Session.rewriteTypeNames (typenames.go)"},
	{"type-switch-cases",
		"a type switch's case error does not match a compiled error (errors.New(\"x\") goes to default); in a generic function, switch any(v).(type) without a variable does not match a case of a cell's type",
		"case error becomes a case of a compiled interface with Error (whose wrapper for a cell's error is the engine's); such a switch gets a variable, used in each case",
		"Session.rewriteTypeSwitches (typeswitch.go)"},
	{"method-expression",
		"calling a method expression of a cell's type (d := N.Double; d(3), (*T).M) panics: reflect: Call with too many input arguments",
		"T.M and (*T).M become a function literal calling the method, its signature read from the declaration",
		"Session.rewriteMethodExprs (methodexpr.go)"},
	{"method-value-copy",
		"a method value with a value receiver is bound to the variable, not to a copy: g := x.M; x.f = 9; g() sees 9",
		"x.M, not called, where the cell tells x's type, becomes a function literal that copies x first",
		"Session.rewriteMethodValues (methodexpr.go)"},
	{"defer-literal-late",
		"defer func() { ... }() makes the function literal when the deferred call runs: in a loop, every deferred literal sees the last iteration's variables",
		"such a defer becomes __golm_dN := func() func() { return func() { literal(args) } }(); defer __golm_dN(), made at the defer",
		"Session.rewriteFuncDefers (loops.go)"},
	{"defer-closure-deadlock",
		"a function literal kept in a variable and deferred by the function that made it (f := func() {...}; defer f()) deadlocks when the deferred calls run: the frame is locked while they run, and the literal locks it when it returns",
		"the literal is made in a function of its own: f := func() func() { return func() {...} }()",
		"deferredLiterals, used by Session.rewriteFuncDefers (loops.go)"},
	{"embedded-interface-method",
		"a method that a struct of more than one field promotes from an embedded interface cannot be called: s.Greet() panics with \"invalid interface value\" (s.Greeter.Greet() works)",
		"such calls are written through the field, where the cell tells the variable's type",
		"Session.rewritePromotedCalls (promoted.go)"},
	{"generic-literal-flow",
		"the composite literals of one instance of a generic struct type share their control flow: after Pair[string, int]{...} execution goes on after the last such literal compiled, in whatever function, skipping statements or running an earlier cell's code",
		"such literals (outside generic functions) become a function literal that declares the value and sets its fields, on the literal's lines",
		"Session.rewriteGenericLiterals (genericlit.go)"},
	{"error-var-struct",
		"a struct value of a cell's type with value-receiver methods, given to a variable of type error (var e error = NotFound{...}), is held bare: compiled code given e panics (Call using struct as type error) or prints its fields",
		"the value is written as a function's result, func() error { return NotFound{...} }(), which the interpreter wraps",
		"Session.rewriteErrorValues (typeswitch.go)"},
	{"maptypes-first-interface",
		"a compiled function taking any, given a value of a cell's type, sees it through the first interface of its MapTypes list that the type implements, with that one method",
		"display.Show and the like are mapped to twins of display's interfaces whose wrappers carry every method of display.Methods the value has; fmt's printing functions to twins of error and fmt.Stringer whose wrappers carry Error, String and GoString; the interpreter's error wrapper is given wrappers that carry Unwrap, Is and As (errors.Is and errors.As see a cell's error tree); errors.Join's errors are mapped to error; Print and the like drop from a value's wrapper the methods declared on the pointer",
		"wrapRich (quirks.go), used by Session.symbols (prelude.go); methodWrappers (methodwrap.go, zz_methodwrap.go); Session.fmtFuncs, Session.methodSet (fmtcells.go)"},
	{"wrapper-struct-value",
		"a struct value of a cell's type, passed to compiled code through an interface wrapper, arrives as its last field",
		"a cell's struct types get a method, __golmSelf, that returns the value, which fmt's and error's wrappers carry and the engine reads instead of IValue (telling a pointer to the struct, held right in IValue, from a last field that points to the struct's type); the text form of a value with rich forms and without Error or String is its richest form's, not the value's (display.Formatter.Render)",
		"selfMethods (engine.go), selfValue (methodwrap.go), wrappedValue (fmtcells.go); helpers/display render.go"},
	{"deferred-compiled-recover",
		"a compiled function deferred by interpreted code cannot recover a panic",
		"the recover added to goroutines is interpreted code",
		"goRecover, Session.rewriteGoroutines (stmts.go)"},
	{"comma-ok-define",
		"at top level, v, ok := m[k], v, ok := <-ch and v, ok := x.(T) panic in Compile (nil type)",
		"the statement runs as var v T; var ok bool; v, ok = ..., T read from the map's or channel's value",
		"commaOK, Session.runCommaOK (typed.go), Session.runStmts (stmts.go)"},
	{"comma-ok-assign",
		"at top level, _, ok = <-ch, assigning variables that exist, panics (reflect.Set: value of type int is not assignable to type context.Context)",
		"such assignments run in a function of their own",
		"needsWrapping, Session.runStmts (stmts.go)"},
	{"comma-ok-stale",
		"a failed comma-ok map index or type assertion leaves the value as it was (1 false in a loop, where Go has 0 false)",
		"after such a statement in a list, if !ok sets the value to the zero value",
		"Session.rewriteCommaOKZero (stmts.go)"},
	{"pkg-var-assign",
		"assigning a composite literal to a compiled package's variable is lost: after os.Args = []string{\"prog\"}, os.Args is as before",
		"assignments to compiled packages' variables go through their address: *(&os.Args) = ...",
		"Session.rewritePkgVarAssigns (pkgvars.go)"},
	{"recv-condition",
		"run with a context, a receive used as a condition (<-ch && x, if <-ch) that has to wait leaves its value stale: <-messages && true is false",
		"such receives are compared instead: (<-ch == true)",
		"Session.rewriteRecvConds (stmts.go)"},
	{"not-case",
		"in a switch without a tag, case !x is taken when x is a constant or a compiled package's variable (local.Built), whatever its value",
		"such cases are put in parentheses: case (!x)",
		"Session.rewriteNotCases (stmts.go)"},
	{"multi-define-global",
		"a variable declared at top level by a, b := f() or var a, b = f() is read wrong (a nil pointer dereference) by a function called from another function, as a cell's if, for or block is",
		"the statement runs as __golm_mvN_0, __golm_mvN_1 := f(); a, b := __golm_mvN_0, __golm_mvN_1; var a, b = f() likewise",
		"Session.rewriteMultiDefines (stmts.go)"},
	{"return-recv",
		"return <-ch panics: reflect.Value.Set using unaddressable value",
		"it runs as { v := <-ch; return v }",
		"Session.rewriteReturnRecvs (stmts.go)"},
	{"recover-lexical",
		"recover() in a deferred function literal returns the panic of the frame the literal was written in, not of the function that deferred it: a literal written at top level and deferred elsewhere recovers nothing",
		"a cell's deferred calls are kept and run by the engine when the cell ends; recover() in a deferred literal is rewritten to ask the session for the cell's panic",
		"Session.rewriteDefers, deferCall, Session.runDefers (body.go)"},
	{"reflect-runtime-errors",
		"run-time errors are reflect's panics: an index out of range says reflect: slice index out of range, a nil pointer dereference reflect: call of reflect.Value.Field on zero Value",
		"the cell's error says what Go says (runtime error: index out of range [0] with length 0 where the values can be read back)",
		"reflectWords, goWords, Session.indexDetail (errors.go)"},
	{"panic-position",
		"the interpreter's own run-time errors (interface conversion) start with the code position, lineShift lines below the cell line, and the frame it logs for the innermost function names the function's first line",
		"the position is taken out of the message, and names the innermost frame's cell line; in a function of the cell with one expression that can fail so, that expression's line is named, else the traceback says the line is not known",
		"goWords, panicLineIn, Session.panicError (errors.go)"},
	{"var-definition-loop",
		"at top level, var d I = v, with I an interface and v of a struct type that embeds another, fails: variable definition loop",
		"a declarations piece that fails so runs again one declaration at a time, var d I = v as var d I; d = v",
		"Session.runDeclsSplit (engine.go)"},
	{"log-wrapper",
		"log.New returns a wrapper of *log.Logger (so that Fatal panics) that lacks SetPrefix: undefined method",
		"log.New, log.Default and log.Logger are golm's Logger, which embeds *log.Logger and ends the cell in Fatal as os.Exit does (see Session.exit); the package's functions (log.Println, log.SetOutput) are bound to log.Default's logger (the interpreter binds them to one of its own); where compiled code wants a *log.Logger (http.Server{ErrorLog: logger}), the cell's value goes through __golm.StdLogger",
		"internal/log; Session.symbols, Session.logFuncs (prelude.go); Session.rewriteStdLoggers (stmts.go)"},
	{"generic-tparam-scope",
		"instantiating a generic function resolves its type parameters' names in the scope of the call: a type T declared by a cell breaks func min[T ...]",
		"the prelude's type parameters are renamed __golm_tp_<name> before it is evaluated; its sort is imported as __golmsort, its min, max and clear are __golmMin...",
		"preludeDecls, Session.prelude, Session.rewriteShims (prelude.go)"},
	{"shared-loop-var",
		"a loop has one variable for all its iterations (Go 1.22 gives each its own): closures made in the loop all see the last value",
		"a loop whose body holds a function literal, go or defer, or takes the address of a range loop's variable (&v), starts its body with v := v for the variables it declares",
		"Session.rewriteLoopVars (loops.go)"},
	{"defer-args-late",
		"in a function, defer f(x) evaluates x when the deferred call runs, not at the defer statement",
		"defer f(x) becomes d := func() func() { a := x; return func() { f(a) } }(); defer d(), except where f is a function or method whose body calls recover (its recover would find no panic when called from the closure): there x is still evaluated late",
		"Session.rewriteFuncDefers (loops.go)"},
	{"errorf-wrap",
		"fmt.Errorf(\"%w\", err) with an error of a cell's type wraps nothing: Unwrap gives nil, errors.Is and errors.As find nothing",
		"fmt.Errorf's argument mapping lists error first, so that the argument arrives as an error",
		"Session.symbols (prelude.go)"},
	{"errors-as-cell-type",
		"errors.As with a target of a cell's type panics: errors: *target must be interface or implement error",
		"errors.As and errors.AsType are stand-ins that walk the tree themselves, unwrapping the interpreter's wrappers",
		"errorsAs (prelude.go), _prelude/prelude.go"},
	{"generic-var-value",
		"at top level, var s G[T] = v, with G a generic type (iter.Seq[int]), leaves s nil",
		"a declarations piece with such a variable runs one declaration at a time, var s G[T] = v as var s G[T]; s = v",
		"genericTypedVar, Session.runDeclsSplit (engine.go)"},
	{"variadic-generic",
		"a generic function whose only parameter is variadic (func or[T comparable](vals ...T) T) cannot be called: undefined type for T",
		"the prelude's cmp.Or and slices.Concat take their first argument apart (first T, rest ...T), and a call with a spread argument (cmp.Or(vals...)) calls a stand-in that takes the slice",
		"_prelude/prelude.go; Session.rewriteShims (prelude.go)"},
	{"generic-multi-define",
		"at top level, a, b := call of a generic function fails to compile (reflect.Type is nil)",
		"the call runs in a function literal, which hands back pointers to its results; each variable is declared with its result's type and set",
		"Session.defineManyFromCall, Session.runTyped (typed.go)"},
	{"func-result-inference",
		"calling Map[T, U any](xs []T, f func(T) U) with a func(int) string infers U = int: cannot use type func(int) string as type func(int) int",
		"such a call of a cell's or the session's generic function is instantiated explicitly (Map[int, string](...)) when the arguments' types written in the call give every type parameter",
		"Session.rewriteGenericCalls (inference.go)"},
	{"cancel-outlives",
		"ExecuteWithContext returns when its context is cancelled while its goroutine goes on in compiled code, visible only in runtime.Stack",
		"InterpreterRunning finds that goroutine by the name of its function",
		"InterpreterRunning (quirks.go), used by the worker to detect a stuck cell"},
}

// lineShift is how many lines the engine's code starts below its cell line (see pad).
const lineShift = 1

// rangeOverFuncPanic reports whether a panic value is the interpreter's for a range over a function.
func rangeOverFuncPanic(v any) bool {
	s, ok := v.(string)
	if !ok {
		if e, isErr := v.(error); isErr {
			s, ok = e.Error(), true
		}
	}
	return ok && s == "nil type"
}

// rangeOverFuncMsg explains a rangeOverFuncPanic.
const rangeOverFuncMsg = "the interpreter cannot range over this value: golm runs range over a function (Go 1.23 iterators) " +
	"where it can tell from the code that the value is a sequence (a call of a function declared with an iter.Seq or " +
	"func(yield func(V) bool) result, a variable or parameter of such a type), and could not here: write the sequence's " +
	"type out, or call the function with a yield callback"

// definitionLoop reports whether a compile error is the interpreter's definition-loop defect (see quirks).
func definitionLoop(err error) bool {
	e, ok := err.(*Error)
	return ok && e.Name == "CompileError" &&
		(strings.Contains(e.Value, "definition loop") || strings.Contains(e.Value, "nil pointer dereference") ||
			strings.Contains(e.Value, "reflect.Type is nil") || strings.Contains(e.Value, "nil reflect type"))
}

// genericDefine reports whether err is the interpreter's refusal of x := f[T](...) or var x = f[T](...)
// at top level, f a generic function of the session (its type arguments written by the cell or by golm,
// see rewriteGenericCalls), which it runs as the bare call: values are the right-hand sides.
func (s *Session) genericDefine(err error, values []ast.Expr) bool {
	e, ok := err.(*Error)
	if !ok || e.Name != "CompileError" || !strings.Contains(e.Value, "not a generic type: func(") {
		return false
	}
	for _, v := range values {
		call, ok := ast.Unparen(v).(*ast.CallExpr)
		if !ok {
			continue
		}
		var fun ast.Expr
		switch f := call.Fun.(type) {
		case *ast.IndexExpr:
			fun = f.X
		case *ast.IndexListExpr:
			fun = f.X
		}
		if id, ok := fun.(*ast.Ident); ok && s.genericDecl(nil, id) != nil {
			return true
		}
	}
	return false
}

// definedValues returns the right-hand sides of the short variable declarations among stmts and of the
// variable declarations among decls.
func definedValues(stmts []ast.Stmt, decls []ast.Decl) []ast.Expr {
	var values []ast.Expr
	for _, st := range stmts {
		if a, ok := st.(*ast.AssignStmt); ok && a.Tok == token.DEFINE {
			values = append(values, a.Rhs...)
		}
	}
	for _, d := range decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.VAR {
			for _, spec := range gd.Specs {
				values = append(values, spec.(*ast.ValueSpec).Values...)
			}
		}
	}
	return values
}

// undefinedLoopMsg is how the interpreter reports an undefined name in a short variable declaration.
const undefinedLoopMsg = "constant definition loop"

// valueReceiverPanic reports whether a panic message is the interpreter's for a value-receiver method used
// through an interface by compiled code.
func valueReceiverPanic(msg string) bool {
	return strings.Contains(msg, "is not assignable to type") || strings.Contains(msg, "as type error")
}

// reflectWords map the messages of reflect's panics in interpreted code to Go's run-time errors.
var reflectWords = []struct {
	re    *regexp.Regexp
	goMsg string
}{
	{regexp.MustCompile(`^reflect: (slice|array|string) index out of range$`), goIndexOutOfRange},
	{regexp.MustCompile(`^reflect\.Value\.Slice3?: (slice|string) index out of bounds$`), goSliceOutOfRange},
	{regexp.MustCompile(`^reflect: call of reflect\.Value\.\w+ on zero Value$`), goNilDereference},
	{regexp.MustCompile(`^reflect\.Value\.Call: call of nil function$`), goNilDereference},
}

// panicFrameRE matches a frame the interpreter writes to Stderr while a panic unwinds.
var panicFrameRE = regexp.MustCompile(`^(?:[^:\s]*\.go:)?(\d+):(\d+): panic: (.*)\(\.\.\.\)\n?$`)

// panicFrameMark is in every line panicFrameRE matches, for a cheap test first.
const panicFrameMark = ": panic: "

// executeGoroutine is the function, in runtime.Stack's words, of the goroutine in which ExecuteWithContext
// runs a program.
const executeGoroutine = "(*Interpreter).ExecuteWithContext.func"

// InterpreterRunning reports whether a goroutine started by the interpreter to run a cell is still alive in
// this process: after an interrupt, ExecuteWithContext returns at once while that goroutine may go on in
// compiled code that ignores the context.
func InterpreterRunning() bool {
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	return strings.Contains(string(buf[:n]), executeGoroutine)
}

// Twins of display's rich-output interfaces, one for each rich method of display.Methods (a test holds them
// to that list). Compiled functions mapped to display's interfaces (display.Show...) are mapped to these
// instead, whose interpreter wrappers are the engine's (see wrapRich); display's own wrappers stay as the
// interpreter makes them, so a cell can still hold a value in a variable of type display.HTMLer.
type (
	twinMIMEBundle interface{ MIMEBundle() map[string]any }
	twinHTML       interface{ HTML() string }
	twinMarkdown   interface{ Markdown() string }
	twinSVG        interface{ SVG() string }
	twinPNG        interface{ PNG() []byte }
	twinJPEG       interface{ JPEG() []byte }
	twinLaTeX      interface{ LaTeX() string }
	twinJSON       interface{ JSON() any }
)

var twins = []reflect.Type{
	reflect.TypeFor[twinMIMEBundle](), reflect.TypeFor[twinHTML](), reflect.TypeFor[twinMarkdown](),
	reflect.TypeFor[twinSVG](), reflect.TypeFor[twinPNG](), reflect.TypeFor[twinJPEG](),
	reflect.TypeFor[twinLaTeX](), reflect.TypeFor[twinJSON](),
}

// twinsPath is the import path of the twins, under which the interpreter looks up their wrappers.
var twinsPath = twins[0].PkgPath()

// twinKey keys the wrappers of the twins in the interpreter's MapTypes.
type twinKey struct{}

// wrapRich lets compiled code see every method of display.Methods that a value of a cell's type has (quirk
// maptypes-first-interface): in the interface mappings, display's rich-output interfaces are replaced by
// their twins, and the twins' wrappers are structs with the value in IValue and, for each method the value
// has, a field W<name> holding it as a function, which display recognises. It returns the symbol table of
// the twins' package, for the interpreter to find the wrappers in.
func wrapRich(mapTypes map[reflect.Value][]reflect.Type) (table map[string]reflect.Value) {
	twinOf := map[reflect.Type]reflect.Type{}
	for _, m := range display.Methods() {
		for _, tw := range twins {
			if tw.Method(0).Name == m.Name && tw.Method(0).Type == m.Type.Method(0).Type {
				twinOf[m.Type] = tw
			}
		}
	}
	for fn, list := range mapTypes {
		mapped := make([]reflect.Type, len(list))
		for i, t := range list {
			mapped[i] = t
			if tw, ok := twinOf[t]; ok {
				mapped[i] = tw
			}
		}
		mapTypes[fn] = mapped
	}
	key := reflect.ValueOf((*twinKey)(nil))
	mapTypes[key] = methodSetWrappers()
	table = map[string]reflect.Value{}
	for _, tw := range twins {
		table["_"+tw.Name()] = key
	}
	return table
}

// methodSetWrappers are the wrapper types for every non-empty set of display.Methods, largest first, as the
// interpreter takes the first whose methods the value all has. There are 1023 of them: building them with
// reflect.StructOf was a quarter of a worker's start, so they are declared in zz_wrappers.go
// (TestStaticWrappers writes it), and built only if display.Methods no longer fits it.
var methodSetWrappers = sync.OnceValue(func() []reflect.Type {
	if wrappersMatch(staticWrappers, display.Methods()) {
		return staticWrappers
	}
	return buildWrappers()
})

// buildWrappers builds methodSetWrappers' types with reflect.StructOf.
func buildWrappers() []reflect.Type {
	ms := display.Methods()
	anyType := reflect.TypeFor[any]()
	var out []reflect.Type
	for set := 1; set < 1<<len(ms); set++ {
		fields := []reflect.StructField{{Name: "IValue", Type: anyType}}
		for i, m := range ms {
			if set&(1<<i) != 0 {
				fields = append(fields, reflect.StructField{Name: "W" + m.Name, Type: anyType})
			}
		}
		out = append(out, reflect.StructOf(fields))
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].NumField() > out[j].NumField() })
	return out
}

// wrappersMatch reports whether types are the wrappers of the methods ms: one per non-empty set, each an
// IValue field and a W<name> field per method of its set, all of type any, largest first.
func wrappersMatch(types []reflect.Type, ms []display.Method) bool {
	if len(types) != 1<<len(ms)-1 {
		return false
	}
	anyType := reflect.TypeFor[any]()
	seen := make(map[int]bool, len(types))
	for i, t := range types {
		if t.Kind() != reflect.Struct || t.NumField() < 2 || t.Field(0).Name != "IValue" || t.Field(0).Type != anyType {
			return false
		}
		if i > 0 && t.NumField() > types[i-1].NumField() {
			return false
		}
		set, next := 0, 0
		for f := 1; f < t.NumField(); f++ {
			field := t.Field(f)
			for next < len(ms) && "W"+ms[next].Name != field.Name {
				next++
			}
			if next == len(ms) || field.Type != anyType {
				return false
			}
			set |= 1 << next
			next++
		}
		if seen[set] {
			return false
		}
		seen[set] = true
	}
	return true
}
