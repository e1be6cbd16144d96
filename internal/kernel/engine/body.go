package engine

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"reflect"
	"strconv"
	"strings"

	"github.com/golm-dev/golm/internal/cell"
)

// A cell's top-level statements behave as one function body, as they would in func main: a defer runs when
// the cell ends, recover in a deferred function stops a panic of the cell, and return ends the cell. The
// interpreter runs a cell's statements in pieces (runs of simple statements at top level, compound
// statements in functions of their own, see stmts.go), so the engine does this itself:
//   - every defer statement of the cell's top-level statements (not those of functions the cell declares or
//     of function literals) becomes a call of __golmDefer, which keeps the deferred call, its arguments
//     evaluated at once, on the session's list; when the cell ends, runDefers calls them, the last first,
//     and a recover() in a deferred function literal gets the cell's panic and stops it, as in Go;
//   - a top-level return ends the cell; one inside a compound statement tells the session before it
//     returns from the function the statement runs in (see wrapReturns).

// bodySrc declares the session's list of deferred calls and the function that keeps them.
const bodySrc = `
var __golmDefers []func()

var __golmDeferNames []string

func __golmDefer(f func()) {
	__golmDefers = append(__golmDefers, f)
	__golmDeferNames = append(__golmDeferNames, "")
}

func __golmDeferNamed(name string, f func()) {
	__golmDefers = append(__golmDefers, f)
	__golmDeferNames = append(__golmDeferNames, name)
}

var __golmPanic any

func __golmRecover() any {
	r := __golmPanic
	__golmPanic = nil
	return r
}
`

// errReturned ends the statements of a cell at a return statement.
var errReturned = errors.New("the cell returned")

// rewriteDefers turns the defer statements at the top level of a cell (in compound statements too, but not
// in function literals or declarations) into calls of __golmDefer. Arguments are evaluated where the defer
// is, as in Go, into variables of a closure; constants and nil stay as written. It reports whether it
// found any.
func (s *Session) rewriteDefers(src string, c *cell.Cell) (string, bool) {
	var edits []srcEdit
	for i := range c.Pieces {
		p := &c.Pieces[i]
		if p.Kind != cell.Stmts {
			continue
		}
		for _, st := range p.Stmts {
			ast.Inspect(st, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.FuncLit:
					return false
				case *ast.DeferStmt:
					edits = append(edits, srcEdit{
						start: p.Start + p.Offset(n.Pos()),
						end:   p.Start + p.Offset(n.End()),
						text:  s.deferCall(c, p, n.Call, n == st),
					})
					return false
				}
				return true
			})
		}
	}
	return applyEdits(src, edits), len(edits) > 0
}

