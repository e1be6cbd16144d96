package zmtp

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

func readyFrame(sockType string, extra ...[2]string) []byte {
	return encodeCommand("READY", encodeMetadata(append([][2]string{{"Socket-Type", sockType}}, extra...)...))
}

// msgFrames encodes a message's frames with MORE flags.
func msgFrames(frames ...[]byte) []byte {
	var b []byte
	for i, f := range frames {
		var fl byte
		if i < len(frames)-1 {
			fl = flagMore
		}
		b = append(b, frameHeader(fl, len(f))...)
		b = append(b, f...)
	}
	return b
}

func long(flags byte, size uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte{flags | flagLong}, size)
}

func TestParseGreeting(t *testing.T) {
	good := makeGreeting()
	mod := func(f func(g []byte)) []byte { g := bytes.Clone(good); f(g); return g }
	cases := []struct {
		name string
		in   []byte
		ok   bool
	}{
		{"ours", good, true},
		{"3.0", mod(func(g []byte) { g[11] = 0 }), true},
		{"short", good[:63], false},
		{"bad signature start", mod(func(g []byte) { g[0] = 0 }), false},
		{"bad signature end", mod(func(g []byte) { g[9] = 0 }), false},
		{"ZMTP 2", mod(func(g []byte) { g[10] = 2 }), false},
		{"PLAIN", mod(func(g []byte) { copy(g[12:32], "PLAIN\x00\x00\x00") }), false},
		{"CURVE", mod(func(g []byte) { copy(g[12:32], "CURVE") }), false},
	}
	for _, c := range cases {
		_, err := parseGreeting(c.in)
		if (err == nil) != c.ok {
			t.Errorf("%s: err %v, want ok=%v", c.name, err, c.ok)
		}
	}
}

func TestParseMetadata(t *testing.T) {
	cases := []struct {
		name string
		in   []byte
		want map[string]string
	}{
		{"two", encodeMetadata([2]string{"Socket-Type", "DEALER"}, [2]string{"Identity", "me"}),
			map[string]string{"socket-type": "DEALER", "identity": "me"}},
		{"empty", nil, map[string]string{}},
		{"name past end", []byte{9, 'a'}, nil},
		{"empty name", []byte{0, 0, 0, 0, 0}, nil},
		{"no value length", []byte{1, 'a', 0, 0}, nil},
		{"value past end", []byte{1, 'a', 0, 0, 0, 5, 'x'}, nil},
		{"value length 2^32-1", []byte{1, 'a', 0xFF, 0xFF, 0xFF, 0xFF}, nil},
	}
	for _, c := range cases {
		got, err := parseMetadata(c.in)
		if c.want == nil {
			if err == nil {
				t.Errorf("%s: no error, got %v", c.name, got)
			}
			continue
		}
		if err != nil || len(got) != len(c.want) {
			t.Errorf("%s: got %v, %v", c.name, got, err)
			continue
		}
		for k, v := range c.want {
			if got[k] != v {
				t.Errorf("%s: %s = %q, want %q", c.name, k, got[k], v)
			}
		}
	}
}

// TestFrameReader feeds streams to the frame reader and checks what it returns or refuses, and what it
// reserved.
func TestFrameReader(t *testing.T) {
	big := bytes.Repeat([]byte{'x'}, SmallMessageBytes)
	cases := []struct {
		name    string
		in      []byte
		frames  int   // frames of the first unit (0: a command)
		err     error // error of the first unit
		reserve int64 // what the first unit reserved
	}{
		{"small message", msgFrames([]byte("a"), nil, []byte("b")), 3, nil, 0},
		{"message past the free part", msgFrames([]byte("a"), big), 2, nil, SmallMessageBytes + frameOverhead},
		{"ping", encodeCommand("PING", []byte{0, 10}), 0, nil, 0},
		{"2^62 message frame", long(0, 1<<62), 0, ErrTooLarge, 0},
		{"2^45 message frame", long(0, 1<<45), 0, ErrTooLarge, 0},
		{"2^64-1 message frame", long(0, 1<<64-1), 0, ErrTooLarge, 0},
		{"2^62 command", long(flagCommand, 1<<62), 0, ErrTooLarge, 0},
		{"command over the cap", long(flagCommand, MaxCommandBytes+1), 0, ErrTooLarge, 0},
		{"second frame takes it over", append(append(long(flagMore, 600), bytes.Repeat([]byte{1}, 600)...), long(0, 500)...),
			0, ErrTooLarge, 0},
		{"reserved flags", []byte{0x10, 0}, 0, ErrProtocol, 0},
		{"command inside a message", append([]byte{flagMore, 1, 'a'}, encodeCommand("PING", []byte{0, 0})...), 0, ErrProtocol, 0},
		{"command with MORE", []byte{flagCommand | flagMore, 1, 1}, 0, ErrProtocol, 0},
		{"malformed command", []byte{flagCommand, 2, 5, 'a'}, 0, ErrProtocol, 0},
		{"truncated body", []byte{0, 5, 'a'}, 0, io.ErrUnexpectedEOF, 0},
		{"truncated long header", []byte{flagLong, 0, 0}, 0, io.ErrUnexpectedEOF, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var reserved int64
			fr := &frameReader{r: bufio.NewReader(bytes.NewReader(c.in)), maxMessage: 1 << 20,
				reserve: func(n int64) error { reserved += n; return nil }}
			if c.name == "second frame takes it over" {
				fr.maxMessage = 1000 // 600 bytes fit, 1100 do not
			}
			u, err := fr.next()
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("err %v, want %v", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.frames == 0 && u.cmd == nil || c.frames != len(u.frames) {
				t.Fatalf("got %d frames, command %v; want %d frames", len(u.frames), u.cmd, c.frames)
			}
			if reserved != c.reserve || fr.held != c.reserve {
				t.Fatalf("reserved %d (held %d), want %d", reserved, fr.held, c.reserve)
			}
		})
	}
}

