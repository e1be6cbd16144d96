package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/golm-dev/golm/internal/kernel/pipe"
	"github.com/golm-dev/golm/internal/kernel/supervisor"
	"github.com/golm-dev/golm/internal/kernel/wire"
)

// Modules serves the %go magic (package modules implements it): it changes the notebook's Go modules and
// says which worker links them.
type Modules interface {
	// Go runs a %go command (its words after "%go"), writing what it does for the user to out. It returns
	// the worker command to switch to, or nil to keep the current worker.
	Go(ctx context.Context, args []string, out io.Writer) (worker []string, err error)
}

// goMagic reports whether a cell is %go lines, and returns each line's words after "%go". A cell that
// mixes %go lines with code is an error: the worker may change between them.
func goMagic(code string) (cmds [][]string, ok bool, err error) {
	var other bool
	for _, line := range strings.Split(code, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "" || strings.HasPrefix(t, "//"):
		case t == "%go" || strings.HasPrefix(t, "%go ") || strings.HasPrefix(t, "%go\t"):
			cmds = append(cmds, strings.Fields(t)[1:])
		default:
			other = true
		}
	}
	if len(cmds) == 0 {
		return nil, false, nil
	}
	if other {
		return nil, true, errors.New("%go lines must be alone in their cell (the Go session may be restarted with new modules)")
	}
	return cmds, true, nil
}

// streamWriter writes to the cell's stdout stream.
type streamWriter struct{ r *request }

func (w streamWriter) Write(p []byte) (int, error) {
	w.r.publish(wire.StreamMsg, wire.Stream{Name: "stdout", Text: string(p)})
	return len(p), nil
}

// runGoMagic runs the %go lines of a cell and switches the worker when the modules changed.
func (s *Server) runGoMagic(r *request, x *execution, cmds [][]string) *pipe.ErrorInfo {
	fail := func(name, msg string) *pipe.ErrorInfo {
		return &pipe.ErrorInfo{Name: name, Value: msg, Traceback: []string{red(name) + ": " + msg}}
	}
	if s.cfg.Modules == nil {
		return fail("UsageError", "%go is not available in this kernel (it was started without a modules workspace)")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-x.interrupted:
			cancel()
		case <-ctx.Done():
		}
	}()
	out := streamWriter{r}
	var next []string
	for _, args := range cmds {
		cmd, err := s.cfg.Modules.Go(ctx, args, out)
		if err != nil {
			if ctx.Err() != nil {
				return fail("KeyboardInterrupt", "%go was interrupted")
			}
			return fail("GoError", err.Error())
		}
		if cmd != nil {
			next = cmd
		}
	}
	s.mu.Lock()
	same := slices.Equal(next, s.cfg.Worker.Command)
	s.mu.Unlock()
	if next == nil {
		return nil
	}
	if same {
		r.publish(wire.StreamMsg, wire.Stream{Name: "stdout", Text: "The Go session already runs with these packages.\n"})
		return nil
	}
	return s.switchWorker(r, x, next)
}

// switchWorker restarts the session with a worker started by cmd and replays the cells that built the
// old session's state, with their output hidden.
func (s *Server) switchWorker(r *request, x *execution, cmd []string) *pipe.ErrorInfo {
	s.mu.Lock()
	s.cfg.Worker.Command = cmd
	cells := s.cells
	s.mu.Unlock()
	s.restartWorker("switching to a worker with other modules")
	p, err := s.worker()
	if err != nil {
		msg := err.Error()
		return &pipe.ErrorInfo{Name: "SessionError", Value: msg, Traceback: []string{red("SessionError") + ": " + msg}}
	}
	if len(cells) == 0 {
		r.publish(wire.StreamMsg, wire.Stream{Name: "stdout", Text: "The Go session now runs with these modules compiled in.\n"})
		return nil
	}
	r.publish(wire.StreamMsg, wire.Stream{Name: "stdout", Text: fmt.Sprintf(
		"The Go session restarted with these modules compiled in. Replaying the %d cell(s) that ran before, "+
			"with their output hidden, to restore variables, functions and types (they run again: "+
			"side effects such as API calls or files written happen again)…\n", len(cells))})
	s.mu.Lock()
	s.replaying = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.replaying = false
		s.mu.Unlock()
	}()
	var failed []string
	for i, code := range cells {
		if shellOnly(code) {
			continue // a shell command leaves no Go state: not run again
		}
		select {
		case <-x.interrupted:
			msg := fmt.Sprintf("replaying was interrupted before cell %d of %d: what the cells from there on defined is missing", i+1, len(cells))
			return &pipe.ErrorInfo{Name: "KeyboardInterrupt", Value: msg, Traceback: []string{red("KeyboardInterrupt") + ": " + msg}}
		default:
		}
		var failure *pipe.ErrorInfo
		_, err := p.Do(pipe.Request{Op: pipe.OpExecute, Code: code, Silent: true}, func(ev pipe.Event) {
			switch ev.Kind {
			case pipe.EvError:
				failure = ev.Error
			case pipe.EvInput:
				_ = p.Answer("", errors.New("no input while cells are replayed"))
			}
		})
		var crash *supervisor.Crash
		if errors.As(err, &crash) && crash.Closed {
			return shutdownError() // the kernel is shutting down: no crash, and no fresh session
		}
		if errors.As(err, &crash) {
			s.log.Error("the Go session crashed replaying a cell", crashAttrs(crash)...)
			s.restartWorker("crashed")
			msg := fmt.Sprintf("replaying cell %d of %d crashed the session (%s, %s): it was restarted with the new modules, without the earlier state; run the cells again",
				i+1, len(cells), crash.Reason, crash.Status)
			// The replayed cells' output was hidden: the end of the worker's stderr is the only clue to why.
			return &pipe.ErrorInfo{Name: "SessionCrashed", Value: msg,
				Traceback: append([]string{red("SessionCrashed") + ": " + msg}, crashStderr(crash)...)}
		}
		if err != nil || failure != nil {
			why := ""
			if failure != nil {
				why = failure.Name + ": " + failure.Value
			} else {
				why = err.Error()
			}
			failed = append(failed, fmt.Sprintf("  cell %d (%s): %s", i+1, firstCodeLine(code), why))
			continue
		}
		s.mu.Lock()
		s.cells = append(s.cells, code)
		s.mu.Unlock()
	}
	shells := 0
	for _, code := range cells {
		if shellOnly(code) {
			shells++
		}
	}
	text := fmt.Sprintf("Restored: %d of %d cell(s) replayed", len(cells)-shells-len(failed), len(cells)-shells)
	if shells > 0 {
		text += fmt.Sprintf(" (%d shell command cell(s) not run again)", shells)
	}
	text += ".\n"
	if len(failed) > 0 {
		text += "These failed on replay (what they defined is missing):\n" + strings.Join(failed, "\n") + "\n"
	}
	r.publish(wire.StreamMsg, wire.Stream{Name: "stdout", Text: text})
	return nil
}

func firstCodeLine(code string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(code), "\n")
	if len(line) > 60 {
		line = line[:57] + "…"
	}
	return line
}

// shellOnly reports whether a cell is only shell commands (! lines), which leave no state in the session.
func shellOnly(code string) bool {
	any := false
	for _, line := range strings.Split(code, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "":
		case strings.HasPrefix(t, "!"):
			any = true
		default:
			return false
		}
	}
	return any
}
