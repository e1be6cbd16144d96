package zmtp

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

func listen(t *testing.T, g *Group, kind Kind) *Socket {
	t.Helper()
	s, err := g.Listen(kind, string(kind), "tcp://127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func endpoint(s *Socket) string { return "tcp://" + s.Addr().String() }

// recv receives with a timeout.
func recv(t *testing.T, s *Socket, d time.Duration) ([][]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return s.Recv(ctx)
}

func equalFrames(a [][]byte, b ...string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if string(a[i]) != b[i] {
			return false
		}
	}
	return true
}

// The other end of every interoperability test is go-zeromq/zmq4, an independent ZMTP implementation.

func TestRouterWithDealer(t *testing.T) {
	g := NewGroup(Limits{}, nil)
	s := listen(t, g, Router)
	ctx := t.Context()
	d := zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity("dealer-1")))
	defer d.Close()
	if err := d.Dial(endpoint(s)); err != nil {
		t.Fatal(err)
	}
	big := bytes.Repeat([]byte{'b'}, 300) // a long frame
	if err := d.SendMulti(zmq4.NewMsgFrom([]byte("a"), nil, big)); err != nil {
		t.Fatal(err)
	}
	got, err := recv(t, s, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !equalFrames(got, "dealer-1", "a", "", string(big)) {
		t.Fatalf("router got %q", got)
	}
	if err := s.Send([][]byte{[]byte("dealer-1"), nil, []byte("x"), big}); err != nil {
		t.Fatal(err)
	}
	if err := s.Send([][]byte{[]byte("nobody"), []byte("lost")}); err != nil {
		t.Fatalf("send to an unknown peer: %v (should be dropped quietly)", err)
	}
	msg, err := d.Recv()
	if err != nil {
		t.Fatal(err)
	}
	if !equalFrames(msg.Frames, "", "x", string(big)) {
		t.Fatalf("dealer got %q", msg.Frames)
	}
}

func TestPubWithSub(t *testing.T) {
	g := NewGroup(Limits{}, nil)
	s := listen(t, g, Pub)
	sub := zmq4.NewSub(t.Context())
	defer sub.Close()
	if err := sub.Dial(endpoint(s)); err != nil {
		t.Fatal(err)
	}
	if err := sub.SetOption(zmq4.OptionSubscribe, "t"); err != nil {
		t.Fatal(err)
	}
	got := make(chan [][]byte, 100)
	go func() {
		for {
			m, err := sub.Recv()
			if err != nil {
				return
			}
			got <- m.Frames
		}
	}()
	// Publish until the subscription has arrived.
	deadline := time.After(5 * time.Second)
	for ready := false; !ready; {
		_ = s.Send([][]byte{[]byte("t"), []byte("probe")})
		select {
		case <-got:
			ready = true
		case <-time.After(50 * time.Millisecond):
		case <-deadline:
			t.Fatal("the subscription never arrived")
		}
	}
	for len(got) > 0 {
		<-got
	}
	_ = s.Send([][]byte{[]byte("other"), []byte("filtered out")})
	_ = s.Send([][]byte{[]byte("topic"), []byte("1")})
	select {
	case m := <-got:
		if !equalFrames(m, "topic", "1") {
			t.Fatalf("sub got %q, want the message on topic \"topic\" only", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing published")
	}
}

func TestRepWithReq(t *testing.T) {
	g := NewGroup(Limits{}, nil)
	s := listen(t, g, Rep)
	req := zmq4.NewReq(t.Context())
	defer req.Close()
	if err := req.Dial(endpoint(s)); err != nil {
		t.Fatal(err)
	}
	for _, ping := range []string{"ping", "again"} {
		if err := req.Send(zmq4.NewMsgString(ping)); err != nil {
			t.Fatal(err)
		}
		got, err := recv(t, s, 5*time.Second)
		if err != nil || !equalFrames(got, ping) {
			t.Fatalf("rep got %q, %v", got, err)
		}
		if err := s.Send(got); err != nil {
			t.Fatal(err)
		}
		msg, err := req.Recv()
		if err != nil || !equalFrames(msg.Frames, ping) {
			t.Fatalf("req got %q, %v", msg.Frames, err)
		}
	}
}

func TestIPC(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k-1")
	if err := os.WriteFile(path, nil, 0o600); err != nil { // a stale file from an earlier kernel
		t.Fatal(err)
	}
	g := NewGroup(Limits{}, nil)
	s, err := g.Listen(Router, "shell", "ipc://"+path)
	if err != nil {
		t.Fatal(err)
	}
	d := zmq4.NewDealer(t.Context(), zmq4.WithID(zmq4.SocketIdentity("d")))
	defer d.Close()
	if err := d.Dial("ipc://" + path); err != nil {
		t.Fatal(err)
	}
	if err := d.Send(zmq4.NewMsgString("hi")); err != nil {
		t.Fatal(err)
	}
	if got, err := recv(t, s, 5*time.Second); err != nil || !equalFrames(got, "d", "hi") {
		t.Fatalf("got %q, %v", got, err)
	}
	s.Close()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("socket file left behind: %v", err)
	}
}

// rawPeer connects and, unless stall, does the handshake as a peer of the given type.
func rawPeer(t *testing.T, s *Socket, sockType string, stall bool) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if stall {
		return c
	}
	if _, err := c.Write(append(makeGreeting(), readyFrame(sockType)...)); err != nil {
		t.Fatal(err)
	}
	// The kernel's greeting and READY.
	buf := make([]byte, greetingLen+2)
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(c, make([]byte, buf[greetingLen+1])); err != nil {
		t.Fatal(err)
	}
	return c
}

