package engine

import (
	"context"
	"go/ast"
	"go/token"
	"reflect"
	"strings"

	"github.com/golm-dev/golm/internal/cell"
)

// Three defects of the interpreter's type switches (quirk type-switch-cases): a case error does not match
// a compiled error in an interface other than error (errors.New("x") in an any went to default); a case of
// a cell's type does not match its value in a variable of type error, which holds the interpreter's
// wrapper (switch e := err.(type) { case *MyErr: } went to case error), and a nil error panics; in a
// generic function a switch on any(v) without a variable does not match a case of a cell's type (case
// Rect), where one with a variable does (a switch on a variable, var a any = v; switch a.(type), matches
// without one, and not with one). rewriteTypeSwitches
//   - writes case error as a case of the runtime package's Error, a compiled interface with the same
//     method, which the interpreter matches for compiled errors and the engine's wrappers, not for a cell's
//     value in an any (nor does a case listing both, case error, Error, match either): so only in a switch
//     without a case of a cell's type, where the errors are likely compiled ones, or on an error (below);
//   - gives a switch on an error with cases of a cell's types, and an assertion of an error to a cell's
//     type (e.(NotFound), which panicked for a struct value), the value through SwitchOn, which takes the
//     cell's value out of the wrapper when it has one of those types (its variable is made an error again
//     in the clauses where Go gives it the switch's type, default and a case of several types, none of them
//     a cell's; not in case nil, where it is nil);
//   - gives a switch on any(v) in a generic function, and one through SwitchOn, a variable, which it then
//     uses in each case, as Go requires (without one, the interpreter matches neither).

// switchError is the interface a type switch's case error becomes.
type switchError interface{ Error() string }

// switchVar is the variable rewriteTypeSwitches gives a type switch without one.
const switchVar = "__golm_ts"

// rewriteTypeSwitches rewrites the type switches described above.
func (s *Session) rewriteTypeSwitches(ctx context.Context, src string, c *cell.Cell) string {
	var edits []srcEdit
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		var visit func(generic bool) func(ast.Node) bool
		visit = func(generic bool) func(ast.Node) bool {
			return func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.TypeAssertExpr:
					// e.(NotFound), e an error: the same defect as a switch's case, the same remedy.
					if x.Type != nil && s.namesCellType(c, x.Type) {
						if id, ok := s.argType(ctx, src, c, x.X, 0).(*ast.Ident); ok && id.Name == "error" && !s.declares(c, "error") {
							start, end := p.Start+p.Offset(x.X.Pos()), p.Start+p.Offset(x.X.End())
							edits = append(edits, srcEdit{start: start, end: start, text: "__golm.SwitchOn("},
								srcEdit{start: end, end: end, text: ", *new(" + p.Text(x.Type) + "))"})
						}
					}
				case *ast.FuncDecl:
					if x.Body != nil {
						ast.Inspect(x.Body, visit(x.Type.TypeParams != nil))
					}
					return false
				case *ast.TypeSwitchStmt:
					var errCase *ast.Ident
					var cellCases []string
					for _, cc := range x.Body.List {
						for _, t := range cc.(*ast.CaseClause).List {
							if id, ok := t.(*ast.Ident); ok && id.Name == "error" && id.Obj == nil && !s.declares(c, "error") {
								errCase = id
							}
							if s.namesCellType(c, t) {
								cellCases = append(cellCases, p.Text(t))
							}
						}
					}
					guard := switchGuard(x)
					onError := false
					if guard != nil && len(cellCases) > 0 {
						id, ok := s.argType(ctx, src, c, guard, 0).(*ast.Ident)
						onError = ok && id.Name == "error" && !s.declares(c, "error")
					}
					if errCase != nil && (len(cellCases) == 0 || onError) {
						off := p.Start + p.Offset(errCase.Pos())
						edits = append(edits, srcEdit{start: off, end: off + len("error"), text: "__golm.Error"})
					}
					if onError {
						for _, cc := range x.Body.List {
							if clause := cc.(*ast.CaseClause); len(clause.List) > 1 {
								for _, t := range clause.List {
									if s.namesCellType(c, t) {
										onError = false // its variable would hold the value, not an error
									}
								}
							}
						}
					}
					if onError {
						// The variable of a clause whose variable has the switch's type (default, a case of
						// several types) is an error again, SwitchOn having given an any.
						if a, ok := x.Assign.(*ast.AssignStmt); ok && len(a.Lhs) == 1 {
							if v, ok := a.Lhs[0].(*ast.Ident); ok {
								for _, cc := range x.Body.List {
									clause := cc.(*ast.CaseClause)
									if len(clause.List) != 1 {
										off := p.Start + p.Offset(clause.Colon) + 1
										edits = append(edits, srcEdit{start: off, end: off, text: " " + v.Name + ", _ := " + v.Name + ".(error);"})
									}
								}
							}
						}
						// The cell's types of the cases, as values of those types, for SwitchOn to compare.
						var vals []string
						for _, t := range cellCases {
							vals = append(vals, "*new("+t+")")
						}
						start, end := p.Start+p.Offset(guard.Pos()), p.Start+p.Offset(guard.End())
						edits = append(edits, srcEdit{start: start, end: start, text: "__golm.SwitchOn("},
							srcEdit{start: end, end: end, text: ", " + strings.Join(vals, ", ") + ")"})
					}
					if es, ok := x.Assign.(*ast.ExprStmt); ok && (generic && anyConversion(es.X) || onError) {
						off := p.Start + p.Offset(es.Pos())
						edits = append(edits, srcEdit{start: off, end: off, text: switchVar + " := "})
						for _, cc := range x.Body.List {
							clause := cc.(*ast.CaseClause)
							off := p.Start + p.Offset(clause.Colon) + 1
							edits = append(edits, srcEdit{start: off, end: off, text: " _ = " + switchVar + ";"})
						}
					}
				}
				return true
			}
		}
		return visit(false)
	})
	return applyEdits(src, edits)
}

