package extract

import (
	"bytes"
	"fmt"
	"go/format"
	"go/importer"
	"go/token"
	"go/types"
	"os/exec"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/traefik/yaegi/extract"
	"github.com/traefik/yaegi/stdlib"
	syscallsyms "github.com/traefik/yaegi/stdlib/syscall"
	"github.com/traefik/yaegi/stdlib/unrestricted"
	unsafesyms "github.com/traefik/yaegi/stdlib/unsafe"
)

// StdPackages lists the standard library packages a table can be made for: `go list std` without
// internal, vendored and command packages, and without those that only exist for the toolchain.
func StdPackages() ([]string, error) {
	out, err := exec.Command("go", "list", "std").Output()
	if err != nil {
		return nil, fmt.Errorf("go list std: %w", err)
	}
	var pkgs []string
	for _, p := range strings.Fields(string(out)) {
		if strings.Contains(p, "internal") || strings.HasPrefix(p, "vendor/") || stdSkipped[p] != "" {
			continue
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// stdSkipped are the standard packages left without a table, with the reason.
var stdSkipped = map[string]string{
	"unsafe":                 "yaegi's own unsafe table (loaded by the kernel)",
	"syscall":                "yaegi's own syscall tables (loaded by the kernel)",
	"runtime/cgo":            "only for cgo programs",
	"runtime/race":           "only with -race",
	"runtime/msan":           "only with -msan",
	"runtime/asan":           "only with -asan",
	"plugin":                 "loading compiled plugins into the kernel is not what cells do",
	"log/syslog":             "yaegi keeps it out of its tables too (not portable)",
	"testing/synctest":       "runs tests in a bubble of the test runner, which cells do not have",
	"testing/cryptotest":     "for tests of crypto code in the test runner",
	"runtime/coverage":       "only in binaries built with -cover",
	"crypto/mlkem/mlkemtest": "for tests of ML-KEM implementations",
}

// Missing returns, for each standard package, the exported names that the interpreter's tables (yaegi's,
// made for an older Go) lack, by import path; a package yaegi has no table for is listed with all its
// names. Generic functions and types are left out, since a symbol table cannot hold them: they are
// returned apart, in generics, by import path.
func Missing(pkgs []string) (missing, generics map[string][]string, err error) {
	have := map[string]map[string]bool{}
	for _, tables := range []map[string]map[string]reflect.Value{stdlib.Symbols, syscallsyms.Symbols, unsafesyms.Symbols, unrestricted.Symbols} {
		for key, names := range tables {
			i := strings.LastIndex(key, "/")
			if i < 0 {
				continue // the interface mappings, "."
			}
			path := key[:i]
			if have[path] == nil {
				have[path] = map[string]bool{}
			}
			for n := range names {
				have[path][n] = true
			}
		}
	}
	imp := importer.ForCompiler(token.NewFileSet(), "gc", nil)
	missing, generics = map[string][]string{}, map[string][]string{}
	for _, path := range pkgs {
		p, err := imp.Import(path)
		if err != nil {
			return nil, nil, fmt.Errorf("importing %s: %w", path, err)
		}
		var names []string
		for _, name := range p.Scope().Names() { // sorted
			o := p.Scope().Lookup(name)
			switch {
			case !o.Exported() || have[path][name]:
			case generic(o):
				generics[path] = append(generics[path], name)
			default:
				names = append(names, name)
			}
		}
		if _, known := have[path]; !known || len(names) > 0 {
			missing[path] = names
		}
	}
	return missing, generics, nil
}

// generic reports whether an object is a generic function or type, or an interface only usable as a
// constraint: the extractor skips them.
func generic(o types.Object) bool {
	switch o := o.(type) {
	case *types.Func:
		s := o.Type().(*types.Signature)
		return s.TypeParams().Len() > 0 || s.RecvTypeParams().Len() > 0
	case *types.TypeName:
		if n, ok := o.Type().(*types.Named); ok && n.TypeParams().Len() > 0 {
			return true
		}
		if it, ok := o.Type().Underlying().(*types.Interface); ok && it.NumMethods() == 0 && it.NumEmbeddeds() != 0 {
			return true
		}
	}
	return false
}

// Std extracts, for each standard package, the table of the names yaegi's tables lack (see Missing), keyed
// by file name; a package whose names are all generic gets an empty table, so that it can be imported. The
// file zz_generic.go lists the generic names, which no table can hold.
func Std() (map[string][]byte, error) {
	pkgs, err := StdPackages()
	if err != nil {
		return nil, err
	}
	missing, generics, err := Missing(pkgs)
	if err != nil {
		return nil, err
	}
	out := map[string][]byte{}
	for path, names := range missing {
		ext := extract.Extractor{Dest: "std"}
		for _, n := range names {
			ext.Include = append(ext.Include, "^"+regexp.QuoteMeta(n)+"$")
		}
		if len(names) == 0 {
			ext.Include = []string{"^$"} // no name: an empty table
		}
		var buf bytes.Buffer
		if _, err := ext.Extract(path, "", &buf); err != nil {
			return nil, fmt.Errorf("extracting %s: %w", path, err)
		}
		src, err := format.Source(buf.Bytes())
		if err != nil {
			return nil, fmt.Errorf("formatting the table of %s: %w", path, err)
		}
		out[FileName(path)] = src
	}
	src, err := genericsFile(generics)
	if err != nil {
		return nil, err
	}
	out["zz_generic.go"] = src
	return out, nil
}

// genericsFile writes the Go file that lists the standard library's generic names.
func genericsFile(generics map[string][]string) ([]byte, error) {
	paths := make([]string, 0, len(generics))
	for p := range generics {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var b bytes.Buffer
	b.WriteString("// Code generated by go generate ./symbols. DO NOT EDIT.\n\npackage std\n\n")
	b.WriteString("// Generic lists the generic functions and types of the standard library, by import path: no symbol\n")
	b.WriteString("// table can hold them, so the interpreter has them only where golm provides a stand-in.\n")
	b.WriteString("var Generic = map[string][]string{\n")
	for _, p := range paths {
		fmt.Fprintf(&b, "\t%q: {", p)
		for i, n := range generics[p] {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%q", n)
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}
