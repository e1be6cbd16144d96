package engine

import (
	"context"
	"go/ast"

	"github.com/golm-dev/golm/internal/cell"
)

// The interpreter cannot call a method that a struct of more than one field promotes from an embedded
// interface: s.Greet() with type Service struct { Greeter; id int } panics with "invalid interface value"
// (quirk embedded-interface-method), where s.Greeter.Greet() works. rewritePromotedCalls writes such
// calls through the field, where the cell tells s's type (see argType) and one embedded interface of it,
// and nothing else in it, gives the method.

// rewritePromotedCalls rewrites the calls described above.
func (s *Session) rewritePromotedCalls(ctx context.Context, src string, c *cell.Cell) string {
	var edits []srcEdit
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		return func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			id, ok := sel.X.(*ast.Ident)
			if !ok || (id.Obj != nil && id.Obj.Kind != ast.Var) {
				return true
			}
			t := s.argType(ctx, src, c, id, 0)
			if star, ok := t.(*ast.StarExpr); ok {
				t = star.X
			}
			tid, ok := t.(*ast.Ident)
			if !ok {
				return true
			}
			field := s.promotingInterface(c, tid.Name, sel.Sel.Name)
			if field == "" {
				return true
			}
			off := p.Start + p.Offset(sel.Sel.Pos())
			edits = append(edits, srcEdit{start: off, end: off, text: field + "."})
			return true
		}
	})
	return applyEdits(src, edits)
}

// promotingInterface returns the embedded interface field of the cell's struct type t that gives it method
// m, "" unless it is the only thing in t that gives m and t has more than one field.
func (s *Session) promotingInterface(c *cell.Cell, t, m string) string {
	ts := s.typeSpec(c, t)
	if ts == nil || ts.TypeParams != nil || s.methodDecl(c, t, m) != nil {
		return ""
	}
	st, ok := ts.Type.(*ast.StructType)
	if !ok || st.Fields.NumFields() < 2 {
		return ""
	}
	found := ""
	for _, f := range st.Fields.List {
		for _, n := range f.Names {
			if n.Name == m {
				return "" // a field of that name
			}
		}
		if len(f.Names) > 0 {
			continue
		}
		typ := f.Type
		if star, ok := typ.(*ast.StarExpr); ok {
			typ = star.X
		}
		fid, ok := typ.(*ast.Ident)
		if !ok {
			if sel, ok := typ.(*ast.SelectorExpr); ok && sel.Sel.Name == m {
				return ""
			}
			continue // a compiled type: its methods are its own
		}
		fts := s.typeSpec(c, fid.Name)
		if fts == nil {
			continue
		}
		if _, iface := fts.Type.(*ast.InterfaceType); iface {
			if s.interfaceHas(c, fts, m, 0) {
				if found != "" {
					return ""
				}
				found = fid.Name
			}
		} else if s.methodDecl(c, fid.Name, m) != nil {
			return "" // a struct that gives it too (or instead)
		}
	}
	return found
}

// interfaceHas reports whether a cell's interface type declares method m, itself or through the
// interfaces it embeds.
func (s *Session) interfaceHas(c *cell.Cell, ts *ast.TypeSpec, m string, depth int) bool {
	it, ok := ts.Type.(*ast.InterfaceType)
	if !ok || depth > 10 {
		return false
	}
	for _, f := range it.Methods.List {
		for _, n := range f.Names {
			if n.Name == m {
				return true
			}
		}
		if len(f.Names) == 0 {
			if id, ok := f.Type.(*ast.Ident); ok {
				if inner := s.typeSpec(c, id.Name); inner != nil && s.interfaceHas(c, inner, m, depth+1) {
					return true
				}
			}
		}
	}
	return false
}
