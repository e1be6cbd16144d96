package sandbox

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// allowed lists the standard packages a sandboxed program may import, with the symbols each must not offer
// (because they touch the file system outside the scratch folder). Everything else — os/exec, net and its
// subpackages, syscall, unsafe, reflect, runtime and runtime/debug, plugin, io/ioutil, the packages that read
// files by name (mime, crypto/x509, go/build, debug/*, archive/*, text/template's ParseFiles) — is absent.
// os is replaced by a version whose file functions are confined to the scratch folder (see osSymbols).
var allowed = map[string][]string{
	"bufio":           nil,
	"bytes":           nil,
	"cmp":             nil,
	"container/heap":  nil,
	"container/list":  nil,
	"container/ring":  nil,
	"context":         nil,
	"crypto/md5":      nil,
	"crypto/rand":     nil,
	"crypto/sha1":     nil,
	"crypto/sha256":   nil,
	"crypto/sha512":   nil,
	"crypto/hmac":     nil,
	"encoding":        nil,
	"encoding/base32": nil,
	"encoding/base64": nil,
	"encoding/binary": nil,
	"encoding/csv":    nil,
	"encoding/hex":    nil,
	"encoding/json":   nil,
	"encoding/xml":    nil,
	"errors":          nil,
	"fmt":             nil,
	"hash":            nil,
	"hash/adler32":    nil,
	"hash/crc32":      nil,
	"hash/crc64":      nil,
	"hash/fnv":        nil,
	"html":            nil,
	"io":              nil,
	"log":             nil,
	"maps":            nil,
	"math":            nil,
	"math/big":        nil,
	"math/bits":       nil,
	"math/cmplx":      nil,
	"math/rand":       nil,
	"math/rand/v2":    nil,
	"path":            nil,
	"path/filepath":   {"Abs", "EvalSymlinks", "Glob", "Walk", "WalkDir"},
	"regexp":          nil,
	"slices":          nil,
	"sort":            nil,
	"strconv":         nil,
	"strings":         nil,
	"sync":            nil,
	"sync/atomic":     nil,
	"text/tabwriter":  nil,
	"time":            {"LoadLocation"},
	"unicode":         nil,
	"unicode/utf16":   nil,
	"unicode/utf8":    nil,
	"os":              nil, // replaced by osSymbols
}

