package engine

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"

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
			return &Error{Name: "ImportError", Value: fmt.Sprintf("dot imports are not supported: import %q without the dot", path)}
		}
		if shimmed[path] {
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
