package engine

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"strconv"
	"strings"

	"github.com/golm-dev/golm/internal/cell"
)

// The interpreter's reflect type of a cell's type that is not a struct is its underlying type (quirk
// unnamed-types), and of a generic type's instance an unnamed struct: Printf's %T of a Celsius wrote
// float64, of a Pair[string, int] struct { Key string; Val int }. rewriteTypeNames gives such an argument
// of %T its name, read from the cell: the argument x of a %T in a format written as a literal becomes
// __golm.Named("main.Celsius", x), which the session's Printf writes as the name (see fmtArgs). The type
// comes from the expression as argType reads it (conversions, composite literals, variables declared with
// a type or a value of those, parameters) or from the session's declaration of a variable (var c Celsius).
// A struct type's name is left to fmtArgs, which reads it from the value (and so from a value in an
// interface); an interface type's is left alone, as %T writes the dynamic type.

// typeNameFuncs are the printing functions whose format rewriteTypeNames reads, with the index of the
// format among their arguments.
var typeNameFuncs = map[string]int{"Printf": 0, "Sprintf": 0, "Errorf": 0, "Fprintf": 1, "Appendf": 1}

// named is an argument of %T with its type's name (see above).
type named struct {
	name string
	v    any
}

// rewriteTypeNames rewrites the arguments of %T described above.
func (s *Session) rewriteTypeNames(ctx context.Context, src string, c *cell.Cell) string {
	if !strings.Contains(src, "%") || !strings.Contains(src, "T") {
		return src
	}
	var edits []srcEdit
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		return func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || call.Ellipsis.IsValid() {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			pkg, ok := sel.X.(*ast.Ident)
			fi, known := typeNameFuncs[sel.Sel.Name]
			if !ok || pkg.Name != "fmt" || pkg.Obj != nil || !known || len(call.Args) <= fi {
				return true
			}
			lit, ok := call.Args[fi].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			format, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			for _, i := range typeVerbArgs(format) {
				if fi+1+i >= len(call.Args) {
					break
				}
				a := call.Args[fi+1+i]
				name, ok := s.staticTypeName(ctx, src, c, a)
				if !ok {
					continue
				}
				start, end := p.Start+p.Offset(a.Pos()), p.Start+p.Offset(a.End())
				edits = append(edits, srcEdit{start: start, end: start, text: "__golm.Named(" + strconv.Quote(name) + ", "},
					srcEdit{start: end, end: end, text: ")"})
			}
			return true
		}
	})
	return applyEdits(src, edits)
}

// typeVerbArgs returns the indexes of the arguments that a format's %T verbs write, none for a format with
// explicit argument indexes.
func typeVerbArgs(format string) []int {
	var out []int
	arg := 0
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		j := i + 1
		if j < len(format) && format[j] == '%' {
			i = j
			continue
		}
		for j < len(format) && strings.IndexByte("+-# 0123456789.*", format[j]) >= 0 {
			if format[j] == '*' {
				arg++
			}
			j++
		}
		if j >= len(format) || format[j] == '[' {
			return nil
		}
		if format[j] == 'T' {
			out = append(out, arg)
		}
		arg++
		i = j
	}
	return out
}

