package wiretest

import (
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
