package engine

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"sort"
	"strings"

	"github.com/golm-dev/golm/internal/cell"
)

// The interpreter infers a type parameter that only a function argument's results give wrongly: Map[T, U
// any](xs []T, f func(T) U) called with a func(int) string takes U to be int (quirk func-result-inference:
// cannot use type func(int) string as type func(int) int). rewriteGenericCalls instantiates such calls of
// the cell's and the session's generic functions explicitly, Map[int, string](...), when the types of the
// arguments (function literals, composite literals, conversions, literals, variables declared with a type,
// compiled functions, the session's values) give every type parameter.

// rewriteGenericCalls rewrites the calls described above.
func (s *Session) rewriteGenericCalls(ctx context.Context, src string, c *cell.Cell) string {
	var edits []srcEdit
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		return func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || call.Ellipsis.IsValid() {
				return true
			}
			id, ok := call.Fun.(*ast.Ident)
			if !ok {
				return true
			}
			fd := s.genericDecl(c, id)
			if fd == nil || !funcResultParam(fd) && !variadicTypeParam(fd) {
				return true
			}
			names, bind, ok := s.inferTypeArgs(ctx, src, c, fd, call)
			if !ok {
				return true
			}
			args := make([]string, len(names))
			for i, n := range names {
				args[i] = bind[n]
			}
			off := p.Start + p.Offset(id.End())
			edits = append(edits, srcEdit{start: off, end: off, text: "[" + strings.Join(args, ", ") + "]"})
			return true
		}
	})
	return applyEdits(src, edits)
}

// inferTypeArgs binds the type parameters of the generic function fd from the types of call's arguments
// (see rewriteGenericCalls): it returns their names in order and what each stands for, ok when every one
// is bound.
func (s *Session) inferTypeArgs(ctx context.Context, src string, c *cell.Cell, fd *ast.FuncDecl, call *ast.CallExpr) ([]string, map[string]string, bool) {
	var names []string
	tparams := map[string]ast.Expr{}
	for _, f := range fd.Type.TypeParams.List {
		for _, n := range f.Names {
			names = append(names, n.Name)
			tparams[n.Name] = f.Type
		}
	}
	var params []ast.Expr
	var variadic ast.Expr // the element type of a final ...T parameter
	for _, f := range fd.Type.Params.List {
		if e, ok := f.Type.(*ast.Ellipsis); ok {
			variadic = e.Elt
			continue
		}
		for range max(1, len(f.Names)) {
			params = append(params, f.Type)
		}
	}
	if call.Ellipsis.IsValid() || len(call.Args) < len(params) || variadic == nil && len(call.Args) != len(params) {
		return nil, nil, false
	}
	for len(params) < len(call.Args) {
		params = append(params, variadic)
	}
	// Untyped literals bind last, the one of the largest kind first (Sum(1, 2.5) is Sum[float64], as in Go).
	args := make([]int, len(call.Args))
	for i := range args {
		args[i] = i
	}
	rank := func(a ast.Expr) int {
		if lit, ok := ast.Unparen(a).(*ast.BasicLit); ok {
			return map[token.Token]int{token.IMAG: 4, token.FLOAT: 3, token.CHAR: 2, token.INT: 1}[lit.Kind]
		}
		return 0
	}
	sort.SliceStable(args, func(i, j int) bool { return rank(call.Args[args[i]]) > rank(call.Args[args[j]]) })
	bind := map[string]string{}
	for _, untyped := range []bool{false, true} {
		for _, i := range args {
			a := call.Args[i]
			if isUntyped(a) != untyped {
				continue
			}
			if t := s.argType(ctx, src, c, a, 0); t != nil {
				unify(params[i], t, tparams, bind)
			}
		}
	}
	// A type parameter constrained to ~[]E (or another composite) gives E from its own binding.
	for name, constraint := range tparams {
		core := constraint
		if u, ok := core.(*ast.UnaryExpr); ok && u.Op == token.TILDE {
			core = u.X
		}
		if bound, ok := bind[name]; ok {
			if t, err := parser.ParseExpr(bound); err == nil {
				unify(core, t, tparams, bind)
			}
		}
	}
	for _, n := range names {
		if bind[n] == "" {
			return nil, nil, false
		}
	}
	return names, bind, true
}

// resultTypeOf writes the type of the result of a call of a generic function (of the cell, the session
// or the prelude) with its type parameters bound from the call's arguments: the type a top-level x :=
// call is declared with, where the interpreter cannot name its value's type (unique.Make(s):
// __golm_unique_Handle[string]).
func (s *Session) resultTypeOf(ctx context.Context, src string, call *ast.CallExpr) (string, bool) {
	id, ok := call.Fun.(*ast.Ident)
	if !ok {
		return "", false
	}
	fd := s.genericDecl(nil, id)
	if fd == nil {
		fd = preludeFuncDecl(id.Name)
	}
	if fd == nil || fd.Type.TypeParams == nil || fd.Type.Results.NumFields() != 1 {
		return "", false
	}
	_, bind, ok := s.inferTypeArgs(ctx, src, nil, fd, call)
	if !ok {
		return "", false
	}
	result := fd.Type.Results.List[0].Type
	var renamed []*ast.Ident
	var old []string
	ast.Inspect(result, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			if b, ok := bind[id.Name]; ok {
				renamed, old = append(renamed, id), append(old, id.Name)
				id.Name = b
			}
		}
		return true
	})
	text := types.ExprString(result)
	for i, id := range renamed {
		id.Name = old[i]
	}
	return text, true
}

