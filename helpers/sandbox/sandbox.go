package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/golm-dev/golm/helpers/internal/options"
	"html"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// Errors a run can wrap; test them with errors.Is.
var (
	// ErrDeclined means that the user (or the Confirm policy) refused to run the code.
	ErrDeclined = errors.New("the user declined to run the code")
	// ErrCompile means that the code has a syntax or type error.
	ErrCompile = errors.New("the code does not compile")
	// ErrNotAllowed means that the code imports a package the sandbox does not offer (see NotAllowedError).
	ErrNotAllowed = errors.New("package not allowed")
	// ErrPanic means that the program panicked, in its main function or in a goroutine.
	ErrPanic = errors.New("the program panicked")
	// ErrExit means that the program called os.Exit with a non-zero status.
	ErrExit = errors.New("the program exited")
	// ErrTimeout means that the program ran past Options.Timeout and was stopped.
	ErrTimeout = errors.New("time limit exceeded")
	// ErrMemory means that the program needed more than Options.MemoryLimit (or overflowed its stack).
	ErrMemory = errors.New("memory limit exceeded")
	// ErrOutput means that the program printed more than Options.MaxOutput and was stopped.
	ErrOutput = errors.New("output limit exceeded")
	// ErrCrashed means that the program's process died otherwise (a fatal runtime error, for example).
	ErrCrashed = errors.New("the program crashed")
	// ErrQuota means that the program wrote more than Options.ScratchQuota bytes or Options.MaxFiles files
	// in its scratch folder and was stopped.
	ErrQuota = errors.New("scratch quota exceeded")
)

// Confirm says whether the user is asked before code runs.
type Confirm int

const (
	// Ask shows the code and asks the user (a Jupyter input box in a notebook, standard input in a program).
	// It is the default.
	Ask Confirm = iota
	// Always runs the code without asking, for batch use.
	Always
	// Never refuses to run any code.
	Never
)

// String returns the policy's name.
func (c Confirm) String() string {
	switch c {
	case Ask:
		return "Ask"
	case Always:
		return "Always"
	case Never:
		return "Never"
	}
	return fmt.Sprintf("Confirm(%d)", int(c))
}

// Default limits, used where Options leave a limit at zero.
const (
	// DefaultTimeout is the default time limit of a run.
	DefaultTimeout = 10 * time.Second
	// DefaultMemoryLimit is the default memory limit of a run's process, in bytes (512 MiB).
	DefaultMemoryLimit = 512 << 20
	// DefaultMaxOutput is the default output limit, in bytes (64 KiB).
	DefaultMaxOutput = 64 << 10
	// DefaultMaxFileSize is the default largest file a program may write, in bytes (16 MiB).
	DefaultMaxFileSize = 16 << 20
	// DefaultScratchQuota is the default most bytes a program may keep in its scratch folder (64 MiB).
	DefaultScratchQuota = 64 << 20
	// DefaultMaxFiles is the default most files and folders a program may make in its scratch folder.
	DefaultMaxFiles = 1000
)

// Options configure a Sandbox. The zero value asks before running, requires the operating system's
// confinement (Strict) and uses the default limits.
type Options struct {
	// Confirm says whether to ask the user before running code (Ask, the default), to run without asking
	// (Always) or to refuse (Never).
	Confirm Confirm
	// ConfirmFunc, when set, decides instead of Confirm: it gets the code and returns whether to run it.
	ConfirmFunc func(ctx context.Context, code string) (bool, error)
	// Timeout is the most time a program may run (DefaultTimeout when zero).
	Timeout time.Duration
	// MemoryLimit is the most memory, in bytes, the program's process may hold (DefaultMemoryLimit when zero).
	MemoryLimit int64
	// MaxOutput is the most output, in bytes, a program may print (DefaultMaxOutput when zero); a program that
	// prints more is stopped.
	MaxOutput int
	// MaxFileSize is the largest file, in bytes, a program may write in its scratch folder (DefaultMaxFileSize
	// when zero).
	MaxFileSize int64
	// ScratchQuota is the most bytes a program may keep in its scratch folder (DefaultScratchQuota when
	// zero). Where the child has namespaces the folder is a tmpfs of this size, counted in MemoryLimit;
	// elsewhere the parent watches the folder and stops the program past the quota.
	ScratchQuota int64
	// MaxFiles is the most files and folders a program may make in its scratch folder (DefaultMaxFiles when
	// zero).
	MaxFiles int
	// Confinement says how strictly the operating system must confine the program's process: Strict (the
	// default) refuses to run where it cannot, BestEffort runs with what the system has, Unconfined
	// applies no operating-system layer.
	Confinement Confinement
}

