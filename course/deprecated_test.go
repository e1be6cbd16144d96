package course

import (
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// helperNames lists the helpers' exported names by kind, read from their sources (not imported: course
// must not depend on helpers).
type helperNames struct {
	deprecatedFuncs   map[string]map[string]bool // package name → deprecated package-level names
	deprecatedMembers map[string]bool            // deprecated methods and fields, by name
	liveMethods       map[string]bool            // methods not deprecated
	liveFields        map[string]bool            // fields not deprecated
}

func isDeprecated(doc *ast.CommentGroup) bool {
	return doc != nil && strings.Contains(doc.Text(), "Deprecated:")
}

// readHelperNames parses every non-test Go file under dir.
func readHelperNames(t *testing.T, dir string) helperNames {
	t.Helper()
	h := helperNames{deprecatedFuncs: map[string]map[string]bool{}, deprecatedMembers: map[string]bool{},
		liveMethods: map[string]bool{}, liveFields: map[string]bool{}}
	fset := token.NewFileSet()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		// Internal packages and test helpers (llmtest, displaytest) are not the learner API.
		if d.IsDir() && (d.Name() == "internal" || strings.HasSuffix(d.Name(), "test")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		pkg := f.Name.Name
		if h.deprecatedFuncs[pkg] == nil {
			h.deprecatedFuncs[pkg] = map[string]bool{}
		}
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if !d.Name.IsExported() {
					continue
				}
				switch {
				case d.Recv == nil && isDeprecated(d.Doc):
					h.deprecatedFuncs[pkg][d.Name.Name] = true
				case d.Recv != nil && isDeprecated(d.Doc):
					h.deprecatedMembers[d.Name.Name] = true
				case d.Recv != nil:
					h.liveMethods[d.Name.Name] = true
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if isDeprecated(d.Doc) || isDeprecated(s.Doc) {
							h.deprecatedFuncs[pkg][s.Name.Name] = true
						}
						if st, ok := s.Type.(*ast.StructType); ok {
							for _, f := range st.Fields.List {
								for _, n := range f.Names {
									if isDeprecated(f.Doc) {
										h.deprecatedMembers[n.Name] = true
									} else {
										h.liveFields[n.Name] = true
									}
								}
							}
						}
					case *ast.ValueSpec:
						if isDeprecated(d.Doc) || isDeprecated(s.Doc) {
							for _, n := range s.Names {
								h.deprecatedFuncs[pkg][n.Name] = true
							}
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// deprecatedUses returns the uses of deprecated helper names in Go source (a lesson's cell): pkg.Name for a
// deprecated package-level name, x.Name for a deprecated method (when called) or field whose name no
// current method or field has.
func (h helperNames) deprecatedUses(src string) []string {
	var s scanner.Scanner
	fset := token.NewFileSet()
	s.Init(fset.AddFile("", -1, len(src)), []byte(src), nil, 0)
	type tok struct {
		tok token.Token
		lit string
	}
	var toks []tok
	for {
		_, t, lit := s.Scan()
		if t == token.EOF {
			break
		}
		toks = append(toks, tok{t, lit})
	}
	var uses []string
	for i := 0; i+2 < len(toks); i++ {
		if toks[i].tok != token.IDENT || toks[i+1].tok != token.PERIOD || toks[i+2].tok != token.IDENT {
			continue
		}
		x, name := toks[i].lit, toks[i+2].lit
		called := i+3 < len(toks) && toks[i+3].tok == token.LPAREN
		if pkg, ok := h.deprecatedFuncs[x]; ok {
			if pkg[name] {
				uses = append(uses, x+"."+name)
			}
			continue
		}
		if !h.deprecatedMembers[name] {
			continue
		}
		if (called && !h.liveMethods[name]) || (!called && !h.liveFields[name] && !h.liveMethods[name]) {
			uses = append(uses, x+"."+name)
		}
	}
	return uses
}

// TestLessonsUseNoDeprecatedNames holds the rule of helpers/README.md: lessons use only the current names of
// the learner API, never a deprecated wrapper.
func TestLessonsUseNoDeprecatedNames(t *testing.T) {
	h := readHelperNames(t, "../helpers")
	lessons, err := Lessons("../lessons")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lessons {
		for i, c := range l.Cells {
			if c.Type != "code" {
				continue
			}
			for _, use := range h.deprecatedUses(c.Source) {
				t.Errorf("%s, cell %d: %s is deprecated (see helpers/README.md)", l.Name, i+1, use)
			}
		}
	}
}

// TestDeprecatedUses checks the finder itself on cells written for it.
func TestDeprecatedUses(t *testing.T) {
	h := readHelperNames(t, "../helpers")
	tests := []struct {
		src  string
		want []string
	}{
		{`reply, err := client.Send(ctx, msgs, llm.ChatOptions{})`, []string{"client.Send"}},
		{`reply, err := client.Chat(ctx, msgs, llm.ChatOptions{StreamTo: os.Stdout})`, nil},
		{`name, err := tokens.EncodingForModel("gpt-4")`, []string{"tokens.EncodingForModel"}},
		{`name, err := tokens.EncodingNameForModel("gpt-4")`, nil},
		{`runner.Show = true`, []string{"runner.Show"}},
		{`runner.Stream = true`, nil},
		{"enc.Show(`They are splashing`)", []string{"enc.Show"}},
		{`display.Show(x)`, nil},
		{`client.StreamTo(ctx, os.Stdout, msgs, o)`, []string{"client.StreamTo"}},
		{`w := opts.StreamTo`, nil},
		{`m := client.Model()`, []string{"client.Model"}},
		{`m := client.DefaultModel()`, nil},
	}
	for _, tt := range tests {
		if got := h.deprecatedUses(tt.src); !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.src, got, tt.want)
		}
	}
}
