// Package zmtp is the kernel's own ZeroMQ transport: the server (bind) side of ZMTP 3.1 with the NULL
// security mechanism, for the three socket types a Jupyter kernel binds: ROUTER (shell, control, stdin),
// PUB (iopub) and REP (heartbeat). It speaks to libzmq 4.x and other ZMTP 3.0/3.1 peers over tcp:// and
// ipc:// endpoints.
//
// Every peer is unauthenticated until the kernel has checked the HMAC of a whole message, so this package
// never lets a peer choose how much memory the kernel allocates:
//
//   - a greeting is 64 bytes; command frames (READY, PING, SUBSCRIBE, ...) are capped at MaxCommandBytes;
//     at most Limits.MaxHandshakes connections may be in their handshake at once, each for at most
//     Limits.HandshakeTimeout;
//   - a message (all its frames) is capped at Limits.MaxMessageBytes on ROUTER sockets and at
//     MaxCommandBytes on PUB and REP sockets, checked against the declared size before the body is
//     allocated;
//   - every message being received, or received and not yet taken by Recv, is paid for (past its first
//     SmallMessageBytes) from one budget shared by the sockets of a Group (Limits.PendingBytes); a peer
//     that cannot get its bytes within Limits.BudgetWait is dropped;
//   - at most Limits.MaxConns peers per socket, each holding a 4 KiB read buffer and at most one command
//     or small message at a time;
//   - a frame body must arrive within Limits.FrameTimeout plus one second a MiB;
//   - what the kernel sends to a peer that does not read is dropped past Limits.SendQueueBytes;
//   - a panic while serving a connection is recovered and logged, and that connection is closed;
//   - the log takes at most a few lines a second from a group, however many peers misbehave.
package zmtp

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"
)

// Kind is a socket type.
type Kind string

// The socket types this package implements.
const (
	Router Kind = "ROUTER"
	Pub    Kind = "PUB"
	Rep    Kind = "REP"
)

// peers lists the socket types each kind accepts as a peer (ZMTP 3.1, "Socket type compatibility").
var peers = map[Kind][]string{
	Router: {"DEALER", "REQ", "ROUTER"},
	Pub:    {"SUB", "XSUB"},
	Rep:    {"REQ", "DEALER"},
}

// Limits bound what peers can make the kernel hold.
type Limits struct {
	// MaxMessageBytes caps one incoming message on a ROUTER socket, all frames together.
	MaxMessageBytes int64
	// PendingBytes caps the messages being received or waiting for Recv, all sockets of a group together.
	PendingBytes int64
	// MaxHandshakes caps the connections in their handshake at once, all sockets of a group together.
	MaxHandshakes int
	// MaxConns caps the connections of one socket.
	MaxConns int
	// HandshakeTimeout is how long a peer has for its greeting and READY.
	HandshakeTimeout time.Duration
	// FrameTimeout is how long a peer may stall in the middle of a message.
	FrameTimeout time.Duration
	// BudgetWait is how long a message may wait for room in the PendingBytes budget before its connection
	// is dropped.
	BudgetWait time.Duration
	// SendQueueBytes caps what is queued for one peer; messages past it are dropped.
	SendQueueBytes int64
}

// DefaultMaxMessageBytes is the default cap on an incoming message: generous for notebooks that send
// large widgets or files.
const DefaultMaxMessageBytes = 256 << 20

// DefaultLimits returns the limits used where a field of Limits is zero.
func DefaultLimits() Limits {
	return Limits{
		MaxMessageBytes:  DefaultMaxMessageBytes,
		PendingBytes:     DefaultMaxMessageBytes,
		MaxHandshakes:    64,
		MaxConns:         64,
		HandshakeTimeout: 10 * time.Second,
		FrameTimeout:     30 * time.Second,
		BudgetWait:       2 * time.Second,
		SendQueueBytes:   64 << 20,
	}
}

// withDefaults fills the zero fields. PendingBytes defaults to MaxMessageBytes, and is never less than
// it (or the largest message could never be received).
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxMessageBytes <= 0 {
		l.MaxMessageBytes = d.MaxMessageBytes
	}
	if l.PendingBytes <= 0 {
		l.PendingBytes = l.MaxMessageBytes
	}
	l.PendingBytes = max(l.PendingBytes, l.MaxMessageBytes)
	if l.MaxHandshakes <= 0 {
		l.MaxHandshakes = d.MaxHandshakes
	}
	if l.MaxConns <= 0 {
		l.MaxConns = d.MaxConns
	}
	if l.HandshakeTimeout <= 0 {
		l.HandshakeTimeout = d.HandshakeTimeout
	}
	if l.FrameTimeout <= 0 {
		l.FrameTimeout = d.FrameTimeout
	}
	if l.BudgetWait <= 0 {
		l.BudgetWait = d.BudgetWait
	}
	if l.SendQueueBytes <= 0 {
		l.SendQueueBytes = d.SendQueueBytes
	}
	return l
}

