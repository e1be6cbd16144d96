// Package modules lets a notebook use any Go module: it keeps a workspace (a folder with a go.mod that
// records the modules and versions a notebook asked for, and the list of their packages the session
// imports), and builds a worker binary that links those packages with yaegi symbol tables generated for
// them, so that cells run the modules' code compiled, at full speed.
//
// A build is a Go module of its own in the workspace: its path is under github.com/golm-dev/golm, so that
// it may import golm's internal worker package, and its go.mod requires golm from the source tree the
// kernel was built from (see FindSource) next to the notebook's modules. Two generated packages live in
// the workspace: golmgen runs yaegi's extractor on the packages, and golmworker is the worker's main
// package with the tables. The built binary is cached under the user's cache folder, keyed by the
// workspace's go.mod and go.sum, its package list, golm's source and the Go version: the same set of
// modules is built once.
//
// The package runs the go command and imports nothing of the interpreter, so the kernel's protocol side
// may use it.
package modules

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"
)

// GolmModule is golm's module path.
const GolmModule = "github.com/golm-dev/golm"

// modulePath is the workspace module's path: under golm's, so that it may import golm's internal packages.
const modulePath = GolmModule + "/notebook"

// packagesFile lists the packages a workspace links, one import path a line.
const packagesFile = "packages.txt"

// Options configure a workspace.
type Options struct {
	// Dir is the workspace folder; it is created if needed.
	Dir string
	// CacheDir holds built workers, one folder per set of modules.
	CacheDir string
	// Source is golm's source: a folder with golm's go.mod (a replace directive points there), or a
	// version of github.com/golm-dev/golm on the module proxy ("v0.2.0").
	Source string
	// Tags are build tags for the worker (golm's own, e.g. "llama"), comma-separated.
	Tags string
	// Env is the go command's environment (nil: the process's).
	Env []string
	// BuildEnv is added to Env and to the build key: the settings golm itself was built with
	// (CGO_ENABLED, CGO_CFLAGS, …; see BuildSettings), so that a worker built with llama.cpp finds its
	// headers and reuses Go's build cache.
	BuildEnv []string
	// BuildFlags are added to go build and to the build key (-buildmode=pie where golm was built so).
	BuildFlags []string
	// Go is the go command ("": go from PATH).
	Go string
}

// Workspace is a notebook's modules: a go.mod and the packages its worker links.
type Workspace struct {
	opts Options
	mu   sync.Mutex
}

// Open opens (creating it if needed) a workspace and points its go.mod at golm's source.
func Open(opts Options) (*Workspace, error) {
	if opts.Dir == "" || opts.CacheDir == "" || opts.Source == "" {
		return nil, errors.New("modules: Dir, CacheDir and Source are required")
	}
	if opts.Go == "" {
		opts.Go = "go"
	}
	if opts.Env == nil {
		opts.Env = os.Environ()
	}
	flags := "-mod=mod -buildvcs=false"
	for _, kv := range opts.Env {
		if v, ok := strings.CutPrefix(kv, "GOFLAGS="); ok {
			flags = strings.TrimSpace(v + " " + flags)
		}
	}
	opts.Env = append(append(slices.Clone(opts.Env), opts.BuildEnv...), "GOWORK=off", "GOFLAGS="+flags, "GO111MODULE=on")
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("modules: creating the workspace: %w", err)
	}
	w := &Workspace{opts: opts}
	if err := w.writeGoMod(); err != nil {
		return nil, err
	}
	return w, nil
}

// Dir returns the workspace folder.
func (w *Workspace) Dir() string { return w.opts.Dir }

