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
	// directive returns the //go:embed lines above a variable of a var declaration.
	directive := func(p *cell.Piece, gd *ast.GenDecl, vs *ast.ValueSpec) (int, []string, bool) {
		if !gd.Lparen.IsValid() {
			return embedDirective(src, p.Start+p.Offset(gd.Pos()))
		}
		line, args, ok := embedDirective(src, p.Start+p.Offset(vs.Pos()))
		if !ok && len(gd.Specs) == 1 {
			return embedDirective(src, p.Start+p.Offset(gd.Pos()))
		}
		return line, args, ok
	}
	var inFunc error
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		return func(n ast.Node) bool {
			var body *ast.BlockStmt
			switch n := n.(type) {
			case *ast.FuncDecl:
				body = n.Body
			case *ast.FuncLit:
				body = n.Body
			}
			if body == nil || inFunc != nil {
				return inFunc == nil
			}
			ast.Inspect(body, func(n ast.Node) bool {
				if ds, ok := n.(*ast.DeclStmt); ok && inFunc == nil {
					if gd, ok := ds.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
						for _, spec := range gd.Specs {
							if line, _, ok := directive(p, gd, spec.(*ast.ValueSpec)); ok {
								inFunc = compileError(src, line, 1, "go:embed cannot apply to var inside func")
							}
						}
					}
				}
				return inFunc == nil
			})
			return false
		}
	})
	if inFunc != nil {
		return "", inFunc
	}
	for i := range c.Pieces {
		p := &c.Pieces[i]
		for _, d := range p.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				line, lines, ok := directive(p, gd, vs)
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
				var patterns []string
				for _, args := range lines {
					more, err := goembed.Patterns(args)
					if err != nil {
						return "", fail(err.Error())
					}
					patterns = append(patterns, more...)
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

// embedDirective finds the //go:embed lines above a declaration that starts at byte off of the cell's
// source: as for the compiler, those among the lines right above it that are blank or // comments. It
// returns the first one's cell line and the arguments of each.
func embedDirective(src string, off int) (line int, args []string, ok bool) {
	start := strings.LastIndexByte(src[:off], '\n') + 1
	if strings.TrimSpace(src[start:off]) != "" {
		return 0, nil, false // the declaration does not start its line
	}
	for start > 0 {
		prev := strings.LastIndexByte(src[:start-1], '\n') + 1
		text := strings.TrimSpace(src[prev : start-1])
		if text != "" && !strings.HasPrefix(text, "//") {
			break
		}
		if rest, found := strings.CutPrefix(text, "//go:embed"); found && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			args = append([]string{rest}, args...)
			line = strings.Count(src[:prev], "\n") + 1
		}
		start = prev
	}
	return line, args, len(args) > 0
}

// pkgPathIn returns the import path of a package name as a cell uses it: its own import, or the
// session's.
func (s *Session) pkgPathIn(c *cell.Cell, name string) string {
	if path, ok := s.cellImports(c)[name]; ok {
		return path
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
