// Package sandbox runs Go code written by a language model — a code interpreter — in a separate, restricted
// process, and returns what it printed and the value of its last expression:
//
//	sb := sandbox.New(sandbox.Options{Confirm: sandbox.Always})
//	res, err := sb.Run(ctx, "a := 1\nb := 2\na+b")  // res.Value == "3"
//
// The code is either a whole program (package main with func main) or what one would type in a notebook cell:
// import lines, declarations (func, type, var, const) and statements, in any order. Declarations go at package
// level, statements run in order in func main, and when the last statement is an expression (or a list of
// expressions, "b, err") its value is returned in Go syntax. Each run starts afresh: nothing is kept between
// runs.
//
// # Confirmation
//
// By default Run shows the code and asks the user whether to run it, through display.Input: a Jupyter
// input_request in the golm kernel, standard input in a program. Options.Confirm set to Always runs without
// asking (batch use), Never refuses everything, and Options.ConfirmFunc (or SetConfirmFunc, from a notebook
// cell) decides with your own function. A refusal returns ErrDeclined. Code that cannot run — a syntax error,
// a package that is not allowed — is refused before anyone is asked.
//
// # Safety
//
// The code never runs in the calling process. Run starts the current executable (os.Executable) again with
// the environment variable GOLM_SANDBOX_CHILD=1 and nothing else of the caller's environment (so no API keys),
// and this package's init function turns that process into the sandbox before main runs. Any binary that
// links this package therefore works as is — the golm kernel, a program, a test binary — without calling
// anything from main. The child:
//
//   - runs the code with the yaegi interpreter and a filtered copy of its standard library: only the packages
//     listed by AllowedPackages can be imported (no os/exec, net, net/http, syscall, unsafe, reflect, plugin,
//     runtime, runtime/debug, io/ioutil...); the interpreter never loads source from disk, so no other package
//     can be imported either;
//   - has an os package whose file functions work only inside a scratch folder (a new temporary folder, its
//     working directory, removed after the run, and confined with os.Root so that ".." and symbolic links
//     cannot leave it); os.Exit ends the child only; there are no processes, environment, signals or links;
//   - is limited in time (Options.Timeout; the child stops itself, and the parent kills it shortly after),
//     memory (the parent watches its resident size in /proc and kills it past Options.MemoryLimit; an
//     address-space rlimit makes huge allocations fail at once; the Go runtime's soft memory limit and a
//     smaller maximum stack size make garbage collection and stack overflows happen early), output (a program
//     printing more than Options.MaxOutput is killed), file size (RLIMIT_FSIZE), open files and threads;
//   - is in its own process group, killed as a whole, and killed when the parent dies (Linux).
//
// A runaway loop or goroutine, a panic in a goroutine, a fatal runtime error or os.Exit ends the child, never
// the caller; Run reports it as an error (ErrTimeout, ErrMemory, ErrOutput, ErrPanic, ErrExit, ErrCrashed,
// ErrCompile, ErrNotAllowed) with the output printed until then. The process limits and the /proc memory
// watch are Linux-only; elsewhere the time and output limits and the Go runtime's soft limits remain.
//
// # As a tool
//
// Tool returns the sandbox as a tools.Tool named run_go, with one argument, code, for the function-calling
// loop of package tools: asked "What is 12 factorial?", a model writes the Go code, the sandbox runs it
// (after the user agrees) and returns 479001600, and the model answers.
package sandbox