// switchGuard returns the expression a type switch asserts the type of.
func switchGuard(x *ast.TypeSwitchStmt) ast.Expr {
	var e ast.Expr
	switch a := x.Assign.(type) {
	case *ast.ExprStmt:
		e = a.X
	case *ast.AssignStmt:
		if len(a.Rhs) == 1 {
			e = a.Rhs[0]
		}
	}
	if ta, ok := e.(*ast.TypeAssertExpr); ok {
		return ta.X
	}
	return nil
}

// switchOn is the runtime package's SwitchOn: the value a type switch on an error sees, the value of a
// cell's type inside the interpreter's wrapper where it has the type of one of the cases (given as values
// of those types), else err. It takes an any: the interpreter holds a cell's struct value in an error
// bare, and could not pass it as an error.
func switchOn(err any, cases ...any) any {
	if err == nil {
		return nil
	}
	inner, ok := wrappedValue(err)
	if !ok || inner == nil {
		inner = err // a struct value of a cell's type is held bare
	}
	for _, c := range cases {
		if reflect.TypeOf(c) == reflect.TypeOf(inner) {
			return inner
		}
	}
	return err
}

// namesCellType reports whether a case's type is one the cell or the session declares, not an interface
// (or a pointer to one, or an instance of one).
func (s *Session) namesCellType(c *cell.Cell, t ast.Expr) bool {
	for {
		switch x := t.(type) {
		case *ast.StarExpr:
			t = x.X
			continue
		case *ast.IndexExpr:
			t = x.X
			continue
		case *ast.IndexListExpr:
			t = x.X
			continue
		case *ast.ParenExpr:
			t = x.X
			continue
		case *ast.Ident:
			ts := s.typeSpec(c, x.Name)
			if ts == nil {
				return false
			}
			_, iface := ts.Type.(*ast.InterfaceType)
			return !iface
		}
		return false
	}
}

// anyConversion reports whether a type switch's guard converts to the empty interface: any(v).(type).
func anyConversion(e ast.Expr) bool {
	ta, ok := e.(*ast.TypeAssertExpr)
	if !ok {
		return false
	}
	call, ok := ast.Unparen(ta.X).(*ast.CallExpr)
	if !ok || len(call.Args) != 1 {
		return false
	}
	switch f := ast.Unparen(call.Fun).(type) {
	case *ast.Ident:
		return f.Name == "any"
	case *ast.InterfaceType:
		return len(f.Methods.List) == 0
	}
	return false
}

// declares reports whether the cell or the session declares name.
func (s *Session) declares(c *cell.Cell, name string) bool {
	if _, ok := s.names[name]; ok {
		return true
	}
	return cellDecl(c, name) != nil || s.typeSpec(c, name) != nil
}

// switchErrorType is switchError's reflect type, for the runtime package's table.
var switchErrorType = reflect.TypeFor[switchError]()

// rewriteErrorValues writes a struct value of a cell's type given to a variable of type error (var e error =
// NotFound{...}, e = NotFound{...}) as returned by a function, func() error { return NotFound{...} }(): the
// interpreter held the struct bare in the variable, and compiled code given it panicked (Call using struct
// as type error) or printed its fields, where a function's result of type error is wrapped (quirk
// error-var-struct).
func (s *Session) rewriteErrorValues(ctx context.Context, src string, c *cell.Cell) string {
	var edits []srcEdit
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		wrap := func(v ast.Expr) {
			lit, ok := v.(*ast.CompositeLit)
			if !ok || lit.Type == nil || !s.namesCellType(c, lit.Type) {
				return
			}
			if _, plain := lit.Type.(*ast.Ident); !plain {
				return
			}
			start, end := p.Start+p.Offset(lit.Pos()), p.Start+p.Offset(lit.End())
			edits = append(edits, srcEdit{start: start, end: start, text: "func() error { return "},
				srcEdit{start: end, end: end, text: " }()"})
		}
		isError := func(e ast.Expr) bool {
			id, ok := e.(*ast.Ident)
			return ok && id.Name == "error" && !s.declares(c, "error")
		}
		return func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.ValueSpec:
				if x.Type != nil && isError(x.Type) {
					for _, v := range x.Values {
						wrap(v)
					}
				}
			case *ast.AssignStmt:
				if x.Tok != token.ASSIGN || len(x.Lhs) != len(x.Rhs) {
					return true
				}
				for i, l := range x.Lhs {
					if id, ok := l.(*ast.Ident); ok && isError(s.argType(ctx, src, c, id, 0)) {
						wrap(x.Rhs[i])
					}
				}
			}
			return true
		}
	})
	return applyEdits(src, edits)
}
