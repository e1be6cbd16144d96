package engine

import (
	"fmt"
	"go/ast"
	"go/token"
	"slices"
	"strings"

	"github.com/golm-dev/golm/internal/cell"
)

// rewriteLoopVars gives each iteration of a loop its own variables, as Go 1.22 does, where it shows: the
// interpreter keeps one variable for all iterations (quirk shared-loop-var), so closures, goroutines and
// deferred calls made in the loop all see its last value, and so do pointers to them. In a loop whose body
// holds a function literal, a go or a defer statement, or takes the address of a variable of a range loop
// (ps = append(ps, &v)), the body starts with k := k, v := v for the variables the loop declares (a for
// loop's only when the body does not change them or take their address, since that change must reach the
// next iteration).
func (s *Session) rewriteLoopVars(src string, c *cell.Cell) string {
	var edits []srcEdit
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		return func(n ast.Node) bool {
			var names []string
			var body *ast.BlockStmt
			switch x := n.(type) {
			case *ast.RangeStmt:
				if x.Tok == token.DEFINE {
					for _, e := range []ast.Expr{x.Key, x.Value} {
						if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
							names = append(names, id.Name)
						}
					}
				}
				body = x.Body
			case *ast.ForStmt:
				if a, ok := x.Init.(*ast.AssignStmt); ok && a.Tok == token.DEFINE {
					for _, e := range a.Lhs {
						if id, ok := e.(*ast.Ident); ok && id.Name != "_" && !assigns(x.Body, id.Name) {
							names = append(names, id.Name)
						}
					}
				}
				body = x.Body
			default:
				return true
			}
			if len(names) == 0 || !captures(body, names) {
				return true
			}
			var b strings.Builder
			for _, name := range names {
				if !declaresAtTop(body, name) { // v := v of code written before Go 1.22 stays the only one
					fmt.Fprintf(&b, " %s := %s;", name, name)
				}
			}
			if b.Len() == 0 {
				return true
			}
			at := p.Start + p.Offset(body.Lbrace) + 1
			edits = append(edits, srcEdit{start: at, end: at, text: b.String()})
			return true
		}
	})
	return applyEdits(src, edits)
}

// captures reports whether a loop body holds what can keep a loop variable past its iteration: a function
// literal, a go or a defer statement, or the address of one of the loop's variables (&v, &v.f: ps =
// append(ps, &v)).
func captures(body *ast.BlockStmt, vars []string) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt:
			found = true
		case *ast.UnaryExpr:
			if x.Op == token.AND {
				if id, ok := rootIdent(x.X); ok && slices.Contains(vars, id.Name) {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

// rootIdent returns the variable an addressable expression starts from: v of v, v.f, v[i] (an array), (v).
func rootIdent(e ast.Expr) (*ast.Ident, bool) {
	for {
		switch x := ast.Unparen(e).(type) {
		case *ast.Ident:
			return x, true
		case *ast.SelectorExpr:
			e = x.X
		case *ast.IndexExpr:
			e = x.X
		default:
			return nil, false
		}
	}
}

// assigns reports whether a block assigns a variable of that name, increments it or takes its address.
func assigns(body *ast.BlockStmt, name string) bool {
	is := func(e ast.Expr) bool {
		id, ok := ast.Unparen(e).(*ast.Ident)
		return ok && id.Name == name
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.AssignStmt:
			for _, l := range x.Lhs {
				if is(l) && x.Tok != token.DEFINE {
					found = true
				}
			}
		case *ast.IncDecStmt:
			found = found || is(x.X)
		case *ast.UnaryExpr:
			found = found || (x.Op == token.AND && is(x.X))
		}
		return !found
	})
	return found
}

