package engine

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"reflect"
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

func __golmDefer(f func()) { __golmDefers = append(__golmDefers, f) }

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
						text:  deferCall(p, n.Call),
					})
					return false
				}
				return true
			})
		}
	}
	return applyEdits(src, edits), len(edits) > 0
}

// deferCall writes the call of __golmDefer for a deferred call, on one line.
func deferCall(p *cell.Piece, call *ast.CallExpr) string {
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
	for i, a := range call.Args {
		if _, ok := a.(*ast.BasicLit); ok || isNilExpr(a) {
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
	err := cellErr
	for i := n - 1; i >= 0 && ctx.Err() == nil; i-- {
		if _, derr := s.eval(ctx, src, fmt.Sprintf("%s__golmDefers[%d]()", pad(1), i)); derr != nil {
			err, panicking = derr, ran(derr) // a new panic (or an interrupt) replaces the cell's
			if panicking {
				s.setPanic(s.pending)
			}
			continue
		}
		if panicking && s.panicVar.Elem().IsNil() {
			err, panicking = nil, false // recovered
		}
	}
	s.pending = nil
	s.setPanic(nil)
	if _, cerr := s.i.Eval("__golmDefers = nil"); cerr != nil {
		return fmt.Errorf("clearing the deferred calls: %w", cerr)
	}
	if ctx.Err() != nil && err == nil {
		return interrupted()
	}
	return err
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
