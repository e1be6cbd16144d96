package engine

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"reflect"
	"strings"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/internal/cell"
)

// resultVar returns the session variable that holds the last expression of a cell. It changes after the
// interpreter failed to compile an assignment to it, which can leave the name in a broken state.
func (s *Session) resultVar() string { return fmt.Sprintf("__golm_r%d", s.rvar) }

// runLastStmts evaluates the last statements piece of a cell. When it ends with an expression, the
// expression is assigned to a session variable (the interpreter's own result is unreliable) and rendered.
func (s *Session) runLastStmts(ctx context.Context, src string, p *cell.Piece) (*Result, error) {
	last, ok := p.Stmts[len(p.Stmts)-1].(*ast.ExprStmt)
	if !ok || needsWrapping(last) || deferRegistration(last) {
		return nil, s.runStmts(ctx, src, p, p.Stmts)
	}
	start := p.Offset(last.Pos())
	exprLine := p.FileSet.Position(last.Pos()).Line
	if len(p.Stmts) > 1 {
		if err := s.runStmts(ctx, src, p, p.Stmts[:len(p.Stmts)-1]); err != nil {
			return nil, err
		}
	}
	exprSrc := p.Src[start:p.Offset(last.End())]
	n, onlyErr, lastErr := s.arity(last.X)
	if n == 0 {
		_, err := s.eval(ctx, src, pad(exprLine)+exprSrc)
		return nil, err
	}
	rv := s.resultVar()
	vars := []string{rv}
	if n > 1 {
		vars = vars[:0]
		for i := 0; i < n; i++ {
			vars = append(vars, fmt.Sprintf("%s_%d", rv, i))
		}
	}
	// The assignment goes on the line before the expression, which keeps the expression's columns.
	prog, err := s.compile(src, pad(exprLine-1)+strings.Join(vars, ", ")+" :=\n"+exprSrc)
	if err != nil {
		// The interpreter cannot assign every expression (results of generic calls, functions without
		// results): compile the bare expression and take the interpreter's value for it.
		s.rvar++
		plain, err2 := s.compile(src, pad(exprLine)+exprSrc)
		if err2 != nil {
			return nil, err2
		}
		v, err := s.exec(ctx, src, plain)
		if err != nil || n != 1 || !v.IsValid() || isNoValue(v) {
			return nil, err
		}
		return &Result{Value: s.renderPlain(v)}, nil
	}
	v, err := s.exec(ctx, src, prog)
	if err != nil {
		return nil, err
	}
	if onlyErr && (!v.IsValid() || (v.Kind() == reflect.Interface && v.IsNil())) {
		return nil, nil // a call that returns only an error, and no error: nothing to show
	}
	if n == 1 {
		return &Result{Value: s.render(ctx, rv, v)}, nil
	}
	vals := make([]reflect.Value, n)
	for i, name := range vars {
		val, err := s.i.Eval(name)
		if err != nil {
			return nil, s.evalError(src, err)
		}
		vals[i] = val
	}
	if lastErr && isNil(vals[n-1]) {
		// (value, error) with no error: show the value, as richly as it renders.
		if n == 2 {
			return &Result{Value: s.render(ctx, vars[0], vals[0])}, nil
		}
		vals = vals[:n-1]
	}
	parts := make([]string, len(vals))
	for i, val := range vals {
		switch {
		case isNil(val):
			parts[i] = "nil"
		case val.CanInterface():
			parts[i] = s.formatter().Format(val.Interface())
		default:
			parts[i] = s.formatter().Value(val)
		}
	}
	text := strings.Join(parts, ", ")
	return &Result{Value: s.secrets(vals...).bundle(&display.Bundle{Data: map[string]any{display.MIMEText: text}})}, nil
}

// isNoValue reports whether the interpreter's value for a statement is its placeholder for "no value"
// (a pointer to an empty interface).
func isNoValue(v reflect.Value) bool {
	return v.Kind() == reflect.Pointer && v.Type().Elem().Kind() == reflect.Interface && v.Type().Elem().NumMethod() == 0
}

