package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
)

func mustSigner(t testing.TB, key string) *Signer {
	t.Helper()
	s, err := NewSigner("hmac-sha256", key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRoundTrip(t *testing.T) {
	s := mustSigner(t, "secret")
	h := NewHeader(ExecuteRequest, "sess", "user")
	frames, err := Frames([][]byte{[]byte("client-id")}, h, nil, nil, Execute{Code: "1+1"}, s)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(frames, s)
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Identities[0]) != "client-id" || m.Header != h || m.ParentHeader != nil {
		t.Fatalf("got %+v", m)
	}
	var e Execute
	if err := m.Decode(&e); err != nil || e.Code != "1+1" {
		t.Fatalf("content %+v, %v", e, err)
	}
	store, stdin, stop := e.Flags()
	if !store || !stdin || !stop {
		t.Fatalf("defaults: %v %v %v", store, stdin, stop)
	}
}

// TestKnownSignature checks the HMAC against a value computed by jupyter_client's Session.sign.
func TestKnownSignature(t *testing.T) {
	s := mustSigner(t, "key")
	got := s.sign([][]byte{[]byte("{}"), []byte("{}"), []byte("{}"), []byte("{}")})
	// python3 -c 'import hmac,hashlib;h=hmac.new(b"key",digestmod=hashlib.sha256);[h.update(b"{}") for _ in range(4)];print(h.hexdigest())'
	const want = "ca767b02c5bc061ed184a9a029e7f93a7f2f7ed4e8fe74120fc1212f0b008fa3"
	if string(got) != want {
		t.Fatalf("signature %s, want %s", got, want)
	}
}

func TestRejects(t *testing.T) {
	s := mustSigner(t, "secret")
	good, err := Frames(nil, NewHeader(KernelInfoRequest, "s", "u"), nil, nil, map[string]any{}, s)
	if err != nil {
		t.Fatal(err)
	}
	clone := func() [][]byte {
		out := make([][]byte, len(good))
		for i := range good {
			out[i] = bytes.Clone(good[i])
		}
		return out
	}
	tamperContent := clone()
	tamperContent[5] = []byte(`{"code":"evil"}`)
	badHex := clone()
	badHex[1] = []byte("zz")
	noSig := clone()
	noSig[1] = nil
	otherKey, _ := Frames(nil, NewHeader(KernelInfoRequest, "s", "u"), nil, nil, map[string]any{}, mustSigner(t, "other"))
	cases := []struct {
		name   string
		frames [][]byte
		want   error
	}{
		{"tampered content", tamperContent, ErrBadSignature},
		{"signature not hex", badHex, ErrBadSignature},
		{"missing signature", noSig, ErrBadSignature},
		{"signed with another key", otherKey, ErrBadSignature},
		{"no delimiter", [][]byte{[]byte("a"), []byte("b")}, ErrNoDelimiter},
		{"too short", [][]byte{[]byte(Delimiter), []byte("sig")}, ErrShort},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := Parse(c.frames, s); !errors.Is(err, c.want) {
				t.Fatalf("Parse = %v, want %v", err, c.want)
			}
		})
	}
}

func TestEmptyKeyAcceptsUnsigned(t *testing.T) {
	s := mustSigner(t, "")
	frames, err := Frames(nil, NewHeader(KernelInfoRequest, "s", "u"), nil, nil, map[string]any{}, s)
	if err != nil {
		t.Fatal(err)
	}
	if len(frames[1]) != 0 {
		t.Fatalf("signature with empty key: %q", frames[1])
	}
	if _, err := Parse(frames, s); err != nil {
		t.Fatal(err)
	}
}

func TestUnsupportedScheme(t *testing.T) {
	if _, err := NewSigner("hmac-md5", "k"); err == nil {
		t.Fatal("want error for hmac-md5")
	}
}

func TestMalformedJSON(t *testing.T) {
	s := mustSigner(t, "")
	base := func(h, p, m, c string) [][]byte {
		return [][]byte{[]byte(Delimiter), nil, []byte(h), []byte(p), []byte(m), []byte(c)}
	}
	hdr, _ := json.Marshal(NewHeader("x", "s", "u"))
	cases := map[string][][]byte{
		"header not json":    base("{", "{}", "{}", "{}"),
		"no msg_type":        base("{}", "{}", "{}", "{}"),
		"parent not object":  base(string(hdr), "[]", "{}", "{}"),
		"metadata not json":  base(string(hdr), "{}", "nope", "{}"),
		"content not object": base(string(hdr), "{}", "{}", "[1]"),
	}
	for name, frames := range cases {
		if _, err := Parse(frames, s); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestNewIDIsUUID(t *testing.T) {
	id := NewID()
	if len(id) != 36 || id[14] != '4' {
		t.Fatalf("not a v4 UUID: %s", id)
	}
	if NewID() == id {
		t.Fatal("ids repeat")
	}
}

func FuzzParse(f *testing.F) {
	s := mustSigner(f, "k")
	good, _ := Frames([][]byte{[]byte("id")}, NewHeader(ExecuteRequest, "s", "u"), nil, nil, Execute{Code: "x"}, s)
	f.Add(bytes.Join(good, []byte{0}))
	f.Add([]byte("<IDS|MSG>\x00\x00{}\x00{}\x00{}\x00{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		frames := bytes.Split(data, []byte{0})
		for _, signer := range []*Signer{s, mustSigner(t, "")} {
			m, err := Parse(frames, signer)
			if err != nil {
				continue
			}
			var e Execute
			_ = m.Decode(&e)
			if _, err := Frames(m.Identities, m.Header, m.ParentHeader, m.Metadata, m.Content, signer); err != nil {
				t.Fatalf("re-encoding a parsed message: %v", err)
			}
		}
	})
}
