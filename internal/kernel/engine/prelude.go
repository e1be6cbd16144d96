package engine

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log"
	randv2 "math/rand/v2"
	"path"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/golm-dev/golm/internal/cell"
	cellog "github.com/golm-dev/golm/internal/kernel/engine/internal/log"
	"github.com/golm-dev/golm/symbols/std"
	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
	syscallsyms "github.com/traefik/yaegi/stdlib/syscall"
	"github.com/traefik/yaegi/stdlib/unrestricted"
	unsafesyms "github.com/traefik/yaegi/stdlib/unsafe"
)

// preludeSrc is evaluated in every session before the first cell: min, max, clear, ctx, and the generic
// functions of slices, maps and cmp (see the file's comment).
//
//go:embed _prelude/prelude.go
var preludeSrc string

// typeParamPrefix starts the names of the prelude's type parameters in the session.
const typeParamPrefix = "__golm_tp_"

// builtinShims are the builtins the prelude declares (the interpreter lacks them), by the name a cell
// uses: a use that the session does not declare itself is rewritten to the prelude's function.
var builtinShims = map[string]string{"min": "__golmMin", "max": "__golmMax", "clear": "__golmClear"}

// runtimePkg is the import path of the compiled package that connects cells to their session.
const runtimePkg = "golm.internal/rt"

// generic holds the prelude's stand-ins for generic standard functions: package → name → declaration.
type generic map[string]map[string]preludeFunc

type preludeFunc struct {
	sig, doc string
}

// shimmed are the standard packages whose functions and types come from the prelude (their tables hold
// nothing: every name is generic). Other packages may have a stand-in or two (errors.AsType), used in
// place of the table's missing name.
var shimmed = map[string]bool{"slices": true, "maps": true, "cmp": true, "iter": true}

// preludeDecls parses the prelude once per session (it is small): the body to evaluate, the stand-ins, and
// the number of results of each function it declares, by name (the interpreter cannot evaluate a generic
// function's name to look), and the arity of those that return a sequence (see rangefunc.go).
func preludeDecls() (body string, g generic, results, seqs map[string]int, err error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "prelude.go", preludeSrc, parser.ParseComments)
	if err != nil {
		return "", nil, nil, nil, fmt.Errorf("parsing the prelude: %w", err)
	}
	g = generic{}
	results, seqs = map[string]int{}, map[string]int{}
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.TYPE {
			for _, spec := range gd.Specs { // generic types: iter.Seq
				ts := spec.(*ast.TypeSpec)
				if pkg, name, ok := strings.Cut(strings.TrimPrefix(ts.Name.Name, "__golm_"), "_"); ok && ts.Name.Name != pkg {
					if g[pkg] == nil {
						g[pkg] = map[string]preludeFunc{}
					}
					text := preludeSrc[fset.Position(ts.Pos()).Offset:fset.Position(ts.End()).Offset]
					g[pkg][name] = preludeFunc{sig: "type " + strings.Replace(text, ts.Name.Name, pkg+"."+name, 1), doc: gd.Doc.Text()}
				}
			}
		}
		fd, ok := d.(*ast.FuncDecl)
		if ok {
			results[fd.Name.Name] = fd.Type.Results.NumFields()
			if n := resultsArity(fd.Type); n > 0 {
				seqs[fd.Name.Name] = n
			}
		}
		if !ok || !strings.HasPrefix(fd.Name.Name, "__golm_") {
			continue
		}
		pkg, name, _ := strings.Cut(strings.TrimPrefix(fd.Name.Name, "__golm_"), "_")
		if g[pkg] == nil {
			g[pkg] = map[string]preludeFunc{}
		}
		start := fset.Position(fd.Pos()).Offset
		end := fset.Position(fd.Body.Lbrace).Offset
		sig := strings.Replace(strings.TrimSpace(preludeSrc[start:end]), fd.Name.Name, pkg+"."+name, 1)
		g[pkg][name] = preludeFunc{sig: sig, doc: fd.Doc.Text()}
	}
	// Type parameters get names no cell can declare (see the prelude's comment).
	var edits []srcEdit
	for _, d := range f.Decls {
		var tparams *ast.FieldList
		switch d := d.(type) {
		case *ast.FuncDecl:
			tparams = d.Type.TypeParams
		case *ast.GenDecl:
			if len(d.Specs) == 1 {
				if ts, ok := d.Specs[0].(*ast.TypeSpec); ok {
					tparams = ts.TypeParams
				}
			}
		}
		if tparams == nil {
			continue
		}
		params := map[string]bool{}
		for _, field := range tparams.List {
			for _, n := range field.Names {
				params[n.Name] = true
			}
		}
		ast.Inspect(d, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && params[id.Name] {
				off := fset.Position(id.Pos()).Offset
				edits = append(edits, srcEdit{start: off, end: off + len(id.Name), text: typeParamPrefix + id.Name})
			}
			return true
		})
	}
	start := 0
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
			start = fset.Position(gd.End()).Offset // the engine imports these itself (see prelude)
		}
	}
	body = applyEdits(preludeSrc, edits)[start:]
	return body, g, results, seqs, nil
}