// renderPlain renders a value that is not held by a session variable. Credentials are masked (see
// secrets.go), as in every rendering of a value.
func (s *Session) renderPlain(v reflect.Value) *display.Bundle {
	if !v.CanInterface() {
		return s.secrets(v).bundle(&display.Bundle{Data: map[string]any{display.MIMEText: s.formatter().Value(v)}})
	}
	b := s.formatter().Render(v.Interface())
	return s.secrets(v).bundle(&b)
}

// printLike are calls whose results a notebook should not show (the bytes written by fmt.Println).
var printLike = map[string]bool{
	"fmt.Print": true, "fmt.Println": true, "fmt.Printf": true,
	"fmt.Fprint": true, "fmt.Fprintln": true, "fmt.Fprintf": true,
	"print": true, "println": true, "panic": true, "delete": true, "close": true, "clear": true,
	"log.Print": true, "log.Println": true, "log.Printf": true,
}

// isNil reports whether a value is a nil interface (or absent).
func isNil(v reflect.Value) bool {
	return !v.IsValid() || (v.Kind() == reflect.Interface && v.IsNil())
}

// arity returns how many values an expression statement produces: 0 for calls of functions without
// results (and print-like calls), their number of results for other calls, 1 for other expressions; whether
// the expression is a call of a function whose only result is an error; and whether its last result is an
// error.
func (s *Session) arity(e ast.Expr) (n int, onlyErr, lastErr bool) {
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return 1, false, false
	}
	name := exprName(call.Fun)
	if printLike[name] || name == "__golmDefer" { // a defer statement of the cell (see body.go)
		return 0, false, false
	}
	if name == "" {
		if v, ok := s.indexedFunc(call.Fun); ok {
			t := v.Type()
			n = t.NumOut()
			last := n > 0 && t.Out(n-1) == errorType
			return n, n == 1 && last, last
		}
		return 1, false, false // a call through an expression with side effects: try one value, fall back
	}
	if n, ok := s.preludeResults[name]; ok && strings.HasPrefix(name, "__golm") {
		return n, false, false // a stand-in of the prelude (slices.Sort, rewritten)
	}
	if sel, ok := call.Fun.(*ast.SelectorExpr); ok {
		if id, ok := sel.X.(*ast.Ident); !ok || s.pkgPath(id.Name) == "" {
			if n, last, ok := s.declaredMethodResults(sel.Sel.Name); ok {
				return n, n == 1 && last, last
			}
		}
	}
	info, declared := s.names[name]
	if !declared {
		if _, builtin := builtins[name]; builtin {
			return 1, false, false
		}
	}
	if declared && info.kind == kindFunc {
		// From the declaration: the interpreter cannot evaluate a generic function's name.
		if f, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+info.src+"{}", 0); err == nil && len(f.Decls) == 1 {
			if fd, ok := f.Decls[0].(*ast.FuncDecl); ok {
				res := fd.Type.Results
				n := res.NumFields()
				last := n > 0 && exprName(res.List[len(res.List)-1].Type) == "error"
				return n, n == 1 && last, last
			}
		}
	}
	v, ok := s.value(name)
	if !ok || v.Kind() != reflect.Func {
		return 1, false, false
	}
	t := v.Type()
	n = t.NumOut()
	last := n > 0 && t.Out(n-1) == errorType
	return n, n == 1 && last, last
}

var errorType = reflect.TypeOf((*error)(nil)).Elem()

// indexedFunc returns the function that a callee such as m["a"] or handlers[i] holds: an index of a name
// (or a chain of selectors) by a literal or a name, which reading has no side effects, so that the call's
// results are known before it runs (taking one value from m["a"]() of a func() failed after the call ran).
func (s *Session) indexedFunc(fun ast.Expr) (v reflect.Value, ok bool) {
	ix, isIndex := ast.Unparen(fun).(*ast.IndexExpr)
	if !isIndex || exprName(ix.X) == "" {
		return reflect.Value{}, false
	}
	switch ix.Index.(type) {
	case *ast.BasicLit, *ast.Ident:
	default:
		return reflect.Value{}, false
	}
	defer func() {
		if recover() != nil {
			v, ok = reflect.Value{}, false
		}
	}()
	v, err := s.i.Eval(types.ExprString(ix))
	if err != nil || !v.IsValid() {
		return reflect.Value{}, false
	}
	if v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	return v, v.Kind() == reflect.Func && !v.IsNil()
}