// Group is a set of sockets that share the handshake and pending-message budgets.
type Group struct {
	lim        Limits
	log        *limitedLog
	pending    *semaphore.Weighted
	handshakes *semaphore.Weighted
	// afterHandshake, if set, runs on each connection after its handshake (tests use it to panic).
	afterHandshake func()
}

// NewGroup returns a group with the given limits (zero fields take their defaults) and logger (nil:
// discarded).
func NewGroup(lim Limits, log *slog.Logger) *Group {
	lim = lim.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Group{
		lim:        lim,
		log:        &limitedLog{log: log},
		pending:    semaphore.NewWeighted(lim.PendingBytes),
		handshakes: semaphore.NewWeighted(int64(lim.MaxHandshakes)),
	}
}

// Limits returns the group's limits, defaults filled in.
func (g *Group) Limits() Limits { return g.lim }

// ErrClosed is returned by a closed socket.
var ErrClosed = errors.New("zmtp: socket closed")

// Socket is a bound socket.
type Socket struct {
	g       *Group
	kind    Kind
	name    string
	ln      net.Listener
	ipcPath string
	maxMsg  int64

	in     chan delivery
	closed chan struct{}
	once   sync.Once

	mu     sync.Mutex
	conns  map[*conn]struct{}
	byID   map[string]*conn
	nextID uint32

	recvMu   sync.Mutex
	lastCost int64 // the pending budget held by the message Recv returned last

	repMu   sync.Mutex
	repConn *conn
	repEnv  [][]byte
}

// delivery is a received message and what it holds of the pending budget.
type delivery struct {
	c      *conn
	frames [][]byte
	cost   int64
}

// Listen binds a socket of the given kind to an endpoint (tcp://host:port, tcp://*:port or ipc://path)
// and starts accepting peers. The name is used in log messages.
func (g *Group) Listen(kind Kind, name, endpoint string) (*Socket, error) {
	if _, ok := peers[kind]; !ok {
		return nil, fmt.Errorf("zmtp: unsupported socket type %q", kind)
	}
	network, addr, err := splitEndpoint(endpoint)
	if err != nil {
		return nil, err
	}
	if network == "unix" {
		_ = os.Remove(addr) // a stale socket file of an earlier kernel, as libzmq does
	}
	ln, err := net.Listen(network, addr)
	if err != nil {
		return nil, fmt.Errorf("zmtp: listening on %s: %w", endpoint, err)
	}
	s := &Socket{
		g: g, kind: kind, name: name, ln: ln,
		maxMsg: MaxCommandBytes,
		in:     make(chan delivery, 16),
		closed: make(chan struct{}),
		conns:  map[*conn]struct{}{},
		byID:   map[string]*conn{},
	}
	if kind == Router {
		s.maxMsg = g.lim.MaxMessageBytes
	}
	if network == "unix" {
		s.ipcPath = addr
	}
	go s.accept()
	return s, nil
}

// splitEndpoint turns a ZeroMQ endpoint into a network and address for net.Listen.
func splitEndpoint(ep string) (network, addr string, err error) {
	switch {
	case strings.HasPrefix(ep, "tcp://"):
		hp := strings.TrimPrefix(ep, "tcp://")
		i := strings.LastIndexByte(hp, ':')
		if i < 0 {
			return "", "", fmt.Errorf("zmtp: endpoint %q has no port", ep)
		}
		host := strings.Trim(hp[:i], "[]")
		if host == "*" {
			host = ""
		}
		return "tcp", net.JoinHostPort(host, hp[i+1:]), nil
	case strings.HasPrefix(ep, "ipc://"):
		return "unix", strings.TrimPrefix(ep, "ipc://"), nil
	}
	return "", "", fmt.Errorf("zmtp: unsupported endpoint %q (want tcp:// or ipc://)", ep)
}

// Addr returns the address the socket listens on.
func (s *Socket) Addr() net.Addr { return s.ln.Addr() }

// Close stops accepting, closes every connection and makes Recv and Send return ErrClosed.
func (s *Socket) Close() error {
	var err error
	s.once.Do(func() {
		close(s.closed)
		err = s.ln.Close()
		s.mu.Lock()
		for c := range s.conns {
			c.close()
		}
		s.mu.Unlock()
		if s.ipcPath != "" {
			_ = os.Remove(s.ipcPath)
		}
	})
	return err
}

