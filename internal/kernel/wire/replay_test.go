package wire

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestReplayGuard(t *testing.T) {
	s := mustSigner(t, "secret")
	msg := func() [][]byte {
		f, err := Frames(nil, NewHeader(ExecuteRequest, "s", "u"), nil, nil, Execute{Code: "1"}, s)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	parse := func(frames [][]byte) *Message {
		m, err := Parse(frames, s)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	a, b := msg(), msg()
	upper := make([][]byte, len(a))
	for i := range a {
		upper[i] = bytes.Clone(a[i])
	}
	upper[1] = []byte(strings.ToUpper(string(a[1]))) // the same digest, spelled differently in hex

	g := NewReplayGuard(2)
	steps := []struct {
		name   string
		frames [][]byte
		want   error
	}{
		{"first a", a, nil},
		{"a again", a, ErrReplayed},
		{"a with the signature in upper case", upper, ErrReplayed},
		{"b", b, nil},
		{"b again", b, ErrReplayed},
	}
	for _, st := range steps {
		if err := g.Check(parse(st.frames)); !errors.Is(err, st.want) {
			t.Fatalf("%s: got %v, want %v", st.name, err, st.want)
		}
	}
	// The guard remembers two digests: after two more messages, a is forgotten.
	for range 2 {
		if err := g.Check(parse(msg())); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Check(parse(a)); err != nil {
		t.Fatalf("a after its digest left the window: %v", err)
	}
	if len(g.seen) != 2 || len(g.ring) != 2 {
		t.Fatalf("guard holds %d digests (ring %d), want 2", len(g.seen), len(g.ring))
	}
}

func TestReplayGuardUnsigned(t *testing.T) {
	s := mustSigner(t, "")
	f, _ := Frames(nil, NewHeader(ExecuteRequest, "s", "u"), nil, nil, Execute{Code: "1"}, s)
	g := NewReplayGuard(0)
	for range 2 {
		m, err := Parse(f, s)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Check(m); err != nil {
			t.Fatalf("unsigned message: %v", err)
		}
	}
}