// symbols returns the packages cells can import: the standard library, the options' packages, and the
// session's runtime package. Tables shared with other sessions are copied before they are changed.
func (s *Session) symbols() interp.Exports {
	out := interp.Exports{}
	for k, v := range stdlib.Symbols {
		out[k] = v
	}
	std.AddTo(out) // what the standard library gained since yaegi's tables
	// A notebook is the user's own program: os/exec, syscall and unsafe work as they would there (the
	// sandbox, helpers/sandbox, keeps its own list). Only what would end the session is kept out: exiting
	// (os.Exit, syscall.Exit, log.Fatal panic instead, see below and yaegi's stdlib).
	for _, tables := range []interp.Exports{syscallsyms.Symbols, unsafesyms.Symbols} {
		for k, v := range tables {
			out[k] = v
		}
	}
	out["os/exec/exec"] = unrestricted.Symbols["os/exec/exec"]
	sys := map[string]reflect.Value{}
	for _, t := range []map[string]reflect.Value{out["syscall/syscall"], unrestricted.Symbols["syscall/syscall"]} {
		for k, v := range t {
			sys[k] = v
		}
	}
	sys["Exit"] = reflect.ValueOf(s.exit)
	out["syscall/syscall"] = sys
	for k, v := range s.opts.Symbols {
		out[k] = v
	}
	// Combine the interface mappings (the "." entry) of the standard library and the options, with twins of
	// display's interfaces.
	combined := map[reflect.Value][]reflect.Type{}
	for _, tables := range []interp.Exports{stdlib.Symbols, s.opts.Symbols} {
		if m, ok := tables["."]["MapTypes"]; ok {
			for k, v := range m.Interface().(map[reflect.Value][]reflect.Type) {
				combined[k] = v
			}
		}
	}
	// fmt.Errorf sees a cell's error through the error interface first, so that %w wraps it (the
	// interpreter would hand over a value without its Error method, and Unwrap would give nil): errors.Is
	// and errors.As then find it behind the wrapper (see errorsAs).
	combined[reflect.ValueOf(fmt.Errorf)] = append([]reflect.Type{reflect.TypeOf((*error)(nil)).Elem()},
		combined[reflect.ValueOf(fmt.Errorf)]...)
	// errors.Join's variadic errors: the interpreter would pass a cell's error unwrapped (and Call panic).
	combined[reflect.ValueOf(errors.Join)] = []reflect.Type{reflect.TypeOf((*error)(nil)).Elem()}
	twins := wrapRich(combined)
	// A cell's error seen by compiled code keeps its Unwrap, Is and As methods, and fmt sees Error and
	// GoString (see methodwrap.go). The interpreter's key of its error wrapper is in its table of package "".
	errKey := s.i.Symbols("")[""]["_error"]
	wrapTypes, twinSyms := methodWrappers(errKey)
	twinSyms["_"+switchErrorType.Name()] = errKey // a type switch's case error (see typeswitch.go)
	for k, v := range wrapTypes {
		combined[k] = v
	}
	for k, v := range twinSyms {
		twins[k] = v
	}
	out[twinsPath+"/"+path.Base(twinsPath)] = twins
	out["."] = map[string]reflect.Value{"MapTypes": reflect.ValueOf(combined)}
	for p := range shimmed {
		delete(out, p+"/"+p) // empty tables: their generic functions come from the prelude
	}
	// log.New returns a logger with every method of *log.Logger (yaegi's lacks SetPrefix), whose Fatal
	// methods panic (see internal/log).
	logSyms := map[string]reflect.Value{}
	for k, v := range out["log/log"] {
		logSyms[k] = v
	}
	logSyms["New"] = reflect.ValueOf(func(out io.Writer, prefix string, flag int) *cellog.Logger {
		l := cellog.New(out, prefix, flag)
		l.Exit = s.fatalExit
		return l
	})
	// Default is the logger of the package's functions (log.Println), which New binds to it after the
	// interpreter bound them to one of its own (see logFuncs).
	s.defaultLog = cellog.New(s.stderr, "", log.LstdFlags)
	s.defaultLog.Exit = s.fatalExit
	logSyms["Default"] = reflect.ValueOf(func() *cellog.Logger { return s.defaultLog })
	logSyms["Logger"] = reflect.ValueOf((*cellog.Logger)(nil))
	out["log/log"] = logSyms
	osSyms := map[string]reflect.Value{}
	for k, v := range out["os/os"] {
		osSyms[k] = v
	}
	osSyms["Exit"] = reflect.ValueOf(s.exit)
	osSyms["FindProcess"] = unrestricted.Symbols["os/os"]["FindProcess"] // the kernel's own process too, as in Go
	out["os/os"] = osSyms
	rt := genericRuntime()
	for k, v := range map[string]reflect.Value{
		"Context":   reflect.ValueOf(s.Context),
		"Clear":     reflect.ValueOf(clearValue),
		"GoPanic":   reflect.ValueOf(s.goPanic),
		"Return":    reflect.ValueOf(func() { s.returned = true }),
		"RandN":     reflect.ValueOf(randN),
		"ErrorsAs":  reflect.ValueOf(errorsAs),
		"StdLogger": reflect.ValueOf(cellog.Std),
		"Named":     reflect.ValueOf(func(name string, v any) any { return named{name, v} }),
		"Error":     reflect.ValueOf((*switchError)(nil)),
		"SwitchOn":  reflect.ValueOf(switchOn),
		"ZeroUnless": reflect.ValueOf(func(ok bool, p any) bool {
			if !ok { // a failed comma-ok: its value is the zero value (see rewriteCommaOKZero)
				v := reflect.ValueOf(p).Elem()
				v.Set(reflect.Zero(v.Type()))
			}
			return true
		}),
	} {
		rt[k] = v
	}
	for k, v := range embedFuncs() {
		rt[k] = v
	}
	out[runtimePkg+"/rt"] = rt
	return out
}