// AllowedPackages returns the import paths a sandboxed program may use, sorted.
func AllowedPackages() []string {
	out := make([]string, 0, len(allowed))
	for p := range allowed {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// checkImports reports the first import that is not allowed.
func checkImports(paths []string) error {
	for _, p := range paths {
		if _, ok := allowed[p]; !ok {
			return &NotAllowedError{Package: p}
		}
	}
	return nil
}

// NotAllowedError is the error of a program that imports a package the sandbox does not offer.
type NotAllowedError struct {
	// Package is the import path that was refused.
	Package string
}

// Error names the package and lists those that are allowed.
func (e *NotAllowedError) Error() string {
	return "sandbox: import \"" + e.Package + "\" is not allowed; the sandbox offers only " + strings.Join(AllowedPackages(), ", ")
}

// Unwrap makes the error match ErrNotAllowed.
func (e *NotAllowedError) Unwrap() error { return ErrNotAllowed }

// symbols returns the interpreter's symbol tables: a filtered copy of yaegi's standard library, os confined
// to root, and the capture package.
func symbols(root *scratchRoot, capture func(any), captureList func([]any), exit func(int)) interp.Exports {
	out := interp.Exports{}
	for key, syms := range stdlib.Symbols {
		slash := strings.LastIndex(key, "/")
		if slash < 0 {
			continue // "." holds yaegi's MapTypes, added below
		}
		pkg := key[:slash]
		denied, ok := allowed[pkg]
		if !ok || pkg == "os" {
			continue
		}
		m := make(map[string]reflect.Value, len(syms))
		for name, v := range syms {
			m[name] = v
		}
		for _, name := range denied {
			delete(m, name)
		}
		out[key] = m
	}
	if mt, ok := stdlib.Symbols["."]; ok {
		out["."] = mt
	}
	out["os/os"] = osSymbols(root, exit)
	out[capturePath+"/capture"] = map[string]reflect.Value{
		"Value":  reflect.ValueOf(capture),
		"Values": reflect.ValueOf(captureList),
	}
	return out
}

// errOutside is the error of a file operation outside the scratch folder.
var errOutside = errors.New("access outside the sandbox's scratch folder is not allowed")

// scratchRoot confines file operations to the scratch folder with an os.Root, which also refuses paths that
// leave it through ".." or symbolic links.
type scratchRoot struct {
	dir  string
	root *os.Root
}

// rel turns a name (absolute inside the scratch folder, or relative to it) into a name relative to it.
func (r *scratchRoot) rel(op, name string) (string, error) {
	if name == "" {
		return "", &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	if filepath.IsAbs(name) {
		rel, err := filepath.Rel(r.dir, filepath.Clean(name))
		if err != nil || rel == ".." || strings.HasPrefix(rel, "../") {
			return "", &fs.PathError{Op: op, Path: name, Err: errOutside}
		}
		return rel, nil
	}
	clean := filepath.Clean(name)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", &fs.PathError{Op: op, Path: name, Err: errOutside}
	}
	return clean, nil
}

// osSymbols is the os package of the sandbox: files and folders inside the scratch folder, the process's
// streams (connected to the captured output) and Exit; no processes, environment, users, signals or links.
func osSymbols(r *scratchRoot, exit func(int)) map[string]reflect.Value {
	open := func(name string) (*os.File, error) {
		rel, err := r.rel("open", name)
		if err != nil {
			return nil, err
		}
		return r.root.Open(rel)
	}
	create := func(name string) (*os.File, error) {
		rel, err := r.rel("open", name)
		if err != nil {
			return nil, err
		}
		return r.root.Create(rel)
	}
	openFile := func(name string, flag int, perm os.FileMode) (*os.File, error) {
		rel, err := r.rel("open", name)
		if err != nil {
			return nil, err
		}
		return r.root.OpenFile(rel, flag, perm)
	}
	readFile := func(name string) ([]byte, error) {
		rel, err := r.rel("open", name)
		if err != nil {
			return nil, err
		}
		return r.root.ReadFile(rel)
	}
	writeFile := func(name string, data []byte, perm os.FileMode) error {
		rel, err := r.rel("open", name)
		if err != nil {
			return err
		}
		return r.root.WriteFile(rel, data, perm)
	}
	remove := func(name string) error {
		rel, err := r.rel("remove", name)
		if err != nil {
			return err
		}
		return r.root.Remove(rel)
	}
	removeAll := func(name string) error {
		rel, err := r.rel("unlinkat", name)
		if err != nil {
			return err
		}
		if rel == "." {
			return &fs.PathError{Op: "unlinkat", Path: name, Err: errors.New("the scratch folder itself cannot be removed")}
		}
		return r.root.RemoveAll(rel)
	}
	mkdir := func(name string, perm os.FileMode) error {
		rel, err := r.rel("mkdir", name)
		if err != nil {
			return err
		}
		return r.root.Mkdir(rel, perm)
	}
	mkdirAll := func(name string, perm os.FileMode) error {
		rel, err := r.rel("mkdir", name)
		if err != nil {
			return err
		}
		return r.root.MkdirAll(rel, perm)
	}
	stat := func(name string) (os.FileInfo, error) {
		rel, err := r.rel("stat", name)
		if err != nil {
			return nil, err
		}
		return r.root.Stat(rel)
	}
	lstat := func(name string) (os.FileInfo, error) {
		rel, err := r.rel("lstat", name)
		if err != nil {
			return nil, err
		}
		return r.root.Lstat(rel)
	}
	rename := func(oldname, newname string) error {
		o, err := r.rel("rename", oldname)
		if err != nil {
			return err
		}
		n, err := r.rel("rename", newname)
		if err != nil {
			return err
		}
		return r.root.Rename(o, n)
	}
	readDir := func(name string) ([]os.DirEntry, error) {
		rel, err := r.rel("open", name)
		if err != nil {
			return nil, err
		}
		f, err := r.root.Open(rel)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		entries, err := f.ReadDir(-1)
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		return entries, err
	}
	chdirDenied := func(dir string) error {
		return &fs.PathError{Op: "chdir", Path: dir, Err: errors.New("changing folder is not allowed in the sandbox")}
	}
	stdout, stderr := os.Stdout, os.Stderr
	funcs := map[string]reflect.Value{
		// Files inside the scratch folder.
		"Create":    reflect.ValueOf(create),
		"Open":      reflect.ValueOf(open),
		"OpenFile":  reflect.ValueOf(openFile),
		"ReadFile":  reflect.ValueOf(readFile),
		"WriteFile": reflect.ValueOf(writeFile),
		"Remove":    reflect.ValueOf(remove),
		"RemoveAll": reflect.ValueOf(removeAll),
		"Mkdir":     reflect.ValueOf(mkdir),
		"MkdirAll":  reflect.ValueOf(mkdirAll),
		"Stat":      reflect.ValueOf(stat),
		"Lstat":     reflect.ValueOf(lstat),
		"Rename":    reflect.ValueOf(rename),
		"ReadDir":   reflect.ValueOf(readDir),
		"Getwd":     reflect.ValueOf(func() (string, error) { return r.dir, nil }),
		"TempDir":   reflect.ValueOf(func() string { return r.dir }),
		"Chdir":     reflect.ValueOf(chdirDenied),
		"Exit":      reflect.ValueOf(exit),

		// Streams: the captured output (there is no standard input).
		"Stdout": reflect.ValueOf(&stdout).Elem(),
		"Stderr": reflect.ValueOf(&stderr).Elem(),
	}
	m := map[string]reflect.Value{}
	for _, name := range osKept {
		if v, ok := stdlib.Symbols["os/os"][name]; ok {
			m[name] = v
		}
	}
	for name, v := range funcs {
		m[name] = v
	}
	return m
}

// osKept are the symbols of yaegi's os table that the sandbox's os keeps as they are: errors, predicates,
// constants and types.
var osKept = []string{
	"ErrNotExist", "ErrExist", "ErrPermission", "ErrClosed", "ErrDeadlineExceeded",
	"IsNotExist", "IsExist", "IsPermission", "IsTimeout",
	"O_RDONLY", "O_WRONLY", "O_RDWR", "O_APPEND", "O_CREATE", "O_EXCL", "O_SYNC", "O_TRUNC",
	"ModeAppend", "ModeDir", "ModeExclusive", "ModeIrregular", "ModeNamedPipe", "ModePerm", "ModeSetgid",
	"ModeSetuid", "ModeSocket", "ModeSticky", "ModeSymlink", "ModeTemporary", "ModeType", "ModeCharDevice",
	"ModeDevice", "PathSeparator", "PathListSeparator",
	"File", "FileInfo", "FileMode", "DirEntry", "PathError", "LinkError", "SyscallError",
	"_FileInfo", "_DirEntry",
}
