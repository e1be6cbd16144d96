// Package worker is the worker process's side of the kernel: it runs the Go interpreter (package engine)
// for the kernel, which starts it as "golm worker" and supervises it (package supervisor). It reads
// requests and writes events on the pipes of package pipe, while cells print to the process's own standard
// output and error, which the kernel captures.
//
// A worker never outlives its kernel: it exits when its request pipe reaches end-of-file (the kernel closed
// it or died), even while a cell runs. On Linux the kernel also asks the system to kill the worker when the
// kernel dies; elsewhere the worker also watches its parent process id (Config.ParentPoll).
package worker

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/internal/kernel/engine"
	"github.com/golm-dev/golm/internal/kernel/pipe"
	"github.com/traefik/yaegi/interp"
)

// Config configures the worker side.
type Config struct {
	// Symbols, Preferred and Docs are passed to the engine (see engine.Options).
	Symbols   interp.Exports
	Preferred map[string]string
	Docs      func(pkgPath, name string) (string, bool)
	// MemoryLimit is the soft memory limit of the Go runtime, in bytes (0: none). The parent kills the
	// worker a little above it.
	MemoryLimit int64
	// StuckAfter is how long an interrupted cell may take to stop before the worker asks for a restart.
	StuckAfter time.Duration
	// Setup runs once the session exists, before the first request (the kernel installs helper hooks).
	Setup func(*engine.Session)
	// ParentPoll is how often the worker checks that its parent process still runs, and ends when it does
	// not: 0 takes the platform's default (never on Linux, where the kernel asks the system to kill the
	// worker when the kernel dies; twice a second elsewhere), a negative value never checks. The request
	// pipe's end-of-file ends the worker on every platform.
	ParentPoll time.Duration
}

// parentPoll returns how often to check the parent process (0: never).
func (c Config) parentPoll() time.Duration {
	switch {
	case c.ParentPoll < 0:
		return 0
	case c.ParentPoll == 0:
		return defaultParentPoll
	}
	return c.ParentPoll
}

// Serve runs the worker: it reads requests from in and writes events to out, while cells print to the
// process's standard output and error. It returns nil when in reaches end-of-file (the kernel closed the
// pipe or died) or when the parent process is gone (see Config.ParentPoll), and an error when reading in
// fails or a request is malformed, without waiting for a running cell: Serve is the worker process's main
// loop, and the process should exit when it returns. If a cell was running, it first says on standard
// error, in a line that starts with "golm worker: ", why it stops (the kernel shows it if it did not
// expect the end).
func Serve(in io.Reader, out io.Writer, cfg Config) error {
	if cfg.MemoryLimit > 0 {
		debug.SetMemoryLimit(cfg.MemoryLimit)
	}
	debug.SetMaxStack(512 << 20)
	if cfg.StuckAfter == 0 {
		cfg.StuckAfter = 2 * time.Second
	}
	// The key of this worker's sync marks, given by the kernel; cells do not see it in the environment.
	key := os.Getenv(pipe.KeyEnv)
	os.Unsetenv(pipe.KeyEnv)
	w := &worker{enc: json.NewEncoder(out), cfg: cfg, key: key, inputs: make(chan pipe.Request, 1)}
	// Creating the interpreter allocates much short-lived data (the prelude's syntax trees, the symbol
	// tables' wrappers): collecting garbage as it goes took 13 of the worker's 45 ms of processor time to
	// ready. Collect once, a moment after the worker said it is ready, and give the memory back (settle).
	gcPercent := debug.SetGCPercent(-1)
	sess, err := engine.New(engine.Options{
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		Input:     w.input,
		Symbols:   cfg.Symbols,
		Preferred: cfg.Preferred,
		Docs:      cfg.Docs,
	})
	if err != nil {
		debug.SetGCPercent(gcPercent)
		return fmt.Errorf("starting the Go session: %w", err)
	}
	w.sess = sess
	log.SetOutput(compileLogFilter{sess: sess, w: os.Stderr})
	display.SetFrontend(w)
	if cfg.Setup != nil {
		cfg.Setup(sess)
	}
	if err := w.send(pipe.Event{Kind: pipe.EvReady}, false); err != nil {
		return err
	}
	time.AfterFunc(settleAfter, func() { settle(gcPercent) })
	inFD := fdOf(in)            // what the request pipe is, to tell later whether it was closed or replaced
	stop := make(chan struct{}) // closed when the kernel is gone
	var (
		once sync.Once
		why  error // why stop was closed
	)
	end := func(err error) { once.Do(func() { why = err; close(stop) }) }
	if every := cfg.parentPoll(); every > 0 {
		go watchParent(stop, every, os.Getppid, func() { end(errParentGone) })
	}
	queue := make(chan pipe.Request, 16)
	go func() {
		dec := json.NewDecoder(bufio.NewReader(in))
		for {
			var r pipe.Request
			if err := dec.Decode(&r); err != nil {
				end(err)
				return
			}
			switch r.Op {
			case pipe.OpInterrupt:
				w.interrupt()
			case pipe.OpInput:
				select {
				case w.inputs <- r:
				default: // nobody is waiting: drop it
				}
			default:
				select {
				case queue <- r:
				case <-stop:
					return
				}
			}
		}
	}()
	go func() {
		for {
			select {
			case r := <-queue:
				w.handle(r)
			case <-stop:
				return
			}
		}
	}()
	<-stop
	return w.stopped(why, inFD.changed())
}