// preludeImports are the prelude's imports, under names no cell can use (see the prelude's comment).
const preludeImports = `__golmmaphash "hash/maphash"; __golmreflect "reflect"; __golmruntime "runtime"; ` +
	`__golmsort "sort"; __golmsync "sync"`

// logFuncs binds the log package's functions (log.Println, log.SetFlags...) to the session's default logger,
// the one log.Default returns, with the interface mappings the interpreter gives the originals. Used after
// the interpreter's Use, which binds them to a logger of its own.
func (s *Session) logFuncs() interp.Exports {
	l := s.defaultLog
	funcs := map[string]reflect.Value{
		"Fatal": reflect.ValueOf(l.Fatal), "Fatalf": reflect.ValueOf(l.Fatalf), "Fatalln": reflect.ValueOf(l.Fatalln),
		"Panic": reflect.ValueOf(l.Panic), "Panicf": reflect.ValueOf(l.Panicf), "Panicln": reflect.ValueOf(l.Panicln),
		"Print": reflect.ValueOf(l.Print), "Printf": reflect.ValueOf(l.Printf), "Println": reflect.ValueOf(l.Println),
		"Flags": reflect.ValueOf(l.Flags), "SetFlags": reflect.ValueOf(l.SetFlags),
		"Prefix": reflect.ValueOf(l.Prefix), "SetPrefix": reflect.ValueOf(l.SetPrefix),
		"Writer": reflect.ValueOf(l.Writer), "SetOutput": reflect.ValueOf(l.SetOutput), "Output": reflect.ValueOf(l.Output),
	}
	mapped := map[reflect.Value][]reflect.Type{}
	for name, v := range funcs {
		if strings.HasPrefix(name, "Fatal") || strings.HasPrefix(name, "Panic") || strings.HasPrefix(name, "Print") {
			mapped[v] = fmtMapTypes() // Error, String and GoString, as fmt's printing functions (methodwrap.go)
		}
	}
	return interp.Exports{"log/log": funcs, ".": {"MapTypes": reflect.ValueOf(mapped)}}
}

