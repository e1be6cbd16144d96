package engine

import (
	"flag"
	"fmt"
	"go/constant"
	"io"
	"math/bits"
	"os"
	"reflect"
	"slices"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// useSymbols gives the interpreter the session's package tables. Given package fmt under its usual key
// ("fmt/fmt"), the interpreter's Use would also compile yaegi's own generic sources of cmp, maps, slices,
// sync and sync/atomic (2 ms of a worker's start, 25 KB of Go at every session's start), which the
// prelude's stand-ins replace: no cell reaches them. So fmt goes in under another key that names the same
// package (Use takes the key's cleaned directory and its last element), and stdioFuncs binds what Use
// would have bound to the interpreter then (yaegi's fixStdlib).
func (s *Session) useSymbols(syms interp.Exports, stdin io.Reader) error {
	const fmtKey = "fmt/fmt"
	fmtSyms, ok := syms[fmtKey]
	if ok {
		delete(syms, fmtKey)
		defer func() { syms[fmtKey] = fmtSyms }()
	}
	if err := s.i.Use(syms); err != nil {
		return err
	}
	if ok {
		if err := s.i.Use(interp.Exports{"fmt/./fmt": fmtSyms}); err != nil {
			return err
		}
	}
	return s.i.Use(s.stdioFuncs(stdin))
}

// stdioFuncs returns what yaegi's Use binds to an interpreter when given package fmt: fmt's printing and
// scanning on the session's output and input, flag.CommandLine writing to the session's stderr and
// panicking on a bad flag, os.Args and os.Stdout as variables of the session's own (a cell that assigns
// them changes its session, not the worker), and math/bits.UintSize of this machine, with the interface
// mappings of the originals. Printf and the log package's functions are the session's own (fmtFuncs and
// logFuncs, used after this).
func (s *Session) stdioFuncs(stdin io.Reader) interp.Exports {
	stdout, stderr := s.opts.Stdout, io.Writer(s.stderr)
	fmtFuncs := map[string]reflect.Value{
		"Print":   reflect.ValueOf(func(a ...any) (int, error) { return fmt.Fprint(stdout, a...) }),
		"Println": reflect.ValueOf(func(a ...any) (int, error) { return fmt.Fprintln(stdout, a...) }),
		"Scan":    reflect.ValueOf(func(a ...any) (int, error) { return fmt.Fscan(stdin, a...) }),
		"Scanf":   reflect.ValueOf(func(f string, a ...any) (int, error) { return fmt.Fscanf(stdin, f, a...) }),
		"Scanln":  reflect.ValueOf(func(a ...any) (int, error) { return fmt.Fscanln(stdin, a...) }),
	}
	mapped := map[reflect.Value][]reflect.Type{}
	if m, ok := stdlib.Symbols["."]["MapTypes"]; ok {
		orig := m.Interface().(map[reflect.Value][]reflect.Type)
		for name, v := range fmtFuncs {
			if types, ok := orig[stdlib.Symbols["fmt/fmt"][name]]; ok {
				mapped[v] = types
			}
		}
	}
	commandLine := flag.NewFlagSet(os.Args[0], flag.PanicOnError)
	commandLine.SetOutput(stderr)
	args := slices.Clone(os.Args)
	osVars := map[string]reflect.Value{"Args": reflect.ValueOf(&args).Elem()}
	if f, ok := stdout.(*os.File); ok {
		osVars["Stdout"] = reflect.ValueOf(&f).Elem()
	}
	return interp.Exports{
		"fmt/./fmt":      fmtFuncs,
		"flag/flag":      {"CommandLine": reflect.ValueOf(&commandLine).Elem()},
		"os/os":          osVars,
		"math/bits/bits": {"UintSize": reflect.ValueOf(constant.MakeInt64(bits.UintSize))},
		".":              {"MapTypes": reflect.ValueOf(mapped)},
	}
}
