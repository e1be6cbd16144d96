package local

import (
	"bytes"
	"errors"
	"github.com/golm-dev/golm/helpers/internal/options"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strings"
	"testing"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/helpers/display/displaytest"
)

// TestStubMatchesLlama keeps the API of the build without llama.cpp (stub.go) identical to the llama build's:
// it lists the exported names and signatures of the package's files as each build selects them, as go doc
// shows them, and fails on any difference. It parses the files and needs neither cgo nor llama.cpp.
func TestStubMatchesLlama(t *testing.T) {
	stub, stubFiles := exportedAPI(t)
	llama, llamaFiles := exportedAPI(t, "llama")
	// The two builds must really differ in their files, or this test compares nothing.
	if !slices.Contains(stubFiles, "stub.go") || slices.Contains(llamaFiles, "stub.go") ||
		!slices.Contains(llamaFiles, "llama_model.go") || slices.Contains(stubFiles, "llama_model.go") {
		t.Fatalf("unexpected file sets: without the tag %v, with it %v", stubFiles, llamaFiles)
	}
	for _, want := range []string{
		"func Load(context.Context, string, ...Options) (*Model, error)",
		"func (*Model) Complete(context.Context, string, ...GenerateOptions) (*Result, error)",
		"func (*Model) Tokenize(string, bool) ([]int, error)",
		"const Built",
		"type Model struct{}",
	} {
		if !slices.Contains(stub, want) {
			t.Errorf("the API lists no %q: the listing is broken", want)
		}
	}
	for _, s := range stub {
		if !slices.Contains(llama, s) {
			t.Errorf("only without the llama tag (stub.go): %s", s)
		}
	}
	for _, s := range llama {
		if !slices.Contains(stub, s) {
			t.Errorf("only with the llama tag (missing from stub.go): %s", s)
		}
	}
}

// exportedAPI returns the exported API of this package's non-test files selected by the build tags, one
// declaration a line (without parameter names, values or unexported fields), sorted, and the files' names.
func exportedAPI(t *testing.T, tags ...string) (api, files []string) {
	t.Helper()
	ctxt := build.Default
	ctxt.BuildTags = tags
	ctxt.CgoEnabled = true // files that import "C" count, although they are only parsed
	pkg, err := ctxt.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	files = append(append(files, pkg.GoFiles...), pkg.CgoFiles...)
	fset := token.NewFileSet()
	for _, name := range files {
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			api = append(api, declAPI(decl)...)
		}
	}
	slices.Sort(api)
	return api, files
}

// declAPI returns the exported part of a declaration.
func declAPI(decl ast.Decl) []string {
	var out []string
	switch d := decl.(type) {
	case *ast.FuncDecl:
		if !d.Name.IsExported() {
			return nil
		}
		recv := ""
		if d.Recv != nil {
			typ := d.Recv.List[0].Type
			base := typ
			if star, ok := base.(*ast.StarExpr); ok {
				base = star.X
			}
			if id, ok := base.(*ast.Ident); !ok || !id.IsExported() {
				return nil
			}
			recv = "(" + types.ExprString(typ) + ") "
		}
		return []string{"func " + recv + d.Name.Name + signature(d.Type)}
	case *ast.GenDecl:
		for _, spec := range d.Specs {
			switch s := spec.(type) {
			case *ast.TypeSpec:
				if !s.Name.IsExported() {
					continue
				}
				eq := " "
				if s.Assign.IsValid() {
					eq = " = "
				}
				out = append(out, "type "+s.Name.Name+eq+typeAPI(s.Type))
			case *ast.ValueSpec:
				for _, n := range s.Names {
					if !n.IsExported() {
						continue
					}
					line := d.Tok.String() + " " + n.Name
					if s.Type != nil {
						line += " " + types.ExprString(s.Type)
					}
					out = append(out, line)
				}
			}
		}
	}
	return out
}

// typeAPI writes a type, keeping only the exported fields of a struct.
func typeAPI(e ast.Expr) string {
	st, ok := e.(*ast.StructType)
	if !ok {
		return types.ExprString(e)
	}
	var fields []string
	for _, f := range st.Fields.List {
		if len(f.Names) == 0 { // embedded
			if name := types.ExprString(f.Type); ast.IsExported(strings.TrimLeft(name[strings.LastIndex(name, ".")+1:], "*")) {
				fields = append(fields, name)
			}
			continue
		}
		for _, n := range f.Names {
			if n.IsExported() {
				fields = append(fields, n.Name+" "+types.ExprString(f.Type))
			}
		}
	}
	return "struct{" + strings.Join(fields, "; ") + "}"
}

