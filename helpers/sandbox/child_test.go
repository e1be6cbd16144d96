package sandbox

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

// The child refuses packages on its own too: these programs skip the parent's import check and go straight
// to the child, whose interpreter has no such symbols and never loads source from disk.
func TestChildRefusesPackages(t *testing.T) {
	opts := New(Options{Timeout: 2 * time.Second, MemoryLimit: 256 << 20}).Options()
	for _, pkg := range []string{"os/exec", "net", "unsafe", "reflect", "syscall", "runtime", "io/ioutil",
		"github.com/traefik/yaegi/interp"} {
		t.Run(pkg, func(t *testing.T) {
			t.Parallel()
			req := request{Timeout: opts.Timeout, MemoryLimit: opts.MemoryLimit,
				Programs: []string{"package main\nimport _ \"" + pkg + "\"\nfunc main() {}"}}
			res := &Result{}
			err := execute(context.Background(), opts, req, res, childConfig{})
			if !errors.Is(err, ErrNotAllowed) || !strings.Contains(err.Error(), `import "`+pkg+`" is not allowed`) {
				t.Errorf("error = %v", err)
			}
		})
	}
}

// Symbols the filtered packages must not offer.
func TestSymbolsFiltered(t *testing.T) {
	syms := symbols(&scratchRoot{dir: t.TempDir()}, func(any) {}, func([]any) {}, func(int) {})
	for key := range syms {
		pkg := key
		if i := strings.LastIndex(key, "/"); i >= 0 {
			pkg = key[:i]
		}
		if _, ok := allowed[pkg]; !ok && key != "." && pkg != capturePath {
			t.Errorf("package %s is offered", key)
		}
	}
	for _, s := range []struct{ pkg, name string }{
		{"path/filepath/filepath", "Glob"}, {"path/filepath/filepath", "Walk"}, {"path/filepath/filepath", "WalkDir"},
		{"time/time", "LoadLocation"}, {"os/os", "StartProcess"}, {"os/os", "Symlink"}, {"os/os", "Link"},
		{"os/os", "NewFile"}, {"os/os", "Setenv"}, {"os/os", "Chown"}, {"os/os", "DirFS"}, {"os/os", "Stdin"},
	} {
		if _, ok := syms[s.pkg][s.name]; ok {
			t.Errorf("%s.%s is offered", s.pkg, s.name)
		}
	}
	for _, s := range []struct{ pkg, name string }{{"fmt/fmt", "Println"}, {"os/os", "ReadFile"}, {"os/os", "O_CREATE"},
		{"math/big/big", "NewInt"}, {"time/time", "Now"}} {
		if _, ok := syms[s.pkg][s.name]; !ok {
			t.Errorf("%s.%s is missing", s.pkg, s.name)
		}
	}
}