// requestFD is the file descriptor of the request pipe and what it was when Serve began.
type requestFD struct {
	fd  int // -1: not a file, or the system cannot say
	was string
}

// changed says how the file descriptor changed since Serve began ("" if it did not, or nobody can say).
func (r requestFD) changed() string {
	if r.fd < 0 {
		return ""
	}
	if now := describeFD(r.fd); now != r.was {
		return fmt.Sprintf("its file descriptor %d was %s and is now %s: something in the session closed or replaced it", r.fd, r.was, now)
	}
	return ""
}

func fdOf(in io.Reader) requestFD {
	if f, ok := in.(*os.File); ok {
		fd := int(f.Fd())
		if was := describeFD(fd); was != "" && was != fdClosed {
			return requestFD{fd, was}
		}
	}
	return requestFD{fd: -1}
}

// fdClosed is what describeFD says of a closed file descriptor.
const fdClosed = "closed"

// errParentGone is why the worker stops when its parent process is gone.
var errParentGone = errors.New("the kernel process is gone")

// stopped returns what Serve returns when it stops for why (fd: how the request pipe's file descriptor
// changed, if it did), and says on standard error why a running cell ends with the process.
func (w *worker) stopped(why error, fd string) error {
	var err error
	switch {
	case errors.Is(why, io.EOF) && fd == "":
		why = errors.New("the kernel closed the request pipe")
	case errors.Is(why, errParentGone):
	default:
		if fd != "" {
			why = fmt.Errorf("%w; %s", why, fd)
		}
		err = fmt.Errorf("reading the kernel's requests: %w", why)
	}
	if id := w.current(); id != 0 && err == nil {
		fmt.Fprintf(os.Stderr, "\ngolm worker: %v while request %d ran (kernel pid %d)\n", why, id, os.Getppid())
	}
	return err
}

// settleAfter is how long after ready the worker turns the garbage collector back on: long enough for a
// first cell sent at once (Run All) to have its answer before the collection runs, short enough that a
// cell allocating much meanwhile is still bounded (by the memory limit, which the collector keeps to even
// while off, and by the time).
const settleAfter = 200 * time.Millisecond

// settle turns the garbage collector back on after the interpreter's creation, collects what the creation
// left and returns the freed memory to the system: an idle worker (a spare above all) then holds 14 MiB of
// private memory where one that collected as it went held 18 and one that only turned it back on 20
// (measured after 1 and 5 s). It costs about 10 ms of processor time, after ready.
func settle(gcPercent int) {
	debug.SetGCPercent(gcPercent)
	debug.FreeOSMemory()
}

type worker struct {
	cfg  Config
	sess *engine.Session

	encMu sync.Mutex
	enc   *json.Encoder
	sync  atomic.Uint64
	key   string // of the sync marks (see pipe.Mark)

	mu     sync.Mutex
	cur    uint64 // id of the running request
	cancel context.CancelFunc
	stdin  bool

	inputs chan pipe.Request
}

// send writes an event; with sync it first writes a sync mark into both output pipes so that the
// parent publishes the event after everything printed before it.
func (w *worker) send(ev pipe.Event, sync bool) error {
	w.encMu.Lock()
	defer w.encMu.Unlock()
	if sync {
		n := w.sync.Add(1)
		m := pipe.Mark(w.key, n)
		_, _ = os.Stdout.Write(m)
		_, _ = os.Stderr.Write(m)
		ev.Sync = n
	}
	if err := w.enc.Encode(ev); err != nil {
		return fmt.Errorf("sending %s event: %w", ev.Kind, err)
	}
	return nil
}

func (w *worker) current() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.cur
}

func (w *worker) interrupt() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancel != nil {
		w.cancel()
	}
}

func (w *worker) handle(r pipe.Request) {
	switch r.Op {
	case pipe.OpExecute:
		w.execute(r)
	case pipe.OpComplete:
		matches, start, end := w.sess.Complete(r.Code, r.Cursor)
		_ = w.send(pipe.Event{ID: r.ID, Kind: pipe.EvComplete, Matches: matches, CursorStart: start, CursorEnd: end}, false)
	case pipe.OpInspect:
		b, found := w.sess.Inspect(r.Code, r.Cursor, r.Detail)
		ev := pipe.Event{ID: r.ID, Kind: pipe.EvInspect, Found: found}
		if found {
			ev.Bundle = &pipe.Bundle{Data: b.Data, Metadata: b.Metadata}
		}
		_ = w.send(ev, false)
	default:
		_ = w.send(pipe.Event{ID: r.ID, Kind: pipe.EvDone, Error: &pipe.ErrorInfo{Name: "ProtocolError", Value: "unknown operation " + r.Op}}, false)
	}
}