// signature writes a function type's parameter and result types, without names.
func signature(ft *ast.FuncType) string {
	list := func(fl *ast.FieldList) []string {
		var out []string
		if fl == nil {
			return nil
		}
		for _, f := range fl.List {
			n := max(1, len(f.Names))
			for range n {
				out = append(out, types.ExprString(f.Type))
			}
		}
		return out
	}
	s := "(" + strings.Join(list(ft.Params), ", ") + ")"
	switch res := list(ft.Results); len(res) {
	case 0:
	case 1:
		s += " " + res[0]
	default:
		s += " (" + strings.Join(res, ", ") + ")"
	}
	return s
}

func TestOptionsOf(t *testing.T) {
	tests := []struct {
		opts    []GenerateOptions
		want    int
		wantErr bool
	}{
		{nil, 512, false},
		{[]GenerateOptions{{MaxTokens: 7}}, 7, false},
		{[]GenerateOptions{{MaxTokens: 7}, {MaxTokens: 8}}, 0, true},
	}
	for _, tt := range tests {
		o, err := options.One("local: Complete", tt.opts)
		if (err != nil) != tt.wantErr || (err == nil && o.maxTokens() != tt.want) {
			t.Errorf("options.One(%v) = %+v, %v", tt.opts, o, err)
		}
		if err != nil && !strings.Contains(err.Error(), "Complete takes at most one") {
			t.Errorf("error %q does not name the call", err)
		}
	}
	// Every call checks it, before anything else (also without llama.cpp).
	var m *Model
	two := []GenerateOptions{{}, {}}
	if _, err := m.Complete(t.Context(), "x", two...); err == nil || errors.Is(err, ErrNotBuilt) {
		t.Errorf("Complete with two options: %v", err)
	}
	if _, err := m.Chat(t.Context(), nil, two...); err == nil || errors.Is(err, ErrNotBuilt) {
		t.Errorf("Chat with two options: %v", err)
	}
	if _, err := m.Ask(t.Context(), "x", two...); err == nil || errors.Is(err, ErrNotBuilt) {
		t.Errorf("Ask with two options: %v", err)
	}
	if _, err := m.Embed(t.Context(), nil, EmbedOptions{}, EmbedOptions{}); err == nil || errors.Is(err, ErrNotBuilt) {
		t.Errorf("Embed with two options: %v", err)
	}
	if _, err := Load(t.Context(), "x.gguf", Options{}, Options{}); err == nil {
		t.Error("Load with two options")
	}
}

// failingWriter fails every write.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestStreamOut(t *testing.T) {
	res := &Result{Text: "Hello, world", Tokens: []int{1, 2, 3}, StopReason: StopEOS}
	feed := func(out streamOut) error {
		for _, p := range []string{"Hello", ", world"} {
			if err := out.write(p); err != nil {
				return err
			}
		}
		out.done(res, nil)
		return nil
	}

	// Not streamed: no writer at all, so generate does not even build the pieces' text for it.
	if out := (GenerateOptions{}).output(false); out.write != nil {
		t.Error("a writer without Stream or StreamTo")
	}

	// StreamTo gets the pieces and nothing else; it wins over Stream.
	var buf bytes.Buffer
	rec := displaytest.Install(t)
	if err := feed(GenerateOptions{StreamTo: &buf, Stream: true}.output(true)); err != nil || buf.String() != "Hello, world" {
		t.Errorf("StreamTo got %q, %v", buf.String(), err)
	}
	if len(rec.Displays()) != 0 {
		t.Error("StreamTo also showed the text in the notebook")
	}
	if err := feed(GenerateOptions{StreamTo: failingWriter{}}.output(false)); err == nil ||
		!strings.Contains(err.Error(), "disk full") {
		t.Errorf("a failed write: %v", err)
	}

	// Stream in a notebook: one display, updated, with the text as Markdown (chat) or HTML (completion).
	for _, markdown := range []bool{true, false} {
		rec.Reset()
		if err := feed(GenerateOptions{Stream: true}.output(markdown)); err != nil {
			t.Fatal(err)
		}
		updates := rec.Updates()
		if len(rec.Displays()) != 1 || len(updates) == 0 {
			t.Fatalf("markdown %v: %d displays, %d updates", markdown, len(rec.Displays()), len(updates))
		}
		last := updates[len(updates)-1]
		md, hasMD := last.Data[display.MIMEMarkdown].(string)
		html, hasHTML := last.Data[display.MIMEHTML].(string)
		if hasMD != markdown || hasHTML == markdown {
			t.Errorf("markdown %v: final bundle has %v", markdown, last.Data)
		}
		if !strings.Contains(md+html, "Hello, world") || !strings.Contains(last.Text(), "3 tokens") {
			t.Errorf("markdown %v: final bundle %v", markdown, last.Data)
		}
	}

	// Stream on a terminal: the pieces as they come, then a newline.
	var term bytes.Buffer
	display.SetFrontend(display.Terminal{Out: &term})
	if err := feed(GenerateOptions{Stream: true}.output(true)); err != nil || term.String() != "Hello, world\n" {
		t.Errorf("terminal got %q, %v", term.String(), err)
	}
}
