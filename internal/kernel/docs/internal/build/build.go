// Package build builds the documentation index of package docs from package sources.
package build

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/build"
	"go/doc"
	"go/parser"
	"go/printer"
	"go/token"
	"path/filepath"
	"sort"
	"strings"

	"github.com/golm-dev/golm/symbols"
	"github.com/traefik/yaegi/stdlib"
)

// Packages returns the import paths to document: those of the interpreter's symbol tables.
func Packages() []string {
	seen := map[string]bool{}
	for _, tables := range []map[string]map[string]any{keys(stdlib.Symbols), keys(symbols.Symbols)} {
		for k := range tables {
			if i := strings.LastIndex(k, "/"); i > 0 {
				seen[k[:i]] = true
			}
		}
	}
	var out []string
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

func keys[V any](m map[string]V) map[string]map[string]any {
	out := map[string]map[string]any{}
	for k := range m {
		out[k] = nil
	}
	return out
}

// Index documents the packages.
func Index() (map[string]map[string]string, error) {
	idx := map[string]map[string]string{}
	for _, path := range Packages() {
		entries, err := documentPackage(path)
		if err != nil {
			return nil, fmt.Errorf("documenting %s: %w", path, err)
		}
		if entries != nil {
			idx[path] = entries
		}
	}
	return idx, nil
}

// Compressed returns the index as deterministic gzipped JSON.
func Compressed() ([]byte, error) {
	idx, err := Index()
	if err != nil {
		return nil, err
	}
	data, err := json.Marshal(idx) // map keys are sorted: the output is deterministic
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(data)
	zw.Close()
	return buf.Bytes(), nil
}

func documentPackage(path string) (map[string]string, error) {
	bp, err := build.Default.Import(path, ".", build.ImportComment)
	if err != nil {
		if _, ok := err.(*build.NoGoError); ok {
			return nil, nil
		}
		return nil, err
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(bp.Dir, name), nil, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		files = append(files, f)
	}
	p, err := doc.NewFromFiles(fset, files, path)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	if p.Doc != "" {
		out[""] = trim(p.Doc)
	}
	decl := func(n ast.Node) string {
		var b bytes.Buffer
		cfg := printer.Config{Mode: printer.UseSpaces | printer.TabIndent, Tabwidth: 4}
		_ = cfg.Fprint(&b, fset, n)
		return b.String()
	}
	addFunc := func(key string, f *doc.Func) {
		d := *f.Decl
		d.Body = nil
		out[key] = decl(&d) + "\n\n" + trim(f.Doc)
	}
	for _, f := range p.Funcs {
		addFunc(f.Name, f)
	}
	for _, t := range p.Types {
		out[t.Name] = decl(t.Decl) + "\n\n" + trim(t.Doc)
		for _, f := range t.Funcs {
			addFunc(f.Name, f)
		}
		for _, m := range t.Methods {
			addFunc(t.Name+"."+m.Name, m)
		}
		for _, v := range append(t.Consts, t.Vars...) {
			for _, n := range v.Names {
				out[n] = decl(v.Decl) + "\n\n" + trim(v.Doc)
			}
		}
	}
	for _, v := range append(p.Consts, p.Vars...) {
		text := decl(v.Decl)
		if len(text) > 2000 {
			text = text[:2000] + "\n\t…"
		}
		for _, n := range v.Names {
			out[n] = text + "\n\n" + trim(v.Doc)
		}
	}
	return out, nil
}

// trim bounds a doc comment: inspect shows a tooltip, not a manual.
func trim(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 3000 {
		s = s[:3000] + "…"
	}
	return s
}