// parsedPrelude is the prelude, parsed once per process (see preludeDecls and splitPrelude): sessions
// share it, and read it only, but for the stand-ins, of which each gets its own copy.
var parsedPrelude = sync.OnceValues(func() (*preludeParts, error) {
	if fmt.Sprintf("%x", sha256.Sum256([]byte(preludeSrc))) == staticPreludeSum {
		return staticPrelude(), nil
	}
	return parsePrelude()
})

// parsePrelude parses the prelude. A worker does not: parsing took a quarter of its start (8 ms of 30), so
// the result is written out in zz_prelude.go (TestStaticPrelude keeps it fresh) and used while the
// prelude's checksum matches the one recorded there.
func parsePrelude() (*preludeParts, error) {
	body, g, results, seqs, err := preludeDecls()
	if err != nil {
		return nil, err
	}
	core, lazy, err := splitPrelude(body)
	if err != nil {
		return nil, err
	}
	return &preludeParts{core: core, lazy: lazy, generic: g, results: results, seqs: seqs}, nil
}

// preludeParts is the parsed prelude.
type preludeParts struct {
	core          string
	lazy          map[string]*lazyDecl
	generic       generic
	results, seqs map[string]int
}

// prelude evaluates the prelude in the session.
func (s *Session) prelude() error {
	parts, err := parsedPrelude()
	if err != nil {
		return err
	}
	s.generic, s.preludeResults, s.preludeSeqs = parts.generic, parts.results, parts.seqs
	s.lazy = make(map[string]*lazyDecl, len(parts.lazy))
	for name, l := range parts.lazy {
		s.lazy[name] = &lazyDecl{src: l.src, deps: l.deps}
	}
	if _, err := s.i.Eval(`import (__golm "` + runtimePkg + `"; ` + preludeImports + `)`); err != nil {
		return fmt.Errorf("prelude imports: %w", err)
	}
	if _, err := s.i.Eval(parts.core); err != nil {
		return fmt.Errorf("prelude: %w", err)
	}
	if _, err := s.i.Eval(bodySrc); err != nil {
		return fmt.Errorf("prelude: deferred calls: %w", err)
	}
	panicVar, err := s.i.Eval("&__golmPanic")
	if err != nil || panicVar.Kind() != reflect.Pointer {
		return fmt.Errorf("prelude: the variable __golmPanic: %v", err)
	}
	s.panicVar = panicVar
	ctxVar, err := s.i.Eval("&ctx")
	if err != nil || ctxVar.Kind() != reflect.Pointer {
		return fmt.Errorf("prelude: the variable ctx: %v", err)
	}
	s.ctxVar = ctxVar
	s.names["ctx"] = nameInfo{kind: kindVar, src: "var ctx context.Context",
		doc: "ctx is this cell's context: interrupting the cell cancels it. Pass it to calls that can block " +
			"(llm.Client.Ask, local.Model.Generate, http.NewRequestWithContext...). Each cell has its own ctx; one kept " +
			"from an earlier cell is done (Err() == context.Canceled) once that cell ended, so work that must outlive " +
			"its cell needs a context of its own, such as context.Background(), as in a program.\n"}
	return nil
}

// standInPaths maps the package name of a stand-in (__golm_rand_N) to its package's import path, where they
// differ.
var standInPaths = map[string]string{"rand": "math/rand/v2", "atomic": "sync/atomic", "hkdf": "crypto/hkdf",
	"pbkdf2": "crypto/pbkdf2", "maphash": "hash/maphash", "sql": "database/sql"}

func standInPath(pkg string) string {
	if p, ok := standInPaths[pkg]; ok {
		return p
	}
	return pkg
}

// standInPkg is the inverse of standInPath: the package name of a stand-in's import path.
func standInPkg(path string) string {
	for pkg, p := range standInPaths {
		if p == path {
			return pkg
		}
	}
	return path
}

// selectorsOf returns the names a cell selects from the unresolved name ref (rand.IntN: IntN).
func selectorsOf(c *cell.Cell, ref string) []string {
	var out []string
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		unresolved := map[*ast.Ident]bool{}
		for _, id := range p.Unresolved {
			unresolved[id] = true
		}
		return func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == ref && unresolved[id] {
					out = append(out, sel.Sel.Name)
				}
			}
			return true
		}
	})
	return out
}

