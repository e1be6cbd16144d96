// Package sandbox runs Go code written by a language model — a code interpreter — in a separate, restricted
// process, and returns what it printed and the value of its last expression:
//
//	sb := sandbox.New(sandbox.Options{Confirm: sandbox.Always}) // or sandbox.New() for the defaults
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
// input_request in the golm kernel, standard input in a program. The code is shown with every invisible or
// direction-changing character (bidi controls as in Trojan Source, zero-width and other format characters,
// control characters, invalid UTF-8) written as ⟦U+XXXX⟧, highlighted, and counted in a warning; code
// longer than 400 lines or 32 KiB is cut, saying how much is not shown; and the confinement the program will
// run under is listed. Options.Confirm set to Always runs without asking (batch use), Never refuses
// everything, and Options.ConfirmFunc (or SetConfirmFunc, from a notebook cell) decides with your own
// function. A refusal returns ErrDeclined. Code that cannot run — a syntax error, a package that is not
// allowed, a system that cannot confine it — is refused before anyone is asked.
//
// # What holds, and what does not
//
// The interpreter is not a security boundary. Its package allow-list (AllowedPackages: no os/exec, net,
// syscall, unsafe, reflect, runtime...) and its os package confined to a scratch folder stop honest
// mistakes, but the sandboxed code may start goroutines, Go is not memory-safe under data races, and a race
// can forge a call to any compiled function of the binary (os.ReadFile, syscall.Exec): the test
// TestRaceAttack does exactly that. So the code runs in a child process that the operating system confines
// before any of it runs. Run starts the current executable (os.Executable) again — any binary that links
// this package works as is, the golm kernel, a program, a test binary — and this package's init function
// turns that process into the sandbox before main runs. On Linux, with the default Confinement, Strict:
//
//   - the child has an empty environment (no API keys, no HOME or PATH of yours), GOMAXPROCS=1, and no
//     descriptor of the parent but its standard streams and its response pipe;
//   - it starts in new user, network, PID, mount and IPC namespaces where the kernel allows unprivileged
//     ones: no network at all, a /proc of its own that shows only its own process, and a scratch folder
//     that is a tmpfs of Options.ScratchQuota bytes and Options.MaxFiles files (counted in the memory
//     limit); every capability is dropped;
//   - no_new_privs is set, and Landlock lets it read only its own executable and libraries (with the
//     loader's cache and /etc/localtime) and read and write only its scratch folder; on Landlock ABI 4 and
//     later it cannot bind or connect TCP, on ABI 6 and later it cannot signal processes outside itself.
//     Landlock does not govern metadata: the child can still learn whether a path exists, and its size and
//     times (stat), outside its folder, though not read or list it;
//   - a seccomp-bpf filter on every thread allows only the system calls a Go program needs: no execve, no
//     fork or process-creating clone (threads only), no sockets, no ptrace, no kill or tgkill but to itself,
//     no mount or unshare, no chmod, chown or other change of metadata, no executable memory, EPERM for
//     everything else;
//   - it is limited in time (Options.Timeout; the child stops itself, and the parent kills it shortly
//     after), memory (the parent watches its resident size, plus the tmpfs, and kills it past
//     Options.MemoryLimit; an address-space rlimit makes huge allocations fail at once), output
//     (Options.MaxOutput), file size (RLIMIT_FSIZE), open files, threads, and its scratch folder
//     (Options.ScratchQuota, Options.MaxFiles: the tmpfs refuses more, or the parent stops the program);
//   - it is in its own process group, killed whole when the run ends or the parent dies, and its scratch
//     folder is removed whatever permissions the program set inside it.
//
// Where namespaces are not allowed, the other layers still hold and the scratch folder is kept off tmpfs and
// watched by the parent. Where seccomp, Landlock or no_new_privs is missing — macOS, Windows, Linux before
// 5.13, a container that forbids them — Run refuses with ErrUnconfined and says why, rather than run
// unconfined quietly. Options.Confinement set to BestEffort runs with the layers the system has, and
// Unconfined with none (for code you trust). Result.Layers and Sandbox.Layers say which layers held.
//
// A runaway loop or goroutine, a panic in a goroutine, a fatal runtime error or os.Exit ends the child, never
// the caller; Run reports it as an error (ErrTimeout, ErrMemory, ErrOutput, ErrQuota, ErrPanic, ErrExit,
// ErrCrashed, ErrCompile, ErrNotAllowed, ErrUnconfined) with the output printed until then.
//
// # As a tool
//
// Tool returns the sandbox as a tools.Tool named run_go, with one argument, code, for the function-calling
// loop of package tools: asked "What is 12 factorial?", a model writes the Go code, the sandbox runs it
// (after the user agrees) and returns 479001600, and the model answers.
package sandbox
