package engine

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strings"

	"github.com/golm-dev/golm/internal/cell"
)

// The interpreter cannot call a method expression of a cell's type: d := N.Double; d(3) panics with
// "reflect: Call with too many input arguments" (quirk method-expression). rewriteMethodExprs writes T.M
// and (*T).M as a function literal that calls the method, func(r T, a0 int) int { return r.M(a0) }, on
// the same line, its signature read from the method's declaration.

// rewriteMethodExprs rewrites the method expressions described above.
func (s *Session) rewriteMethodExprs(src string, c *cell.Cell) string {
	var edits []srcEdit
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		return func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			recv, name := sel.X, ""
			ptr := false
			if paren, ok := recv.(*ast.ParenExpr); ok {
				if star, ok := paren.X.(*ast.StarExpr); ok {
					recv, ptr = star.X, true
				}
			}
			id, ok := recv.(*ast.Ident)
			if !ok || (id.Obj != nil && id.Obj.Kind != ast.Typ) || cellDecl(c, id.Name) != nil {
				return true
			}
			name = id.Name
			ts := s.typeSpec(c, name)
			if ts == nil || ts.TypeParams != nil {
				return true
			}
			if _, iface := ts.Type.(*ast.InterfaceType); iface {
				return true
			}
			fd := s.methodDecl(c, name, sel.Sel.Name)
			if fd == nil {
				return true
			}
			rt := name
			if ptr {
				rt = "*" + name
			}
			lit, ok := methodLiteral(rt, sel.Sel.Name, fd)
			if !ok {
				return true
			}
			edits = append(edits, srcEdit{start: p.Start + p.Offset(sel.Pos()), end: p.Start + p.Offset(sel.End()), text: lit})
			return false
		}
	})
	return applyEdits(src, edits)
}

// methodDecl returns the declaration of method m of the cell's or the session's type t, or nil.
func (s *Session) methodDecl(c *cell.Cell, t, m string) *ast.FuncDecl {
	if c == nil {
		c = &cell.Cell{}
	}
	for _, p := range c.Pieces {
		for _, d := range p.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv != nil && len(fd.Recv.List) == 1 && fd.Name.Name == m &&
				cell.ReceiverName(fd.Recv.List[0].Type) == t {
				return fd
			}
		}
	}
	ti := s.types[t]
	if ti == nil {
		return nil
	}
	text, ok := ti.methods[m]
	if !ok {
		return nil
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+text, 0)
	if err != nil || len(f.Decls) != 1 {
		return nil
	}
	fd, _ := f.Decls[0].(*ast.FuncDecl)
	return fd
}

// methodLiteral writes the function literal that calls method m of a receiver of type rt, declared as fd.
func methodLiteral(rt, m string, fd *ast.FuncDecl) (string, bool) {
	params := []string{"__golm_r " + rt}
	var args []string
	i := 0
	for _, f := range fd.Type.Params.List {
		n := len(f.Names)
		if n == 0 {
			n = 1
		}
		for range n {
			name := fmt.Sprintf("__golm_a%d", i)
			i++
			t := types.ExprString(f.Type)
			if strings.Contains(t, "\n") {
				return "", false
			}
			params = append(params, name+" "+t)
			if _, ok := f.Type.(*ast.Ellipsis); ok {
				name += "..."
			}
			args = append(args, name)
		}
	}
	call := "__golm_r." + m + "(" + strings.Join(args, ", ") + ")"
	results := ""
	if fd.Type.Results != nil && len(fd.Type.Results.List) > 0 {
		results = " " + strings.TrimSpace(types.ExprString(&ast.FuncType{Params: &ast.FieldList{}, Results: fd.Type.Results})[len("func()"):])
		call = "return " + call
	}
	return "func(" + strings.Join(params, ", ") + ")" + results + " { " + call + " }", true
}

// The interpreter binds a method value to the variable, not to a copy of the receiver: g := x.Summary;
// x.Balance = 9; g() saw 9, and method values taken in a loop all saw the last element (quirk
// method-value-copy). rewriteMethodValues writes x.M, not called, where the cell tells x's type (see
// argType) and M is a method of it with a value receiver, as a function literal that copies x first,
// func() func() string { __golm_r := x; return func() string { return __golm_r.M() } }().

// rewriteMethodValues rewrites the method values described above.
func (s *Session) rewriteMethodValues(ctx context.Context, src string, c *cell.Cell) string {
	var edits []srcEdit
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		called := map[ast.Expr]bool{}
		return func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.CallExpr:
				called[x.Fun] = true
			case *ast.SelectorExpr:
				id, ok := x.X.(*ast.Ident)
				if !ok || called[x] || (id.Obj != nil && id.Obj.Kind != ast.Var) {
					return true
				}
				t, ok := s.argType(ctx, src, c, id, 0).(*ast.Ident)
				if !ok || s.typeSpec(c, t.Name) == nil {
					return true
				}
				fd := s.methodDecl(c, t.Name, x.Sel.Name)
				if fd == nil {
					return true
				}
				if _, ptr := fd.Recv.List[0].Type.(*ast.StarExpr); ptr {
					return true
				}
				lit, ok := methodLiteral("", x.Sel.Name, fd)
				if !ok {
					return true
				}
				// lit is func(__golm_r , a0 T...) R { ... }: drop the receiver parameter, and copy it first.
				inner := strings.Replace(strings.Replace(lit, "__golm_r , ", "", 1), "__golm_r )", ")", 1)
				typ := inner[:strings.Index(inner, " {")]
				edits = append(edits, srcEdit{start: p.Start + p.Offset(x.Pos()), end: p.Start + p.Offset(x.End()),
					text: "func() " + typ + " { __golm_r := " + id.Name + "; return " + inner + " }()"})
			}
			return true
		}
	})
	return applyEdits(src, edits)
}