// staticTypeName returns the name %T writes for an expression whose type the cell tells (see above).
func (s *Session) staticTypeName(ctx context.Context, src string, c *cell.Cell, a ast.Expr) (string, bool) {
	t := s.argType(ctx, src, c, a, 0)
	if t == nil {
		if call, ok := ast.Unparen(a).(*ast.CallExpr); ok && len(call.Args) == 1 {
			t = call.Fun // a conversion, T(x)
		} else if id, ok := ast.Unparen(a).(*ast.Ident); ok && id.Obj == nil && cellDecl(c, id.Name) == nil {
			t = s.sessionVarType(id.Name)
		}
	}
	ptr := ""
	if star, ok := t.(*ast.StarExpr); ok {
		t, ptr = star.X, "*"
	}
	var base *ast.Ident
	var targs []ast.Expr
	switch x := t.(type) {
	case *ast.Ident:
		base = x
	case *ast.IndexExpr:
		base, _ = x.X.(*ast.Ident)
		targs = []ast.Expr{x.Index}
	case *ast.IndexListExpr:
		base, _ = x.X.(*ast.Ident)
		targs = x.Indices
	}
	if base == nil {
		return "", false
	}
	ts := s.typeSpec(c, base.Name)
	if ts == nil || ts.Assign.IsValid() || (ts.TypeParams == nil) != (len(targs) == 0) {
		return "", false
	}
	switch ts.Type.(type) {
	case *ast.InterfaceType, *ast.SelectorExpr:
		return "", false // %T writes the dynamic type; a compiled type may be an interface
	case *ast.StructType:
		if len(targs) == 0 {
			return "", false // fmtArgs names it from the value
		}
	case *ast.Ident:
		if u := ts.Type.(*ast.Ident).Name; s.typeSpec(c, u) != nil || !isPredeclaredType(u) {
			return "", false // another declared type, maybe an interface
		}
	}
	name := ptr + "main." + base.Name
	if len(targs) > 0 {
		parts := make([]string, len(targs))
		for i, ta := range targs {
			parts[i] = s.qualified(c, ta)
		}
		name += "[" + strings.Join(parts, ",") + "]"
	}
	return name, true
}

// qualified writes a type argument as %T does: the session's types with main.
func (s *Session) qualified(c *cell.Cell, t ast.Expr) string {
	var b strings.Builder
	var write func(e ast.Expr)
	write = func(e ast.Expr) {
		switch x := e.(type) {
		case *ast.Ident:
			if s.typeSpec(c, x.Name) != nil {
				b.WriteString("main.")
			}
			b.WriteString(x.Name)
		case *ast.StarExpr:
			b.WriteString("*")
			write(x.X)
		case *ast.ArrayType:
			b.WriteString("[")
			if x.Len != nil {
				b.WriteString(types.ExprString(x.Len))
			}
			b.WriteString("]")
			write(x.Elt)
		case *ast.MapType:
			b.WriteString("map[")
			write(x.Key)
			b.WriteString("]")
			write(x.Value)
		case *ast.IndexExpr:
			write(x.X)
			b.WriteString("[")
			write(x.Index)
			b.WriteString("]")
		case *ast.IndexListExpr:
			write(x.X)
			b.WriteString("[")
			for i, ix := range x.Indices {
				if i > 0 {
					b.WriteString(",")
				}
				write(ix)
			}
			b.WriteString("]")
		default:
			b.WriteString(types.ExprString(e))
		}
	}
	write(t)
	return b.String()
}

// typeSpec returns the declaration of a type named in the cell or declared by the session, or nil.
func (s *Session) typeSpec(c *cell.Cell, name string) *ast.TypeSpec {
	if c != nil {
		for _, p := range c.Pieces {
			for _, d := range p.Decls {
				if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
					for _, spec := range gd.Specs {
						if ts := spec.(*ast.TypeSpec); ts.Name.Name == name {
							return ts
						}
					}
				}
			}
		}
	}
	ti := s.types[name]
	if ti == nil {
		return nil
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\ntype "+ti.src, 0)
	if err != nil || len(f.Decls) != 1 {
		return nil
	}
	ts, _ := f.Decls[0].(*ast.GenDecl).Specs[0].(*ast.TypeSpec)
	return ts
}

// sessionVarType returns the type of a variable an earlier cell declared with one (var c Celsius), or nil.
func (s *Session) sessionVarType(name string) ast.Expr {
	info, ok := s.names[name]
	if !ok || info.kind != kindVar || !strings.HasPrefix(info.src, "var ") {
		return nil
	}
	f, err := parser.ParseFile(token.NewFileSet(), "", "package p\n"+info.src, 0)
	if err != nil || len(f.Decls) != 1 {
		return nil
	}
	gd, ok := f.Decls[0].(*ast.GenDecl)
	if !ok || len(gd.Specs) != 1 {
		return nil
	}
	return gd.Specs[0].(*ast.ValueSpec).Type
}

// isPredeclaredType reports whether name is one of Go's predeclared types.
func isPredeclaredType(name string) bool {
	switch name {
	case "bool", "string", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
		"uint64", "uintptr", "float32", "float64", "complex64", "complex128", "byte", "rune", "error", "any":
		return name != "error" && name != "any"
	}
	return false
}