// rewriteFuncDefers makes the defer statements of functions (declared or literal) evaluate their arguments
// at the defer, as Go does: the interpreter evaluates them when the deferred call runs (quirk
// defer-args-late). defer f(x, y) becomes
//
//	__golm_dN := func() func() { __golm_a0, __golm_a1 := x, y; return func() { f(__golm_a0, __golm_a1) } }(); defer __golm_dN()
//
// Constant arguments stay as written. A deferred function literal that calls recover, and a named function
// or method whose body calls recover (defer catch(&err)), are left alone: the interpreter's recover finds
// the panic only for a function deferred directly, not for one called from a closure; their arguments are
// then evaluated when the call runs. A cell's own top-level defers are rewriteDefers'.
func (s *Session) rewriteFuncDefers(src string, c *cell.Cell) string {
	var edits []srcEdit
	n := 0
	var inFunc func(p *cell.Piece) func(ast.Node) bool
	inFunc = func(p *cell.Piece) func(ast.Node) bool {
		return func(node ast.Node) bool {
			d, ok := node.(*ast.DeferStmt)
			if !ok {
				return true
			}
			call := d.Call
			if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok && callsRecover(lit.Body) {
				return true
			}
			if s.recovers(c, call.Fun) {
				return true
			}
			var names, values, args []string
			for i, a := range call.Args {
				if isNilExpr(a) || s.constExpr(c, a) {
					args = append(args, p.Text(a))
					continue
				}
				name := fmt.Sprintf("__golm_a%d", i)
				names, values, args = append(names, name), append(values, p.Text(a)), append(args, name)
			}
			if lit, ok := ast.Unparen(call.Fun).(*ast.FuncLit); ok && len(names) == 0 {
				// defer func() { ... }(): the interpreter makes the literal when the call runs, so that it sees
				// the variables' last values (a loop's i); made at the defer, in a function of its own (a
				// function made in the deferring one would deadlock when called by its defers).
				n++
				dn := fmt.Sprintf("__golm_d%d", n)
				edits = append(edits, srcEdit{
					start: p.Start + p.Offset(d.Pos()),
					end:   p.Start + p.Offset(d.End()),
					text: dn + " := func() func() { return func() { " + p.Text(lit) + "(" + strings.Join(args, ", ") +
						") } }(); defer " + dn + "()",
				})
				return true
			}
			if len(names) == 0 {
				if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
					if id, ok := sel.X.(*ast.Ident); ok && id.Obj == nil && s.pkgPath(id.Name) != "" {
						if _, own := s.names[id.Name]; !own && !call.Ellipsis.IsValid() {
							// A compiled function (defer fmt.Println("!")): called from a function literal, so that
							// os.Exit skips it as it skips the cell's own (see Session.exit).
							edits = append(edits,
								srcEdit{start: p.Start + p.Offset(call.Pos()), end: p.Start + p.Offset(call.Pos()), text: "func() { "},
								srcEdit{start: p.Start + p.Offset(call.End()), end: p.Start + p.Offset(call.End()), text: " }()"})
						}
					}
				}
				return true
			}
			n++
			text := p.Text(call.Fun) + "(" + strings.Join(args, ", ")
			if call.Ellipsis.IsValid() {
				text += "..."
			}
			dn := fmt.Sprintf("__golm_d%d", n)
			edits = append(edits, srcEdit{
				start: p.Start + p.Offset(d.Pos()),
				end:   p.Start + p.Offset(d.End()),
				text: dn + " := func() func() { " + strings.Join(names, ", ") + " := " + strings.Join(values, ", ") +
					"; return func() { " + text + ") } }(); defer " + dn + "()",
			})
			return true
		}
	}
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		visit := inFunc(p)
		return func(node ast.Node) bool {
			switch x := node.(type) {
			case *ast.FuncDecl:
				if x.Body != nil {
					edits = append(edits, deferredLiterals(p, x.Body)...)
					ast.Inspect(x.Body, visit)
				}
				return false
			case *ast.FuncLit:
				edits = append(edits, deferredLiterals(p, x.Body)...)
				ast.Inspect(x.Body, visit)
				return false
			}
			return true
		}
	})
	return applyEdits(src, edits)
}