// writeGoMod creates go.mod if missing and makes it require golm from Source, with go mod edit, which
// leaves a go.mod that already does so byte for byte as it was (its bytes are part of the build key).
func (w *Workspace) writeGoMod() error {
	path := filepath.Join(w.opts.Dir, "go.mod")
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		text := "// The Go modules of a golm notebook (%go get, %go list, %go tidy). golm writes this file.\n" +
			"module " + modulePath + "\n\ngo " + goVersion() + "\n"
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return fmt.Errorf("modules: writing go.mod: %w", err)
		}
	}
	if data, err := os.ReadFile(path); err == nil && pointsAt(string(data), w.opts.Source) {
		return nil // as it should be: no go command to run (this runs as a kernel starts)
	}
	args := []string{"mod", "edit"}
	if isVersion(w.opts.Source) {
		args = append(args, "-require="+GolmModule+"@"+w.opts.Source, "-dropreplace="+GolmModule)
	} else {
		src, err := filepath.Abs(w.opts.Source)
		if err != nil {
			return fmt.Errorf("modules: %w", err)
		}
		args = append(args, "-require="+GolmModule+"@v0.0.0", "-replace="+GolmModule+"="+src)
	}
	if _, err := w.goCmd(context.Background(), "", nil, args...); err != nil {
		return fmt.Errorf("modules: pointing go.mod at golm's source: %w", err)
	}
	return nil
}

// pointsAt reports whether a go.mod requires golm from source as writeGoMod makes it.
func pointsAt(gomod, source string) bool {
	has := func(line string) bool {
		for _, l := range strings.Split(gomod, "\n") {
			if strings.TrimSpace(l) == line {
				return true
			}
		}
		return false
	}
	if isVersion(source) {
		return (has("require "+GolmModule+" "+source) || has(GolmModule+" "+source)) && !strings.Contains(gomod, "replace "+GolmModule)
	}
	src, err := filepath.Abs(source)
	if err != nil {
		return false
	}
	return (has("require "+GolmModule+" v0.0.0") || has(GolmModule+" v0.0.0")) && has("replace "+GolmModule+" => "+src) &&
		strings.Count(gomod, "replace "+GolmModule) == 1
}