// Sandbox runs Go code written by a model in a separate, restricted process. Make one with New; a Sandbox is
// safe for concurrent use (each run gets its own process and scratch folder).
type Sandbox struct {
	mu   sync.Mutex
	opts Options
	err  error // from New: more than one Options
	// skip names layers to leave out as if the system lacked them (tests of the refusal only).
	skip []string
	// maxProcs replaces the child's GOMAXPROCS=1 (tests of the race-based attack only).
	maxProcs int
}

// New returns a sandbox with the given options, or the defaults (see Options) when called without any:
// sandbox.New() or sandbox.New(sandbox.Options{Timeout: 5 * time.Second}). It takes at most one Options;
// with more, every Run fails saying so.
func New(opts ...Options) *Sandbox {
	s := &Sandbox{}
	s.opts, s.err = options.One("sandbox: New", opts)
	return s
}

// SetConfirmFunc sets Options.ConfirmFunc (nil goes back to the Confirm policy) and returns the sandbox; use it
// from notebook cells, where a function declared in the cell should not be put in a struct literal of a
// compiled package.
func (s *Sandbox) SetConfirmFunc(f func(ctx context.Context, code string) (bool, error)) *Sandbox {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.ConfirmFunc = f
	return s
}

// Options returns the sandbox's options with the defaults filled in.
func (s *Sandbox) Options() Options {
	s.mu.Lock()
	o := s.opts
	s.mu.Unlock()
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MemoryLimit <= 0 {
		o.MemoryLimit = DefaultMemoryLimit
	}
	if o.MaxOutput <= 0 {
		o.MaxOutput = DefaultMaxOutput
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.ScratchQuota <= 0 {
		o.ScratchQuota = DefaultScratchQuota
	}
	if o.MaxFiles <= 0 {
		o.MaxFiles = DefaultMaxFiles
	}
	return o
}

// Layers returns the confinement a run of this sandbox gets on this system (Missing says what is not
// available, and why). Under Strict a run refuses when seccomp, Landlock or no_new_privs is missing.
func (s *Sandbox) Layers() Layers {
	return s.plannedLayers(s.Options().Confinement)
}

// plannedLayers is the confinement a run at level c gets here.
func (s *Sandbox) plannedLayers(c Confinement) Layers {
	if c == Unconfined {
		return Layers{Missing: []string{"confinement turned off (Unconfined)"}}
	}
	l := probe().layers
	l.Missing = append([]string(nil), l.Missing...)
	for _, layer := range s.skip {
		switch layer {
		case "landlock":
			l.Landlock = 0
		case "seccomp":
			l.Seccomp = false
		case "no_new_privs":
			l.NoNewPrivs = false
		case "namespaces":
			l.Namespaces, l.PrivateProc, l.ScratchQuota = false, false, false
		}
		l.Missing = append(l.Missing, layer+": left out by the test")
	}
	return l
}

// Run runs code with the default options: it asks the user first, then runs the code in a fresh sandbox.
func Run(ctx context.Context, code string) (*Result, error) {
	return New().Run(ctx, code)
}

// Result is what a run printed and the value of its last expression.
type Result struct {
	// Code is the code that was run (or refused).
	Code string
	// Output is what the program printed, standard output and standard error together, in order.
	Output string
	// Truncated reports that the output was cut at the limit.
	Truncated bool
	// Value is the value of the code's last expression in Go syntax, when it ends with one.
	Value string
	// HasValue reports whether Value is set.
	HasValue bool
	// Duration is how long the run took, start of the process included.
	Duration time.Duration
	// Layers is the confinement the program ran under (what the child reported).
	Layers Layers

	fds []int // the child's descriptors when it started (tests)
	// Err is the run's error, as Run returned it.
	Err error
}

// Text is the result as a model reads it: the output, then the value on its own line, then the error.
func (r *Result) Text() string {
	var b strings.Builder
	b.WriteString(r.Output)
	if r.Truncated {
		b.WriteString("\n[output truncated]")
	}
	if r.HasValue {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteString("\n")
		}
		b.WriteString(r.Value)
	}
	if r.Err != nil {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteString("\n")
		}
		b.WriteString("error: " + r.Err.Error())
	}
	return b.String()
}

// String is the same as Text.
func (r *Result) String() string { return r.Text() }

