// Package supervisor is the kernel's side of the worker process: it starts the worker (golm worker, package
// worker), sends it requests, reads its events and its captured output in order, and tells why it died, so
// that nothing a cell does can take the kernel down: a panic in a goroutine, os.Exit in compiled code, a
// stack overflow, running out of memory or a cell stuck in compiled code end the worker, and the kernel
// reports it and starts a fresh one.
//
// The package speaks the worker's protocol (package pipe) and does not depend on the interpreter: neither it
// nor package server imports yaegi or the engine, directly or not (the test of internal/layers holds this).
// The worker side lives in the same binary (golm worker), but the package graph shows what each side needs.
//
// A worker ends with its kernel. On Linux the supervisor asks the system to kill the worker when the kernel
// dies (Pdeathsig); everywhere the worker exits when its request pipe reaches end-of-file (see package
// worker). The package builds for Unix systems only.
package supervisor

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/golm-dev/golm/internal/kernel/pipe"
)

// Options configure a worker process on the parent side.
type Options struct {
	// Command is the worker's argv, e.g. {"/usr/local/bin/golm", "worker"}.
	Command []string
	// Env is the worker's environment (nil: the parent's).
	Env []string
	// Dir is the worker's working directory ("": the parent's).
	Dir string
	// MemoryLimit kills the worker when its resident memory exceeds it, in bytes (0: no limit).
	MemoryLimit int64
	// Stream receives the worker's output ("stdout" or "stderr") as it arrives.
	Stream func(name, text string)
	// Log receives diagnostics for the kernel's log.
	Log func(format string, args ...any)
	// Background receives events that arrive while no request is running (displays from goroutines
	// that outlive their cell).
	Background func(pipe.Event)
}

// Process is a running worker.
type Process struct {
	opts   Options
	mark   []byte // how this worker's sync marks start: pipe.MarkPrefix, its key and ":"
	cmd    *exec.Cmd
	reqMu  sync.Mutex
	req    *json.Encoder
	reqW   io.Closer
	events chan pipe.Event
	exited chan struct{} // closed when the process has exited and its pipes are drained
	ready  chan struct{}

	mu       sync.Mutex
	cond     *sync.Cond
	seen     [2]uint64 // last sync mark read on stdout, stderr
	eof      [2]bool
	handled  uint64       // sync mark of the last event handled
	evClosed bool         // no more events will come
	head     bytes.Buffer // the start of stderr since the request began, for crash reports
	stderr   ring         // the end of stderr, across requests
	reqStart int64        // stderr.total when the request began
	exitErr  error
	killedBy string // why the parent killed the worker, if it did
	closed   bool   // Close was called: the worker's output is no longer published
	nextID   uint64
	cur      *call // the running request
}

// call is a request in progress.
type call struct {
	id     uint64
	handle func(pipe.Event)
	done   chan pipe.Event
}

