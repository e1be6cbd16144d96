package engine

import (
	"encoding"
	"errors"
	"flag"
	"fmt"
	"go/constant"
	"io"
	"math/bits"
	"os"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

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

// stdioFuncs returns what yaegi's Use binds to an interpreter when given package fmt (fmt's printing and
// scanning on the session's output and input, math/bits.UintSize of this machine), with the interface
// mappings of the originals, and the session's command line (see cmdLine): os.Args and package flag.
// Printf and the log package's functions are the session's own (fmtFuncs and logFuncs, used after this).
func (s *Session) stdioFuncs(stdin io.Reader) interp.Exports {
	stdout := s.opts.Stdout
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
	s.cmd = newCmdLine(s.stderr, s.exit)
	osVars := map[string]reflect.Value{"Args": reflect.ValueOf(&s.cmd.args).Elem()}
	if f, ok := stdout.(*os.File); ok {
		osVars["Stdout"] = reflect.ValueOf(&f).Elem()
	}
	return interp.Exports{
		"fmt/./fmt":      fmtFuncs,
		"flag/flag":      s.cmd.flagFuncs(),
		"os/os":          osVars,
		"math/bits/bits": {"UintSize": reflect.ValueOf(constant.MakeInt64(bits.UintSize))},
		".":              {"MapTypes": reflect.ValueOf(mapped)},
	}
}

// cmdLine is a session's command line: os.Args, which holds the program's name only (a program run with no
// arguments: a cell can set it, os.Args = []string{"prog", "-n", "3"}, before calling main), and
// flag.CommandLine, on which package flag's functions act, as in a program. Unlike a program, a session
// runs a cell again: a flag that an earlier run of a cell defined is replaced when defined again, instead
// of panicking with "flag redefined" (defined twice in one cell, it panics as in Go). A bad flag or -h given
// to flag.Parse ends the cell as os.Exit(2) or os.Exit(0) would end the program, after the usage message;
// the FlagSet itself panics instead of exiting (flag.CommandLine.Parse(...) with a bad flag fails the cell).
type cmdLine struct {
	mu     sync.Mutex
	set    *flag.FlagSet     // flag.CommandLine
	usage  func()            // flag.Usage
	args   []string          // os.Args
	defs   map[string]uint64 // the run of a cell that defined each flag
	run    atomic.Uint64     // the run of a cell going on (Session.count)
	output io.Writer
	exit   func(code int)
}

func newCmdLine(stderr io.Writer, exit func(int)) *cmdLine {
	c := &cmdLine{args: []string{os.Args[0]}, defs: map[string]uint64{}, output: stderr, exit: exit}
	c.usage = func() {
		set, name := c.commandLine(), "main"
		if len(c.args) > 0 {
			name = c.args[0]
		}
		fmt.Fprintf(set.Output(), "Usage of %s:\n", name)
		set.PrintDefaults()
	}
	c.set = c.newSet()
	return c
}

// newSet makes an empty flag.CommandLine.
func (c *cmdLine) newSet() *flag.FlagSet {
	set := flag.NewFlagSet(c.args[0], flag.PanicOnError)
	set.SetOutput(c.output)
	set.Usage = func() { c.usage() }
	return set
}

// commandLine returns flag.CommandLine.
func (c *cmdLine) commandLine() *flag.FlagSet {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.set
}

// define returns the FlagSet on which to define a flag of that name, without the flag if an earlier run of
// a cell defined it.
func (c *cmdLine) define(name string) *flag.FlagSet {
	c.mu.Lock()
	defer c.mu.Unlock()
	run := c.run.Load()
	if old, ok := c.defs[name]; ok && old != run && c.set.Lookup(name) != nil {
		// The new set is as the old one was made and set up (a cell may have set its Usage or output, or
		// replaced it), but for the flag.
		set := flag.NewFlagSet(c.set.Name(), c.set.ErrorHandling())
		set.SetOutput(c.set.Output())
		set.Usage = c.set.Usage
		c.set.VisitAll(func(f *flag.Flag) {
			if f.Name != name {
				set.Var(f.Value, f.Name, f.Usage)
				set.Lookup(f.Name).DefValue = f.DefValue
			}
		})
		c.set = set
	}
	c.defs[name] = run
	return c.set
}

// parse is flag.Parse.
func (c *cmdLine) parse() {
	set := c.commandLine()
	err := func() (err error) {
		defer func() {
			if r := recover(); r != nil {
				e, ok := r.(error)
				if !ok {
					panic(r)
				}
				err = e
			}
		}()
		if set.ErrorHandling() == flag.ExitOnError {
			// A set a cell made (flag.NewFlagSet(os.Args[0], flag.ExitOnError)) would end the worker's
			// process: it ends the cell instead, as the program.
			set.Init(set.Name(), flag.ContinueOnError)
			defer set.Init(set.Name(), flag.ExitOnError)
			return set.Parse(c.args[min(1, len(c.args)):])
		}
		_ = set.Parse(c.args[min(1, len(c.args)):]) // a ContinueOnError set's error is ignored, as by flag.Parse
		return nil
	}()
	switch {
	case errors.Is(err, flag.ErrHelp):
		c.exit(0)
	case err != nil:
		c.exit(2)
	}
}

// flagFuncs returns package flag's functions and variables, acting on the session's command line.
func (c *cmdLine) flagFuncs() map[string]reflect.Value {
	cl := c.commandLine
	return map[string]reflect.Value{
		"CommandLine":   reflect.ValueOf(&c.set).Elem(),
		"Usage":         reflect.ValueOf(&c.usage).Elem(),
		"Parse":         reflect.ValueOf(c.parse),
		"Parsed":        reflect.ValueOf(func() bool { return cl().Parsed() }),
		"Arg":           reflect.ValueOf(func(i int) string { return cl().Arg(i) }),
		"Args":          reflect.ValueOf(func() []string { return cl().Args() }),
		"NArg":          reflect.ValueOf(func() int { return cl().NArg() }),
		"NFlag":         reflect.ValueOf(func() int { return cl().NFlag() }),
		"Lookup":        reflect.ValueOf(func(name string) *flag.Flag { return cl().Lookup(name) }),
		"Set":           reflect.ValueOf(func(name, value string) error { return cl().Set(name, value) }),
		"PrintDefaults": reflect.ValueOf(func() { cl().PrintDefaults() }),
		"Visit":         reflect.ValueOf(func(fn func(*flag.Flag)) { cl().Visit(fn) }),
		"VisitAll":      reflect.ValueOf(func(fn func(*flag.Flag)) { cl().VisitAll(fn) }),
		"Bool": reflect.ValueOf(func(name string, value bool, usage string) *bool {
			return c.define(name).Bool(name, value, usage)
		}),
		"BoolVar": reflect.ValueOf(func(p *bool, name string, value bool, usage string) {
			c.define(name).BoolVar(p, name, value, usage)
		}),
		"BoolFunc": reflect.ValueOf(func(name, usage string, fn func(string) error) {
			c.define(name).BoolFunc(name, usage, fn)
		}),
		"Func": reflect.ValueOf(func(name, usage string, fn func(string) error) { c.define(name).Func(name, usage, fn) }),
		"Duration": reflect.ValueOf(func(name string, value time.Duration, usage string) *time.Duration {
			return c.define(name).Duration(name, value, usage)
		}),
		"DurationVar": reflect.ValueOf(func(p *time.Duration, name string, value time.Duration, usage string) {
			c.define(name).DurationVar(p, name, value, usage)
		}),
		"Float64": reflect.ValueOf(func(name string, value float64, usage string) *float64 {
			return c.define(name).Float64(name, value, usage)
		}),
		"Float64Var": reflect.ValueOf(func(p *float64, name string, value float64, usage string) {
			c.define(name).Float64Var(p, name, value, usage)
		}),
		"Int": reflect.ValueOf(func(name string, value int, usage string) *int {
			return c.define(name).Int(name, value, usage)
		}),
		"IntVar": reflect.ValueOf(func(p *int, name string, value int, usage string) {
			c.define(name).IntVar(p, name, value, usage)
		}),
		"Int64": reflect.ValueOf(func(name string, value int64, usage string) *int64 {
			return c.define(name).Int64(name, value, usage)
		}),
		"Int64Var": reflect.ValueOf(func(p *int64, name string, value int64, usage string) {
			c.define(name).Int64Var(p, name, value, usage)
		}),
		"String": reflect.ValueOf(func(name, value, usage string) *string {
			return c.define(name).String(name, value, usage)
		}),
		"StringVar": reflect.ValueOf(func(p *string, name, value, usage string) {
			c.define(name).StringVar(p, name, value, usage)
		}),
		"TextVar": reflect.ValueOf(func(p encoding.TextUnmarshaler, name string, value encoding.TextMarshaler, usage string) {
			c.define(name).TextVar(p, name, value, usage)
		}),
		"Uint": reflect.ValueOf(func(name string, value uint, usage string) *uint {
			return c.define(name).Uint(name, value, usage)
		}),
		"UintVar": reflect.ValueOf(func(p *uint, name string, value uint, usage string) {
			c.define(name).UintVar(p, name, value, usage)
		}),
		"Uint64": reflect.ValueOf(func(name string, value uint64, usage string) *uint64 {
			return c.define(name).Uint64(name, value, usage)
		}),
		"Uint64Var": reflect.ValueOf(func(p *uint64, name string, value uint64, usage string) {
			c.define(name).Uint64Var(p, name, value, usage)
		}),
		"Var": reflect.ValueOf(func(value flag.Value, name, usage string) { c.define(name).Var(value, name, usage) }),
	}
}