// autoImportPath picks the package that a name used without import (rand.IntN) refers to: the preferred
// package of that name, unless it lacks a name the cell uses and another package of that name has them all
// (rand.NewPCG, rand.N: math/rand/v2). "" when no package has the name.
func (s *Session) autoImportPath(c *cell.Cell, ref string) string {
	path := s.pkgNames[ref]
	used := selectorsOf(c, ref)
	has := func(p string) bool {
		syms := s.syms[p+"/"+ref]
		for _, n := range used {
			if _, ok := syms[n]; ok {
				continue
			}
			if _, ok := s.generic[ref][n]; ok && standInPath(ref) == p {
				continue
			}
			return false
		}
		return true
	}
	if path == "" || has(path) {
		return path
	}
	var others []string
	for p, name := range s.pkgs {
		if name == ref && p != path {
			others = append(others, p)
		}
	}
	sort.Strings(others)
	for _, p := range others {
		if has(p) {
			return p
		}
	}
	return path
}

// rewriteShims replaces uses of the prelude's stand-ins (slices.Sort → __golm_slices_Sort, min → __golmMin)
// in a cell, unless the name is declared by the session or the cell. It returns the new source, or an error for a function of
// those packages that golm does not provide.
func (s *Session) rewriteShims(ctx context.Context, src string, c *cell.Cell, info cell.Info) (string, error) {
	declared := map[string]bool{}
	for _, n := range append(append(append(info.Vars, info.Consts...), info.Funcs...), info.Types...) {
		declared[n] = true
	}
	var edits []srcEdit
	var problem error
	spreads := map[*ast.SelectorExpr]string{}
	inspectPieces(c, func(p *cell.Piece) func(ast.Node) bool {
		unresolved := map[*ast.Ident]bool{}
		for _, id := range p.Unresolved {
			unresolved[id] = true
		}
		cellImports := s.cellImports(c)
		// shimPkg returns the package of the stand-in a selector names (slices for slices.Sort, and for s.Sort
		// after import s "slices").
		shimPkg := func(sel *ast.SelectorExpr) (string, bool) {
			id, ok := sel.X.(*ast.Ident)
			if !ok || !unresolved[id] || declared[id.Name] {
				return "", false
			}
			if _, ok := s.names[id.Name]; ok {
				return "", false
			}
			// The package the name stands for: imported by the cell, by the session, or imported for it.
			path, imported := cellImports[id.Name]
			if !imported {
				if path, imported = s.imported[id.Name]; !imported {
					path = s.autoImportPath(c, id.Name)
				}
			}
			pkg := id.Name
			if imported && path != "" {
				pkg = standInPkg(path)
			}
			if _, standIn := s.generic[pkg][sel.Sel.Name]; !shimmed[pkg] && !standIn {
				return "", false
			}
			return pkg, path == standInPath(pkg) || (shimmed[pkg] && path == "")
		}
		isShim := func(sel *ast.SelectorExpr) bool {
			_, ok := shimPkg(sel)
			return ok
		}
		return func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && unresolved[id] && builtinShims[id.Name] != "" && !declared[id.Name] {
				if _, own := s.names[id.Name]; !own {
					off := p.Start + p.Offset(id.Pos())
					edits = append(edits, srcEdit{start: off, end: off + len(id.Name), text: builtinShims[id.Name]})
				}
				return true
			}
			if call, ok := n.(*ast.CallExpr); ok {
				if sel, ok := call.Fun.(*ast.SelectorExpr); ok && isShim(sel) {
					// cmp.Or(vals...), slices.Concat(parts...): the stand-in taking the slice (see the prelude).
					pkg, _ := shimPkg(sel)
					spread := "__golmSpread_" + pkg + "_" + sel.Sel.Name
					if _, ok := s.preludeResults[spread]; ok && call.Ellipsis.IsValid() {
						spreads[sel] = spread
						off := p.Start + p.Offset(call.Ellipsis)
						edits = append(edits, srcEdit{start: off, end: off + len("..."), text: ""})
					}
					// The interpreter cannot instantiate a generic function with a slice or map whose type
					// it took from compiled code (ids := enc.Encode(text)): convert such arguments to their
					// type written out, which it can.
					for _, arg := range call.Args {
						if conv, ok := s.conversion(ctx, src, arg); ok {
							edits = append(edits,
								srcEdit{start: p.Start + p.Offset(arg.Pos()), end: p.Start + p.Offset(arg.Pos()), text: conv + "("},
								srcEdit{start: p.Start + p.Offset(arg.End()), end: p.Start + p.Offset(arg.End()), text: ")"})
						}
					}
				}
				return true
			}
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if !isShim(sel) {
				if id, ok := sel.X.(*ast.Ident); ok && unresolved[id] && !declared[id.Name] && problem == nil {
					path, imported := cellImports[id.Name]
					if !imported {
						if path, imported = s.imported[id.Name]; !imported {
							path = s.autoImportPath(c, id.Name)
						}
					}
					if _, own := s.names[id.Name]; !own && slices.Contains(std.Generic[path], sel.Sel.Name) {
						problem = compileError(src, p.FileSet.Position(sel.Pos()).Line, 0, noStandIn(id.Name, path, sel.Sel.Name))
					}
				}
				return true
			}
			id := sel.X.(*ast.Ident)
			pkg, _ := shimPkg(sel)
			if _, ok := s.generic[pkg][sel.Sel.Name]; !ok {
				if problem == nil {
					problem = compileError(src, p.FileSet.Position(sel.Pos()).Line, 0, fmt.Sprintf(
						"%s.%s is not available in golm's interpreter, which has: %s",
						id.Name, sel.Sel.Name, strings.Join(s.shimNames(pkg), ", ")))
				}
				return true
			}
			name := "__golm_" + pkg + "_" + sel.Sel.Name
			if spread, ok := spreads[sel]; ok {
				name = spread
			}
			edits = append(edits, srcEdit{
				start: p.Start + p.Offset(sel.Pos()),
				end:   p.Start + p.Offset(sel.End()),
				text:  name,
			})
			return true
		}
	})
	if problem != nil {
		return "", problem
	}
	return applyEdits(src, edits), nil
}