// closedWithin reports whether the kernel closes the connection within d (what it sends is skipped).
func closedWithin(c net.Conn, d time.Duration) bool {
	_ = c.SetReadDeadline(time.Now().Add(d))
	_, err := io.Copy(io.Discard, c)
	var ne net.Error
	return !(errors.As(err, &ne) && ne.Timeout())
}

func TestHandshakeLimits(t *testing.T) {
	t.Run("timeout", func(t *testing.T) {
		s := listen(t, NewGroup(Limits{HandshakeTimeout: 200 * time.Millisecond}, nil), Router)
		c := rawPeer(t, s, "", true)
		if !closedWithin(c, 3*time.Second) {
			t.Fatal("a peer that never greeted was kept")
		}
	})
	t.Run("at most MaxHandshakes at once", func(t *testing.T) {
		s := listen(t, NewGroup(Limits{MaxHandshakes: 2}, nil), Router)
		rawPeer(t, s, "", true)
		rawPeer(t, s, "", true)
		time.Sleep(100 * time.Millisecond)
		third := rawPeer(t, s, "", true)
		if !closedWithin(third, 2*time.Second) {
			t.Fatal("a third handshake was accepted")
		}
	})
	t.Run("at most MaxConns", func(t *testing.T) {
		s := listen(t, NewGroup(Limits{MaxConns: 1}, nil), Router)
		rawPeer(t, s, "DEALER", false)
		time.Sleep(100 * time.Millisecond)
		second := rawPeer(t, s, "", true)
		if !closedWithin(second, 2*time.Second) {
			t.Fatal("a second connection was accepted")
		}
	})
	t.Run("incompatible peer", func(t *testing.T) {
		s := listen(t, NewGroup(Limits{}, nil), Pub)
		c := rawPeer(t, s, "DEALER", false)
		if !closedWithin(c, 2*time.Second) {
			t.Fatal("a DEALER was accepted by a PUB socket")
		}
	})
}

func TestMessageLimits(t *testing.T) {
	g := NewGroup(Limits{MaxMessageBytes: 1 << 20, BudgetWait: 200 * time.Millisecond}, nil)
	s := listen(t, g, Router)

	// Over the cap: dropped at the header.
	c := rawPeer(t, s, "DEALER", false)
	c.Write(long(0, 2<<20))
	if !closedWithin(c, 2*time.Second) {
		t.Fatal("a 2 MiB frame was accepted with a 1 MiB cap")
	}

	// A peer holds most of the pending budget with a message it never finishes.
	hog := rawPeer(t, s, "DEALER", false)
	hog.Write(long(flagMore, 900<<10))
	hog.Write(make([]byte, 900<<10))
	time.Sleep(100 * time.Millisecond)

	// Another large message waits for room, then is dropped.
	big := rawPeer(t, s, "DEALER", false)
	big.Write(long(0, 900<<10))
	if !closedWithin(big, 3*time.Second) {
		t.Fatal("a large message got past a full budget")
	}
	// A small message still gets through.
	small := rawPeer(t, s, "DEALER", false)
	small.Write(msgFrames([]byte("small")))
	if got, err := recv(t, s, 2*time.Second); err != nil || string(got[1]) != "small" {
		t.Fatalf("small message: %q, %v", got, err)
	}
	// Once the hog is gone, large messages pass again.
	hog.Close()
	time.Sleep(100 * time.Millisecond)
	big2 := rawPeer(t, s, "DEALER", false)
	big2.Write(msgFrames(make([]byte, 900<<10)))
	if got, err := recv(t, s, 2*time.Second); err != nil || len(got[1]) != 900<<10 {
		t.Fatalf("large message after the hog left: %d frames, %v", len(got), err)
	}
	// Budget is released when the next message is asked for.
	small.Write(msgFrames([]byte("again")))
	if _, err := recv(t, s, 2*time.Second); err != nil {
		t.Fatal(err)
	}
	if !g.pending.TryAcquire(g.lim.PendingBytes) {
		t.Fatal("budget not given back")
	}
	g.pending.Release(g.lim.PendingBytes)
}

// TestPanicDropsOnlyTheConnection: a panic while serving a connection is recovered, and the socket
// goes on serving others.
func TestPanicDropsOnlyTheConnection(t *testing.T) {
	g := NewGroup(Limits{}, nil)
	first := true
	g.afterHandshake = func() {
		if first {
			first = false
			panic("boom")
		}
	}
	s := listen(t, g, Router)
	c := rawPeer(t, s, "DEALER", false)
	if !closedWithin(c, 2*time.Second) {
		t.Fatal("the connection that panicked is still open")
	}
	c2 := rawPeer(t, s, "DEALER", false)
	c2.Write(msgFrames([]byte("after")))
	if got, err := recv(t, s, 2*time.Second); err != nil || string(got[1]) != "after" {
		t.Fatalf("after a panic: %q, %v", got, err)
	}
}

func TestPingPong(t *testing.T) {
	s := listen(t, NewGroup(Limits{}, nil), Router)
	c := rawPeer(t, s, "DEALER", false)
	c.Write(encodeCommand("PING", []byte{0, 10, 'c', 't', 'x'}))
	want := encodeCommand("PONG", []byte("ctx"))
	got := make([]byte, len(want))
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := io.ReadFull(c, got); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("got %q, %v; want %q", got, err, want)
	}
}