// HTML shows the output, the value and the error.
func (r *Result) HTML() string {
	var b strings.Builder
	b.WriteString(`<div>`)
	if r.Output != "" {
		b.WriteString(`<pre style="margin:0">` + html.EscapeString(r.Output) + `</pre>`)
	}
	if r.Truncated {
		b.WriteString(`<div><em>[output truncated]</em></div>`)
	}
	if r.HasValue {
		b.WriteString(`<pre style="margin:0;font-weight:bold">` + html.EscapeString(r.Value) + `</pre>`)
	}
	if r.Err != nil {
		b.WriteString(`<pre style="margin:0;color:#b00020">` + html.EscapeString(r.Err.Error()) + `</pre>`)
	}
	fmt.Fprintf(&b, `<div style="color:#777;font-size:smaller">%s</div></div>`, r.Duration.Round(time.Millisecond))
	return b.String()
}

// Run asks for confirmation as the options say, then runs code in a child process and returns what it printed
// and the value of its last expression. code is either a whole program (package main with func main) or
// statements and declarations as in a notebook cell: "a := 1\nb := 2\na+b" gives the value 3.
//
// The error says why the code did not run to its end: ErrDeclined, ErrCompile, ErrNotAllowed, ErrPanic,
// ErrExit (a non-zero os.Exit), ErrTimeout, ErrMemory, ErrOutput, ErrCrashed, or the context's error; the
// result is returned with it, holding the output up to that point.
func (s *Sandbox) Run(ctx context.Context, code string) (*Result, error) {
	if ctx == nil {
		ctx = context.Background() // a nil context from a notebook cell is forgiven
	}
	res := &Result{Code: code}
	fail := func(err error) (*Result, error) {
		res.Err = err
		return res, err
	}
	if s.err != nil {
		return fail(s.err)
	}
	opts := s.Options()
	// Code that cannot run is refused before the user is asked about it.
	layers := s.plannedLayers(opts.Confinement)
	res.Layers = layers
	if opts.Confinement == Strict && !layers.strictOK() {
		return fail(unconfinedError(layers))
	}
	prog, err := prepare(code)
	if err != nil {
		return fail(fmt.Errorf("sandbox: %w", err))
	}
	if err := checkImports(prog.imports); err != nil {
		return fail(err)
	}
	ok, err := confirm(ctx, opts, code, layers)
	if err != nil {
		return fail(fmt.Errorf("sandbox: asking to run the code: %w", err))
	}
	if !ok {
		return fail(fmt.Errorf("sandbox: %w", ErrDeclined))
	}
	req := request{Timeout: opts.Timeout, MemoryLimit: opts.MemoryLimit}
	if prog.withValue != "" {
		req.Programs = append(req.Programs, prog.withValue)
		req.Capturing = true
	}
	req.Programs = append(req.Programs, prog.plain)
	if err := execute(ctx, opts, req, res, childConfig{Skip: s.skip, MaxProcs: s.maxProcs}); err != nil {
		return fail(err)
	}
	return res, nil
}

// Kill reasons, in the order they are checked.
const (
	reasonNone = iota
	reasonCancel
	reasonTimeout
	reasonMemory
	reasonOutput
	reasonQuota
)

// startGrace is how long the parent waits past the time limit (the child's start-up and its own stopping)
// before it kills the child.
const startGrace = 2 * time.Second