// preludeFuncDecl parses the prelude's declaration of a function, by name.
func preludeFuncDecl(name string) *ast.FuncDecl {
	if !strings.HasPrefix(name, "__golm") {
		return nil
	}
	f, err := parser.ParseFile(token.NewFileSet(), "prelude.go", preludeSrc, 0)
	if err != nil {
		return nil
	}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.Name == name {
			return fd
		}
	}
	return nil
}

// genericDecl finds the declaration of a generic function the cell or the session declared.
func (s *Session) genericDecl(c *cell.Cell, id *ast.Ident) *ast.FuncDecl {
	var fd *ast.FuncDecl
	if c != nil {
		fd = cellFunc(c, id)
	}
	if fd == nil && id.Obj == nil {
		if info, ok := s.names[id.Name]; ok && info.kind == kindFunc && strings.Contains(info.src, "[") {
			f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+info.src+" {}", 0)
			if err == nil && len(f.Decls) == 1 {
				fd, _ = f.Decls[0].(*ast.FuncDecl)
			}
		}
	}
	if fd == nil || fd.Recv != nil || fd.Type.TypeParams == nil {
		return nil
	}
	return fd
}

// funcResultParam reports whether a generic function has a parameter of a function type whose results
// mention a type parameter (the case the interpreter infers wrongly).
func funcResultParam(fd *ast.FuncDecl) bool {
	tparams := map[string]bool{}
	for _, f := range fd.Type.TypeParams.List {
		for _, n := range f.Names {
			tparams[n.Name] = true
		}
	}
	for _, f := range fd.Type.Params.List {
		ft, ok := f.Type.(*ast.FuncType)
		if !ok || ft.Results == nil {
			continue
		}
		found := false
		ast.Inspect(ft.Results, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && tparams[id.Name] {
				found = true
			}
			return !found
		})
		if found {
			return true
		}
	}
	return false
}

// variadicTypeParam reports whether a generic function's final parameter is ...T with T a type parameter
// (the interpreter cannot infer T from the arguments: undefined type for T).
func variadicTypeParam(fd *ast.FuncDecl) bool {
	list := fd.Type.Params.List
	if len(list) == 0 {
		return false
	}
	e, ok := list[len(list)-1].Type.(*ast.Ellipsis)
	if !ok {
		return false
	}
	id, ok := e.Elt.(*ast.Ident)
	if !ok {
		return false
	}
	for _, f := range fd.Type.TypeParams.List {
		for _, n := range f.Names {
			if n.Name == id.Name {
				return true
			}
		}
	}
	return false
}

// isUntyped reports whether an argument is an untyped constant literal (its default type binds only where
// no other argument does).
func isUntyped(a ast.Expr) bool {
	_, ok := ast.Unparen(a).(*ast.BasicLit)
	return ok
}

// argType returns the type of a call's argument as written in the cell, or nil.
func (s *Session) argType(ctx context.Context, src string, c *cell.Cell, a ast.Expr, depth int) ast.Expr {
	if depth > 10 {
		return nil
	}
	switch x := ast.Unparen(a).(type) {
	case *ast.FuncLit:
		return x.Type
	case *ast.CompositeLit:
		return x.Type
	case *ast.BasicLit:
		return ast.NewIdent(map[token.Token]string{token.INT: "int", token.FLOAT: "float64", token.STRING: "string", token.CHAR: "rune", token.IMAG: "complex128"}[x.Kind])
	case *ast.UnaryExpr:
		if x.Op == token.AND {
			if t := s.argType(ctx, src, c, x.X, depth+1); t != nil {
				return &ast.StarExpr{X: t}
			}
		}
	case *ast.CallExpr:
		if id, ok := x.Fun.(*ast.Ident); ok && len(x.Args) == 1 && (intTypes[id.Name] || id.Name == "string" || id.Name == "float64" || id.Name == "float32") {
			return id
		}
		if id, ok := x.Fun.(*ast.Ident); ok && len(x.Args) == 1 && (id.Obj == nil || id.Obj.Kind == ast.Typ) {
			if ts := s.typeSpec(c, id.Name); ts != nil && ts.TypeParams == nil {
				return id // a conversion to a type of the cell or the session: Celsius(20)
			}
		}
	case *ast.IndexExpr: // fs[0], m[k]
		return elemType(s.argType(ctx, src, c, x.X, depth+1))
	case *ast.SelectorExpr: // a compiled function (strconv.Itoa) or a session value's field or method
		return s.valueTypeExpr(ctx, src, x)
	case *ast.Ident:
		if (x.Name == "true" || x.Name == "false") && x.Obj == nil && cellDecl(c, x.Name) == nil {
			if _, own := s.names[x.Name]; !own {
				return ast.NewIdent("bool")
			}
		}
		var decl any
		if x.Obj != nil {
			decl = x.Obj.Decl
		} else if decl = cellDecl(c, x.Name); decl == nil {
			return s.valueTypeExpr(ctx, src, x) // a value of the session
		}
		switch d := decl.(type) {
		case *ast.Field: // a parameter or named result: its type is written out
			if e, ok := d.Type.(*ast.Ellipsis); ok {
				return &ast.ArrayType{Elt: e.Elt}
			}
			return d.Type
		case *ast.ValueSpec:
			if d.Type != nil {
				return d.Type
			}
			for i, n := range d.Names {
				if n.Name == x.Name && i < len(d.Values) {
					return s.argType(ctx, src, c, d.Values[i], depth+1)
				}
			}
		case *ast.AssignStmt:
			if u, ok := d.Rhs[0].(*ast.UnaryExpr); ok && u.Op == token.RANGE && len(d.Lhs) == 2 {
				// for _, f := range fs: the element of a slice, array or map written out
				if n, ok := d.Lhs[1].(*ast.Ident); ok && n.Name == x.Name {
					return elemType(s.argType(ctx, src, c, u.X, depth+1))
				}
				return nil
			}
			for i, l := range d.Lhs {
				if n, ok := l.(*ast.Ident); ok && n.Name == x.Name && len(d.Lhs) == len(d.Rhs) {
					return s.argType(ctx, src, c, d.Rhs[i], depth+1)
				}
			}
		}
	}
	return nil
}

