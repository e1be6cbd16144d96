package engine

import (
	"embed"
	"fmt"
	"go/ast"
	"go/token"
	"os"
	"reflect"
	"strconv"
	"strings"

	"github.com/golm-dev/golm/internal/cell"
	"github.com/golm-dev/golm/internal/kernel/engine/internal/goembed"
)

// rewriteEmbeds gives the variables a cell declares under //go:embed their content, as the go command and
// the compiler would: var s string (or []byte) holds the one file its patterns name, var f embed.FS the
// files and folders they name, in the kernel's working folder (the notebook's). The interpreter ignores
// the directive, which left them empty. The patterns are resolved when the cell runs, and a pattern that
// matches nothing is an error in go build's words; the files are read when the declaration runs.
func (s *Session) rewriteEmbeds(src string, c *cell.Cell) (string, error) {
	if !strings.Contains(src, "//go:embed") {
		return src, nil
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", &Error{Name: "CompileError", Value: fmt.Sprintf("go:embed: the working folder: %v", err)}
	}
	var edits []srcEdit
	for i := range c.Pieces {
		p := &c.Pieces[i]
		for _, d := range p.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				doc := vs.Doc
				if doc == nil && len(gd.Specs) == 1 {
					doc = gd.Doc
				}
				line, args, ok := embedDirective(p, doc)
				if !ok {
					continue
				}
				fail := func(msg string) error { return compileError(src, line, 1, msg) }
				switch {
				case len(vs.Names) != 1:
					return "", fail("go:embed cannot apply to multiple vars")
				case len(vs.Values) > 0:
					return "", fail("go:embed cannot apply to var with initializer")
				case vs.Type == nil:
					return "", fail("go:embed cannot apply to var without type")
				}
				patterns, err := goembed.Patterns(args)
				if err != nil {
					return "", fail(err.Error())
				}
				fn := ""
				switch t := vs.Type.(type) {
				case *ast.Ident:
					if t.Name == "string" {
						fn = "EmbedString"
					}
				case *ast.ArrayType:
					if id, ok := t.Elt.(*ast.Ident); ok && t.Len == nil && id.Name == "byte" {
						fn = "EmbedBytes"
					}
				case *ast.SelectorExpr:
					if id, ok := t.X.(*ast.Ident); ok && t.Sel.Name == "FS" && s.pkgPathIn(c, id.Name) == "embed" {
						fn = "EmbedFS"
					}
				}
				if fn == "" {
					return "", fail("go:embed cannot apply to var of type " + p.Text(vs.Type))
				}
				files, err := goembed.Resolve(dir, patterns)
				if err != nil {
					return "", fail(err.Error())
				}
				if fn != "EmbedFS" && len(files) != 1 {
					return "", fail("invalid go:embed: multiple files for type " + p.Text(vs.Type))
				}
				quoted := make([]string, len(patterns))
				for i, pt := range patterns {
					quoted[i] = strconv.Quote(pt)
				}
				end := p.Start + p.Offset(vs.Type.End())
				edits = append(edits, srcEdit{start: end, end: end,
					text: fmt.Sprintf(" = __golm.%s(%s, []string{%s})", fn, strconv.Quote(dir), strings.Join(quoted, ", "))})
			}
		}
	}
	return applyEdits(src, edits), nil
}

// embedDirective finds a //go:embed line in a declaration's doc comment: its cell line and arguments.
func embedDirective(p *cell.Piece, doc *ast.CommentGroup) (line int, args string, ok bool) {
	if doc == nil {
		return 0, "", false
	}
	for _, c := range doc.List {
		if rest, found := strings.CutPrefix(c.Text, "//go:embed"); found && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			return p.FileSet.Position(c.Pos()).Line, rest, true
		}
	}
	return 0, "", false
}

// pkgPathIn returns the import path of a package name as a cell uses it: its own import, or the
// session's.
func (s *Session) pkgPathIn(c *cell.Cell, name string) string {
	for _, spec := range c.Imports() {
		path, err := strconv.Unquote(spec.Path.Value)
		if err != nil {
			continue
		}
		n := s.pkgs[path]
		if spec.Name != nil {
			n = spec.Name.Name
		}
		if n == name {
			return path
		}
	}
	return s.pkgPath(name)
}

// embedFuncs are the runtime's functions that give //go:embed variables their content (see
// rewriteEmbeds). A file removed since the cell was checked is a panic, as a failed read at start would
// be for a program.
func embedFuncs() map[string]reflect.Value {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	return map[string]reflect.Value{
		"EmbedString": reflect.ValueOf(func(dir string, patterns []string) string {
			v, err := goembed.String(dir, patterns)
			must(err)
			return v
		}),
		"EmbedBytes": reflect.ValueOf(func(dir string, patterns []string) []byte {
			v, err := goembed.Bytes(dir, patterns)
			must(err)
			return v
		}),
		"EmbedFS": reflect.ValueOf(func(dir string, patterns []string) embed.FS {
			v, err := goembed.FS(dir, patterns)
			must(err)
			return v
		}),
	}
}