// deferCall writes the call of __golmDefer for a deferred call, on one line. As in Go, the function value
// (and a method's receiver) and the arguments are evaluated at the defer statement, into variables of a
// closure; constant expressions stay as written, since their type comes from the parameter (defer f(-1)
// with f(float64)). A named function whose arguments are all constant (or none) is registered with its call
// too, so that a recover() in it stops the cell's panic (see runDefers).
//
// A named function deferred by a statement at the top of the cell (top) with other arguments is registered
// with its call too: its arguments are evaluated at once into session variables of their own, which its
// call names (defer handle(where) as __golm_da3_0 := where; __golmDeferNamed("handle(__golm_da3_0)", ...)),
// set back to their zero values when the cell's deferred calls have run.
func (s *Session) deferCall(c *cell.Cell, p *cell.Piece, call *ast.CallExpr, top bool) string {
	fun := p.Text(call.Fun)
	if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok && len(call.Args) == 0 && lit.Type.Results.NumFields() == 0 {
		// The interpreter's recover would read the panic of the frame the literal was written in, the
		// session's (quirk recover-lexical): a recover() of the literal itself asks the session instead.
		var edits []srcEdit
		base := p.Offset(lit.Pos())
		ast.Inspect(lit.Body, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.FuncLit:
				return false
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok && id.Name == "recover" && id.Obj == nil && len(n.Args) == 0 {
					edits = append(edits, srcEdit{start: p.Offset(n.Pos()) - base, end: p.Offset(n.End()) - base, text: "__golmRecover()"})
				}
			}
			return true
		})
		return "__golmDefer(" + applyEdits(p.Text(lit), edits) + ")"
	}
	var names, values, args []string
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		if fd := cellFunc(c, f); fd == nil && s.isFuncVar(f) {
			names, values, fun = append(names, "__golm_f"), append(values, p.Text(f)), "__golm_f"
		} else if fd != nil || s.names[f.Name].kind == kindFunc {
			if text, ok := s.constCall(c, p, call); ok {
				return "__golmDeferNamed(" + strconv.Quote(text) + ", func() { " + text + " })"
			}
			if top && !call.Ellipsis.IsValid() {
				s.blocks++
				var vars, vals, args []string
				for i, a := range call.Args {
					if isNilExpr(a) || s.constExpr(c, a) {
						args = append(args, p.Text(a))
						continue
					}
					name := fmt.Sprintf("__golm_da%d_%d", s.blocks, i)
					vars, vals, args = append(vars, name), append(vals, p.Text(a)), append(args, name)
				}
				s.deferVars = append(s.deferVars, vars...)
				text := p.Text(call.Fun) + "(" + strings.Join(args, ", ") + ")"
				return strings.Join(vars, ", ") + " := " + strings.Join(vals, ", ") + "; __golmDeferNamed(" +
					strconv.Quote(text) + ", func() { " + text + " })"
			}
		}
	case *ast.SelectorExpr:
		if id, ok := f.X.(*ast.Ident); !ok || id.Obj != nil || s.pkgPath(id.Name) == "" {
			// A method: the receiver is taken now, as Go does. A value that is not a pointer (mu for
			// mu.Unlock) goes through a method value, which binds &mu for a pointer method; any other
			// receiver is copied, since the interpreter's method values of a cell's types bind late.
			if s.structValue(c, f.X) {
				names, values, fun = append(names, "__golm_f"), append(values, p.Text(f)), "__golm_f"
			} else {
				names, values, fun = append(names, "__golm_r"), append(values, p.Text(f.X)), "__golm_r."+f.Sel.Name
			}
		}
	}
	for i, a := range call.Args {
		if isNilExpr(a) || s.constExpr(c, a) {
			args = append(args, p.Text(a))
			continue
		}
		name := fmt.Sprintf("__golm_a%d", i)
		names = append(names, name)
		values = append(values, p.Text(a))
		args = append(args, name)
	}
	text := fun + "(" + strings.Join(args, ", ")
	if call.Ellipsis.IsValid() {
		text += "..."
	}
	text += ")"
	if len(names) == 0 {
		return "__golmDefer(func() { " + text + " })"
	}
	return "__golmDefer(func() func() { " + strings.Join(names, ", ") + " := " + strings.Join(values, ", ") +
		"; return func() { " + text + " } }())"
}

// constCall writes a call on one line when all its arguments are constant expressions or nil, for a
// deferred call that runDefers defers again by its text.
func (s *Session) constCall(c *cell.Cell, p *cell.Piece, call *ast.CallExpr) (string, bool) {
	args := make([]string, len(call.Args))
	for i, a := range call.Args {
		if !isNilExpr(a) && !s.constExpr(c, a) {
			return "", false
		}
		args[i] = p.Text(a)
	}
	text := p.Text(call.Fun) + "(" + strings.Join(args, ", ")
	if call.Ellipsis.IsValid() {
		text += "..."
	}
	if strings.Contains(text, "\n") {
		return "", false
	}
	return text + ")", true
}