// execute starts the child with req and fills res from what it reports.
// test carries the test-only fields of the child's configuration (Skip, MaxProcs).
func execute(ctx context.Context, opts Options, req request, res *Result, test childConfig) error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("sandbox: finding this program to start the sandbox: %w", err)
	}
	dir, err := makeScratch()
	if err != nil {
		return fmt.Errorf("sandbox: making the scratch folder: %w", err)
	}
	defer removeTree(dir)
	input, err := json.Marshal(req)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	ns := opts.Confinement != Unconfined && probe().ns && !slices.Contains(test.Skip, "namespaces")
	cfg := childConfig{Level: opts.Confinement, NS: ns, Dir: dir, MemoryLimit: opts.MemoryLimit,
		MaxFileSize: opts.MaxFileSize, QuotaBytes: opts.ScratchQuota, QuotaFiles: opts.MaxFiles,
		Skip: test.Skip, MaxProcs: test.MaxProcs}
	env, err := childEnviron(stageConfine, cfg)
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("sandbox: %w", err)
	}
	defer outR.Close()
	respR, respW, err := os.Pipe()
	if err != nil {
		outW.Close()
		return fmt.Errorf("sandbox: %w", err)
	}
	defer respR.Close()

	newCmd := func(ns bool) *exec.Cmd {
		cmd := exec.Command(exe)
		cmd.Dir = dir
		cmd.Env = env
		cmd.Stdin = bytes.NewReader(input)
		cmd.Stdout = outW
		cmd.Stderr = outW
		cmd.ExtraFiles = []*os.File{respW} // fd 3 = childFD
		configure(cmd, ns)
		return cmd
	}
	// The parent-death signal is tied to the thread that starts the child: keep this goroutine on it until
	// the child is gone, so that the Go runtime does not retire the thread under a running child.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	start := time.Now()
	cmd := newCmd(ns)
	err = cmd.Start()
	if err != nil && ns {
		// Namespaces worked for the probe but not now (a namespace limit reached, say): the other layers do
		// not need them.
		ns, cfg.NS = false, false
		if env, err = childEnviron(stageConfine, cfg); err == nil {
			cmd = newCmd(false)
			err = cmd.Start()
		}
	}
	outW.Close()
	respW.Close()
	if err != nil {
		return fmt.Errorf("sandbox: starting %s: %w", exe, err)
	}

	var (
		mu     sync.Mutex
		reason = reasonNone
	)
	stop := func(r int) {
		mu.Lock()
		if reason == reasonNone {
			reason = r
		}
		mu.Unlock()
		kill(cmd.Process)
	}

	// Output, up to the limit; past it the child is stopped.
	var out bytes.Buffer
	outDone := make(chan struct{})
	go func() {
		defer close(outDone)
		buf := make([]byte, 32<<10)
		for {
			n, err := outR.Read(buf)
			if n > 0 {
				room := opts.MaxOutput - out.Len()
				if n > room {
					out.Write(buf[:max(room, 0)])
					res.Truncated = true
					stop(reasonOutput)
				} else {
					out.Write(buf[:n])
				}
			}
			if err != nil {
				return
			}
		}
	}()
	// The response.
	var resp *response
	respDone := make(chan struct{})
	go func() {
		defer close(respDone)
		data, err := io.ReadAll(io.LimitReader(respR, 1<<20))
		if err != nil || len(bytes.TrimSpace(data)) == 0 {
			return
		}
		var r response
		if json.Unmarshal(data, &r) == nil {
			resp = &r
		}
	}()
	// Time, memory, the scratch quota and cancellation. In namespaces the child's scratch folder is its own
	// mount, seen through /proc/PID/root.
	scratch := dir
	if ns {
		scratch = fmt.Sprintf("/proc/%d/root%s", cmd.Process.Pid, dir)
	}
	watchDone := make(chan struct{})
	go func() {
		timer := time.NewTimer(opts.Timeout + startGrace)
		defer timer.Stop()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		var scratchBytes int64
		for n := 0; ; n++ {
			select {
			case <-watchDone:
				return
			case <-ctx.Done():
				stop(reasonCancel)
				return
			case <-timer.C:
				stop(reasonTimeout)
				return
			case <-tick.C:
				if n%5 == 0 {
					b, files := usage(scratch, opts.MaxFiles)
					if b > opts.ScratchQuota || files > opts.MaxFiles {
						stop(reasonQuota)
						return
					}
					if onTmpfs(scratch) {
						scratchBytes = b // memory: counted in the memory limit
					}
				}
				if rss, ok := residentBytes(cmd.Process.Pid); ok && rss+scratchBytes > opts.MemoryLimit {
					stop(reasonMemory)
					return
				}
			}
		}
	}()
	waitErr := cmd.Wait()
	close(watchDone)
	<-outDone
	<-respDone
	res.Duration = time.Since(start)
	res.Output = out.String()
	if resp != nil && resp.Layers != nil {
		res.Layers = *resp.Layers
	}
	if resp != nil {
		res.fds = resp.FDs
	}

	mu.Lock()
	r := reason
	mu.Unlock()
	switch r {
	case reasonCancel:
		return fmt.Errorf("sandbox: the run was interrupted: %w", ctx.Err())
	case reasonTimeout:
		return timeoutError(opts)
	case reasonMemory:
		return memoryError(opts)
	case reasonQuota:
		return fmt.Errorf("sandbox: %w: the program wrote more than %s or %d files in its scratch folder and was stopped",
			ErrQuota, size(opts.ScratchQuota), opts.MaxFiles)
	case reasonOutput:
		if !crashed(res.Output) {
			return fmt.Errorf("sandbox: %w: the program printed more than %s and was stopped", ErrOutput, size(int64(opts.MaxOutput)))
		}
		// The runtime's report of a crash filled the output: the crash is what happened.
		res.Truncated = false
		return crashOutcome(res, waitErr, opts)
	}
	if resp != nil {
		switch resp.Kind {
		case "ok":
			res.Value, res.HasValue = resp.Value, resp.HasValue
			return nil
		case "compile":
			if strings.HasPrefix(resp.Message, "sandbox: import") {
				return fmt.Errorf("%s: %w", resp.Message, ErrNotAllowed)
			}
			return fmt.Errorf("sandbox: %w: %s", ErrCompile, resp.Message)
		case "panic":
			return fmt.Errorf("sandbox: %w: %s", ErrPanic, resp.Message)
		case "timeout":
			return timeoutError(opts)
		case "exit":
			if resp.ExitCode == 0 {
				return nil
			}
			return fmt.Errorf("sandbox: %w with status %d", ErrExit, resp.ExitCode)
		case "unconfined":
			if strings.Contains(resp.Message, ErrUnconfined.Error()) {
				return unconfinedError(res.Layers)
			}
			return fmt.Errorf("sandbox: %w: %s", ErrUnconfined, resp.Message)
		default:
			return fmt.Errorf("sandbox: %w: %s", ErrCrashed, resp.Message)
		}
	}
	return crashOutcome(res, waitErr, opts)
}

