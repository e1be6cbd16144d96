package server

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/golm-dev/golm/internal/cell"
	"github.com/golm-dev/golm/internal/kernel/pipe"
	"github.com/golm-dev/golm/internal/kernel/supervisor"
	"github.com/golm-dev/golm/internal/kernel/wire"
)

// startWorker starts a worker process unless one is running: it hands over the spare when there is one,
// and starts the next spare once the worker is ready.
func (s *Server) startWorker() *supervisor.Process {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		select {
		case <-s.proc.Exited():
		default:
			return s.proc
		}
	}
	if s.closing {
		return nil
	}
	p := s.takeSpare()
	if p == nil {
		live := new(atomic.Bool)
		live.Store(true)
		var err error
		if p, err = s.launch(live); err != nil {
			s.log.Error("starting the worker", "err", err)
			s.proc = nil
			return nil
		}
	}
	s.proc = p
	go s.refillSpare(p)
	return p
}

// worker returns a ready worker, starting one if needed. A worker that ended on its own while no cell ran
// (a goroutine's panic, say) is replaced, and the next cell reports why (see takeLost).
func (s *Server) worker() (*supervisor.Process, error) {
	s.mu.Lock()
	old := s.proc
	s.mu.Unlock()
	p := s.startWorker()
	if old != nil && p != old { // restartWorker clears s.proc: old ended by itself
		if c := old.Crash(); c != nil {
			s.log.Error("the Go session ended between cells", crashAttrs(c)...)
			s.mu.Lock()
			s.lost, s.cells = c, nil
			s.mu.Unlock()
		}
	}
	if p == nil {
		return nil, errors.New("the Go session could not be started (see the kernel log)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := p.Ready(ctx); err != nil {
		s.mu.Lock()
		if s.proc == p { // said here: the next cell must not report it again
			s.proc = nil
		}
		s.mu.Unlock()
		return nil, fmt.Errorf("the Go session did not start: %w", err)
	}
	s.primeEnv(p)
	return p, nil
}

// restartWorker kills the worker and starts a fresh one in the background.
func (s *Server) restartWorker(reason string) {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.cells = nil
	s.mu.Unlock()
	if p != nil {
		p.Kill(reason)
	}
	go s.startWorker()
}

// stream publishes worker output, attached to the running execute request (or the last one).
func (s *Server) stream(name, text string) {
	s.mu.Lock()
	parent, replaying := s.parent, s.replaying
	s.mu.Unlock()
	if replaying {
		return
	}
	s.publish(parent, wire.StreamMsg, wire.Stream{Name: name, Text: text})
}

// background publishes displays that arrive while no request runs.
func (s *Server) background(ev pipe.Event) {
	s.mu.Lock()
	parent, replaying := s.parent, s.replaying
	s.mu.Unlock()
	if replaying { // output of cells run again after %go get stays hidden, goroutines' too
		return
	}
	s.publishEvent(parent, ev, 0)
}

// publishEvent publishes the IOPub message of a worker display event; it reports whether it did.
func (s *Server) publishEvent(parent *wire.Header, ev pipe.Event, count int) bool {
	switch ev.Kind {
	case pipe.EvDisplay:
		s.publish(parent, wire.DisplayDataMsg, displayData(ev))
	case pipe.EvUpdate:
		s.publish(parent, wire.UpdateDisplayData, displayData(ev))
	case pipe.EvClear:
		s.publish(parent, wire.ClearOutputMsg, wire.ClearOutput{Wait: ev.Wait})
	case pipe.EvResult:
		s.publish(parent, wire.ExecuteResultMsg, wire.ExecuteResult{ExecutionCount: count, Data: ev.Bundle.Data, Metadata: meta(ev.Bundle)})
	default:
		return false
	}
	return true
}

func meta(b *pipe.Bundle) map[string]any {
	if b == nil || b.Metadata == nil {
		return map[string]any{}
	}
	return b.Metadata
}

func displayData(ev pipe.Event) wire.DisplayData {
	d := wire.DisplayData{Data: map[string]any{}, Metadata: map[string]any{}}
	if ev.Bundle != nil {
		d.Data, d.Metadata = ev.Bundle.Data, meta(ev.Bundle)
	}
	if ev.DisplayID != "" {
		d.Transient = map[string]any{"display_id": ev.DisplayID}
	}
	return d
}

// execute runs a cell.
func (s *Server) execute(r *request) {
	var c wire.Execute
	if err := r.msg.Decode(&c); err != nil {
		r.reply(wire.ExecuteReply, wire.ExecuteResultReply{Status: wire.StatusError, ExecutionCount: s.count,
			Ename: "ProtocolError", Evalue: err.Error(), Traceback: []string{err.Error()}})
		return
	}
	storeHistory, allowStdin, stopOnError := c.Flags()
	s.mu.Lock()
	if storeHistory {
		s.count++
	}
	count := s.count
	s.parent = &r.msg.Header
	x := &execution{req: r, interrupted: make(chan struct{})}
	s.running = x
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.running = nil
		s.mu.Unlock()
	}()
	if !c.Silent {
		r.publish(wire.ExecuteInputMsg, wire.ExecuteInput{Code: c.Code, ExecutionCount: count})
	}
	var (
		failure *pipe.ErrorInfo
		done    pipe.Event
		output  strings.Builder
	)
	goCmds, isGo, goErr := goMagic(c.Code)
	switch {
	case isReset(c.Code):
		s.restartWorker("reset")
		r.publish(wire.StreamMsg, wire.Stream{Name: "stdout", Text: "Started a fresh Go session: all variables, functions and types are gone.\n"})
	case goErr != nil:
		failure = &pipe.ErrorInfo{Name: "UsageError", Value: goErr.Error(), Traceback: []string{red("UsageError") + ": " + goErr.Error()}}
	case isGo:
		failure = s.runGoMagic(r, x, goCmds)
	default:
		failure, done = s.run(r, x, c, allowStdin, count, &output)
		if failure == nil {
			s.mu.Lock()
			s.cells = append(s.cells, c.Code)
			s.mu.Unlock()
			s.recordEnv(c.Code)
		}
	}
	reply := wire.ExecuteResultReply{Status: wire.StatusOK, ExecutionCount: count, Payload: []any{}, UserExpressions: map[string]any{}}
	if failure != nil {
		r.publish(wire.ErrorMsg, wire.ErrorContent{Ename: failure.Name, Evalue: failure.Value, Traceback: failure.Traceback})
		reply.Status, reply.Ename, reply.Evalue, reply.Traceback = wire.StatusError, failure.Name, failure.Value, failure.Traceback
	}
	if done.UserExpressions != nil {
		reply.UserExpressions = done.UserExpressions
	}
	if done.Page != nil {
		reply.Payload = append(reply.Payload, map[string]any{"source": "page", "data": done.Page.Data, "start": 0})
	}
	// Requests already waiting when the cell failed are aborted; take them before the reply goes out, so
	// that a request the client sends after seeing the error is not caught too.
	var queued []*wire.Message
	if failure != nil && stopOnError {
		queued = s.drainQueue()
	}
	r.reply(wire.ExecuteReply, reply)
	if storeHistory {
		if err := s.cfg.History.Add(count, c.Code, output.String()); err != nil {
			s.log.Warn("saving history", "err", err)
		}
	}
	s.abortQueued(queued)
}

