// Package workermain is the main function of golm's worker process, shared by golm worker and by the
// workers that package modules builds with a notebook's modules linked in.
package workermain

import (
	"os"
	"os/signal"
	"reflect"
	"strconv"
	"syscall"

	"github.com/golm-dev/golm/helpers/tokens"
	"github.com/golm-dev/golm/internal/kernel/docs"
	"github.com/golm-dev/golm/internal/kernel/engine"
	"github.com/golm-dev/golm/internal/kernel/worker"
	"github.com/golm-dev/golm/symbols"
	"github.com/traefik/yaegi/interp"
)

// Run serves as the worker on the pipes the kernel passes (package pipe), with golm's symbol tables and
// extra ones (a built worker's modules; nil for none). It reads its memory limit from GOLM_MEMORY_LIMIT.
func Run(extra map[string]map[string]reflect.Value, _ []string) error {
	limit, _ := strconv.ParseInt(os.Getenv("GOLM_MEMORY_LIMIT"), 10, 64)
	signal.Ignore(syscall.SIGINT) // interrupts come from the kernel as requests
	return worker.Run(worker.Config{
		Symbols:     Symbols(extra),
		Preferred:   symbols.Preferred,
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