// crashOutcome explains a child that died without a response and cuts the runtime's report from the output.
func crashOutcome(res *Result, waitErr error, opts Options) error {
	err := crashError(res.Output, waitErr, opts)
	res.Output = trimRuntimeReport(res.Output)
	return err
}

// crashed reports whether the output holds the Go runtime's report of a fatal error.
func crashed(output string) bool {
	return strings.Contains(output, "\nfatal error: ") || strings.HasPrefix(output, "fatal error: ") ||
		strings.Contains(output, "runtime: goroutine stack exceeds")
}

// trimRuntimeReport cuts the Go runtime's report of a crash (fatal error, stack traces) from the output; the
// error says what happened.
func trimRuntimeReport(output string) string {
	cut := len(output)
	for _, marker := range []string{"runtime: ", "fatal error: ", "goroutine ", "runtime stack:", "[signal "} {
		if strings.HasPrefix(output, marker) {
			return ""
		}
		if i := strings.Index(output, "\n"+marker); i >= 0 && i+1 < cut {
			cut = i + 1
		}
	}
	return output[:cut]
}

func timeoutError(opts Options) error {
	return fmt.Errorf("sandbox: %w: the program ran longer than %s and was stopped", ErrTimeout, opts.Timeout)
}

func memoryError(opts Options) error {
	return fmt.Errorf("sandbox: %w: the program needed more than %s of memory and was stopped", ErrMemory, size(opts.MemoryLimit))
}

// crashError explains a child that died without a response, from the runtime's last words.
func crashError(output string, waitErr error, opts Options) error {
	switch {
	case strings.Contains(output, "stack overflow") || strings.Contains(output, "goroutine stack exceeds"):
		return fmt.Errorf("sandbox: %w: stack overflow (unbounded recursion?)", ErrMemory)
	case strings.Contains(output, "out of memory") || strings.Contains(output, "cannot allocate memory"):
		return memoryError(opts)
	case strings.Contains(output, "thread exhaustion") || strings.Contains(output, "-thread limit"):
		return fmt.Errorf("sandbox: %w: the program started too many threads", ErrCrashed)
	}
	if i := strings.LastIndex(output, "\npanic: "); i >= 0 || strings.HasPrefix(output, "panic: ") {
		line, _, _ := strings.Cut(output[i+1+len("panic: "):], "\n")
		line = strings.TrimSuffix(strings.TrimSpace(line), " [recovered, repanicked]")
		line = strings.TrimSuffix(line, " [recovered]")
		return fmt.Errorf("sandbox: %w in a goroutine: %s", ErrPanic, capText(line, maxMessage))
	}
	if i := strings.LastIndex(output, "fatal error: "); i >= 0 {
		line, _, _ := strings.Cut(output[i+len("fatal error: "):], "\n")
		return fmt.Errorf("sandbox: %w: %s", ErrCrashed, capText(strings.TrimSpace(line), maxMessage))
	}
	return fmt.Errorf("sandbox: %w: %v", ErrCrashed, waitErr)
}

// size writes a byte count in the largest binary unit that keeps it whole.
func size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