// Start starts a worker process. It does not wait for the worker to be ready (see Ready).
func Start(opts Options) (*Process, error) {
	if len(opts.Command) == 0 {
		return nil, errors.New("worker: no command")
	}
	if opts.Stream == nil {
		opts.Stream = func(string, string) {}
	}
	if opts.Log == nil {
		opts.Log = func(string, ...any) {}
	}
	if opts.Background == nil {
		opts.Background = func(pipe.Event) {}
	}
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("worker: pipe: %w", err)
	}
	evR, evW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("worker: pipe: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("worker: pipe: %w", err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("worker: pipe: %w", err)
	}
	cmd := exec.Command(opts.Command[0], opts.Command[1:]...)
	key := pipe.NewKey()
	cmd.Env = opts.Env
	if cmd.Env == nil {
		cmd.Env = os.Environ()
	}
	cmd.Env = append(slices.Clone(cmd.Env), pipe.KeyEnv+"="+key)
	cmd.Dir = opts.Dir
	cmd.Stdin = nil
	cmd.Stdout = outW
	cmd.Stderr = errW
	cmd.ExtraFiles = []*os.File{reqR, evW} // pipe.RequestFD, pipe.EventFD
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		for _, f := range []*os.File{reqR, reqW, evR, evW, outR, outW, errR, errW} {
			f.Close()
		}
		return nil, fmt.Errorf("worker: starting %s: %w", opts.Command[0], err)
	}
	for _, f := range []*os.File{reqR, evW, outW, errW} {
		f.Close()
	}
	p := &Process{
		opts:   opts,
		mark:   []byte(pipe.MarkPrefix + key + ":"),
		cmd:    cmd,
		req:    json.NewEncoder(reqW),
		reqW:   reqW,
		events: make(chan pipe.Event, 64),
		exited: make(chan struct{}),
		ready:  make(chan struct{}),
	}
	p.cond = sync.NewCond(&p.mu)
	var wg sync.WaitGroup
	wg.Add(4)
	go func() { defer wg.Done(); p.readStream(0, "stdout", outR) }()
	go func() { defer wg.Done(); p.readStream(1, "stderr", errR) }()
	go func() { defer wg.Done(); p.readEvents(evR) }()
	go func() { defer wg.Done(); p.dispatch() }()
	go func() {
		err := cmd.Wait()
		// The worker is gone, but a process it started (a server run from a cell) may hold its output pipes
		// open, and the readers would wait for it: give them a moment to drain what the worker wrote, then
		// end the worker's process group, then stop reading.
		read := make(chan struct{})
		go func() { wg.Wait(); close(read) }()
		select {
		case <-read:
		case <-time.After(drainGrace):
			killGroup(cmd.Process.Pid)
			select {
			case <-read:
			case <-time.After(drainGrace):
				for _, f := range []*os.File{outR, errR, evR} {
					f.Close() // a process outside the group holds them: unblock the readers
				}
				<-read
			}
		}
		p.mu.Lock()
		p.exitErr = err
		p.mu.Unlock()
		close(p.exited)
	}()
	if opts.MemoryLimit > 0 {
		go p.watchMemory()
	}
	return p, nil
}

// drainGrace is how long, after the worker exited, its output pipes may stay open (held by a process it
// started) before that process's group is killed, and then before they are closed.
const drainGrace = time.Second