// accept accepts peers until the socket is closed.
func (s *Socket) accept() {
	for {
		nc, err := s.ln.Accept()
		if err != nil {
			select {
			case <-s.closed:
				return
			default:
			}
			s.g.log.Warn("zmtp: accept failed", "socket", s.name, "err", err)
			time.Sleep(50 * time.Millisecond)
			continue
		}
		if !s.g.handshakes.TryAcquire(1) {
			s.g.log.Warn("zmtp: too many handshakes in progress, refusing a connection", "socket", s.name, "peer", nc.RemoteAddr())
			nc.Close()
			continue
		}
		s.mu.Lock()
		full := len(s.conns) >= s.g.lim.MaxConns
		s.mu.Unlock()
		if full {
			s.g.handshakes.Release(1)
			s.g.log.Warn("zmtp: too many connections, refusing one", "socket", s.name, "peer", nc.RemoteAddr())
			nc.Close()
			continue
		}
		go s.serve(nc)
	}
}

// conn is one peer.
type conn struct {
	s        *Socket
	nc       net.Conn
	id       []byte
	out      chan outMsg
	queued   atomic.Int64
	done     chan struct{}
	once     sync.Once
	subMu    sync.Mutex
	subs     map[string]struct{}
	peerType string
}

func (c *conn) close() {
	c.once.Do(func() {
		close(c.done)
		c.nc.Close()
	})
}

// outMsg is a message to send, or a whole command frame (raw).
type outMsg struct {
	frames [][]byte
	raw    []byte
}

func (m outMsg) size() int64 { return size(m.frames) + int64(len(m.raw)) }

// maxSubscriptions caps the topics one PUB peer may subscribe to.
const maxSubscriptions = 1024

// serve runs a connection: handshake, writer, and the read loop. A panic anywhere in it is logged and
// ends only this connection.
func (s *Socket) serve(nc net.Conn) {
	c := &conn{s: s, nc: nc, out: make(chan outMsg, 1024), done: make(chan struct{}), subs: map[string]struct{}{}}
	handshaking := true
	defer func() {
		if handshaking {
			s.g.handshakes.Release(1)
		}
		if r := recover(); r != nil {
			s.g.log.Error("zmtp: panic serving a connection; dropped it", "socket", s.name, "peer", nc.RemoteAddr(), "panic", r)
		}
		c.close()
		s.remove(c)
	}()
	fr := &frameReader{r: bufio.NewReaderSize(nc, 4096), maxMessage: s.maxMsg}
	if err := s.handshake(c, fr); err != nil {
		s.g.log.Warn("zmtp: handshake failed", "socket", s.name, "peer", nc.RemoteAddr(), "err", err)
		return
	}
	handshaking = false
	s.g.handshakes.Release(1)
	if s.g.afterHandshake != nil {
		s.g.afterHandshake()
	}
	if !s.add(c) {
		return
	}
	go c.writer()
	s.read(c, fr)
}

// handshake exchanges greetings and READY commands within the handshake timeout.
func (s *Socket) handshake(c *conn, fr *frameReader) error {
	_ = c.nc.SetDeadline(time.Now().Add(s.g.lim.HandshakeTimeout))
	defer c.nc.SetDeadline(time.Time{})
	ready := encodeCommand("READY", encodeMetadata([2]string{"Socket-Type", string(s.kind)}))
	if _, err := c.nc.Write(append(makeGreeting(), ready...)); err != nil {
		return fmt.Errorf("sending greeting: %w", err)
	}
	var g [greetingLen]byte
	if _, err := io.ReadFull(fr.r, g[:]); err != nil {
		return fmt.Errorf("reading greeting: %w", err)
	}
	if _, err := parseGreeting(g[:]); err != nil {
		return err
	}
	cmd, err := fr.readCommand()
	if err != nil {
		return fmt.Errorf("reading READY: %w", err)
	}
	switch cmd.name {
	case "READY":
	case "ERROR":
		return fmt.Errorf("peer sent ERROR %q", errorReason(cmd.data))
	default:
		return fmt.Errorf("%w: expected READY, got %q", ErrProtocol, cmd.name)
	}
	md, err := parseMetadata(cmd.data)
	if err != nil {
		return err
	}
	c.peerType = md["socket-type"]
	ok := false
	for _, p := range peers[s.kind] {
		ok = ok || p == c.peerType
	}
	if !ok {
		return fmt.Errorf("%w: a %s socket does not accept %q peers", ErrProtocol, s.kind, c.peerType)
	}
	if id := md["identity"]; s.kind == Router && id != "" && len(id) <= 255 && id[0] != 0 {
		c.id = []byte(id)
	}
	return nil
}

