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
}

// Serve runs the worker: it reads requests from in and writes events to out, while cells print to the
// process's standard output and error. It returns when in is closed.
func Serve(in io.Reader, out io.Writer, cfg Config) error {
	if cfg.MemoryLimit > 0 {
		debug.SetMemoryLimit(cfg.MemoryLimit)
	}
	debug.SetMaxStack(512 << 20)
	if cfg.StuckAfter == 0 {
		cfg.StuckAfter = 2 * time.Second
	}
	w := &worker{enc: json.NewEncoder(out), cfg: cfg, inputs: make(chan Request, 1)}
	sess, err := engine.New(engine.Options{
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		Input:     w.input,
		Symbols:   cfg.Symbols,
		Preferred: cfg.Preferred,
		Docs:      cfg.Docs,
	})
	if err != nil {
		return fmt.Errorf("starting the Go session: %w", err)
	}
	w.sess = sess
	log.SetOutput(compileLogFilter{sess: sess, w: os.Stderr})
	display.SetFrontend(w)
	if cfg.Setup != nil {
		cfg.Setup(sess)
	}
	if err := w.send(Event{Kind: EvReady}, false); err != nil {
		return err
	}
	queue := make(chan Request, 16)
	go func() {
		defer close(queue)
		dec := json.NewDecoder(bufio.NewReader(in))
		for {
			var r Request
			if err := dec.Decode(&r); err != nil {
				return
			}
			switch r.Op {
			case OpInterrupt:
				w.interrupt()
			case OpInput:
				select {
				case w.inputs <- r:
				default: // nobody is waiting: drop it
				}
			default:
				queue <- r
			}
		}
	}()
	for r := range queue {
		w.handle(r)
	}
	return nil
}

type worker struct {
	cfg  Config
	sess *engine.Session

	encMu sync.Mutex
	enc   *json.Encoder
	sync  atomic.Uint64

	mu     sync.Mutex
	cur    uint64 // id of the running request
	cancel context.CancelFunc
	stdin  bool

	inputs chan Request
}

// send writes an event; with sync it first writes a sync mark into both output pipes so that the
// parent publishes the event after everything printed before it.
func (w *worker) send(ev Event, sync bool) error {
	w.encMu.Lock()
	defer w.encMu.Unlock()
	if sync {
		n := w.sync.Add(1)
		m := mark(n)
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

func (w *worker) handle(r Request) {
	switch r.Op {
	case OpExecute:
		w.execute(r)
	case OpComplete:
		matches, start, end := w.sess.Complete(r.Code, r.Cursor)
		_ = w.send(Event{ID: r.ID, Kind: EvComplete, Matches: matches, CursorStart: start, CursorEnd: end}, false)
	case OpInspect:
		b, found := w.sess.Inspect(r.Code, r.Cursor, r.Detail)
		ev := Event{ID: r.ID, Kind: EvInspect, Found: found}
		if found {
			ev.Bundle = &Bundle{Data: b.Data, Metadata: b.Metadata}
		}
		_ = w.send(ev, false)
	default:
		_ = w.send(Event{ID: r.ID, Kind: EvDone, Error: &ErrorInfo{Name: "ProtocolError", Value: "unknown operation " + r.Op}}, false)
	}
}

func (w *worker) execute(r Request) {
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
			_ = w.send(Event{ID: r.ID, Kind: EvStuck}, true)
			return
		}
		_ = w.send(Event{ID: r.ID, Kind: EvError, Error: errorInfo(err)}, true)
	} else if res != nil {
		if res.Value != nil && !r.Silent {
			_ = w.send(Event{ID: r.ID, Kind: EvResult, Bundle: &Bundle{Data: res.Value.Data, Metadata: res.Value.Metadata}}, true)
		}
	}
	done := Event{ID: r.ID, Kind: EvDone}
	if res != nil && res.Page != nil {
		done.Page = &Bundle{Data: res.Page.Data}
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

func errorInfo(err error) *ErrorInfo {
	var e *engine.Error
	if errors.As(err, &e) {
		return &ErrorInfo{Name: e.Name, Value: e.Value, Traceback: e.Lines()}
	}
	return &ErrorInfo{Name: "error", Value: err.Error(), Traceback: []string{err.Error()}}
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
	return w.send(Event{ID: w.current(), Kind: EvDisplay, Bundle: &Bundle{Data: b.Data, Metadata: b.Metadata}, DisplayID: id}, true)
}

// Update sends an update_display_data event.
func (w *worker) Update(b display.Bundle, id string) error {
	return w.send(Event{ID: w.current(), Kind: EvUpdate, Bundle: &Bundle{Data: b.Data, Metadata: b.Metadata}, DisplayID: id}, true)
}

// Clear sends a clear_output event.
func (w *worker) Clear(wait bool) error {
	return w.send(Event{ID: w.current(), Kind: EvClear, Wait: wait}, true)
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
	if err := w.send(Event{ID: id, Kind: EvInput, Prompt: prompt, Password: password}, true); err != nil {
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