func isVersion(s string) bool { return strings.HasPrefix(s, "v") && !strings.ContainsAny(s, `/\`) }

// goVersion returns the go directive for a new go.mod: the toolchain's language version.
func goVersion() string {
	v := strings.TrimPrefix(runtimeVersion(), "go")
	if i := strings.IndexAny(v, " -"); i >= 0 {
		v = v[:i]
	}
	return v
}

// Packages returns the packages the workspace links, sorted.
func (w *Workspace) Packages() []string {
	data, err := os.ReadFile(filepath.Join(w.opts.Dir, packagesFile))
	if err != nil {
		return nil
	}
	var pkgs []string
	for _, line := range strings.Split(string(data), "\n") {
		if t := strings.TrimSpace(line); t != "" && !strings.HasPrefix(t, "#") {
			pkgs = append(pkgs, t)
		}
	}
	sort.Strings(pkgs)
	return slices.Compact(pkgs)
}

func (w *Workspace) setPackages(pkgs []string) error {
	sort.Strings(pkgs)
	pkgs = slices.Compact(pkgs)
	text := "# Packages this notebook's Go session links (%go get adds, %go remove drops).\n" + strings.Join(pkgs, "\n") + "\n"
	return os.WriteFile(filepath.Join(w.opts.Dir, packagesFile), []byte(text), 0o644)
}

// Error is a failure of a go command, with its first compiler error picked out.
type Error struct {
	Op     string // what was being done, e.g. "go get github.com/x/y"
	First  string // the first error line of the output
	Output string // the whole output
	Cgo    []string
}

func (e *Error) Error() string {
	msg := e.Op + " failed"
	if e.First != "" {
		msg += ": " + e.First
	}
	if len(e.Cgo) > 0 {
		msg += fmt.Sprintf(" (packages that use cgo, which needs a C compiler and the C libraries they include: %s)",
			strings.Join(e.Cgo, ", "))
	}
	return msg
}

// firstError picks the first compiler or go command error from a go command's output.
func firstError(out string) string {
	var pkg string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "go: downloading") || strings.HasPrefix(line, "go: finding") ||
			strings.HasPrefix(line, "go: added") || strings.HasPrefix(line, "go: upgraded") || strings.HasPrefix(line, "go: found"):
			continue
		case strings.HasPrefix(line, "# "):
			pkg = strings.TrimPrefix(line, "# ")
			continue
		}
		if pkg != "" && !strings.Contains(line, pkg) {
			return pkg + ": " + line
		}
		return line
	}
	return ""
}

// goCmd runs the go command in the workspace (or dir), writing its output to out as well as returning it.
func (w *Workspace) goCmd(ctx context.Context, dir string, out io.Writer, args ...string) (string, error) {
	if dir == "" {
		dir = w.opts.Dir
	}
	cmd := exec.CommandContext(ctx, w.opts.Go, args...)
	// Cancelling ends the go command and the compilers it runs (its process group).
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 2 * time.Second
	cmd.Dir = dir
	cmd.Env = w.opts.Env
	var buf bytes.Buffer
	var wr io.Writer = &buf
	if out != nil {
		wr = io.MultiWriter(&buf, out)
	}
	cmd.Stdout, cmd.Stderr = wr, wr
	err := cmd.Run()
	if err != nil {
		if ctx.Err() != nil {
			return buf.String(), ctx.Err()
		}
		if errors.Is(err, exec.ErrNotFound) {
			return "", fmt.Errorf("the go command is not found (%s): adding modules needs a Go toolchain on PATH (https://go.dev/dl)", w.opts.Go)
		}
		first := firstError(buf.String())
		if first == "" {
			first = err.Error()
		}
		return buf.String(), &Error{Op: "go " + strings.Join(args, " "), First: first, Output: buf.String()}
	}
	return buf.String(), nil
}

// Get adds modules (MODULE[@VERSION], or a package path, or PATH/... for all packages of a module) to
// the workspace with go get, and records their importable packages. It writes the go command's progress to
// out.
func (w *Workspace) Get(ctx context.Context, out io.Writer, args []string) (added []string, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	unlock, err := lockDir(w.opts.Dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if len(args) == 0 {
		return nil, errors.New("%go get needs a module, e.g. %go get github.com/google/uuid@v1.6.0")
	}
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			return nil, fmt.Errorf("%%go get: flags are not supported (%s)", a)
		}
	}
	if _, err := w.goCmd(ctx, "", out, append([]string{"get"}, args...)...); err != nil {
		return nil, err
	}
	var patterns []string
	for _, a := range args {
		p, _, _ := strings.Cut(a, "@")
		patterns = append(patterns, p)
	}
	list, err := w.goCmd(ctx, "", nil, append([]string{"list", "-e", "-f", "{{.ImportPath}}\t{{.Name}}\t{{if .Error}}{{.Error}}{{end}}"}, patterns...)...)
	if err != nil {
		return nil, err
	}
	for _, line := range strings.Split(strings.TrimSpace(list), "\n") {
		f := strings.SplitN(line, "\t", 3)
		if len(f) < 2 {
			continue
		}
		path, name, perr := f[0], f[1], ""
		if len(f) == 3 {
			perr = f[2]
		}
		switch {
		case perr != "" && strings.Contains(perr, "no Go files"):
			return nil, fmt.Errorf("%s has no Go package at its root: name its packages, e.g. %%go get %s/SUBPACKAGE or %%go get %s/...", path, path, path)
		case perr != "":
			return nil, &Error{Op: "go list " + path, First: firstLine(perr), Output: perr}
		case name == "main" || isInternal(path):
			continue // not importable
		}
		added = append(added, path)
	}
	if len(added) == 0 {
		return nil, fmt.Errorf("no importable package in %s", strings.Join(args, " "))
	}
	return added, w.setPackages(append(w.Packages(), added...))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

func isInternal(path string) bool {
	return strings.HasSuffix(path, "/internal") || strings.Contains(path, "/internal/") || strings.HasPrefix(path, "internal/")
}

// Remove drops packages from the workspace (their modules stay in go.mod until Tidy).
func (w *Workspace) Remove(paths []string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	unlock, err := lockDir(w.opts.Dir)
	if err != nil {
		return err
	}
	defer unlock()
	have := w.Packages()
	var keep []string
	for _, p := range have {
		if !slices.Contains(paths, p) {
			keep = append(keep, p)
		}
	}
	for _, p := range paths {
		if !slices.Contains(have, p) {
			return fmt.Errorf("%s is not in this notebook's packages (see %%go list)", p)
		}
	}
	return w.setPackages(keep)
}

// Module is a module the workspace requires.
type Module struct {
	Path, Version string
	Indirect      bool
}

// Modules returns the modules go.mod requires, but golm.
func (w *Workspace) Modules() ([]Module, error) {
	data, err := os.ReadFile(filepath.Join(w.opts.Dir, "go.mod"))
	if err != nil {
		return nil, fmt.Errorf("reading go.mod: %w", err)
	}
	var mods []Module
	inBlock := false
	for _, line := range strings.Split(string(data), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "require (":
			inBlock = true
			continue
		case inBlock && t == ")":
			inBlock = false
			continue
		case strings.HasPrefix(t, "require ") && !strings.HasSuffix(t, "("):
			t = strings.TrimPrefix(t, "require ")
		case !inBlock:
			continue
		}
		f := strings.Fields(t)
		if len(f) < 2 || f[0] == GolmModule {
			continue
		}
		mods = append(mods, Module{Path: f[0], Version: f[1], Indirect: strings.Contains(t, "// indirect")})
	}
	return mods, nil
}

// Tidy writes the worker's sources for the current packages and runs go mod tidy, which drops the
// modules no package needs.
func (w *Workspace) Tidy(ctx context.Context, out io.Writer) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	unlock, err := lockDir(w.opts.Dir)
	if err != nil {
		return err
	}
	defer unlock()
	if err := w.writeSources(); err != nil {
		return err
	}
	_, err = w.goCmd(ctx, "", out, "mod", "tidy")
	return err
}

// key identifies a build: go.mod, go.sum, the packages, golm's source, the tags and the Go version.
func (w *Workspace) key() (string, error) {
	h := sha256.New()
	for _, f := range []string{"go.mod", "go.sum", packagesFile} {
		data, err := os.ReadFile(filepath.Join(w.opts.Dir, f))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
		fmt.Fprintf(h, "%s %d\n", f, len(data))
		h.Write(data)
	}
	id, err := SourceID(w.opts.Source)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "source %s\ntags %s\ngo %s\nenv %q\nflags %q\n", id, w.opts.Tags, runtimeVersion(), w.opts.BuildEnv, w.opts.BuildFlags)
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

// workerName is the built binary's name in its cache folder.
const workerName = "golm-worker"

// Cached returns the built worker for the workspace's current modules, if there is one.
func (w *Workspace) Cached() (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.Packages()) == 0 {
		return "", false
	}
	key, err := w.key()
	if err != nil {
		return "", false
	}
	exe := filepath.Join(w.opts.CacheDir, key, workerName)
	if _, err := os.Stat(exe); err != nil {
		return "", false
	}
	touch(filepath.Dir(exe))
	return exe, true
}

// Worker is a built worker binary.
type Worker struct {
	// Exe is the binary; it serves as a golm worker (package pipe) with the packages linked in.
	Exe string
	// Cached reports that the binary came from the cache.
	Cached bool
	// Generic lists, by package, the generic functions and types that the interpreter cannot reach
	// compiled (yaegi's symbol tables hold no generic code).
	Generic map[string][]string
}

// notesName is the file next to a cached worker that lists the generic names its packages lack.
const notesName = "generic.txt"

// Build returns a worker binary that links the workspace's packages, building it unless the cache has it.
// It writes the go command's output to out.
func (w *Workspace) Build(ctx context.Context, out io.Writer) (*Worker, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	unlock, err := lockDir(w.opts.Dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	pkgs := w.Packages()
	if err := w.writeSources(); err != nil {
		return nil, err
	}
	// go build with -mod=mod may add the requirements the generated sources need (yaegi's extractor)
	// and sums to go.sum: settle them before the key is taken.
	if _, err := w.goCmd(ctx, "", nil, "mod", "tidy"); err != nil {
		return nil, w.explain(ctx, err, pkgs)
	}
	key, err := w.key()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(w.opts.CacheDir, key)
	exe := filepath.Join(dir, workerName)
	if _, err := os.Stat(exe); err == nil {
		touch(dir)
		return &Worker{Exe: exe, Cached: true, Generic: readNotes(filepath.Join(dir, notesName))}, nil
	}
	var notes string
	fmt.Fprintln(out, "Building a Go session with these packages compiled in (a minute or more the first time)…")
	if len(pkgs) > 0 {
		args := append([]string{"run", "./golmgen", "./golmworker"}, pkgs...)
		if notes, err = w.goCmd(ctx, "", nil, args...); err != nil {
			return nil, w.explain(ctx, err, pkgs)
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the worker cache: %w", err)
	}
	tmp := exe + fmt.Sprintf(".tmp%d", os.Getpid())
	args := append([]string{"build", "-o", tmp}, w.opts.BuildFlags...)
	if w.opts.Tags != "" {
		args = append(args, "-tags", w.opts.Tags)
	}
	if _, err := w.goCmd(ctx, "", out, append(args, "./golmworker")...); err != nil {
		os.Remove(tmp)
		return nil, w.explain(ctx, err, pkgs)
	}
	notesPath := filepath.Join(dir, notesName)
	if err := os.WriteFile(notesPath, []byte(notes), 0o644); err != nil {
		return nil, fmt.Errorf("caching the worker: %w", err)
	}
	if err := os.Rename(tmp, exe); err != nil {
		return nil, fmt.Errorf("caching the worker: %w", err)
	}
	touch(dir)
	prune(w.opts.CacheDir, time.Now())
	return &Worker{Exe: exe, Generic: readNotes(notesPath)}, nil
}

// readNotes reads golmgen's report: lines "generic PACKAGE NAME...".
func readNotes(path string) map[string][]string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var m map[string][]string
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[0] != "generic" {
			continue
		}
		if m == nil {
			m = map[string][]string{}
		}
		m[f[1]] = f[2:]
	}
	return m
}

// explain adds to a failed build the packages that need cgo, if any.
func (w *Workspace) explain(ctx context.Context, err error, pkgs []string) error {
	var e *Error
	if !errors.As(err, &e) || len(pkgs) == 0 {
		return err
	}
	e.Op = "building a Go session with " + strings.Join(pkgs, ", ")
	list, lerr := w.goCmd(ctx, "", nil, append([]string{"list", "-e", "-deps", "-f", "{{if .CgoFiles}}{{.ImportPath}}{{end}}"}, pkgs...)...)
	if lerr == nil {
		for _, p := range strings.Fields(list) {
			if p != "runtime/cgo" && !isStd(p) {
				e.Cgo = append(e.Cgo, p)
			}
		}
	}
	return e
}

func isStd(path string) bool { return !strings.Contains(strings.SplitN(path, "/", 2)[0], ".") }

// writeSources writes the generator and the worker's main package for the current packages, removing the
// tables of packages no longer linked.
func (w *Workspace) writeSources() error {
	pkgs := w.Packages()
	gen := filepath.Join(w.opts.Dir, "golmgen")
	wk := filepath.Join(w.opts.Dir, "golmworker")
	for _, d := range []string{gen, wk} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fmt.Errorf("writing the worker's sources: %w", err)
		}
	}
	old, _ := filepath.Glob(filepath.Join(wk, "zz_*.go"))
	for _, f := range old {
		os.Remove(f)
	}
	var imports strings.Builder
	for _, p := range pkgs {
		fmt.Fprintf(&imports, "\t_ %q\n", p)
	}
	files := map[string]string{
		filepath.Join(gen, "main.go"):    genMain,
		filepath.Join(wk, "main.go"):     workerMain,
		filepath.Join(wk, "packages.go"): fmt.Sprintf(packagesGo, imports.String(), quoteList(pkgs)),
	}
	for path, text := range files {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			return fmt.Errorf("writing the worker's sources: %w", err)
		}
	}
	return nil
}

func quoteList(pkgs []string) string {
	var b strings.Builder
	for _, p := range pkgs {
		fmt.Fprintf(&b, "\t%q,\n", p)
	}
	return b.String()
}

const genMain = `// Code generated by golm (package modules). DO NOT EDIT.

// Command golmgen writes yaegi symbol tables of packages into a folder: golmgen DIR PACKAGE...
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/build"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/traefik/yaegi/extract"
)

func main() {
	ext := extract.Extractor{Dest: "main"}
	for _, p := range os.Args[2:] {
		var buf bytes.Buffer
		if _, err := ext.Extract(p, "", &buf); err != nil {
			fmt.Fprintf(os.Stderr, "extracting the symbols of %s: %v\n", p, err)
			os.Exit(1)
		}
		src, err := format.Source(buf.Bytes())
		if err != nil {
			fmt.Fprintf(os.Stderr, "formatting the symbols of %s: %v\n", p, err)
			os.Exit(1)
		}
		name := "zz_" + strings.NewReplacer("/", "-", ".", "_", "~", "_").Replace(p) + ".go"
		if err := os.WriteFile(filepath.Join(os.Args[1], name), src, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if names := generic(p); len(names) > 0 {
			fmt.Printf("generic %s %s\n", p, strings.Join(names, " "))
		}
	}
}

// generic lists the exported generic functions and types of a package, which the tables cannot hold.
func generic(path string) []string {
	bp, err := build.Import(path, ".", 0)
	if err != nil {
		return nil
	}
	var names []string
	fset := token.NewFileSet()
	for _, f := range bp.GoFiles {
		file, err := parser.ParseFile(fset, filepath.Join(bp.Dir, f), nil, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		for _, d := range file.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Recv == nil && d.Name.IsExported() && d.Type.TypeParams != nil && d.Type.TypeParams.NumFields() > 0 {
					names = append(names, d.Name.Name)
				}
			case *ast.GenDecl:
				for _, s := range d.Specs {
					if ts, ok := s.(*ast.TypeSpec); ok && ts.Name.IsExported() && ts.TypeParams != nil && ts.TypeParams.NumFields() > 0 {
						names = append(names, ts.Name.Name)
					}
				}
			}
		}
	}
	sort.Strings(names)
	return names
}
`

const workerMain = `// Code generated by golm (package modules). DO NOT EDIT.

// Command golmworker is a golm worker that links this notebook's modules.
package main

import (
	"fmt"
	"os"
	"reflect"

	"github.com/golm-dev/golm/internal/kernel/modules/workermain"
)

// Symbols holds the symbol tables of the notebook's packages (the zz_*.go files).
var Symbols = map[string]map[string]reflect.Value{}

func main() {
	if err := workermain.Run(Symbols, Packages); err != nil {
		fmt.Fprintln(os.Stderr, "golm worker:", err)
		os.Exit(1)
	}
}
`

const packagesGo = `// Code generated by golm (package modules). DO NOT EDIT.

package main

import (
%s)

// Packages are the notebook's packages.
var Packages = []string{
%s}
`