// noStandIns says, for each generic name of the standard library that has no stand-in in the prelude,
// why, and what to write instead (see TestGenericStandIns, which checks that every name of std.Generic
// has either).
var noStandIns = map[string]string{
	"database/sql.Null": "database/sql cannot see the Scan and Value methods of a generic type declared in the " +
		"interpreter; use sql.NullString, sql.NullInt64, sql.NullFloat64, sql.NullBool, sql.NullTime or sql.NullByte",
}

// noStandIn is the error for a generic name of the standard library without a stand-in.
func noStandIn(name, path, sel string) string {
	msg := fmt.Sprintf("%s.%s is a generic function or type of the standard library, which golm's interpreter "+
		"cannot call from compiled code", name, sel)
	if why, ok := noStandIns[path+"."+sel]; ok {
		return msg + ": " + why
	}
	return msg + ", and golm has no stand-in for it yet"
}

// conversion returns the type to convert an argument of a generic stand-in to, when the argument is a
// slice or map whose type comes from compiled code.
func (s *Session) conversion(ctx context.Context, src string, arg ast.Expr) (string, bool) {
	t, ok := s.staticType(arg)
	if !ok || (t.Kind() != reflect.Slice && t.Kind() != reflect.Map) || s.declaredType(t) != nil {
		return "", false
	}
	if t.Name() != "" { // a named compiled type: use its underlying composite type
		if t.Kind() == reflect.Slice {
			t = reflect.SliceOf(t.Elem())
		} else {
			t = reflect.MapOf(t.Key(), t.Elem())
		}
	}
	return s.typeExpr(ctx, src, t)
}

// staticType finds the type of an expression without running it: from the session's values, from a
// compiled function's signature, or from the declaration of a name earlier in the cell.
func (s *Session) staticType(e ast.Expr) (reflect.Type, bool) {
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		if x.Obj == nil {
			if v, ok := s.value(x.Name); ok {
				return v.Type(), true
			}
			return nil, false
		}
		switch d := x.Obj.Decl.(type) {
		case *ast.AssignStmt:
			for i, l := range d.Lhs {
				id, ok := l.(*ast.Ident)
				if !ok || id.Name != x.Name {
					continue
				}
				if len(d.Rhs) == len(d.Lhs) {
					return s.staticType(d.Rhs[i])
				}
				if call, ok := d.Rhs[0].(*ast.CallExpr); ok && len(d.Rhs) == 1 {
					return s.resultType(call, i)
				}
			}
		case *ast.ValueSpec:
			if d.Type == nil {
				for i, n := range d.Names {
					if n.Name == x.Name && i < len(d.Values) {
						return s.staticType(d.Values[i])
					}
				}
			}
		}
		return nil, false
	case *ast.CallExpr:
		return s.resultType(x, 0)
	case *ast.SelectorExpr, *ast.IndexExpr, *ast.StarExpr:
		if v, ok := s.pure(x); ok {
			return v.Type(), true
		}
	}
	return nil, false
}

