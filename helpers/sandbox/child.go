package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/traefik/yaegi/interp"

	"github.com/golm-dev/golm/helpers/display"
)

// childEnv is the environment variable that marks a process as a sandbox child, and says which stage it is
// (see confine_linux.go). The parent sets it when it starts the child; the child's environment holds
// nothing else of the parent's (no API keys).
const childEnv = "GOLM_SANDBOX_CHILD"

// configEnv carries the child's configuration (childConfig, as JSON).
const configEnv = "GOLM_SANDBOX_CONFIG"

// The stages of a sandbox child.
const (
	stageProbe   = "probe"   // exits at once: the parent checks that namespaces work
	stageConfine = "confine" // confines itself, then executes stage run
	stageRun     = "run"     // finishes confinement, then runs the program
)

// childFD is the file descriptor on which the child writes its response.
const childFD = 3

// maxMessage caps the messages the child reports (a panic's value, a compile error).
const maxMessage = 4 << 10

// The sandbox child is the same executable as the parent, started again with childEnv set. Every binary that
// links this package — the golm kernel, a program, a test binary — becomes a child here, before its main (or
// its tests) run, so no cooperation from main is needed.
func init() {
	switch os.Getenv(childEnv) {
	case "":
		return
	case stageProbe:
		os.Exit(0)
	case stageConfine:
		os.Exit(confineMain())
	case stageRun:
		os.Exit(childMain())
	}
	os.Exit(3)
}

// childConfig is what the parent tells the child in its environment, before the child is confined.
type childConfig struct {
	Level       Confinement `json:"level"`
	NS          bool        `json:"ns,omitempty"` // started in new namespaces
	Dir         string      `json:"dir"`          // the scratch folder
	MemoryLimit int64       `json:"memory_limit"`
	MaxFileSize int64       `json:"max_file_size"`
	QuotaBytes  int64       `json:"quota_bytes"`
	QuotaFiles  int         `json:"quota_files"`
	Layers      Layers      `json:"layers"` // what stage confine applied
	// Skip names layers the child leaves out as if the system lacked them ("landlock", "seccomp",
	// "no_new_privs"): set only by this package's tests, to check the refusal.
	Skip []string `json:"skip,omitempty"`
	// MaxProcs, when set, replaces GOMAXPROCS=1 (tests of the race-based attack only).
	MaxProcs int `json:"max_procs,omitempty"`
}

// skips reports whether the configuration leaves out a layer.
func (c childConfig) skips(layer string) bool { return slices.Contains(c.Skip, layer) }

// childEnviron is the child's whole environment: nothing of the parent's.
func childEnviron(stage string, cfg childConfig) ([]string, error) {
	data, err := childEnvironJSON(cfg)
	if err != nil {
		return nil, err
	}
	procs := 1
	if cfg.MaxProcs > 0 {
		procs = cfg.MaxProcs
	}
	return []string{childEnv + "=" + stage, configEnv + "=" + data, "GOMAXPROCS=" + strconv.Itoa(procs), "GOTRACEBACK=none",
		"HOME=" + cfg.Dir, "TMPDIR=" + cfg.Dir, "PATH=/nonexistent"}, nil
}

// childEnvironJSON is the configuration as configEnv holds it.
func childEnvironJSON(cfg childConfig) (string, error) {
	data, err := json.Marshal(cfg)
	return string(data), err
}

func readChildConfig() (childConfig, error) {
	var cfg childConfig
	err := json.Unmarshal([]byte(os.Getenv(configEnv)), &cfg)
	return cfg, err
}

// request is what the parent sends the child on its standard input.
type request struct {
	// Programs are tried in order: the first that compiles runs. (The program that captures the last
	// expression's value comes first; when it does not compile, the plain one runs.)
	Programs    []string      `json:"programs"`
	Capturing   bool          `json:"capturing"` // Programs[0] captures a value
	Timeout     time.Duration `json:"timeout"`
	MemoryLimit int64         `json:"memory_limit"`
	// Payload names a compiled function of this package's tests (testPayloads) that the child runs instead of
	// a program, once confined: it stands for hostile code that got out of the interpreter.
	Payload    string `json:"payload,omitempty"`
	PayloadArg string `json:"payload_arg,omitempty"`
}

// response is what the child reports on childFD. Kind is "ok", "compile", "panic", "timeout", "exit",
// "unconfined" or "internal".
type response struct {
	Kind     string `json:"kind"`
	Message  string `json:"message,omitempty"`
	Value    string `json:"value,omitempty"`
	HasValue bool   `json:"has_value,omitempty"`
	ExitCode int    `json:"exit_code,omitempty"`
	// Layers is the confinement that held.
	Layers *Layers `json:"layers,omitempty"`
	// FDs are the descriptors open when the program started.
	FDs []int `json:"fds,omitempty"`
}

// testPayloads are set by this package's tests only (see request.Payload); nil in every other binary.
var testPayloads map[string]func(arg string) string

// writeResponse writes the response once; later calls do nothing.
var responseOnce sync.Once

func writeResponse(r response) {
	responseOnce.Do(func() {
		out := os.NewFile(childFD, "response")
		r.Message = capText(r.Message, maxMessage)
		_ = json.NewEncoder(out).Encode(r) // nothing to do if the parent went away
		_ = out.Close()
	})
}

// refuse reports that the child cannot be confined as asked and returns the exit status.
func refuse(layers Layers, msg string) int {
	writeResponse(response{Kind: "unconfined", Message: msg, Layers: &layers})
	return 3
}

// capText cuts s to at most n bytes (on a rune boundary), saying so.
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… [%d more bytes]", len(s)-cut)
}

// childMain is stage run: it finishes confinement, reads the request, and runs the program in a restricted
// interpreter, then writes the response. It returns the exit status.
func childMain() int {
	fds := openFDs()
	cfg, err := readChildConfig()
	if err != nil {
		return refuse(Layers{}, "reading the configuration: "+err.Error())
	}
	layers := cfg.Layers
	if cfg.Level != Unconfined && !cfg.skips("seccomp") {
		confineThreads(&layers)
	}
	if cfg.Level == Strict && !layers.strictOK() {
		return refuse(layers, unconfinedError(layers).Error())
	}
	send := func(r response) {
		r.Layers, r.FDs = &layers, fds
		writeResponse(r)
	}
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		send(response{Kind: "internal", Message: "reading the request: " + err.Error()})
		return 3
	}
	setSoftLimits(req)
	if req.Payload != "" {
		f, ok := testPayloads[req.Payload]
		if !ok {
			send(response{Kind: "internal", Message: "no test payload " + req.Payload})
			return 3
		}
		send(response{Kind: "ok", Value: f(req.PayloadArg), HasValue: true})
		return 0
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

// maxThreads is the most threads the child's Go runtime may start.
const maxThreads = 256

// setSoftLimits sets the limits the Go runtime enforces itself: the heap target, the stack size of a
// goroutine and the number of threads.
func setSoftLimits(req request) {
	if req.MemoryLimit > 0 {
		debug.SetMemoryLimit(req.MemoryLimit)
		debug.SetMaxStack(int(max(req.MemoryLimit/4, 1<<20)))
	}
	debug.SetMaxThreads(maxThreads)
}