func isReset(code string) bool {
	t := strings.TrimSpace(code)
	return t == "%reset" || t == "%reset -f"
}

// run sends a cell to the worker and publishes what comes back. It returns the cell's error, if any.
func (s *Server) run(r *request, x *execution, c wire.Execute, allowStdin bool, count int, output *strings.Builder) (*pipe.ErrorInfo, pipe.Event) {
	p, err := s.worker()
	if err != nil {
		return &pipe.ErrorInfo{Name: "SessionError", Value: err.Error(), Traceback: []string{red("SessionError") + ": " + err.Error()}}, pipe.Event{}
	}
	if lost := s.takeLost(); lost != nil {
		return crashError(lost, "after the last cell"), pipe.Event{}
	}
	var failure *pipe.ErrorInfo
	done, err := p.Do(pipe.Request{Op: pipe.OpExecute, Code: c.Code, Silent: c.Silent, AllowStdin: allowStdin,
		UserExpressions: c.UserExpressions}, func(ev pipe.Event) {
		switch ev.Kind {
		case pipe.EvError:
			failure = ev.Error
		case pipe.EvInput:
			go s.askInput(r, x, p, ev)
		case pipe.EvResult:
			if t, ok := ev.Bundle.Data["text/plain"].(string); ok {
				output.WriteString(t)
			}
			s.publishEvent(&r.msg.Header, ev, count)
		default:
			s.publishEvent(&r.msg.Header, ev, count)
		}
	})
	var crash *supervisor.Crash
	switch {
	case errors.As(err, &crash) && crash.Closed:
		// The kernel is shutting down under the cell: no crash, and no fresh session.
		return shutdownError(), done
	case errors.As(err, &crash):
		s.log.Error("the Go session crashed in a cell", crashAttrs(crash)...)
		s.restartWorker("crashed")
		return crashError(crash, ""), done
	case err != nil:
		return &pipe.ErrorInfo{Name: "SessionError", Value: err.Error(), Traceback: []string{err.Error()}}, done
	case done.Kind == pipe.EvStuck:
		s.restartWorker("stuck")
		msg := "the cell did not stop when interrupted (it is busy in compiled code that does not watch ctx). " +
			"The Go session was restarted: variables, functions and types defined so far are gone."
		return &pipe.ErrorInfo{Name: "SessionRestarted", Value: msg, Traceback: []string{red("SessionRestarted") + ": " + msg}}, done
	}
	return failure, done
}