// TestTooManyFrames: a flood of empty frames stops at MaxFrames.
func TestTooManyFrames(t *testing.T) {
	in := bytes.Repeat([]byte{flagMore, 0}, MaxFrames+1)
	fr := &frameReader{r: bufio.NewReader(bytes.NewReader(in)), maxMessage: 1 << 30}
	if _, err := fr.next(); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err %v, want ErrTooLarge", err)
	}
}

// FuzzFraming runs the kernel's side of a connection over arbitrary bytes: greeting, READY, then frames.
// It must never panic, never return a frame or message over its limits, and account for every byte it
// reserved. The seeds (run by plain go test) include the hostile inputs of issue 16.
func FuzzFraming(f *testing.F) {
	hs := append(makeGreeting(), readyFrame("DEALER", [2]string{"Identity", "x"})...)
	seeds := [][]byte{
		hs,
		append(bytes.Clone(hs), msgFrames([]byte("id"), []byte("<IDS|MSG>"), []byte("sig"), []byte("{}"))...),
		append(bytes.Clone(hs), encodeCommand("PING", []byte{0, 1, 'c'})...),
		append(makeGreeting(), long(flagCommand, 1<<62)...),
		append(makeGreeting(), long(flagCommand, 1<<45)...),
		append(bytes.Clone(hs), long(0, 1<<62)...),
		append(bytes.Clone(hs), long(flagMore, 100<<20)...),
		append(makeGreeting(), flagCommand, 10, 5, 'R', 'E', 'A', 'D', 'Y', 3, 'a', 'b', 'c'),
		append(bytes.Clone(hs), bytes.Repeat([]byte{flagMore, 0}, 100)...),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	const maxMessage = 1 << 20
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bufio.NewReader(bytes.NewReader(data))
		var g [greetingLen]byte
		if _, err := io.ReadFull(r, g[:]); err != nil {
			return
		}
		if _, err := parseGreeting(g[:]); err != nil {
			return
		}
		var reserved int64
		fr := &frameReader{r: r, maxMessage: maxMessage, reserve: func(n int64) error {
			if n <= 0 || n > maxMessage {
				t.Fatalf("reserve(%d) outside (0, %d]", n, maxMessage)
			}
			reserved += n
			return nil
		}}
		cmd, err := fr.readCommand()
		if err != nil {
			return
		}
		if _, err := parseMetadata(cmd.data); err != nil {
			return
		}
		for {
			before := reserved
			fr.held = 0
			u, err := fr.next()
			if fr.held != reserved-before {
				t.Fatalf("held %d, reserved %d for this unit", fr.held, reserved-before)
			}
			if err != nil {
				return
			}
			if u.cmd != nil {
				if len(u.cmd.name) == 0 || len(u.cmd.data) > MaxCommandBytes {
					t.Fatalf("command %q with %d bytes", u.cmd.name, len(u.cmd.data))
				}
				continue
			}
			var total int64
			for _, fr := range u.frames {
				total += int64(len(fr)) + frameOverhead
			}
			if total > maxMessage || len(u.frames) > MaxFrames || len(u.frames) == 0 {
				t.Fatalf("message of %d frames, %d bytes", len(u.frames), total)
			}
			// What was read re-encodes and reads back the same.
			back := &frameReader{r: bufio.NewReader(bytes.NewReader(msgFrames(u.frames...))), maxMessage: maxMessage}
			u2, err := back.next()
			if err != nil || len(u2.frames) != len(u.frames) {
				t.Fatalf("round trip: %v, %d frames", err, len(u2.frames))
			}
			for i := range u.frames {
				if !bytes.Equal(u.frames[i], u2.frames[i]) {
					t.Fatalf("round trip: frame %d differs", i)
				}
			}
		}
	})
}