// resultType is the type of result i of a call of a compiled function or method.
func (s *Session) resultType(call *ast.CallExpr, i int) (reflect.Type, bool) {
	ft, ok := s.funcType(call.Fun)
	if !ok || i >= ft.NumOut() {
		return nil, false
	}
	return ft.Out(i), true
}

// funcType finds the type of a function or method expression without evaluating it.
func (s *Session) funcType(e ast.Expr) (reflect.Type, bool) {
	if sel, ok := e.(*ast.SelectorExpr); ok {
		if id, ok := sel.X.(*ast.Ident); !ok || id.Obj != nil || s.pkgPath(id.Name) == "" {
			// A method: look it up on the receiver's type.
			rt, ok := s.staticType(sel.X)
			if !ok {
				return nil, false
			}
			for _, t := range []reflect.Type{rt, reflect.PointerTo(rt)} {
				if m, ok := t.MethodByName(sel.Sel.Name); ok {
					return m.Type, true
				}
			}
			return nil, false
		}
	}
	fn, ok := s.pure(e)
	if !ok || fn.Kind() != reflect.Func {
		return nil, false
	}
	return fn.Type(), true
}

func (s *Session) shimNames(pkg string) []string {
	var out []string
	for n := range s.generic[pkg] {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// clearValue implements the clear builtin: it deletes all entries of a map, or zeroes the elements of a slice.
func clearValue(x any) {
	v := reflect.ValueOf(x)
	switch v.Kind() {
	case reflect.Map, reflect.Slice:
		v.Clear()
	default:
		panic(fmt.Sprintf("invalid argument: clear(%T): argument must be a map or a slice", x))
	}
}

// randN implements math/rand/v2's generic N for the prelude: a random number in [0, n) of n's type.
func randN(n any) any {
	v := reflect.ValueOf(n)
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if v.Int() <= 0 {
			panic("invalid argument to N")
		}
		return reflect.ValueOf(randv2.Int64N(v.Int())).Convert(v.Type()).Interface()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if v.Uint() == 0 {
			panic("invalid argument to N")
		}
		return reflect.ValueOf(randv2.Uint64N(v.Uint())).Convert(v.Type()).Interface()
	}
	panic(fmt.Sprintf("rand.N of %T", n))
}

// errorsAs is errors.As for cells: the compiled errors.As panics on a target of a cell's type (the
// interpreter's types have no methods in reflect), and does not see a cell's error behind the interpreter's
// interface wrapper. This walks the tree itself, unwrapping each error from the wrapper, and assigns the
// first whose type is the target's; then it asks errors.As, false where that panics.
func errorsAs(err error, target any) (found bool) {
	tv := reflect.ValueOf(target)
	if !tv.IsValid() || tv.Kind() != reflect.Pointer || tv.IsNil() {
		panic("errors: target must be a non-nil pointer")
	}
	want := tv.Type().Elem()
	var walk func(e error) bool
	walk = func(e error) bool {
		for e != nil {
			v := reflect.ValueOf(e)
			if inner, ok := wrappedValue(e); ok && inner != nil {
				v = reflect.ValueOf(inner) // the interpreter's wrapper of a cell's error
			}
			if v.Type() == want || (want.Kind() != reflect.Interface && v.Type().AssignableTo(want)) {
				tv.Elem().Set(v)
				return true
			}
			if as, ok := e.(interface{ As(any) bool }); ok && as.As(target) {
				return true
			}
			switch u := e.(type) {
			case interface{ Unwrap() []error }:
				for _, inner := range u.Unwrap() {
					if walk(inner) {
						return true
					}
				}
				return false
			case interface{ Unwrap() error }:
				e = u.Unwrap()
			default:
				return false
			}
		}
		return false
	}
	if walk(err) {
		return true
	}
	defer func() {
		if recover() != nil {
			found = false
		}
	}()
	return errors.As(err, target)
}
