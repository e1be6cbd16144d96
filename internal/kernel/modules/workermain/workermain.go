// Package workermain is the main function of golm's worker process, shared by golm worker and by the
// workers that package modules builds with a notebook's modules linked in.
package workermain

import (
	"maps"
	"os"
	"os/signal"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/golm-dev/golm/helpers/tokens"
	"github.com/golm-dev/golm/internal/kernel/docs"
	"github.com/golm-dev/golm/internal/kernel/engine"
	"github.com/golm-dev/golm/internal/kernel/worker"
	"github.com/golm-dev/golm/symbols"
	"github.com/traefik/yaegi/interp"
)

// Run serves as the worker on the pipes the kernel passes (package pipe), with golm's symbol tables and
// extra ones (a built worker's modules; nil for none) for the notebook's packages pkgs. It reads its
// memory limit from GOLM_MEMORY_LIMIT.
func Run(extra map[string]map[string]reflect.Value, pkgs []string) error {
	limit, _ := strconv.ParseInt(os.Getenv("GOLM_MEMORY_LIMIT"), 10, 64)
	signal.Ignore(syscall.SIGINT) // interrupts come from the kernel as requests
	return worker.Run(worker.Config{
		Symbols:     Symbols(extra),
		Preferred:   Preferred(extra, pkgs),
		Docs:        docs.Lookup,
		MemoryLimit: limit,
		Setup: func(*engine.Session) {
			tokens.InstallOfflineLoader()
		},
	})
}

// Symbols returns golm's symbol tables with extra ones added (extra wins on a clash).
func Symbols(extra map[string]map[string]reflect.Value) interp.Exports {
	all := interp.Exports{}
	for k, v := range symbols.Symbols {
		all[k] = v
	}
	for k, v := range extra {
		all[k] = v
	}
	return all
}

// Preferred returns golm's preferred packages for names used without an import line, with the notebook's
// own packages first: a learner who added github.com/google/go-cmp/cmp means it by cmp, not the standard
// library's cmp (which an import line still reaches).
func Preferred(extra map[string]map[string]reflect.Value, pkgs []string) map[string]string {
	pref := maps.Clone(symbols.Preferred)
	for key := range extra {
		i := strings.LastIndex(key, "/")
		if i < 0 {
			continue
		}
		path, name := key[:i], key[i+1:]
		if slices.Contains(pkgs, path) && !strings.HasPrefix(name, "_") {
			pref[name] = path
		}
	}
	return pref
}
