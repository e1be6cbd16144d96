package engine

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strings"
)

// The prelude's stand-ins for the standard library's generic names (__golm_slices_Sort, the types
// __golm_atomic_Pointer...) are many, and compiling them all would double the time a session takes to
// start. So a session evaluates the prelude's core at start (min, max, clear, ctx, the helpers of the
// engine's rewrites) and each stand-in when a cell first uses it, after the cell's rewrites and before it
// runs, with the stand-ins it uses in turn.

// lazyDecl is one stand-in of the prelude: its source (a type's with its methods), the other stand-ins
// it uses, and whether the session has evaluated it.
type lazyDecl struct {
	src    string
	deps   []string
	loaded bool
}

// standInName matches the names of the prelude's stand-ins in a source.
var standInName = regexp.MustCompile(`__golm(?:_[a-z0-9]+_|Spread_[a-z0-9]+_)[A-Za-z0-9]+`)

// isStandIn reports whether a name the prelude declares is a stand-in (loaded when used).
func isStandIn(name string) bool {
	return name != "" && standInName.FindString(name) == name && !strings.HasPrefix(name, typeParamPrefix)
}

// splitPrelude splits the prelude's body (its declarations, after the engine's renames) into the core,
// evaluated at start, and the stand-ins, by name.
func splitPrelude(body string) (string, map[string]*lazyDecl, error) {
	const head = "package main\n"
	fset := token.NewFileSet()
	src := head + body
	f, err := parser.ParseFile(fset, "prelude.go", src, parser.ParseComments)
	if err != nil {
		return "", nil, fmt.Errorf("parsing the prelude's body: %w", err)
	}
	text := func(n ast.Node) string {
		return src[fset.Position(n.Pos()).Offset:fset.Position(n.End()).Offset]
	}
	var core strings.Builder
	lazy := map[string]*lazyDecl{}
	add := func(name, src string) {
		if lazy[name] == nil {
			lazy[name] = &lazyDecl{}
		}
		lazy[name].src += src + "\n\n"
	}
	for _, d := range f.Decls {
		name := ""
		switch d := d.(type) {
		case *ast.FuncDecl:
			name = d.Name.Name
			if d.Recv != nil && len(d.Recv.List) == 1 {
				t := d.Recv.List[0].Type
				if st, ok := t.(*ast.StarExpr); ok {
					t = st.X
				}
				switch x := t.(type) {
				case *ast.IndexExpr:
					t = x.X
				case *ast.IndexListExpr:
					t = x.X
				}
				if id, ok := t.(*ast.Ident); ok {
					name = id.Name // a method goes with its type
				}
			}
		case *ast.GenDecl:
			if d.Tok == token.TYPE && len(d.Specs) == 1 {
				name = d.Specs[0].(*ast.TypeSpec).Name.Name
			}
		}
		if !isStandIn(name) {
			core.WriteString(text(d) + "\n\n")
			continue
		}
		add(name, text(d))
	}
	for name, l := range lazy {
		seen := map[string]bool{name: true}
		for _, dep := range standInName.FindAllString(l.src, -1) {
			if !seen[dep] && lazy[dep] != nil {
				seen[dep] = true
				l.deps = append(l.deps, dep)
			}
		}
	}
	return core.String(), lazy, nil
}

// loadStandIns evaluates the stand-ins that a cell's source (after the engine's rewrites) names and the
// session has not evaluated yet, each after those it uses.
func (s *Session) loadStandIns(ctx context.Context, code string) error {
	var load func(name string) error
	load = func(name string) error {
		l := s.lazy[name]
		if l == nil || l.loaded {
			return nil
		}
		l.loaded = true // before its dependencies: a type and its methods may name each other
		for _, dep := range l.deps {
			if err := load(dep); err != nil {
				return err
			}
		}
		if _, err := s.i.EvalWithContext(ctx, l.src); err != nil {
			l.loaded = false
			return fmt.Errorf("golm's stand-in %s: %w", name, err)
		}
		return nil
	}
	for _, name := range standInName.FindAllString(code, -1) {
		if err := load(name); err != nil {
			return err
		}
	}
	return nil
}
