// Package server is the Jupyter side of the golm kernel: it binds the five ZeroMQ sockets of a connection
// file, verifies and dispatches messages, and runs cells in a worker process that it supervises (package
// supervisor). The worker process itself is package worker, which only this package's tests import: the
// protocol side of the kernel does not depend on the interpreter (the test of package internal/layers holds
// this).
//
// Shell requests are served one at a time, in order. Control requests (interrupt, shutdown, kernel_info)
// are served on their own goroutine, so they are answered while a cell runs, and their replies go out on
// the control socket. Every request is wrapped in busy and idle status messages.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/golm-dev/golm/internal/kernel/history"
	"github.com/golm-dev/golm/internal/kernel/supervisor"
	"github.com/golm-dev/golm/internal/kernel/wire"
	"github.com/golm-dev/golm/internal/kernel/zmtp"
)

// Config configures a kernel server.
type Config struct {
	Conn ConnectionInfo
	// Worker is how to start worker processes (Command, Env, Dir, MemoryLimit); the server sets the
	// callbacks.
	Worker supervisor.Options
	// History stores executed cells; nil keeps them in memory.
	History *history.Store
	// Log receives the kernel's diagnostics (nil: discarded).
	Log *slog.Logger
	// InterruptGrace is how long an interrupted cell may run on before its session is restarted.
	InterruptGrace time.Duration
	// Version is golm's version, for kernel_info.
	Version string
	// MaxMessageBytes caps one incoming message on shell, control and stdin (0: 256 MiB; golm reads
	// GOLM_MAX_MESSAGE_BYTES). Larger messages end their connection before they are read.
	MaxMessageBytes int64
	// Modules serves %go (nil: %go is not available).
	Modules Modules
	// SpareWorker keeps a second worker started and ready, handed to the session by %reset, a crash or a
	// restart, which then take no time to start a worker; it costs the memory of an idle worker (see
	// spare.go). golm reads GOLM_SPARE_WORKER (0 turns it off).
	SpareWorker bool
}

// Server is a running kernel.
type Server struct {
	cfg     Config
	log     *slog.Logger
	signer  *wire.Signer
	replay  *wire.ReplayGuard
	session string

	net                          *zmtp.Group
	shell, control, stdin, iopub *socket
	hb                           *zmtp.Socket

	shellQ chan *wire.Message
	inputs chan *wire.Message
	done   chan struct{} // closed when the kernel shuts down
	stop   sync.Once

	mu      sync.Mutex
	proc    *supervisor.Process
	lost    *supervisor.Crash // why the last worker ended between cells, for the next cell to report
	spare   *spare            // a worker started ahead of need (Config.SpareWorker)
	closing bool              // the kernel is shutting down: no more workers
	running *execution        // the execute request in progress
	parent  *wire.Header      // header of the last execute request, for output of background goroutines
	count   int
	// cells are the cells that ran without error in the current worker, replayed into a new one when
	// %go switches workers; replaying hides the worker's output meanwhile.
	cells     []string
	replaying bool
	// envs are the %env settings of the session's cells, given to each new worker (primed) before its
	// first cell (see env.go).
	envs   []envLine
	primed *supervisor.Process
}

// execution is an execute request in progress.
type execution struct {
	req         *request
	interrupted chan struct{}
	once        sync.Once
}