// deferredLiterals makes the function literals that a function body keeps in a variable it defers (f :=
// func() {...}; defer f()), or names in a deferred call (defer func() { f() }()), in a function of their
// own: f := func() func() { return func() {...} }(). The
// interpreter holds a function's frame locked while it runs its deferred calls, and a function literal
// made in that frame locks it when it returns: the cell hung (quirk defer-closure-deadlock).
func deferredLiterals(p *cell.Piece, body *ast.BlockStmt) []srcEdit {
	deferred := map[*ast.Object]bool{}
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false // its own body, its own frame
		case *ast.DeferStmt:
			// The variables the deferred call names, in a deferred literal's body too (defer func() {
			// cleanup() }()): any of them may hold a literal that the deferred calls run.
			ast.Inspect(x.Call, func(m ast.Node) bool {
				if id, ok := m.(*ast.Ident); ok && id.Obj != nil && id.Obj.Kind == ast.Var {
					deferred[id.Obj] = true
				}
				return true
			})
		}
		return true
	})
	if len(deferred) == 0 {
		return nil
	}
	var edits []srcEdit
	wrap := func(lit *ast.FuncLit) {
		start, end := p.Start+p.Offset(lit.Pos()), p.Start+p.Offset(lit.End())
		edits = append(edits, srcEdit{start: start, end: start, text: "func() " + p.Text(lit.Type) + " { return "},
			srcEdit{start: end, end: end, text: " }()"})
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			for i, l := range x.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || i >= len(x.Rhs) || id.Obj == nil && x.Tok == token.DEFINE {
					continue
				}
				obj := id.Obj
				if lit, isLit := x.Rhs[i].(*ast.FuncLit); isLit && obj != nil && deferred[obj] && !strings.Contains(p.Text(lit.Type), "\n") {
					wrap(lit)
				}
			}
		case *ast.ValueSpec:
			for i, id := range x.Names {
				if i < len(x.Values) && deferred[id.Obj] {
					if lit, isLit := x.Values[i].(*ast.FuncLit); isLit && !strings.Contains(p.Text(lit.Type), "\n") {
						wrap(lit)
					}
				}
			}
		}
		return true
	})
	return edits
}

// recovers reports whether a deferred function is a named function or a method whose body calls recover:
// one the cell declares, or a function or a method of a type the session declared.
func (s *Session) recovers(c *cell.Cell, fun ast.Expr) bool {
	switch f := ast.Unparen(fun).(type) {
	case *ast.Ident:
		if fd := cellFunc(c, f); fd != nil {
			return fd.Body != nil && callsRecover(fd.Body)
		}
		if f.Obj != nil {
			return false
		}
		info, ok := s.names[f.Name]
		return ok && info.kind == kindFunc && info.recovers
	case *ast.SelectorExpr:
		if id, ok := f.X.(*ast.Ident); ok && id.Obj == nil && s.pkgPath(id.Name) != "" {
			return false // a package's function: compiled, or not written in the session
		}
		for _, p := range c.Pieces {
			for _, d := range p.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && fd.Name.Name == f.Sel.Name && fd.Body != nil && callsRecover(fd.Body) {
					return true
				}
			}
		}
		for _, ti := range s.types {
			if text, ok := ti.methods[f.Sel.Name]; ok && strings.Contains(text, "recover(") {
				return true
			}
		}
	}
	return false
}

// callsRecover reports whether a function body calls recover (not in a nested function literal).
func callsRecover(body *ast.BlockStmt) bool {
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.CallExpr:
			if id, ok := x.Fun.(*ast.Ident); ok && id.Name == "recover" {
				found = true
			}
		}
		return !found
	})
	return found
}

// declaresAtTop reports whether a block declares a name in its own list of statements (v := v, var v T).
func declaresAtTop(body *ast.BlockStmt, name string) bool {
	for _, st := range body.List {
		switch x := st.(type) {
		case *ast.AssignStmt:
			if x.Tok == token.DEFINE {
				for _, l := range x.Lhs {
					if id, ok := l.(*ast.Ident); ok && id.Name == name {
						return true
					}
				}
			}
		case *ast.DeclStmt:
			if gd, ok := x.Decl.(*ast.GenDecl); ok {
				for _, spec := range gd.Specs {
					if vs, ok := spec.(*ast.ValueSpec); ok {
						for _, n := range vs.Names {
							if n.Name == name {
								return true
							}
						}
					}
				}
			}
		}
	}
	return false
}