// Pid returns the worker's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Ready waits until the worker has started its session, or fails if it exits first.
func (p *Process) Ready(ctx context.Context) error {
	select {
	case <-p.ready:
		return nil
	case <-p.exited:
		return p.crash()
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Exited is closed when the worker has exited.
func (p *Process) Exited() <-chan struct{} { return p.exited }

func (p *Process) readEvents(r io.Reader) {
	defer close(p.events)
	dec := json.NewDecoder(bufio.NewReader(r))
	for {
		var ev pipe.Event
		if err := dec.Decode(&ev); err != nil {
			return
		}
		if ev.Kind == pipe.EvReady {
			close(p.ready)
			continue
		}
		p.events <- ev
	}
}

// readStream reads one output pipe, publishes its text and records the sync marks it carries.
func (p *Process) readStream(idx int, name string, r io.Reader) {
	buf := make([]byte, 64<<10)
	var pending []byte // text that may end with the start of a mark
	for {
		n, err := r.Read(buf)
		if n > 0 {
			pending = append(pending, buf[:n]...)
			pending = p.consume(idx, name, pending)
		}
		if err != nil {
			if len(pending) > 0 {
				p.publish(idx, name, string(pending))
			}
			p.mu.Lock()
			p.eof[idx] = true
			p.cond.Broadcast()
			p.mu.Unlock()
			return
		}
	}
}

// consume publishes the text of data up to its last complete mark (recording the marks), and returns
// what must wait for more data: what may be the beginning of a mark at the end. Only this worker's marks
// count (they carry its key): anything else, a forged mark or text that starts like one, is text.
func (p *Process) consume(idx int, name string, data []byte) []byte {
	for {
		i := bytes.Index(data, p.mark)
		if i < 0 {
			// Keep a possible beginning of a mark.
			keep := 0
			for k := min(len(p.mark)-1, len(data)); k > 0; k-- {
				if bytes.HasSuffix(data, p.mark[:k]) {
					keep = k
					break
				}
			}
			if len(data)-keep > 0 {
				p.publish(idx, name, string(data[:len(data)-keep]))
			}
			return append([]byte(nil), data[len(data)-keep:]...)
		}
		rest := data[i+len(p.mark):]
		end := bytes.IndexByte(rest, 0)
		if end < 0 && len(rest) <= maxMarkDigits && allDigits(rest) {
			if i > 0 {
				p.publish(idx, name, string(data[:i]))
			}
			return append([]byte(nil), data[i:]...) // the rest of the mark is still to come
		}
		n, err := strconv.ParseUint(string(rest[:max(end, 0)]), 10, 64)
		if end < 0 || end > maxMarkDigits || err != nil {
			// Not a mark after all: its first byte is text, and the search goes on after it.
			p.publish(idx, name, string(data[:i+1]))
			data = data[i+1:]
			continue
		}
		if i > 0 {
			p.publish(idx, name, string(data[:i]))
		}
		// Text after the mark must follow the event that comes with it: record the mark, then wait until
		// that event has been handled.
		p.mu.Lock()
		if n > p.seen[idx] {
			p.seen[idx] = n
		}
		p.cond.Broadcast()
		for p.handled < n && !p.evClosed {
			p.cond.Wait()
		}
		p.mu.Unlock()
		data = rest[end+1:]
	}
}

// maxMarkDigits is the most digits a mark's number has (a uint64).
const maxMarkDigits = 20

func allDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func (p *Process) publish(idx int, name, text string) {
	p.mu.Lock()
	if idx == 1 {
		if room := 4<<10 - p.head.Len(); room > 0 {
			p.head.WriteString(text[:min(room, len(text))])
		}
		p.stderr.write(text)
	}
	closed := p.closed
	p.mu.Unlock()
	if !closed { // what a worker says while the kernel closes it is for the log only (see Crash)
		p.opts.Stream(name, text)
	}
}

// waitMarks waits until both output pipes have been read up to a sync mark (or closed).
func (p *Process) waitMarks(n uint64) {
	if n == 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for !((p.seen[0] >= n || p.eof[0]) && (p.seen[1] >= n || p.eof[1])) {
		p.cond.Wait()
	}
}

func (p *Process) send(r pipe.Request) error {
	p.reqMu.Lock()
	defer p.reqMu.Unlock()
	if err := p.req.Encode(r); err != nil {
		return fmt.Errorf("worker: sending %s: %w", r.Op, err)
	}
	return nil
}

// Interrupt asks the worker to cancel the running cell.
func (p *Process) Interrupt() error { return p.send(pipe.Request{Op: pipe.OpInterrupt}) }

// Answer sends the user's answer to an input event.
func (p *Process) Answer(value string, err error) error {
	r := pipe.Request{Op: pipe.OpInput, Input: value}
	if err != nil {
		r.InputErr = err.Error()
	}
	return p.send(r)
}

// dispatch hands each event, once the output before it has been published, to the running request or
// to the background handler.
func (p *Process) dispatch() {
	defer func() {
		p.mu.Lock()
		p.evClosed = true
		p.cond.Broadcast()
		p.mu.Unlock()
	}()
	for ev := range p.events {
		p.waitMarks(ev.Sync)
		p.mu.Lock()
		c := p.cur
		p.mu.Unlock()
		switch {
		case c != nil && ev.ID == c.id && isFinal(ev.Kind):
			c.done <- ev
		case c != nil:
			c.handle(ev)
		default:
			p.opts.Background(ev)
		}
		if ev.Sync > 0 {
			p.mu.Lock()
			p.handled = ev.Sync
			p.cond.Broadcast()
			p.mu.Unlock()
		}
	}
}

func isFinal(kind string) bool {
	switch kind {
	case pipe.EvDone, pipe.EvComplete, pipe.EvInspect, pipe.EvStuck:
		return true
	}
	return false
}

// Do sends a request and calls handle for each of its events, in order with the output streams, until the
// final one (done, complete, inspect, stuck), which it returns. Events that arrive meanwhile from other
// sources (displays from goroutines of earlier cells) go to handle too. Requests must not overlap. If the
// worker dies, Do returns a *Crash.
func (p *Process) Do(r pipe.Request, handle func(pipe.Event)) (pipe.Event, error) {
	c := &call{handle: handle, done: make(chan pipe.Event, 1)}
	p.mu.Lock()
	p.nextID++
	r.ID = p.nextID
	c.id = r.ID
	p.cur = c
	p.head.Reset()
	p.reqStart = p.stderr.total
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.cur = nil
		p.mu.Unlock()
	}()
	if err := p.send(r); err != nil {
		<-p.exited
		return pipe.Event{}, p.crash()
	}
	select {
	case ev := <-c.done:
		return ev, nil
	case <-p.exited:
		select { // the final event may have raced with the exit
		case ev := <-c.done:
			return ev, nil
		default:
		}
		return pipe.Event{}, p.crash()
	}
}

// Crash describes a worker that died.
type Crash struct {
	Reason string // what happened, in words
	Status string // how the process ended, as the system says: "exit status 0", "signal: killed"; Reason may not say
	// Detail is the end of the worker's standard error (at most StderrKept bytes, across requests), which
	// the kernel has also streamed to the front end as it came.
	Detail string
	// Closed reports that the kernel closed the worker (Close): the kernel is shutting down, and the
	// worker's end is no crash of the cell's making.
	Closed bool
}

func (c *Crash) Error() string { return c.Reason }

// StderrKept is how much of the end of a worker's standard error a Crash keeps.
const StderrKept = 64 << 10

// LastLines returns at most n lines (and about maxBytes) of the end of the worker's standard error, without
// blank lines at the end; "" if it wrote nothing.
func (c *Crash) LastLines(n, maxBytes int) string {
	text := strings.TrimRight(c.Detail, " \t\r\n")
	if len(text) > maxBytes {
		text = text[len(text)-maxBytes:]
		if i := strings.IndexByte(text, '\n'); i >= 0 && i < len(text)-1 {
			text = text[i+1:] // start at a whole line
		}
	}
	lines := strings.Split(text, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.TrimLeft(strings.Join(lines, "\n"), "\r\n")
}

// Crash explains why the worker exited; nil while it runs.
func (p *Process) Crash() *Crash {
	select {
	case <-p.exited:
		return p.crash()
	default:
		return nil
	}
}

// crash explains why the worker exited.
func (p *Process) crash() *Crash {
	p.mu.Lock()
	defer p.mu.Unlock()
	since := p.stderr.since(p.reqStart) // what the worker wrote during the last request
	tail := p.head.String() + "\n" + since
	c := &Crash{Detail: p.stderr.String(), Status: "unknown", Closed: p.closed}
	if p.cmd.ProcessState != nil {
		c.Status = p.cmd.ProcessState.String()
	}
	var exit *exec.ExitError
	switch {
	case p.killedBy != "":
		c.Reason = p.killedBy
	case p.closed:
		c.Reason = "the kernel closed the session"
	case strings.Contains(tail, "stack exceeds") || strings.Contains(tail, "stack overflow"):
		c.Reason = "stack overflow: a function called itself without end"
	case strings.Contains(tail, "out of memory"):
		c.Reason = "the session ran out of memory"
	case strings.Contains(tail, "panic: "):
		line := tail[strings.LastIndex(tail, "panic: "):]
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		c.Reason = "a panic outside the cell (in a goroutine) crashed the session: " + strings.TrimPrefix(line, "panic: ")
	case strings.Contains(tail, "fatal error: "):
		line := tail[strings.LastIndex(tail, "fatal error: ")+len("fatal error: "):]
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		c.Reason = "a fatal error of the Go runtime ended the session: " + line
		if strings.Contains(line, "concurrent map") {
			c.Reason += " (goroutines that share a map must take turns: guard it with a sync.Mutex)"
		}
	case strings.Contains(since, workerSays):
		// The worker said why it stopped (package worker, and golm worker's main for an error).
		line := since[strings.LastIndex(since, workerSays)+len(workerSays):]
		if i := strings.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		}
		c.Reason = "the session stopped: " + line
	case errors.As(p.exitErr, &exit) && exit.ExitCode() > 0:
		c.Reason = "the session's process exited (os.Exit in compiled code?)"
	case errors.As(p.exitErr, &exit):
		c.Reason = "the session was killed by a signal; the system may have run out of memory"
	case p.exitErr != nil:
		c.Reason = "the session ended: " + p.exitErr.Error()
	default:
		// Status 0 without a word from the worker: a C library or compiled code called exit(0).
		c.Reason = "the session's process exited without saying why (exit(0) in compiled code or a C library?)"
	}
	return c
}

// workerSays starts the line the worker writes on its standard error when it stops because its requests
// ended (see package worker): "golm worker: " and why.
const workerSays = "golm worker: "

// Kill ends the worker, recording why, and waits for it to exit.
func (p *Process) Kill(reason string) {
	p.mu.Lock()
	if p.killedBy == "" {
		p.killedBy = reason
	}
	p.mu.Unlock()
	killGroup(p.cmd.Process.Pid)
	_ = p.cmd.Process.Kill()
	<-p.exited
}

// Close asks the worker to end by closing its request pipe, and kills it if it has not ended in time.
func (p *Process) Close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	_ = p.reqW.Close()
	select {
	case <-p.exited:
	case <-time.After(2 * time.Second):
		p.Kill("closed")
	}
}