// New checks the configuration and returns a server; Run binds the sockets and serves.
func New(cfg Config) (*Server, error) {
	signer, err := wire.NewSigner(cfg.Conn.SignatureScheme, cfg.Conn.Key)
	if err != nil {
		return nil, err
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.InterruptGrace == 0 {
		cfg.InterruptGrace = 5 * time.Second
	}
	if cfg.History == nil {
		cfg.History, _ = history.Open("")
	}
	return &Server{
		cfg:     cfg,
		log:     cfg.Log,
		signer:  signer,
		replay:  wire.NewReplayGuard(0),
		net:     zmtp.NewGroup(zmtp.Limits{MaxMessageBytes: cfg.MaxMessageBytes}, cfg.Log),
		session: wire.NewID(),
		shellQ:  make(chan *wire.Message, 256),
		inputs:  make(chan *wire.Message, 1),
		done:    make(chan struct{}),
	}, nil
}

// socket is a ZeroMQ socket whose sends are serialised.
type socket struct {
	name string
	mu   sync.Mutex
	s    *zmtp.Socket
}

func (s *socket) send(frames [][]byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.s.Send(frames)
}

// wireLimits returns the limits on what peers can make the kernel hold.
func (s *Server) wireLimits() zmtp.Limits { return s.net.Limits() }

// listen binds the five sockets of the connection file.
func (s *Server) listen() error {
	c := s.cfg.Conn
	binds := []struct {
		kind zmtp.Kind
		name string
		port int
		dst  **zmtp.Socket
	}{
		{zmtp.Router, "shell", c.ShellPort, nil}, {zmtp.Router, "control", c.ControlPort, nil},
		{zmtp.Router, "stdin", c.StdinPort, nil}, {zmtp.Pub, "iopub", c.IOPubPort, nil},
		{zmtp.Rep, "heartbeat", c.HBPort, &s.hb},
	}
	socks := []**socket{&s.shell, &s.control, &s.stdin, &s.iopub}
	for i, b := range binds {
		z, err := s.net.Listen(b.kind, b.name, c.Endpoint(b.port))
		if err != nil {
			s.closeSockets()
			return fmt.Errorf("listening on %s: %w", c.Endpoint(b.port), err)
		}
		if b.dst != nil {
			*b.dst = z
		} else {
			*socks[i] = &socket{name: b.name, s: z}
		}
	}
	return nil
}

// closeSockets closes the sockets that are open.
func (s *Server) closeSockets() {
	for _, sock := range []*socket{s.shell, s.control, s.stdin, s.iopub} {
		if sock != nil {
			sock.s.Close()
		}
	}
	if s.hb != nil {
		s.hb.Close()
	}
}

// Run serves until the kernel is shut down by a shutdown_request or ctx is cancelled.
func (s *Server) Run(ctx context.Context) error {
	if err := s.listen(); err != nil {
		return err
	}
	defer s.closeSockets()
	s.publish(nil, wire.StatusMsg, wire.Status{ExecutionState: "starting"})
	go s.startWorker()
	go s.heartbeat()
	go s.receive(s.shell, func(m *wire.Message) {
		select {
		case s.shellQ <- m:
		case <-s.done:
		}
	})
	go s.receive(s.control, s.handleControl)
	go s.receive(s.stdin, func(m *wire.Message) {
		if m.Header.MsgType != wire.InputReply {
			s.log.Warn("unexpected message on stdin", "type", m.Header.MsgType)
			return
		}
		select {
		case s.inputs <- m:
		default:
			s.log.Warn("input_reply with no input_request waiting")
		}
	})
	go func() {
		for {
			select {
			case m := <-s.shellQ:
				s.handleShell(m)
			case <-s.done:
				return
			}
		}
	}()
	select {
	case <-ctx.Done():
	case <-s.done:
	}
	s.closeWorkers()
	// Let the last messages (shutdown_reply, idle) leave before the sockets close.
	time.Sleep(50 * time.Millisecond)
	return nil
}

// Shutdown ends Run.
func (s *Server) Shutdown() { s.stop.Do(func() { close(s.done) }) }

// heartbeat echoes pings on the heartbeat socket.
func (s *Server) heartbeat() {
	for {
		msg, err := s.hb.Recv(context.Background())
		if err != nil {
			return
		}
		if err := s.hb.Send(msg); err != nil {
			s.log.Warn("heartbeat", "err", err)
		}
	}
}

// receive reads messages from a socket, drops those that are malformed, badly signed or replayed, and
// hands the others on.
func (s *Server) receive(sock *socket, handle func(*wire.Message)) {
	for {
		frames, err := sock.s.Recv(context.Background())
		if err != nil {
			if !errors.Is(err, zmtp.ErrClosed) {
				s.log.Warn("receive failed", "socket", sock.name, "err", err)
			}
			return
		}
		m, err := wire.Parse(frames, s.signer)
		if err == nil {
			err = s.replay.Check(m)
		}
		if err != nil {
			s.log.Warn("dropped a message", "socket", sock.name, "err", err)
			continue
		}
		handle(m)
	}
}

// request is a message being answered.
type request struct {
	s    *Server
	sock *socket
	msg  *wire.Message
}

func (r *request) reply(msgType string, content any) {
	h := wire.NewHeader(msgType, r.s.session, r.msg.Header.Username)
	frames, err := wire.Frames(r.msg.Identities, h, &r.msg.Header, nil, content, r.s.signer)
	if err != nil {
		r.s.log.Error("encoding reply", "type", msgType, "err", err)
		return
	}
	if err := r.sock.send(frames); err != nil {
		r.s.log.Warn("sending reply", "type", msgType, "err", err)
	}
}

func (r *request) publish(msgType string, content any) { r.s.publish(&r.msg.Header, msgType, content) }

// publish sends a message on IOPub.
func (s *Server) publish(parent *wire.Header, msgType string, content any) {
	user := "golm"
	if parent != nil {
		user = parent.Username
	}
	h := wire.NewHeader(msgType, s.session, user)
	frames, err := wire.Frames([][]byte{[]byte(msgType)}, h, parent, nil, content, s.signer)
	if err != nil {
		s.log.Error("encoding IOPub message", "type", msgType, "err", err)
		return
	}
	if err := s.iopub.send(frames); err != nil {
		s.log.Warn("publishing", "type", msgType, "err", err)
	}
}

// handleShell serves one shell request, between busy and idle.
func (s *Server) handleShell(m *wire.Message) {
	r := &request{s: s, sock: s.shell, msg: m}
	r.publish(wire.StatusMsg, wire.Status{ExecutionState: "busy"})
	defer r.publish(wire.StatusMsg, wire.Status{ExecutionState: "idle"})
	switch m.Header.MsgType {
	case wire.KernelInfoRequest:
		r.reply(wire.KernelInfoReply, s.kernelInfo())
	case wire.ExecuteRequest:
		s.execute(r)
	case wire.CompleteRequest:
		s.complete(r)
	case wire.InspectRequest:
		s.inspect(r)
	case wire.IsCompleteRequest:
		s.isComplete(r)
	case wire.HistoryRequest:
		s.history(r)
	case wire.CommInfoRequest:
		r.reply(wire.CommInfoReply, wire.CommInfoResult{Status: wire.StatusOK, Comms: map[string]map[string]string{}})
	case wire.CommOpen:
		var c wire.Comm
		if err := m.Decode(&c); err == nil {
			// No comm targets are registered: close the comm, as the protocol asks.
			r.publish(wire.CommClose, wire.Comm{CommID: c.CommID, Data: map[string]any{}})
		}
	case wire.CommMsg, wire.CommClose:
		s.log.Debug("ignoring comm message", "type", m.Header.MsgType)
	case wire.ShutdownRequest:
		s.shutdown(r)
	default:
		s.log.Warn("unknown shell message", "type", m.Header.MsgType)
	}
}

// handleControl serves a control request at once, even while a cell runs.
func (s *Server) handleControl(m *wire.Message) {
	r := &request{s: s, sock: s.control, msg: m}
	r.publish(wire.StatusMsg, wire.Status{ExecutionState: "busy"})
	defer r.publish(wire.StatusMsg, wire.Status{ExecutionState: "idle"})
	switch m.Header.MsgType {
	case wire.InterruptRequest:
		s.Interrupt()
		r.reply(wire.InterruptReply, wire.StatusOnly{Status: wire.StatusOK})
	case wire.ShutdownRequest:
		s.shutdown(r)
	case wire.KernelInfoRequest:
		r.reply(wire.KernelInfoReply, s.kernelInfo())
	case wire.DebugRequest:
		r.reply(wire.DebugReply, map[string]any{"type": "response", "success": false, "message": "golm has no debugger"})
	default:
		s.log.Warn("unknown control message", "type", m.Header.MsgType)
	}
}

func (s *Server) shutdown(r *request) {
	var c wire.Shutdown
	_ = r.msg.Decode(&c)
	r.reply(wire.ShutdownReply, wire.Shutdown{Status: wire.StatusOK, Restart: c.Restart})
	s.Shutdown()
}

// kernelInfo describes the kernel.
func (s *Server) kernelInfo() wire.KernelInfo {
	goVersion := strings.TrimPrefix(runtime.Version(), "go")
	return wire.KernelInfo{
		Status:                wire.StatusOK,
		ProtocolVersion:       wire.ProtocolVersion,
		Implementation:        "golm",
		ImplementationVersion: s.cfg.Version,
		LanguageInfo: wire.LanguageInfo{
			Name:              "go",
			Version:           goVersion,
			Mimetype:          "text/x-go",
			FileExtension:     ".go",
			PygmentsLexer:     "go",
			CodemirrorMode:    "go",
			NbconvertExporter: "script",
		},
		Banner: fmt.Sprintf("golm %s: Go %s in a notebook, interpreted by yaegi, with helpers for language models. %%help for help.",
			s.cfg.Version, goVersion),
		HelpLinks: []wire.HelpLink{
			{Text: "Go documentation", URL: "https://go.dev/doc/"},
			{Text: "Go standard library", URL: "https://pkg.go.dev/std"},
			{Text: "golm", URL: "https://github.com/golm-dev/golm"},
		},
	}
}