// elemType is the element type of a slice, array or map type expression, or nil.
func elemType(t ast.Expr) ast.Expr {
	switch t := t.(type) {
	case *ast.ArrayType:
		return t.Elt
	case *ast.MapType:
		return t.Value
	}
	return nil
}

// valueTypeExpr is the type of a compiled function or a session value, written out, or nil.
func (s *Session) valueTypeExpr(ctx context.Context, src string, e ast.Expr) ast.Expr {
	t, ok := s.funcType(e)
	if !ok {
		if t, ok = s.staticType(e); !ok {
			return nil
		}
	}
	text, ok := s.typeExpr(ctx, src, t)
	if !ok {
		return nil
	}
	x, err := parser.ParseExpr(text)
	if err != nil {
		return nil
	}
	return x
}

// unify matches a parameter's type p, written with the type parameters, against an argument's type a, and
// records in bind the type each type parameter stands for, where nothing bound it before.
func unify(p, a ast.Expr, tparams map[string]ast.Expr, bind map[string]string) {
	switch pt := p.(type) {
	case *ast.Ident:
		if _, ok := tparams[pt.Name]; ok {
			if _, bound := bind[pt.Name]; !bound {
				bind[pt.Name] = types.ExprString(a)
			}
		}
	case *ast.ArrayType:
		if at, ok := a.(*ast.ArrayType); ok && (pt.Len == nil) == (at.Len == nil) {
			unify(pt.Elt, at.Elt, tparams, bind)
		}
	case *ast.MapType:
		if at, ok := a.(*ast.MapType); ok {
			unify(pt.Key, at.Key, tparams, bind)
			unify(pt.Value, at.Value, tparams, bind)
		}
	case *ast.StarExpr:
		if at, ok := a.(*ast.StarExpr); ok {
			unify(pt.X, at.X, tparams, bind)
		}
	case *ast.ChanType:
		if at, ok := a.(*ast.ChanType); ok {
			unify(pt.Value, at.Value, tparams, bind)
		}
	case *ast.FuncType:
		if at, ok := a.(*ast.FuncType); ok {
			pp, ap := fieldTypes(pt.Params), fieldTypes(at.Params)
			pr, ar := fieldTypes(pt.Results), fieldTypes(at.Results)
			if len(pp) == len(ap) && len(pr) == len(ar) {
				for i := range pp {
					unify(pp[i], ap[i], tparams, bind)
				}
				for i := range pr {
					unify(pr[i], ar[i], tparams, bind)
				}
			}
		}
	case *ast.IndexExpr:
		if at, ok := a.(*ast.IndexExpr); ok && types.ExprString(pt.X) == types.ExprString(at.X) {
			unify(pt.Index, at.Index, tparams, bind)
		}
	case *ast.IndexListExpr:
		if at, ok := a.(*ast.IndexListExpr); ok && types.ExprString(pt.X) == types.ExprString(at.X) && len(pt.Indices) == len(at.Indices) {
			for i := range pt.Indices {
				unify(pt.Indices[i], at.Indices[i], tparams, bind)
			}
		}
	}
}

// fieldTypes lists the type of each parameter or result of a field list, one per name.
func fieldTypes(fl *ast.FieldList) []ast.Expr {
	if fl == nil {
		return nil
	}
	var out []ast.Expr
	for _, f := range fl.List {
		for range max(1, len(f.Names)) {
			out = append(out, f.Type)
		}
	}
	return out
}