// structValue reports whether an expression is known to be a variable holding a value that is neither a
// pointer nor an interface: a session value of such a type, or a name the cell declares with a composite
// literal (mu := sync.Mutex{}) or a var without a pointer type.
func (s *Session) structValue(c *cell.Cell, e ast.Expr) bool {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return false
	}
	var decl any
	if id.Obj != nil {
		decl = id.Obj.Decl
	} else if decl = cellDecl(c, id.Name); decl == nil {
		v, ok := s.value(id.Name)
		return ok && v.Kind() != reflect.Pointer && v.Kind() != reflect.Interface && v.Kind() != reflect.Func
	}
	switch d := decl.(type) {
	case *ast.AssignStmt:
		for i, l := range d.Lhs {
			if n, ok := l.(*ast.Ident); ok && n.Name == id.Name && len(d.Lhs) == len(d.Rhs) {
				_, lit := ast.Unparen(d.Rhs[i]).(*ast.CompositeLit)
				return lit
			}
		}
	case *ast.ValueSpec:
		if d.Type != nil {
			_, ptr := d.Type.(*ast.StarExpr)
			_, iface := d.Type.(*ast.InterfaceType)
			return !ptr && !iface
		}
	}
	return false
}

// isFuncVar reports whether a name the cell calls is a variable (of a function type), whose value a defer
// must take at once: declared so in the cell, or a variable of the session.
func (s *Session) isFuncVar(id *ast.Ident) bool {
	if id.Obj != nil {
		return id.Obj.Kind == ast.Var
	}
	info, ok := s.names[id.Name]
	return ok && info.kind == kindVar
}

// constExpr reports whether an expression is a constant expression: literals, constants of the cell or the
// session, true and false, and operators on them.
func (s *Session) constExpr(c *cell.Cell, e ast.Expr) bool {
	switch x := ast.Unparen(e).(type) {
	case *ast.BasicLit:
		return true
	case *ast.UnaryExpr:
		return x.Op != token.ARROW && x.Op != token.AND && s.constExpr(c, x.X)
	case *ast.BinaryExpr:
		return s.constExpr(c, x.X) && s.constExpr(c, x.Y)
	case *ast.Ident:
		if x.Obj != nil {
			return x.Obj.Kind == ast.Con
		}
		if x.Name == "true" || x.Name == "false" {
			_, own := s.names[x.Name]
			return !own
		}
		for _, p := range c.Pieces { // a constant declared in another piece of the cell
			for _, d := range p.Decls {
				if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.CONST {
					for _, spec := range gd.Specs {
						for _, n := range spec.(*ast.ValueSpec).Names {
							if n.Name == x.Name {
								return true
							}
						}
					}
				}
			}
		}
		return s.names[x.Name].kind == kindConst && s.names[x.Name].src != ""
	case *ast.SelectorExpr: // an untyped constant of a package: math.Pi
		if id, ok := x.X.(*ast.Ident); ok && id.Obj == nil {
			if v, ok := s.value(id.Name + "." + x.Sel.Name); ok && v.IsValid() && v.CanInterface() {
				_, isConst := v.Interface().(constant.Value)
				return isConst
			}
		}
	}
	return false
}

// isNilExpr reports whether an expression is the name nil.
func isNilExpr(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "nil"
}

// wrapReturns rewrites the return statements of a compound top-level statement (text, its source; not those
// of function literals) so that the session learns the cell returned: { __golm.Return(); return }. A
// return with values is an error, as in a function without results.
func wrapReturns(src string, p *cell.Piece, st ast.Stmt) (string, error) {
	var edits []srcEdit
	var err error
	base := p.Offset(st.Pos())
	ast.Inspect(st, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			if len(n.Results) > 0 && err == nil {
				pos := p.FileSet.Position(n.Pos())
				err = compileError(src, pos.Line, pos.Column, "too many return values: a cell's statements are a function without results")
			}
			edits = append(edits, srcEdit{start: p.Offset(n.Pos()) - base, end: p.Offset(n.End()) - base, text: "{ __golm.Return(); return }"})
		}
		return true
	})
	if err != nil {
		return "", err
	}
	return applyEdits(p.Text(st), edits), nil
}

