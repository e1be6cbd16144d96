package server

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/golm-dev/golm/internal/kernel/wire"
)

// Hostile peers: raw TCP connections that speak just enough ZMTP to reach the framing code, and never a
// signed Jupyter message.

// hostileGreeting is a ZMTP 3.1 greeting with the NULL mechanism.
func hostileGreeting() []byte {
	g := make([]byte, 64)
	g[0], g[9], g[10], g[11] = 0xFF, 0x7F, 3, 1
	copy(g[12:], "NULL")
	return g
}

// hostileReady is a READY command announcing a socket type.
func hostileReady(sockType string) []byte {
	var body []byte
	body = append(body, 5)
	body = append(body, "READY"...)
	body = append(body, byte(len("Socket-Type")))
	body = append(body, "Socket-Type"...)
	body = binary.BigEndian.AppendUint32(body, uint32(len(sockType)))
	body = append(body, sockType...)
	return append([]byte{0x04, byte(len(body))}, body...)
}

// longHeader is the header of a long frame with the given flags and declared size.
func longHeader(flags byte, size uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{flags | 0x02}, size)
}

// peerType is the socket type a well-behaved peer of each kernel port announces.
var peerType = map[string]string{"shell": "DEALER", "control": "DEALER", "stdin": "DEALER", "iopub": "SUB", "heartbeat": "REQ"}

// hostileInput is one attack: what it sends after connecting.
type hostileInput struct {
	name string
	send func(w io.Writer, sockType string) error
	// framed: the framing is valid for a ROUTER (the messages are refused later, by their signature), so
	// shell, control and stdin may keep the connection; every other input must end it.
	framed bool
}

var mib100 = make([]byte, 100<<20)

func hostileInputs() []hostileInput {
	write := func(parts ...[]byte) func(io.Writer, string) error {
		return func(w io.Writer, _ string) error {
			for _, p := range parts {
				if _, err := w.Write(p); err != nil {
					return err
				}
			}
			return nil
		}
	}
	frames100 := func(n int, more bool) func(io.Writer, string) error {
		return func(w io.Writer, st string) error {
			if _, err := w.Write(append(hostileGreeting(), hostileReady(st)...)); err != nil {
				return err
			}
			for i := 0; i < n; i++ {
				var fl byte
				if more && i < n-1 {
					fl = 0x01
				}
				if _, err := w.Write(longHeader(fl, uint64(len(mib100)))); err != nil {
					return err
				}
				if _, err := w.Write(mib100); err != nil {
					return err
				}
			}
			return nil
		}
	}
	return []hostileInput{
		{"greeting then 2^62-byte command frame", write(hostileGreeting(), longHeader(0x04, 1<<62)), false},
		{"greeting then 2^45-byte command frame", write(hostileGreeting(), longHeader(0x04, 1<<45)), false},
		{"greeting then 2^63+1-byte frame", write(hostileGreeting(), longHeader(0x00, 1<<63+1)), false},
		{"READY then 2^62-byte message frame", func(w io.Writer, st string) error {
			return write(hostileGreeting(), hostileReady(st), longHeader(0x00, 1<<62))(w, st)
		}, false},
		{"READY then 2^45-byte message frame", func(w io.Writer, st string) error {
			return write(hostileGreeting(), hostileReady(st), longHeader(0x00, 1<<45))(w, st)
		}, false},
		{"READY with a property running past the command", write(hostileGreeting(),
			[]byte{0x04, 10, 5, 'R', 'E', 'A', 'D', 'Y', 3, 'a', 'b', 'c'}), false},
		{"READY then 4 x 100 MiB frames in one message", frames100(4, true), false},
		{"READY then 6 x 100 MiB single-frame messages", frames100(6, false), true},
	}
}

// attack connects to a port, sends the input, and reports whether the kernel closed the connection
// (within a few seconds of the last byte).
func attack(addr string, in hostileInput, sockType string) (closed bool, err error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return false, err
	}
	defer c.Close()
	eof := make(chan struct{})
	go func() { io.Copy(io.Discard, c); close(eof) }() // the kernel's greeting and READY, then EOF
	_ = c.SetWriteDeadline(time.Now().Add(60 * time.Second))
	if err := in.send(c, sockType); err != nil {
		return true, nil // the kernel closed the connection while we were sending
	}
	select {
	case <-eof:
		return true, nil
	case <-time.After(3 * time.Second):
		return false, nil
	}
}

