package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/golm-dev/golm/helpers/display"
)

// childEnv is the environment variable that marks a process as a sandbox child. The parent sets it when it
// starts the child; the child's environment holds nothing else of the parent's (no API keys).
const childEnv = "GOLM_SANDBOX_CHILD"

// childFD is the file descriptor on which the child writes its response.
const childFD = 3

// The sandbox child is the same executable as the parent, started again with childEnv set. Every binary that
// links this package — the golm kernel, a program, a test binary — becomes a child here, before its main (or
// its tests) run, so no cooperation from main is needed.
func init() {
	if os.Getenv(childEnv) != "1" {
		return
	}
	os.Exit(childMain())
}

// request is what the parent sends the child on its standard input.
type request struct {
	// Programs are tried in order: the first that compiles runs. (The program that captures the last
	// expression's value comes first; when it does not compile, the plain one runs.)
	Programs    []string      `json:"programs"`
	Capturing   bool          `json:"capturing"` // Programs[0] captures a value
	Timeout     time.Duration `json:"timeout"`
	MemoryLimit int64         `json:"memory_limit"`
	MaxFileSize int64         `json:"max_file_size"`
}

// response is what the child reports on childFD. Kind is "ok", "compile", "panic", "timeout", "exit" or
// "internal".
type response struct {
	Kind     string `json:"kind"`
	Message  string `json:"message,omitempty"`
	Value    string `json:"value,omitempty"`
	HasValue bool   `json:"has_value,omitempty"`
	ExitCode int    `json:"exit_code,omitempty"`
}

// childMain runs the child: it reads the request, limits itself, runs the program in a restricted
// interpreter and writes the response. It returns the exit status.
func childMain() int {
	out := os.NewFile(childFD, "response")
	var once sync.Once
	send := func(r response) {
		once.Do(func() {
			_ = json.NewEncoder(out).Encode(r) // nothing to do if the parent went away
			_ = out.Close()
		})
	}
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		send(response{Kind: "internal", Message: "reading the request: " + err.Error()})
		return 3
	}
	if err := applyLimits(req); err != nil {
		send(response{Kind: "internal", Message: "setting limits: " + err.Error()})
		return 3
	}
	dir, err := os.Getwd()
	if err != nil {
		send(response{Kind: "internal", Message: err.Error()})
		return 3
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		send(response{Kind: "internal", Message: err.Error()})
		return 3
	}
	sr := &scratchRoot{dir: dir, root: root}

	var mu sync.Mutex
	var value string
	var hasValue bool
	f := display.Formatter{MaxLen: 10000}
	set := func(s string) {
		mu.Lock()
		value, hasValue = s, true
		mu.Unlock()
	}
	capture := func(v any) { set(f.Format(v)) }
	captureList := func(vs []any) {
		parts := make([]string, len(vs))
		for i, v := range vs {
			parts[i] = f.Format(v)
		}
		set(strings.Join(parts, ", "))
	}
	exit := func(code int) {
		send(response{Kind: "exit", ExitCode: code})
		os.Exit(code)
	}

	for idx, src := range req.Programs {
		last := idx == len(req.Programs)-1
		i := interp.New(interp.Options{
			GoPath:               "/nonexistent/golm-sandbox",
			SourcecodeFilesystem: noSource{},
			Stdin:                strings.NewReader(""),
			Stdout:               os.Stdout,
			Stderr:               os.Stderr,
			Args:                 []string{"main"},
			Env:                  []string{},
		})
		if err := i.Use(symbols(sr, capture, captureList, exit)); err != nil {
			send(response{Kind: "internal", Message: "loading packages: " + err.Error()})
			return 3
		}
		prog, err := compile(i, src)
		if err != nil {
			if !last {
				continue
			}
			send(response{Kind: "compile", Message: cleanCompileError(err)})
			return 0
		}
		ctx, cancel := context.WithTimeout(context.Background(), req.Timeout)
		_, err = i.ExecuteWithContext(ctx, prog)
		cancel()
		var p interp.Panic
		switch {
		case errors.Is(err, context.DeadlineExceeded):
			send(response{Kind: "timeout"})
		case errors.As(err, &p):
			send(response{Kind: "panic", Message: fmt.Sprint(p.Value)})
		case err != nil:
			send(response{Kind: "panic", Message: err.Error()})
		default:
			mu.Lock()
			r := response{Kind: "ok"}
			if idx == 0 && req.Capturing {
				r.Value, r.HasValue = value, hasValue
			}
			mu.Unlock()
			send(r)
		}
		return 0
	}
	send(response{Kind: "internal", Message: "no program"})
	return 3
}

// compile compiles a program, turning a panic of the interpreter's compiler into an error.
func compile(i *interp.Interpreter, src string) (p *interp.Program, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("the interpreter failed on this code: %v", r)
		}
	}()
	return i.Compile(src)
}

// cleanCompileError rewrites the interpreter's message for an import it cannot find.
func cleanCompileError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, "import \""); i >= 0 && strings.Contains(msg, "unable to find source") {
		rest := msg[i+len("import \""):]
		if j := strings.IndexByte(rest, '"'); j >= 0 {
			return (&NotAllowedError{Package: rest[:j]}).Error()
		}
	}
	return msg
}

// noSource is the interpreter's source file system: empty, so that an import never loads code from disk.
type noSource struct{}

// Open finds nothing.
func (noSource) Open(name string) (fs.File, error) {
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// setSoftLimits sets the limits the Go runtime enforces itself: the heap target, the stack size of a
// goroutine and the number of threads.
func setSoftLimits(req request) {
	if req.MemoryLimit > 0 {
		debug.SetMemoryLimit(req.MemoryLimit)
		debug.SetMaxStack(int(max(req.MemoryLimit/4, 1<<20)))
	}
	debug.SetMaxThreads(256)
}
