// Package wire implements the Jupyter messaging protocol's wire format (version 5.3): the frames of a
// message on a ZeroMQ socket, its HMAC signature, and typed message contents.
//
// A message on the wire is a list of frames: the routing identities, the delimiter "<IDS|MSG>", the
// hex-encoded HMAC of the next four frames, then header, parent header, metadata and content (each a JSON
// object), and optional binary buffers.
package wire

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"time"
)

// ProtocolVersion is the version of the messaging protocol this package speaks.
const ProtocolVersion = "5.3"

// Delimiter separates routing identities from the message proper.
const Delimiter = "<IDS|MSG>"

// Header is a message header.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is a decoded Jupyter message. Content stays raw JSON until a handler decodes it into the type its
// msg_type calls for (see Decode).
type Message struct {
	Identities   [][]byte
	Header       Header
	ParentHeader *Header // nil encodes as {}
	Metadata     map[string]any
	Content      json.RawMessage
	Buffers      [][]byte
	digest       []byte // the verified HMAC, decoded; nil when signing is off
}

// Digest returns the message's verified HMAC (decoded from hex), or nil when messages are not signed.
func (m *Message) Digest() []byte { return m.digest }

// Decode unmarshals the content into v, wrapping errors with the message type.
func (m *Message) Decode(v any) error {
	content := m.Content
	if len(content) == 0 {
		content = []byte("{}")
	}
	if err := json.Unmarshal(content, v); err != nil {
		return fmt.Errorf("decoding %s content: %w", m.Header.MsgType, err)
	}
	return nil
}

// Signer signs and verifies messages with HMAC. A Signer with an empty key signs nothing and accepts any
// signature, as the protocol specifies for an empty key.
type Signer struct {
	key    []byte
	scheme func() hash.Hash
}

// NewSigner returns a signer for the connection file's signature_scheme and key. Only hmac-sha256 (the
// scheme every Jupyter client uses) is supported.
func NewSigner(scheme, key string) (*Signer, error) {
	switch scheme {
	case "hmac-sha256", "":
		return &Signer{key: []byte(key), scheme: sha256.New}, nil
	default:
		return nil, fmt.Errorf("unsupported signature scheme %q (want hmac-sha256)", scheme)
	}
}

// Enabled reports whether messages are signed (the key is not empty).
func (s *Signer) Enabled() bool { return s != nil && len(s.key) > 0 }

// sign returns the hex HMAC of the four JSON frames.
func (s *Signer) sign(parts [][]byte) []byte {
	if !s.Enabled() {
		return nil
	}
	mac := hmac.New(s.scheme, s.key)
	for _, p := range parts {
		mac.Write(p)
	}
	sum := mac.Sum(nil)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// verify checks a hex signature in constant time and returns the decoded digest (nil when signing is
// off).
func (s *Signer) verify(sig []byte, parts [][]byte) ([]byte, bool) {
	if !s.Enabled() {
		return nil, true
	}
	got := make([]byte, hex.DecodedLen(len(sig)))
	n, err := hex.Decode(got, sig)
	if err != nil {
		return nil, false
	}
	mac := hmac.New(s.scheme, s.key)
	for _, p := range parts {
		mac.Write(p)
	}
	return got[:n], hmac.Equal(got[:n], mac.Sum(nil))
}

// Errors returned by Parse.
var (
	ErrNoDelimiter  = errors.New("no <IDS|MSG> delimiter")
	ErrShort        = errors.New("fewer than five frames after the delimiter")
	ErrBadSignature = errors.New("bad or missing HMAC signature")
)

// Parse decodes the frames of a message and verifies its signature. It never panics on malformed input.
func Parse(frames [][]byte, s *Signer) (*Message, error) {
	delim := -1
	for i, f := range frames {
		if bytes.Equal(f, []byte(Delimiter)) {
			delim = i
			break
		}
	}
	if delim < 0 {
		return nil, ErrNoDelimiter
	}
	rest := frames[delim+1:]
	if len(rest) < 5 {
		return nil, ErrShort
	}
	digest, ok := s.verify(rest[0], rest[1:5])
	if !ok {
		return nil, ErrBadSignature
	}
	m := &Message{Identities: frames[:delim], digest: digest}
	if err := json.Unmarshal(rest[1], &m.Header); err != nil {
		return nil, fmt.Errorf("decoding header: %w", err)
	}
	if m.Header.MsgType == "" {
		return nil, errors.New("header has no msg_type")
	}
	var parent Header
	if err := json.Unmarshal(rest[2], &parent); err != nil {
		return nil, fmt.Errorf("decoding parent header: %w", err)
	}
	if parent.MsgID != "" {
		m.ParentHeader = &parent
	}
	if err := json.Unmarshal(rest[3], &m.Metadata); err != nil {
		return nil, fmt.Errorf("decoding metadata: %w", err)
	}
	if !json.Valid(rest[4]) || !bytes.HasPrefix(bytes.TrimSpace(rest[4]), []byte("{")) {
		return nil, errors.New("content is not a JSON object")
	}
	m.Content = json.RawMessage(rest[4])
	if len(rest) > 5 {
		m.Buffers = rest[5:]
	}
	return m, nil
}

// Frames encodes and signs a message whose content is any JSON-encodable value.
func Frames(identities [][]byte, h Header, parent *Header, metadata map[string]any, content any, s *Signer) ([][]byte, error) {
	hb, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encoding header: %w", err)
	}
	pb := []byte("{}")
	if parent != nil {
		if pb, err = json.Marshal(parent); err != nil {
			return nil, fmt.Errorf("encoding parent header: %w", err)
		}
	}
	if metadata == nil {
		metadata = map[string]any{}
	}
	mb, err := json.Marshal(metadata)
	if err != nil {
		return nil, fmt.Errorf("encoding metadata: %w", err)
	}
	var cb []byte
	if raw, ok := content.(json.RawMessage); ok {
		cb = raw
	} else if cb, err = json.Marshal(content); err != nil {
		return nil, fmt.Errorf("encoding %s content: %w", h.MsgType, err)
	}
	parts := [][]byte{hb, pb, mb, cb}
	frames := make([][]byte, 0, len(identities)+6)
	frames = append(frames, identities...)
	frames = append(frames, []byte(Delimiter), s.sign(parts))
	return append(frames, parts...), nil
}

// NewHeader returns a header for a new message of the given type in a session.
func NewHeader(msgType, session, username string) Header {
	return Header{
		MsgID:    NewID(),
		Session:  session,
		Username: username,
		Date:     Now(),
		MsgType:  msgType,
		Version:  ProtocolVersion,
	}
}

// Now returns the current time in the ISO 8601 form Jupyter uses.
func Now() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000000Z") }

// NewID returns a random UUID (version 4) as a string.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