func (w *worker) execute(r pipe.Request) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	w.mu.Lock()
	w.cur, w.cancel, w.stdin = r.ID, cancel, r.AllowStdin
	w.mu.Unlock()
	defer func() {
		w.mu.Lock()
		w.cur, w.cancel, w.stdin = 0, nil, false
		w.mu.Unlock()
	}()

	res, err := w.sess.Execute(ctx, r.Code)
	if err != nil {
		if ctx.Err() != nil && w.stuck() {
			_ = w.send(pipe.Event{ID: r.ID, Kind: pipe.EvStuck}, true)
			return
		}
		_ = w.send(pipe.Event{ID: r.ID, Kind: pipe.EvError, Error: errorInfo(err)}, true)
	} else if res != nil {
		if res.Value != nil && !r.Silent {
			_ = w.send(pipe.Event{ID: r.ID, Kind: pipe.EvResult, Bundle: &pipe.Bundle{Data: res.Value.Data, Metadata: res.Value.Metadata}}, true)
		}
	}
	done := pipe.Event{ID: r.ID, Kind: pipe.EvDone}
	if res != nil && res.Page != nil {
		done.Page = &pipe.Bundle{Data: res.Page.Data}
	}
	if len(r.UserExpressions) > 0 {
		done.UserExpressions = map[string]any{}
		for name, expr := range r.UserExpressions {
			done.UserExpressions[name] = w.userExpression(expr)
		}
	}
	_ = w.send(done, true)
}

// userExpression evaluates one of an execute request's user_expressions, in the protocol's reply form.
func (w *worker) userExpression(expr string) any {
	b, err := w.sess.Evaluate(context.Background(), expr)
	if err != nil {
		info := errorInfo(err)
		return map[string]any{"status": "error", "ename": info.Name, "evalue": info.Value, "traceback": info.Traceback}
	}
	return map[string]any{"status": "ok", "data": b.Data, "metadata": map[string]any{}}
}

func errorInfo(err error) *pipe.ErrorInfo {
	var e *engine.Error
	if errors.As(err, &e) {
		return &pipe.ErrorInfo{Name: e.Name, Value: e.Value, Traceback: e.Lines()}
	}
	return &pipe.ErrorInfo{Name: "error", Value: err.Error(), Traceback: []string{err.Error()}}
}

// stuck waits a grace period for an interrupted cell's interpreter goroutine to finish, and reports
// whether it is still running (busy in compiled code that ignores the context).
func (w *worker) stuck() bool {
	deadline := time.Now().Add(w.cfg.StuckAfter)
	for {
		if !interpreterRunning() {
			return false
		}
		if time.Now().After(deadline) {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// interpreterRunning reports whether the goroutine the interpreter starts for a cell is still alive (the
// probe is one of the engine's interpreter quirks, tested there).
func interpreterRunning() bool { return engine.InterpreterRunning() }

// compileLogFilter drops what the interpreter logs while it compiles (see engine.Session.Compiling).
type compileLogFilter struct {
	sess *engine.Session
	w    io.Writer
}

func (f compileLogFilter) Write(p []byte) (int, error) {
	if f.sess.Compiling() {
		return len(p), nil
	}
	return f.w.Write(p)
}

// Display, Update, Clear and Input make the worker the display package's front end.

// Display sends a display_data event.
func (w *worker) Display(b display.Bundle, id string) error {
	return w.send(pipe.Event{ID: w.current(), Kind: pipe.EvDisplay, Bundle: &pipe.Bundle{Data: b.Data, Metadata: b.Metadata}, DisplayID: id}, true)
}

// Update sends an update_display_data event.
func (w *worker) Update(b display.Bundle, id string) error {
	return w.send(pipe.Event{ID: w.current(), Kind: pipe.EvUpdate, Bundle: &pipe.Bundle{Data: b.Data, Metadata: b.Metadata}, DisplayID: id}, true)
}

// Clear sends a clear_output event.
func (w *worker) Clear(wait bool) error {
	return w.send(pipe.Event{ID: w.current(), Kind: pipe.EvClear, Wait: wait}, true)
}

// Input asks the front end for a line of text.
func (w *worker) Input(ctx context.Context, prompt string, password bool) (string, error) {
	return w.input(ctx, prompt, password)
}

func (w *worker) input(ctx context.Context, prompt string, password bool) (string, error) {
	w.mu.Lock()
	id, allowed := w.cur, w.stdin
	w.mu.Unlock()
	if id == 0 || !allowed {
		return "", errors.New("input is not available: the front end does not accept input for this cell")
	}
	select { // drop a stale answer
	case <-w.inputs:
	default:
	}
	if err := w.send(pipe.Event{ID: id, Kind: pipe.EvInput, Prompt: prompt, Password: password}, true); err != nil {
		return "", err
	}
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case r := <-w.inputs:
		if r.InputErr != "" {
			return "", errors.New(r.InputErr)
		}
		return r.Input, nil
	}
}