var builtins = map[string]bool{
	"len": true, "cap": true, "append": true, "make": true, "new": true, "complex": true, "real": true,
	"imag": true, "copy": true, "recover": true, "min": true, "max": true,
}

// exprName returns the dotted name of an identifier or a chain of selectors on identifiers ("a.b.c"), or
// "" when the expression could have side effects.
func exprName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		if p := exprName(x.X); p != "" {
			return p + "." + x.Sel.Name
		}
	case *ast.ParenExpr:
		return exprName(x.X)
	}
	return ""
}

// render turns the value of a session variable into a bundle.
func (s *Session) render(ctx context.Context, varName string, v reflect.Value) *display.Bundle {
	if !v.IsValid() {
		return &display.Bundle{Data: map[string]any{display.MIMEText: "nil"}}
	}
	if ti := s.declaredType(v.Type()); ti != nil {
		return s.renderDeclared(ctx, varName, v, ti)
	}
	return s.renderPlain(v)
}

// renderDeclared renders a value of a type declared in the session: its methods are known to the
// interpreter only (quirk unnamed-types), so they are called through it, and the bundle is built as
// display.Show builds it.
func (s *Session) renderDeclared(ctx context.Context, varName string, v reflect.Value, ti *typeInfo) *display.Bundle {
	call := func(method string) (any, bool) {
		if _, ok := ti.methods[method]; !ok {
			return nil, false
		}
		r, err := s.i.EvalWithContext(ctx, varName+"."+method+"()")
		if err != nil || !r.IsValid() || !r.CanInterface() {
			return nil, false
		}
		return r.Interface(), true
	}
	b := s.formatter().RenderCalls(call, v)
	return s.secrets(v).bundle(&b)
}

// declaredType returns the session type of a value's type (or of what it points to).
func (s *Session) declaredType(t reflect.Type) *typeInfo {
	if name, ok := s.typeName[t]; ok {
		return s.types[name]
	}
	if t.Kind() == reflect.Pointer {
		if name, ok := s.typeName[t.Elem()]; ok {
			return s.types[name]
		}
	}
	return nil
}

// formatter writes values in Go syntax, naming the session's types.
func (s *Session) formatter() display.Formatter {
	return display.Formatter{TypeName: func(t reflect.Type) string { return s.typeName[t] }}
}

// declaredMethodResults reads the number of results of the methods of that name that the session's types
// declare, and whether the last is an error; ok is false when none does or they differ.
func (s *Session) declaredMethodResults(name string) (n int, lastErr, ok bool) {
	found := false
	for _, ti := range s.types {
		text, has := ti.methods[name]
		if !has {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), "", "package p;"+text, 0)
		if err != nil || len(f.Decls) != 1 {
			return 0, false, false
		}
		fd, isFunc := f.Decls[0].(*ast.FuncDecl)
		if !isFunc {
			return 0, false, false
		}
		res := fd.Type.Results
		m := res.NumFields()
		last := m > 0 && exprName(res.List[len(res.List)-1].Type) == "error"
		if found && (m != n || last != lastErr) {
			return 0, false, false
		}
		n, lastErr, found = m, last, true
	}
	return n, lastErr, found
}

// deferRegistration reports whether st is the engine's registration of a deferred call (see deferCall),
// which has no value: it runs with the statements before it, which may declare the variables holding the
// call's arguments (__golm_da3_0 := where; __golmDeferNamed(...)), and which the interpreter cannot use from
// a separate run of the registration alone.
func deferRegistration(st *ast.ExprStmt) bool {
	call, ok := st.X.(*ast.CallExpr)
	if !ok {
		return false
	}
	id, ok := call.Fun.(*ast.Ident)
	return ok && id.Name == "__golmDeferNamed"
}
