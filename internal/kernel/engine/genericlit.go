package engine

import (
	"go/ast"
	"go/token"
	"strings"

	"github.com/golm-dev/golm/internal/cell"
)

// The interpreter shares the control flow of the composite literals of one instance of a generic struct
// type: after Pair[string, int]{"a", 1} it went on after the last such literal it had compiled, in
// whatever function that was, so statements were skipped, values were zero and cells ran code of earlier
// cells (quirk generic-literal-flow). rewriteGenericLiterals writes such a literal without one, as a
// function literal that declares the value and sets its fields,
//
//	func() Pair[string, int] { var __golm_v Pair[string, int]; __golm_v.Key = "a"; __golm_v.Val = 1; return __golm_v }()
//
// (&Pair[...]{...} returning its address), keeping the literal's lines. A generic literal inside another one's
// elements is left as it is.

// rewriteGenericLiterals rewrites the literals described above.
func (s *Session) rewriteGenericLiterals(src string, c *cell.Cell) string {
	var edits []srcEdit
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		return func(n ast.Node) bool {
			var lit *ast.CompositeLit
			ptr := false
			switch x := n.(type) {
			case *ast.FuncDecl:
				// A generic function's or method's literals (Pair[K, V]{k, v}) are instantiated with it.
				if x.Type.TypeParams != nil {
					return false
				}
				if x.Recv != nil && len(x.Recv.List) == 1 {
					t := x.Recv.List[0].Type
					if star, ok := t.(*ast.StarExpr); ok {
						t = star.X
					}
					switch t.(type) {
					case *ast.IndexExpr, *ast.IndexListExpr:
						return false
					}
				}
			case *ast.UnaryExpr:
				if l, ok := x.X.(*ast.CompositeLit); ok && x.Op == token.AND {
					lit, ptr = l, true
				}
			case *ast.CompositeLit:
				lit = x
			}
			if lit == nil {
				return true
			}
			text, ok := s.genericLiteral(c, p, lit, ptr)
			if !ok {
				return true
			}
			start, end := p.Start+p.Offset(lit.Pos()), p.Start+p.Offset(lit.End())
			if ptr {
				start = p.Start + p.Offset(n.Pos())
			}
			edits = append(edits, srcEdit{start: start, end: end, text: text})
			return false
		}
	})
	return applyEdits(src, edits)
}

// genericLiteral writes lit, of a generic struct type of the cell or the session, as described above.
func (s *Session) genericLiteral(c *cell.Cell, p *cell.Piece, lit *ast.CompositeLit, ptr bool) (string, bool) {
	var base ast.Expr
	switch t := lit.Type.(type) {
	case *ast.IndexExpr:
		base = t.X
	case *ast.IndexListExpr:
		base = t.X
	default:
		return "", false
	}
	id, ok := base.(*ast.Ident)
	if !ok {
		return "", false
	}
	ts := s.typeSpec(c, id.Name)
	if ts == nil || ts.TypeParams == nil {
		return "", false
	}
	st, ok := ts.Type.(*ast.StructType)
	if !ok {
		return "", false
	}
	var fields []string
	for _, f := range st.Fields.List {
		if len(f.Names) == 0 {
			t := f.Type
			if star, ok := t.(*ast.StarExpr); ok {
				t = star.X
			}
			switch x := t.(type) {
			case *ast.Ident:
				fields = append(fields, x.Name)
			case *ast.SelectorExpr:
				fields = append(fields, x.Sel.Name)
			default:
				return "", false
			}
			continue
		}
		for _, n := range f.Names {
			fields = append(fields, n.Name)
		}
	}
	typ := p.Text(lit.Type)
	if strings.Contains(typ, "\n") {
		return "", false
	}
	const v = "__golm_v"
	var b strings.Builder
	if ptr {
		b.WriteString("func() *" + typ + " { var " + v + " " + typ + "; ")
	} else {
		b.WriteString("func() " + typ + " { var " + v + " " + typ + "; ")
	}
	eltLines := 0
	for i, e := range lit.Elts {
		name, value := "", e
		if kv, ok := e.(*ast.KeyValueExpr); ok {
			key, ok := kv.Key.(*ast.Ident)
			if !ok {
				return "", false
			}
			name, value = key.Name, kv.Value
		} else if i < len(fields) {
			name = fields[i]
		} else {
			return "", false
		}
		text := p.Text(value)
		eltLines += strings.Count(text, "\n")
		b.WriteString(v + "." + name + " = " + text + "; ")
	}
	// The literal's other lines, before the return, so that the lines after it keep their numbers.
	b.WriteString(strings.Repeat("\n", max(0, strings.Count(p.Text(lit), "\n")-eltLines)))
	if ptr {
		b.WriteString("return &" + v + " }()")
	} else {
		b.WriteString("return " + v + " }()")
	}
	return b.String(), true
}