func errorReason(b []byte) string {
	if len(b) > 0 && int(b[0]) <= len(b)-1 {
		return string(b[1 : 1+int(b[0])])
	}
	return ""
}

// add registers a connection after its handshake, giving a ROUTER peer its routing id: its Identity if
// it sent one that is not in use, else a generated one (a zero byte and a counter, as libzmq does).
func (s *Socket) add(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.closed:
		return false
	default:
	}
	if s.kind == Router {
		if c.id == nil || s.byID[string(c.id)] != nil {
			for {
				s.nextID++
				id := binary.BigEndian.AppendUint32([]byte{0}, s.nextID)
				if s.byID[string(id)] == nil {
					c.id = id
					break
				}
			}
		}
		s.byID[string(c.id)] = c
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *Socket) remove(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	if c.id != nil && s.byID[string(c.id)] == c {
		delete(s.byID, string(c.id))
	}
}

// read reads commands and messages until the connection ends.
func (s *Socket) read(c *conn, fr *frameReader) {
	lim := s.g.lim
	fr.reserve = func(n int64) error {
		if s.g.pending.TryAcquire(n) {
			return nil
		}
		ctx, cancel := context.WithTimeout(context.Background(), lim.BudgetWait)
		defer cancel()
		go func() {
			select {
			case <-c.done:
				cancel()
			case <-ctx.Done():
			}
		}()
		if err := s.g.pending.Acquire(ctx, n); err != nil {
			return fmt.Errorf("zmtp: no room for a message of %d bytes among the pending messages: %w", n, err)
		}
		return nil
	}
	fr.body = func(size int64) {
		_ = c.nc.SetReadDeadline(time.Now().Add(lim.FrameTimeout + time.Duration(size>>20)*time.Second))
	}
	defer func() {
		if fr.held > 0 {
			s.g.pending.Release(fr.held)
			fr.held = 0
		}
	}()
	for {
		u, err := fr.next()
		_ = c.nc.SetReadDeadline(time.Time{})
		if err != nil {
			if !closedErr(err) {
				s.g.log.Warn("zmtp: dropped a connection", "socket", s.name, "peer", c.nc.RemoteAddr(), "err", err)
			}
			return
		}
		if u.cmd != nil {
			if !s.command(c, *u.cmd) {
				return
			}
			continue
		}
		cost := fr.held
		fr.held = 0
		switch s.kind {
		case Pub:
			s.g.pending.Release(cost)
			if f := u.frames[0]; len(f) > 0 && (f[0] == 0 || f[0] == 1) {
				c.subscribe(string(f[1:]), f[0] == 1)
			}
		default:
			if s.kind == Router {
				u.frames = append([][]byte{c.id}, u.frames...)
			}
			select {
			case s.in <- delivery{c: c, frames: u.frames, cost: cost}:
			case <-c.done:
				s.g.pending.Release(cost)
				return
			case <-s.closed:
				s.g.pending.Release(cost)
				return
			}
		}
	}
}