// heapPeak samples the runtime heap until stop is called and returns the largest HeapAlloc seen.
func heapPeak() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(done); wg.Wait(); return peak.Load() }
}

// TestHostilePeers sends every hostile input to every kernel port, all at once per input, then runs a
// cell through a real client: the kernel must answer, and its heap must stay bounded throughout.
func TestHostilePeers(t *testing.T) {
	c, srv := startKernel(t, time.Second)
	conn := srv.cfg.Conn
	ports := map[string]int{"shell": conn.ShellPort, "control": conn.ControlPort, "stdin": conn.StdinPort,
		"iopub": conn.IOPubPort, "heartbeat": conn.HBPort}
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	// Live memory held for peers that have not sent a verified message is at most the pending-message
	// budget plus the handshake, connection and small-message allowances (a few MiB; 64 MiB of slack
	// covers them and the runtime). The collector lets the heap grow to twice the live heap before it
	// runs (GOGC=100), and one allocation (a frame body, at most MaxMessageBytes) may overshoot that goal
	// before the collector catches up: so the heap, garbage included, stays under twice the live bound plus
	// one message, however much the peers send. Before the kernel had its own ZMTP layer it grew with
	// every frame a peer sent (2.1 GB for the 4 x 100 MiB input on the five ports).
	lim := srv.wireLimits()
	bound := 2*(base.HeapAlloc+uint64(lim.PendingBytes)+64<<20) + uint64(lim.MaxMessageBytes)
	for _, in := range hostileInputs() {
		t.Run(strings.ReplaceAll(in.name, " ", "_"), func(t *testing.T) {
			stop := heapPeak()
			var wg sync.WaitGroup
			for name, port := range ports {
				wg.Add(1)
				go func() {
					defer wg.Done()
					closed, err := attack(fmt.Sprintf("127.0.0.1:%d", port), in, peerType[name])
					if err != nil {
						t.Errorf("%s: %v", name, err)
					}
					router := name == "shell" || name == "control" || name == "stdin"
					if !closed && !(in.framed && router) {
						t.Errorf("%s: the kernel kept the connection", name)
					}
				}()
			}
			wg.Wait()
			peak := stop()
			t.Logf("peak heap %d MiB (base %d MiB, bound %d MiB)", peak>>20, base.HeapAlloc>>20, bound>>20)
			if peak > bound {
				t.Errorf("heap peaked at %d MiB, over the bound of %d MiB", peak>>20, bound>>20)
			}
			reply, _ := c.execute(`1 + 1`)
			if st := content(reply)["status"]; st != "ok" {
				t.Fatalf("after the attack, execute_reply status %v", st)
			}
		})
	}
}

// TestReplayIsDropped: a signed message sent again, on the same socket or another, is not run again.
func TestReplayIsDropped(t *testing.T) {
	c, _ := startKernel(t, 0)
	if rep, _ := c.execute("n := 0"); content(rep)["status"] != "ok" {
		t.Fatal(rep.Content)
	}
	h := wire.NewHeader(wire.ExecuteRequest, c.session, "tester")
	frames, err := wire.Frames(nil, h, nil, nil, map[string]any{"code": "n++"}, c.signer)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.shell.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		t.Fatal(err)
	}
	c.reply(c.shell, wire.ExecuteReply)
	c.waitIdle(h.MsgID, 5*time.Second)
	// The same frames again, on shell and on control.
	_ = c.shell.SendMulti(zmq4.NewMsgFrom(frames...))
	_ = c.control.SendMulti(zmq4.NewMsgFrom(frames...))
	rep, ms := c.execute("n")
	if content(rep)["status"] != "ok" {
		t.Fatal(rep.Content)
	}
	if got := resultTexts(ms); len(got) != 1 || got[0] != "1" {
		t.Fatalf("n = %q after one execution and two replays, want 1", got)
	}
}