// takeLost returns, once, why the previous worker ended between cells (nil if it did not).
func (s *Server) takeLost() *supervisor.Crash {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.lost
	s.lost = nil
	return c
}

// crashError is the error a cell shows when the worker died: why, how the process ended, and the last
// lines of its standard error. when says when it died if not during the cell ("after the last cell").
func crashError(c *supervisor.Crash, when string) *pipe.ErrorInfo {
	what := c.Reason
	if when != "" {
		what = "the Go session ended " + when + ": " + what
	}
	msg := fmt.Sprintf("%s (%s). The Go session was restarted: variables, functions and types defined so far are gone; run the cells again.",
		what, c.Status)
	return &pipe.ErrorInfo{Name: "SessionCrashed", Value: msg, Traceback: append([]string{red("SessionCrashed") + ": " + msg}, crashStderr(c)...)}
}

// crashStderr is the part of a crash's traceback that shows the last lines of the worker's standard error
// (none if it wrote nothing).
func crashStderr(c *supervisor.Crash) []string {
	last := c.LastLines(crashLines, crashBytes)
	if last == "" {
		return nil
	}
	tb := []string{"", "The last lines the session wrote to standard error:"}
	for _, l := range strings.Split(last, "\n") {
		tb = append(tb, "    "+l)
	}
	return tb
}

// shutdownError is the error of a cell that the kernel's shutdown stopped.
func shutdownError() *pipe.ErrorInfo {
	msg := "the kernel was shut down while the cell ran, which stopped it (the front end asked for a shutdown or a restart; " +
		"a notebook runner does that when a cell runs past its time limit)"
	return &pipe.ErrorInfo{Name: "KernelShutdown", Value: msg, Traceback: []string{red("KernelShutdown") + ": " + msg}}
}

// How much of a dead worker's standard error a cell's error shows (the kernel's log gets all that was kept).
const (
	crashLines = 40
	crashBytes = 8 << 10
)

// crashAttrs describes a crash for the kernel's log.
func crashAttrs(c *supervisor.Crash) []any {
	return []any{"reason", c.Reason, "status", c.Status, "stderr", c.Detail}
}

func red(s string) string { return "\x1b[31m\x1b[1m" + s + "\x1b[0m" }

// askInput sends an input_request to the front end that sent the cell, waits for the answer and passes it
// to the worker. An interrupt abandons the wait.
func (s *Server) askInput(r *request, x *execution, p *supervisor.Process, ev pipe.Event) {
	select { // drop a stale reply
	case <-s.inputs:
	default:
	}
	h := wire.NewHeader(wire.InputRequest, s.session, r.msg.Header.Username)
	frames, err := wire.Frames(r.msg.Identities, h, &r.msg.Header, nil, wire.Input{Prompt: ev.Prompt, Password: ev.Password}, s.signer)
	if err == nil {
		err = s.stdin.send(frames)
	}
	if err != nil {
		_ = p.Answer("", fmt.Errorf("could not ask the front end for input: %w", err))
		return
	}
	select {
	case m := <-s.inputs:
		var in wire.InputResult
		if err := m.Decode(&in); err != nil {
			_ = p.Answer("", err)
			return
		}
		_ = p.Answer(in.Value, nil)
	case <-x.interrupted:
	case <-p.Exited():
	}
}

// Interrupt interrupts the running cell (interrupt_request, or SIGINT in signal mode). If the cell has not
// stopped after the grace period, its session is restarted.
func (s *Server) Interrupt() {
	s.mu.Lock()
	p, x := s.proc, s.running
	s.mu.Unlock()
	if p != nil {
		_ = p.Interrupt()
	}
	if x == nil {
		return
	}
	x.once.Do(func() { close(x.interrupted) }) // also stops a %go build, which runs without a worker
	if p == nil {
		return
	}
	grace := s.cfg.InterruptGrace
	time.AfterFunc(grace, func() {
		s.mu.Lock()
		still := s.running == x && s.proc == p
		s.mu.Unlock()
		if still {
			p.Kill(fmt.Sprintf("the cell did not stop within %s of the interrupt", grace))
		}
	})
}

