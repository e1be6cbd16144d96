package zmtp

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Frame flags (ZMTP 3.1, section "Framing").
const (
	flagMore     = 0x01
	flagLong     = 0x02
	flagCommand  = 0x04
	flagReserved = 0xF8
)

// greetingLen is the size of a ZMTP 3.x greeting.
const greetingLen = 64

// MaxCommandBytes caps a command frame (READY, PING, SUBSCRIBE, ...). Commands are small by nature; this
// is all a peer can make the kernel hold before its handshake is done.
const MaxCommandBytes = 16 << 10

// frameOverhead is what the kernel counts for each message frame on top of its body: the slice header
// and allocation rounding. It makes a flood of empty frames cost what it costs in memory, not on the wire.
const frameOverhead = 64

// MaxFrames caps the number of frames in one message.
const MaxFrames = 4096

// SmallMessageBytes is the part of each message a connection may receive without drawing on the shared
// pending budget, so that small messages (nearly all Jupyter requests) still get through while large
// ones wait for room.
const SmallMessageBytes = 64 << 10

// Errors of the framing layer. Every one of them ends the connection.
var (
	ErrProtocol = errors.New("zmtp: protocol error")
	ErrTooLarge = errors.New("zmtp: frame or message over the size limit")
)

// greeting is the part of a peer's greeting the kernel looks at.
type greeting struct {
	major, minor byte
	mechanism    string
}

// makeGreeting returns the kernel's greeting: ZMTP 3.1, NULL mechanism, as-server 0.
func makeGreeting() []byte {
	g := make([]byte, greetingLen)
	g[0], g[9] = 0xFF, 0x7F
	g[10], g[11] = 3, 1
	copy(g[12:32], "NULL")
	return g
}

// parseGreeting checks a peer's 64-byte greeting: the signature, a major version of 3 or more (older
// peers are refused), and the NULL mechanism.
func parseGreeting(b []byte) (greeting, error) {
	var g greeting
	if len(b) != greetingLen {
		return g, fmt.Errorf("%w: greeting of %d bytes", ErrProtocol, len(b))
	}
	if b[0] != 0xFF || b[9] != 0x7F {
		return g, fmt.Errorf("%w: bad greeting signature", ErrProtocol)
	}
	g.major, g.minor = b[10], b[11]
	if g.major < 3 {
		return g, fmt.Errorf("%w: ZMTP %d.%d is not supported (want 3.x)", ErrProtocol, g.major, g.minor)
	}
	mech := b[12:32]
	if i := bytes.IndexByte(mech, 0); i >= 0 {
		mech = mech[:i]
	}
	g.mechanism = string(mech)
	if g.mechanism != "NULL" {
		return g, fmt.Errorf("%w: security mechanism %q (only NULL is supported)", ErrProtocol, g.mechanism)
	}
	return g, nil
}

// command is a decoded command frame.
type command struct {
	name string
	data []byte
}

// parseCommand splits a command frame's body into its name and data.
func parseCommand(b []byte) (command, error) {
	if len(b) < 1 || int(b[0]) > len(b)-1 || b[0] == 0 {
		return command{}, fmt.Errorf("%w: malformed command", ErrProtocol)
	}
	n := int(b[0])
	return command{name: string(b[1 : 1+n]), data: b[1+n:]}, nil
}

// encodeCommand returns a whole command frame: header, name and data.
func encodeCommand(name string, data []byte) []byte {
	body := make([]byte, 0, 1+len(name)+len(data))
	body = append(body, byte(len(name)))
	body = append(body, name...)
	body = append(body, data...)
	return append(frameHeader(flagCommand, len(body)), body...)
}

// frameHeader returns the header of a frame of the given size, choosing the short or long form.
func frameHeader(flags byte, size int) []byte {
	if size <= 255 {
		return []byte{flags, byte(size)}
	}
	return binary.BigEndian.AppendUint64([]byte{flags | flagLong}, uint64(size))
}

// parseMetadata decodes the properties of a READY command. Names are matched case-insensitively, so they
// are returned in lower case.
func parseMetadata(b []byte) (map[string]string, error) {
	md := map[string]string{}
	for len(b) > 0 {
		n := int(b[0])
		b = b[1:]
		if n == 0 || n > len(b) {
			return nil, fmt.Errorf("%w: malformed metadata name", ErrProtocol)
		}
		name := strings.ToLower(string(b[:n]))
		b = b[n:]
		if len(b) < 4 {
			return nil, fmt.Errorf("%w: metadata value length missing", ErrProtocol)
		}
		v := binary.BigEndian.Uint32(b)
		b = b[4:]
		if uint64(v) > uint64(len(b)) {
			return nil, fmt.Errorf("%w: metadata value runs past the command", ErrProtocol)
		}
		md[name] = string(b[:v])
		b = b[v:]
	}
	return md, nil
}