// hasReturn reports whether a statement holds a return statement outside function literals.
func hasReturn(st ast.Stmt) bool {
	found := false
	ast.Inspect(st, func(n ast.Node) bool {
		switch n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.ReturnStmt:
			found = true
		}
		return !found
	})
	return found
}

// runDefers runs the calls the cell deferred, the last first, after its statements ended with cellErr.
// Each runs on its own; while the cell is panicking, a recover() written in a deferred function literal
// (rewritten to __golmRecover, see rewriteDefers) returns the panic and stops it, and a deferred call that
// panics replaces the panic, as in Go. A cell whose panic was recovered ends without error.
func (s *Session) runDefers(ctx context.Context, src string, cellErr error) error {
	var e *Error
	panicking := errors.As(cellErr, &e) && e.Name == "panic"
	pending := s.pending
	if !panicking {
		pending = nil
	}
	s.setPanic(pending)
	n := 0
	if v, ok := s.lookup(&ast.Ident{Name: "__golmDefers"}); ok && v.Kind() == reflect.Slice {
		n = v.Len()
	}
	var named []string
	if v, ok := s.lookup(&ast.Ident{Name: "__golmDeferNames"}); ok && v.Kind() == reflect.Slice && v.Len() == n {
		named = v.Interface().([]string)
	}
	err := cellErr
	for i := n - 1; i >= 0 && ctx.Err() == nil; i-- {
		call, rethrown := fmt.Sprintf("%s__golmDefers[%d]()", pad(1), i), false
		if panicking && named != nil && named[i] != "" {
			// A named function deferred by the cell (named[i] is its call), called while the cell panics: deferred
			// again by a function that panics with the cell's panic, so that its recover() finds it (quirk
			// recover-lexical: the interpreter finds the panic for a named function deferred by name).
			s.blocks++
			fn := fmt.Sprintf("__golm_d%d", s.blocks)
			if _, derr := s.eval(ctx, src, fmt.Sprintf("%sfunc %s() { defer %s; panic(__golmPanic) }", pad(1), fn, named[i])); derr == nil {
				call, rethrown = pad(1)+fn+"()", true
			}
		}
		if _, derr := s.eval(ctx, src, call); derr != nil {
			err, panicking = derr, ran(derr) // a new panic (or an interrupt) replaces the cell's
			if panicking {
				s.setPanic(s.pending)
			}
			continue
		}
		if rethrown { // the named function recovered the panic
			err, panicking = nil, false
			s.setPanic(nil)
			continue
		}
		if panicking && s.panicVar.Elem().IsNil() {
			err, panicking = nil, false // recovered
		}
	}
	s.pending = nil
	s.setPanic(nil)
	if err := s.clearDefers(); err != nil {
		return err
	}
	if ctx.Err() != nil && err == nil {
		return interrupted()
	}
	return err
}

// clearDefers empties the session's list of deferred calls, and lets go of their arguments.
func (s *Session) clearDefers() error {
	for _, name := range s.deferVars { // let go of the deferred calls' arguments
		if p, err := s.i.Eval("&" + name); err == nil && p.Kind() == reflect.Pointer && !p.IsNil() {
			p.Elem().Set(reflect.Zero(p.Elem().Type()))
		}
	}
	s.deferVars = nil
	if _, cerr := s.i.Eval("__golmDefers = nil; __golmDeferNames = nil"); cerr != nil {
		return fmt.Errorf("clearing the deferred calls: %w", cerr)
	}
	return nil
}

// setPanic sets the panic a deferred recover() returns (nil: none).
func (s *Session) setPanic(v any) {
	s.panicVar.Elem().Set(reflect.ValueOf(&v).Elem())
}

// pendingValue returns a cell's panic value for interpreted code to panic with again.
func pendingValue(v any) any {
	if rv, ok := v.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		return rv.Interface()
	}
	return v
}
