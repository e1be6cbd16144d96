package wiretest

import (
	"encoding/json"
	"errors"
	"io"
	"slices"
	"testing"
)

// fakeStream yields its items, then err (io.EOF for a clean end).
type fakeStream struct {
	items  []int
	err    error
	closed bool
}

func (s *fakeStream) Recv() (int, error) {
	if len(s.items) == 0 {
		return 0, s.err
	}
	v := s.items[0]
	s.items = s.items[1:]
	return v, nil
}

func (s *fakeStream) Close() error { s.closed = true; return nil }

func TestCollect(t *testing.T) {
	broken := errors.New("connection reset")
	tests := []struct {
		name    string
		stream  *fakeStream
		openErr error
		want    []int
		wantErr error
	}{
		{"clean end", &fakeStream{items: []int{1, 2}, err: io.EOF}, nil, []int{1, 2}, nil},
		{"cut", &fakeStream{items: []int{1}, err: broken}, nil, []int{1}, broken},
		{"not opened", nil, broken, nil, broken},
	}
	for _, tt := range tests {
		got, err := Collect[int](tt.stream, tt.openErr)
		if !slices.Equal(got, tt.want) || !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: %v %v", tt.name, got, err)
		}
		if tt.stream != nil && !tt.stream.closed {
			t.Errorf("%s: stream not closed", tt.name)
		}
	}
}

func TestChatStreamProblems(t *testing.T) {
	const (
		role      = `{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}`
		hello     = `{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"hello"}}]}`
		finish    = `{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}`
		usage     = `{"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}`
		other     = `{"id":"d","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"x"}}]}`
		roleAgain = `{"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":"x"}}]}`
		badSum    = `{"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":3}}`
	)
	tests := []struct {
		name     string
		events   []string
		problems int
	}{
		{"good", []string{role, hello, finish, usage}, 0},
		{"no events", nil, 1},
		{"another id", []string{role, other, finish, usage}, 1},
		{"role twice", []string{role, roleAgain, finish, usage}, 1},
		{"no role", []string{hello, finish, usage}, 1},
		{"text after the finish", []string{role, finish, hello, usage}, 1},
		{"no finish", []string{role, hello, usage}, 2}, // the usage chunk comes too early, and no finish
		{"no usage", []string{role, hello, finish}, 1},
		{"a chunk after the usage", []string{role, finish, usage, hello}, 1},
		{"usage does not add up", []string{role, hello, finish, badSum}, 1},
		{"not JSON", []string{role, "{", finish, usage}, 1},
	}
	for _, tt := range tests {
		events := make([]json.RawMessage, len(tt.events))
		for i, e := range tt.events {
			events[i] = json.RawMessage(e)
		}
		text, _, problems := ChatStreamProblems(events)
		if len(problems) != tt.problems {
			t.Errorf("%s: %d problems, want %d: %q", tt.name, len(problems), tt.problems, problems)
		}
		if tt.name == "good" && text != "hello" {
			t.Errorf("text %q", text)
		}
	}
}