// watchMemory kills the worker when its resident memory passes the limit.
func (p *Process) watchMemory() {
	t := time.NewTicker(memoryPoll)
	defer t.Stop()
	pid := p.cmd.Process.Pid
	for {
		select {
		case <-p.exited:
			return
		case <-t.C:
		}
		rss, err := residentMemory(pid)
		if err != nil {
			continue // the worker is exiting, or the system does not say
		}
		if rss > p.opts.MemoryLimit {
			p.opts.Log("worker %d uses %d bytes, over the limit of %d: killing it", pid, rss, p.opts.MemoryLimit)
			go p.Kill(fmt.Sprintf("the session used more than %s of memory (the limit; set GOLM_MEMORY_LIMIT to change it)", FormatBytes(p.opts.MemoryLimit)))
			return
		}
	}
}

// FormatBytes writes a byte count in GiB or MiB.
func FormatBytes(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%d MiB", n>>20)
}

// ring keeps the last StderrKept bytes written to it, and counts all of them.
type ring struct {
	buf   []byte
	total int64 // bytes ever written
}

func (r *ring) write(s string) {
	r.total += int64(len(s))
	r.buf = append(r.buf, s...)
	if len(r.buf) > 2*StderrKept { // trim now and then, not at every write
		r.buf = append([]byte(nil), r.buf[len(r.buf)-StderrKept:]...)
	}
}

// String returns the last StderrKept bytes.
func (r *ring) String() string {
	return string(r.buf[max(0, len(r.buf)-StderrKept):])
}

// since returns what was written after the total was mark, as far as it is kept.
func (r *ring) since(mark int64) string {
	n := min(r.total-mark, int64(len(r.buf)), StderrKept)
	return string(r.buf[int64(len(r.buf))-n:])
}
