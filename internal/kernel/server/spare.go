package server

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"time"

	"github.com/golm-dev/golm/internal/kernel/pipe"
	"github.com/golm-dev/golm/internal/kernel/supervisor"
)

// A spare worker is started ahead of need (Config.SpareWorker): once the session's worker is ready, a second
// one is started and left waiting, already past its process start, the interpreter's creation and the
// prelude. %reset, a crash and a restart after an interrupt hand the session the spare instead of starting
// a worker, and a new spare is started in the background. A spare has run no cell: it holds no state of
// any session. It is started with the same command and environment as the session's worker; a spare
// started with another command (before %go switched workers) is thrown away, not handed over.

// spare is a worker waiting to be handed over.
type spare struct {
	p   *supervisor.Process
	cmd []string
	// live is set when the spare is handed over: until then what the worker prints or displays (it should
	// print nothing) goes to the kernel's log, not into the cells of the session it does not serve yet.
	live *atomic.Bool
}

// launch starts a worker process. Its output and background displays are published only while live is
// set.
func (s *Server) launch(live *atomic.Bool) (*supervisor.Process, error) {
	opts := s.cfg.Worker
	opts.Stream = func(name, text string) {
		if live.Load() {
			s.stream(name, text)
			return
		}
		s.log.Debug("output of a spare worker, not shown", "stream", name, "text", text)
	}
	opts.Background = func(ev pipe.Event) {
		if live.Load() {
			s.background(ev)
		}
	}
	opts.Log = func(format string, args ...any) { s.log.Warn(fmt.Sprintf(format, args...)) }
	start := time.Now()
	p, err := supervisor.Start(opts)
	if err != nil {
		return nil, err
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := p.Ready(ctx); err == nil {
			s.log.Debug("worker ready", "pid", p.Pid(), "after", time.Since(start), "spare", !live.Load())
		}
	}()
	return p, nil
}

// takeSpare returns the spare, marked live, if there is one that can serve the session; s.mu is held.
func (s *Server) takeSpare() *supervisor.Process {
	sp := s.spare
	s.spare = nil
	if sp == nil {
		return nil
	}
	select {
	case <-sp.p.Exited():
		s.log.Warn("the spare worker had ended; starting a worker", "pid", sp.p.Pid())
		return nil
	default:
	}
	if !slices.Equal(sp.cmd, s.cfg.Worker.Command) {
		go sp.p.Close() // started before %go changed the worker
		return nil
	}
	sp.live.Store(true)
	s.log.Debug("handed over the spare worker", "pid", sp.p.Pid())
	return sp.p
}

// spareDelay is how long after the session's worker is ready its spare starts: the first cell, sent as soon
// as the kernel answers (Run All), has its answer by then, and the two workers do not share the processor
// while the session waits for its own (measured on 2 busy cores: starting the spare at once made the
// first output come 2.3 times later).
const spareDelay = 250 * time.Millisecond

// refillSpare starts a spare worker spareDelay after the session's worker p is ready, unless spares are
// off, there is one, or the kernel is shutting down.
func (s *Server) refillSpare(p *supervisor.Process) {
	if !s.cfg.SpareWorker {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	go func() {
		select {
		case <-s.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	if err := p.Ready(ctx); err != nil {
		return // shutting down, or the worker never became ready: its restart refills
	}
	select {
	case <-time.After(spareDelay):
	case <-ctx.Done():
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.spare != nil || s.closing {
		return
	}
	live := new(atomic.Bool)
	sp, err := s.launch(live)
	if err != nil {
		s.log.Warn("starting a spare worker", "err", err)
		return
	}
	s.spare = &spare{p: sp, cmd: slices.Clone(s.cfg.Worker.Command), live: live}
}

// closeWorkers ends the session's worker and the spare, at the same time, when the kernel shuts down.
func (s *Server) closeWorkers() {
	s.mu.Lock()
	s.closing = true
	procs := []*supervisor.Process{s.proc}
	if s.spare != nil {
		procs = append(procs, s.spare.p)
		s.spare = nil
	}
	s.mu.Unlock()
	done := make(chan struct{})
	n := 0
	for _, p := range procs {
		if p != nil {
			n++
			go func() { p.Close(); done <- struct{}{} }()
		}
	}
	for range n {
		<-done
	}
}