// closedErr reports whether err is the ordinary end of a connection.
func closedErr(err error) bool {
	return errors.Is(err, net.ErrClosed) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// command handles a command after the handshake; false ends the connection.
func (s *Socket) command(c *conn, cmd command) bool {
	switch cmd.name {
	case "PING":
		if len(cmd.data) < 2 || len(cmd.data) > 2+16 {
			s.g.log.Warn("zmtp: malformed PING", "socket", s.name)
			return false
		}
		c.enqueue(outMsg{raw: encodeCommand("PONG", cmd.data[2:])})
	case "SUBSCRIBE", "CANCEL":
		if s.kind == Pub {
			c.subscribe(string(cmd.data), cmd.name == "SUBSCRIBE")
		}
	case "ERROR":
		s.g.log.Warn("zmtp: peer sent ERROR", "socket", s.name, "reason", errorReason(cmd.data))
		return false
	}
	return true
}

func (c *conn) subscribe(topic string, on bool) {
	c.subMu.Lock()
	defer c.subMu.Unlock()
	if !on {
		delete(c.subs, topic)
	} else if len(c.subs) < maxSubscriptions {
		c.subs[topic] = struct{}{}
	}
}

func (c *conn) subscribed(topic []byte) bool {
	c.subMu.Lock()
	defer c.subMu.Unlock()
	for t := range c.subs {
		if strings.HasPrefix(string(topic), t) {
			return true
		}
	}
	return false
}

// size is what a message costs in the send queue.
func size(frames [][]byte) int64 {
	var n int64
	for _, f := range frames {
		n += int64(len(f)) + frameOverhead
	}
	return n
}

// enqueue queues a message for the writer; it drops it (and reports false) when the peer's queue is
// full.
func (c *conn) enqueue(m outMsg) bool {
	n := m.size()
	if c.queued.Add(n) > c.s.g.lim.SendQueueBytes {
		c.queued.Add(-n)
		return false
	}
	select {
	case c.out <- m:
		return true
	default:
		c.queued.Add(-n)
		return false
	}
}

// writeTimeout is how long one write to a peer may block before the peer is dropped.
const writeTimeout = 60 * time.Second

// writer writes queued messages until the connection ends.
func (c *conn) writer() {
	defer func() {
		if r := recover(); r != nil {
			c.s.g.log.Error("zmtp: panic writing to a connection; dropped it", "socket", c.s.name, "panic", r)
		}
		c.close()
	}()
	for {
		select {
		case m := <-c.out:
			bufs := make(net.Buffers, 0, 2*len(m.frames)+1)
			if m.raw != nil {
				bufs = append(bufs, m.raw)
			}
			for i, f := range m.frames {
				var fl byte
				if i < len(m.frames)-1 {
					fl = flagMore
				}
				bufs = append(bufs, frameHeader(fl, len(f)), f)
			}
			_ = c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
			_, err := bufs.WriteTo(c.nc)
			c.queued.Add(-m.size())
			if err != nil {
				if !closedErr(err) {
					c.s.g.log.Warn("zmtp: write failed; dropped the connection", "socket", c.s.name, "err", err)
				}
				return
			}
		case <-c.done:
			return
		}
	}
}

// Recv returns the next message. On a ROUTER socket its first frame is the routing id of the peer; on a
// REP socket the envelope is taken off (and kept for Send). PUB sockets receive nothing.
//
// The message returned keeps its share of the pending budget until the next call of Recv: the caller is
// expected to check it (its signature) before asking for another, so what it holds while checking counts
// against the budget too.
func (s *Socket) Recv(ctx context.Context) ([][]byte, error) {
	if s.kind == Pub {
		return nil, fmt.Errorf("zmtp: Recv on a PUB socket")
	}
	s.recvMu.Lock()
	defer s.recvMu.Unlock()
	s.g.pending.Release(s.lastCost)
	s.lastCost = 0
	for {
		var d delivery
		select {
		case d = <-s.in:
		case <-s.closed:
			return nil, ErrClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if s.kind != Rep {
			s.lastCost = d.cost
			return d.frames, nil
		}
		// REP: the envelope runs up to an empty delimiter frame; a message without one is dropped.
		for i, f := range d.frames {
			if len(f) == 0 {
				s.lastCost = d.cost
				s.repMu.Lock()
				s.repConn, s.repEnv = d.c, d.frames[:i+1]
				s.repMu.Unlock()
				return d.frames[i+1:], nil
			}
		}
		s.g.pending.Release(d.cost)
	}
}

// Send sends a message. On a ROUTER socket the first frame is the routing id of the peer (a message to
// an unknown peer is dropped, as ZeroMQ routers do); a PUB socket sends to every peer subscribed to a
// prefix of the first frame; a REP socket answers the message Recv returned last. A message for a peer
// whose send queue is full is dropped.
func (s *Socket) Send(frames [][]byte) error {
	select {
	case <-s.closed:
		return ErrClosed
	default:
	}
	if len(frames) == 0 {
		return fmt.Errorf("zmtp: empty message")
	}
	switch s.kind {
	case Router:
		s.mu.Lock()
		c := s.byID[string(frames[0])]
		s.mu.Unlock()
		if c != nil && len(frames) > 1 && !c.enqueue(outMsg{frames: frames[1:]}) {
			return fmt.Errorf("zmtp: %s: peer's send queue is full, message dropped", s.name)
		}
	case Pub:
		s.mu.Lock()
		var targets []*conn
		for c := range s.conns {
			if c.subscribed(frames[0]) {
				targets = append(targets, c)
			}
		}
		s.mu.Unlock()
		for _, c := range targets {
			if !c.enqueue(outMsg{frames: frames}) {
				s.g.log.Warn("zmtp: subscriber's send queue is full, message dropped", "socket", s.name)
			}
		}
	case Rep:
		s.repMu.Lock()
		c, env := s.repConn, s.repEnv
		s.repConn, s.repEnv = nil, nil
		s.repMu.Unlock()
		if c == nil {
			return fmt.Errorf("zmtp: %s: Send without a request", s.name)
		}
		c.enqueue(outMsg{frames: append(append([][]byte{}, env...), frames...)})
	}
	return nil
}
