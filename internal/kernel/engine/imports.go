package engine

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"go/ast"

	"github.com/golm-dev/golm/internal/cell"
)

// importAll evaluates the cell's own imports that the session lacks, and imports the packages the cell
// uses without importing them (fmt.Println in a fresh session).
func (s *Session) importAll(ctx context.Context, src string, c *cell.Cell, info cell.Info) error {
	type imp struct{ name, path string }
	var todo []imp
	inCell := map[string]bool{}
	for _, spec := range c.Imports() {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		name := s.pkgs[path]
		if name == "" {
			name = path[strings.LastIndex(path, "/")+1:]
		}
		if spec.Name != nil {
			name = spec.Name.Name
		}
		if name == "." {
			if shimmed[path] {
				return &Error{Name: "ImportError", Value: fmt.Sprintf("golm cannot dot-import %q, whose functions are stand-ins: import %q without the dot", path, path)}
			}
			if _, ok := s.pkgs[path]; !ok {
				return s.unknownPackage(path)
			}
			name = dotAlias(path) // its names are rewritten to alias.Name (see rewriteDotNames)
		}
		if shimmed[path] {
			if name != path {
				s.imported[name] = path // import s "slices": the stand-ins by that name too (see rewriteShims)
			}
			continue // provided by the prelude
		}
		if name == "_" {
			if _, ok := s.pkgs[path]; !ok {
				return s.unknownPackage(path)
			}
			continue
		}
		inCell[name] = true
		if old, ok := s.imported[name]; ok {
			if old == path {
				continue
			}
			return &Error{Name: "ImportError", Value: fmt.Sprintf(
				"%s is already imported as %q in this session; import %q under another name, e.g. import %s2 %q",
				name, old, path, name, path)}
		}
		if _, ok := s.pkgs[path]; !ok {
			return s.unknownPackage(path)
		}
		todo = append(todo, imp{name, path})
	}
	for _, ref := range info.PkgRefs {
		if inCell[ref] {
			continue
		}
		if _, ok := s.imported[ref]; ok {
			continue
		}
		if _, ok := s.names[ref]; ok {
			continue
		}
		if path := s.autoImportPath(c, ref); path != "" {
			todo = append(todo, imp{ref, path})
		}
	}
	if len(todo) == 0 {
		return nil
	}
	sort.Slice(todo, func(i, j int) bool { return todo[i].path < todo[j].path })
	var b strings.Builder
	b.WriteString("import (\n")
	for _, t := range todo {
		fmt.Fprintf(&b, "\t%s %q\n", t.name, t.path)
	}
	b.WriteString(")")
	if _, err := s.eval(ctx, src, b.String()); err != nil {
		// Import one by one to name the one that failed.
		for _, t := range todo {
			if _, ok := s.imported[t.name]; ok {
				continue
			}
			if _, err := s.eval(ctx, src, fmt.Sprintf("import %s %q", t.name, t.path)); err != nil {
				return &Error{Name: "ImportError", Value: fmt.Sprintf("importing %q: %v", t.path, errorValue(err))}
			}
			s.imported[t.name] = t.path
		}
		return nil
	}
	for _, t := range todo {
		s.imported[t.name] = t.path
	}
	return nil
}

func errorValue(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Value
	}
	return err.Error()
}

func (s *Session) unknownPackage(path string) error {
	if strings.Contains(strings.SplitN(path, "/", 2)[0], ".") {
		return &Error{Name: "ImportError", Value: fmt.Sprintf(
			"package %q is not available in this Go session: add it with\n\n\t%%go get %s\n\n(alone in a cell; it compiles the "+
				"module into the session, which restarts and replays its cells; %%go help says more)", path, path)}
	}
	return &Error{Name: "ImportError", Value: fmt.Sprintf(
		"package %q is not available in this kernel: golm interprets cells and can import the standard library, "+
			"its helper packages and the packages compiled into it (see %%help); other modules can be added with "+
			"%%go get MODULE", path)}
}

// dotAlias is the hidden name a dot-imported package is imported under.
func dotAlias(path string) string {
	return "__golmdot_" + strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(path)
}

// dotPaths returns the packages dot-imported by the session and by the cell.
func (s *Session) dotPaths(c *cell.Cell) []string {
	var out []string
	for name, path := range s.imported {
		if name == dotAlias(path) {
			out = append(out, path)
		}
	}
	for _, spec := range c.Imports() {
		if spec.Name != nil && spec.Name.Name == "." {
			if path, err := strconv.Unquote(spec.Path.Value); err == nil {
				out = append(out, path)
			}
		}
	}
	sort.Strings(out)
	return out
}

// rewriteDotNames points the names a cell uses from dot-imported packages (import . "strings"; ToUpper(s))
// at the package's hidden name (__golmdot_strings.ToUpper), so that the engine's own checks (undefined
// names, the results of a call) and its rewrites see them as the package's. A name the session or the cell
// declares keeps its own meaning, as in Go.
func (s *Session) rewriteDotNames(src string, c *cell.Cell, info cell.Info) string {
	paths := s.dotPaths(c)
	if len(paths) == 0 {
		return src
	}
	declared := map[string]bool{}
	for _, list := range [][]string{info.Vars, info.Consts, info.Funcs, info.Types} {
		for _, n := range list {
			declared[n] = true
		}
	}
	var edits []srcEdit
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		unresolved := map[*ast.Ident]bool{}
		for _, id := range p.Unresolved {
			unresolved[id] = true
		}
		keys := map[*ast.Ident]bool{} // field names in composite literals
		return func(n ast.Node) bool {
			if kv, ok := n.(*ast.KeyValueExpr); ok {
				if id, ok := kv.Key.(*ast.Ident); ok {
					keys[id] = true
				}
			}
			id, ok := n.(*ast.Ident)
			if !ok || !unresolved[id] || keys[id] || declared[id.Name] || !ast.IsExported(id.Name) {
				return true
			}
			if _, own := s.names[id.Name]; own {
				return true
			}
			for _, path := range paths {
				if _, ok := s.symbolsOf(path)[id.Name]; ok {
					off := p.Start + p.Offset(id.Pos())
					edits = append(edits, srcEdit{start: off, end: off, text: dotAlias(path) + "."})
					break
				}
			}
			return true
		}
	})
	return applyEdits(src, edits)
}

// cellImports returns the packages a cell imports, by the name the cell uses them under (its alias, else
// the package's name).
func (s *Session) cellImports(c *cell.Cell) map[string]string {
	out := map[string]string{}
	for _, spec := range c.Imports() {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		name := path[strings.LastIndex(path, "/")+1:]
		if n := s.pkgs[path]; n != "" {
			name = n
		}
		if spec.Name != nil {
			name = spec.Name.Name
		}
		out[name] = path
	}
	return out
}
