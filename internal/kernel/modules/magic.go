package modules

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// Usage describes the %go magic.
const Usage = `%go get MODULE[@VERSION] ...   add modules (or packages, or MODULE/... for all of a module's packages) to this notebook; the session restarts with them compiled in and its cells are replayed
%go get                         compile the packages this notebook recorded into the session (after golm or its cache changed)
%go list                        the notebook's modules, versions and packages
%go remove PACKAGE ...          stop linking packages (the session restarts without them)
%go tidy                        drop modules no package needs from go.mod
%go help                        this help`

// Magic serves the %go magic for a kernel (it implements server.Modules).
type Magic struct {
	// Workspace is the notebook's workspace.
	Workspace *Workspace
	// Default is the worker command when the notebook links no packages (golm worker).
	Default []string
}

// StartCommand returns the worker command a kernel starts with: the cached worker that links the
// workspace's packages when there is one (a notebook that ran %go get before), else Default.
func (m *Magic) StartCommand() []string {
	if exe, ok := m.Workspace.Cached(); ok {
		return []string{exe}
	}
	return m.Default
}

// Go runs a %go command.
func (m *Magic) Go(ctx context.Context, args []string, out io.Writer) ([]string, error) {
	if len(args) == 0 {
		return nil, fmt.Errorf("%%go needs a command:\n%s", Usage)
	}
	w := m.Workspace
	switch args[0] {
	case "get":
		start := time.Now()
		if len(args) == 1 {
			if len(w.Packages()) == 0 {
				return nil, fmt.Errorf("%%go get needs a module, e.g. %%go get github.com/google/uuid@v1.6.0")
			}
			return m.build(ctx, out, start) // the notebook's recorded packages (a reopened notebook)
		}
		added, err := w.Get(ctx, out, args[1:])
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "Added %s.\n", strings.Join(added, ", "))
		return m.build(ctx, out, start)
	case "remove":
		if len(args) < 2 {
			return nil, fmt.Errorf("%%go remove needs a package (see %%go list)")
		}
		if err := w.Remove(args[1:]); err != nil {
			return nil, err
		}
		return m.build(ctx, out, time.Now())
	case "list":
		return nil, m.list(out)
	case "tidy":
		if err := w.Tidy(ctx, out); err != nil {
			return nil, err
		}
		fmt.Fprintln(out, "go.mod is tidy.")
		return nil, m.list(out)
	case "help":
		io.WriteString(out, Usage+"\n")
		return nil, nil
	}
	return nil, fmt.Errorf("unknown %%go command %q:\n%s", args[0], Usage)
}

// build builds (or finds in the cache) the worker for the workspace's packages and returns its command.
func (m *Magic) build(ctx context.Context, out io.Writer, start time.Time) ([]string, error) {
	if len(m.Workspace.Packages()) == 0 {
		return m.Default, nil
	}
	wk, err := m.Workspace.Build(ctx, out)
	if err != nil {
		return nil, err
	}
	how := "built"
	if wk.Cached {
		how = "found in the cache"
	}
	fmt.Fprintf(out, "Worker %s in %.1f s.\n", how, time.Since(start).Seconds())
	for _, p := range slices.Sorted(maps.Keys(wk.Generic)) {
		names := wk.Generic[p]
		shown := names
		if len(shown) > 12 {
			shown = append(slices.Clone(shown[:12]), "…")
		}
		fmt.Fprintf(out, "Note: %d generic functions and types of %s cannot be called from cells (the interpreter "+
			"reaches compiled packages through symbol tables, which hold no generic code): %s\n", len(names), p, strings.Join(shown, ", "))
	}
	return []string{wk.Exe}, nil
}

func (m *Magic) list(out io.Writer) error {
	mods, err := m.Workspace.Modules()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Workspace: %s\n", m.Workspace.Dir())
	fmt.Fprintln(out, "Packages compiled into the session:")
	pkgs := m.Workspace.Packages()
	if len(pkgs) == 0 {
		io.WriteString(out, "  (none: %go get MODULE adds some)\n")
	}
	for _, p := range pkgs {
		fmt.Fprintf(out, "  %s\n", p)
	}
	fmt.Fprintln(out, "Modules (go.mod):")
	for _, mod := range mods {
		if mod.Indirect || mod.Path == "github.com/traefik/yaegi" { // yaegi: the worker's own
			continue
		}
		fmt.Fprintf(out, "  %s %s\n", mod.Path, mod.Version)
	}
	return nil
}
