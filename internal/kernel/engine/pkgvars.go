package engine

import (
	"go/ast"
	"go/token"

	"github.com/golm-dev/golm/internal/cell"
)

// rewritePkgVarAssigns writes an assignment to a variable of a compiled package (os.Args = ..., pkg.V += 1,
// pkg.V++) through its address, *(&os.Args) = ..., wherever it is in the cell: the interpreter loses some
// such assignments, os.Args = []string{"prog", "-v"} among them (quirk pkg-var-assign).
func (s *Session) rewritePkgVarAssigns(src string, c *cell.Cell) string {
	imports := s.cellImports(c)
	var edits []srcEdit
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		wrap := func(e ast.Expr) {
			sel, ok := ast.Unparen(e).(*ast.SelectorExpr)
			if !ok {
				return
			}
			id, ok := sel.X.(*ast.Ident)
			if !ok || id.Obj != nil || !s.isPkgVar(imports, id.Name, sel.Sel.Name) {
				return
			}
			start, end := p.Start+p.Offset(sel.Pos()), p.Start+p.Offset(sel.End())
			edits = append(edits, srcEdit{start: start, end: start, text: "*(&"}, srcEdit{start: end, end: end, text: ")"})
		}
		return func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.AssignStmt:
				if n.Tok != token.DEFINE {
					for _, lhs := range n.Lhs {
						wrap(lhs)
					}
				}
			case *ast.IncDecStmt:
				wrap(n.X)
			}
			return true
		}
	})
	return applyEdits(src, edits)
}

// isPkgVar reports whether pkg.name is a variable of a compiled package, pkg being the name of a package the
// cell imports or the session knows (imported, or imported when used).
func (s *Session) isPkgVar(imports map[string]string, pkg, name string) bool {
	path, ok := imports[pkg]
	if !ok {
		path = s.pkgPath(pkg)
	}
	if path == "" || s.pkgs[path] == "" {
		return false
	}
	v, ok := s.syms[path+"/"+s.pkgs[path]][name]
	return ok && v.IsValid() && v.CanAddr()
}