// encodeMetadata encodes properties, in order, for a READY command.
func encodeMetadata(props ...[2]string) []byte {
	var b []byte
	for _, p := range props {
		b = append(b, byte(len(p[0])))
		b = append(b, p[0]...)
		b = binary.BigEndian.AppendUint32(b, uint32(len(p[1])))
		b = append(b, p[1]...)
	}
	return b
}

// unit is what the frame reader returns: a command, or a whole message.
type unit struct {
	cmd    *command
	frames [][]byte
}

// frameReader reads frames from a stream and checks every declared size against its limits before it
// allocates anything. The first SmallMessageBytes of a message are free; past them, frame bodies are paid
// for first through reserve, and held is what has been reserved for the message being read (or the last
// one returned), which the caller gives back.
type frameReader struct {
	r          *bufio.Reader
	maxMessage int64 // bytes (with frameOverhead a frame) in one message
	// reserve is asked for the cost of a message frame before its body is allocated; an error ends the
	// connection. Nil reserves nothing.
	reserve func(n int64) error
	// body is told the size of a frame before its body is read (to set a read deadline). Nil: nothing.
	body func(size int64)
	held int64
}

// readHeader reads a frame header and returns its flags and size, refusing reserved flags and sizes that
// do not fit an int64.
func (fr *frameReader) readHeader() (byte, uint64, error) {
	var hdr [9]byte
	if _, err := io.ReadFull(fr.r, hdr[:2]); err != nil {
		return 0, 0, err
	}
	flags := hdr[0]
	if flags&flagReserved != 0 {
		return 0, 0, fmt.Errorf("%w: reserved frame flags %#x", ErrProtocol, flags)
	}
	size := uint64(hdr[1])
	if flags&flagLong != 0 {
		if _, err := io.ReadFull(fr.r, hdr[2:]); err != nil {
			return 0, 0, err
		}
		size = binary.BigEndian.Uint64(hdr[1:])
	}
	return flags, size, nil
}

// readCommand reads one frame that must be a command (as in the handshake).
func (fr *frameReader) readCommand() (command, error) {
	flags, size, err := fr.readHeader()
	if err != nil {
		return command{}, err
	}
	if flags&flagCommand == 0 || flags&flagMore != 0 {
		return command{}, fmt.Errorf("%w: expected a command frame", ErrProtocol)
	}
	if size > MaxCommandBytes {
		return command{}, fmt.Errorf("%w: command frame of %d bytes (limit %d)", ErrTooLarge, size, MaxCommandBytes)
	}
	return fr.commandBody(size)
}

func (fr *frameReader) commandBody(size uint64) (command, error) {
	body := make([]byte, size)
	if _, err := io.ReadFull(fr.r, body); err != nil {
		return command{}, err
	}
	return parseCommand(body)
}

// next reads the next command or whole message.
func (fr *frameReader) next() (unit, error) {
	var (
		frames [][]byte
		total  int64
		free   int64 = SmallMessageBytes
	)
	for {
		flags, size, err := fr.readHeader()
		if err != nil {
			return unit{}, err
		}
		if flags&flagCommand != 0 {
			if len(frames) > 0 || flags&flagMore != 0 {
				return unit{}, fmt.Errorf("%w: command frame inside a message", ErrProtocol)
			}
			if size > MaxCommandBytes {
				return unit{}, fmt.Errorf("%w: command frame of %d bytes (limit %d)", ErrTooLarge, size, MaxCommandBytes)
			}
			cmd, err := fr.commandBody(size)
			if err != nil {
				return unit{}, err
			}
			return unit{cmd: &cmd}, nil
		}
		if len(frames) >= MaxFrames {
			return unit{}, fmt.Errorf("%w: more than %d frames in a message", ErrTooLarge, MaxFrames)
		}
		// size <= maxMessage (an int64) before any arithmetic, so nothing overflows.
		if size > uint64(fr.maxMessage) || total+int64(size)+frameOverhead > fr.maxMessage {
			return unit{}, fmt.Errorf("%w: message of more than %d bytes", ErrTooLarge, fr.maxMessage)
		}
		cost := int64(size) + frameOverhead
		total += cost
		if cost <= free {
			free -= cost
		} else {
			if fr.reserve != nil {
				if err := fr.reserve(cost); err != nil {
					return unit{}, err
				}
			}
			fr.held += cost
		}
		if fr.body != nil {
			fr.body(int64(size))
		}
		body := make([]byte, size)
		if _, err := io.ReadFull(fr.r, body); err != nil {
			return unit{}, err
		}
		frames = append(frames, body)
		if flags&flagMore == 0 {
			return unit{frames: frames}, nil
		}
	}
}