// drainQueue takes the shell requests waiting to be served.
func (s *Server) drainQueue() []*wire.Message {
	var out []*wire.Message
	for {
		select {
		case m := <-s.shellQ:
			out = append(out, m)
		default:
			return out
		}
	}
}

// abortQueued answers execute requests that were waiting behind a failed cell with status aborted, as
// stop_on_error asks; other requests among them are served normally, in order.
func (s *Server) abortQueued(queued []*wire.Message) {
	for _, m := range queued {
		if m.Header.MsgType != wire.ExecuteRequest {
			s.handleShell(m)
			continue
		}
		r := &request{s: s, sock: s.shell, msg: m}
		r.publish(wire.StatusMsg, wire.Status{ExecutionState: "busy"})
		r.reply(wire.ExecuteReply, wire.ExecuteResultReply{Status: wire.StatusAborted, ExecutionCount: s.count,
			Payload: []any{}, UserExpressions: map[string]any{}})
		r.publish(wire.StatusMsg, wire.Status{ExecutionState: "idle"})
	}
}

// byteOffset converts a cursor position in code points (the protocol's unit) to a byte offset.
func byteOffset(code string, pos int) int {
	i := 0
	for n := 0; n < pos && i < len(code); n++ {
		_, size := utf8.DecodeRuneInString(code[i:])
		i += size
	}
	return i
}

// runeOffset converts a byte offset to code points.
func runeOffset(code string, off int) int {
	return utf8.RuneCountInString(code[:min(off, len(code))])
}

func (s *Server) complete(r *request) {
	var c wire.Complete
	_ = r.msg.Decode(&c)
	reply := wire.CompleteResult{Status: wire.StatusOK, Matches: []string{}, CursorStart: c.CursorPos, CursorEnd: c.CursorPos, Metadata: map[string]any{}}
	if p, err := s.worker(); err == nil {
		ev, err := p.Do(pipe.Request{Op: pipe.OpComplete, Code: c.Code, Cursor: byteOffset(c.Code, c.CursorPos)}, func(pipe.Event) {})
		if err == nil && ev.Kind == pipe.EvComplete {
			if ev.Matches != nil {
				reply.Matches = ev.Matches
			}
			reply.CursorStart, reply.CursorEnd = runeOffset(c.Code, ev.CursorStart), runeOffset(c.Code, ev.CursorEnd)
		}
	}
	r.reply(wire.CompleteReply, reply)
}

func (s *Server) inspect(r *request) {
	var c wire.Inspect
	_ = r.msg.Decode(&c)
	reply := wire.InspectResult{Status: wire.StatusOK, Data: map[string]any{}, Metadata: map[string]any{}}
	if p, err := s.worker(); err == nil {
		ev, err := p.Do(pipe.Request{Op: pipe.OpInspect, Code: c.Code, Cursor: byteOffset(c.Code, c.CursorPos), Detail: c.DetailLevel}, func(pipe.Event) {})
		if err == nil && ev.Found && ev.Bundle != nil {
			reply.Found, reply.Data = true, ev.Bundle.Data
		}
	}
	r.reply(wire.InspectReply, reply)
}

func (s *Server) isComplete(r *request) {
	var c wire.IsComplete
	_ = r.msg.Decode(&c)
	res := cell.IsComplete(c.Code)
	r.reply(wire.IsCompleteReply, wire.IsCompleteResult{Status: res.Status, Indent: res.Indent})
}

func (s *Server) history(r *request) {
	var c wire.History
	_ = r.msg.Decode(&c)
	h := s.cfg.History
	var entries []historyEntry
	switch c.HistAccessType {
	case "tail":
		for _, e := range h.Tail(c.N) {
			entries = append(entries, historyEntry(e))
		}
	case "range":
		for _, e := range h.Range(c.Session, c.Start, c.Stop) {
			entries = append(entries, historyEntry(e))
		}
	case "search":
		pattern := c.Pattern
		if pattern == "" {
			pattern = "*"
		}
		for _, e := range h.Search(pattern, c.N, c.Unique) {
			entries = append(entries, historyEntry(e))
		}
	}
	out := make([][]any, 0, len(entries))
	for _, e := range entries {
		if c.Output {
			var o any
			if e.Output != "" {
				o = e.Output
			}
			out = append(out, []any{e.Session, e.Line, []any{e.Input, o}})
		} else {
			out = append(out, []any{e.Session, e.Line, e.Input})
		}
	}
	r.reply(wire.HistoryReply, wire.HistoryResult{Status: wire.StatusOK, History: out})
}

type historyEntry struct {
	Session, Line int
	Input, Output string
}
