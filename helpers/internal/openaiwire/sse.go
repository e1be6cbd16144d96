package openaiwire

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// Done is the data of the event that ends a stream.
const Done = "[DONE]"

// Stream writes server-sent events ("data: JSON\n\n"), flushing each.
type Stream struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	started bool
}

// NewStream returns a stream that sends its headers (status 200, text/event-stream) with the first event,
// so that an error before any event can still be answered with an HTTP error status, as llama.cpp's server
// does.
func NewStream(w http.ResponseWriter) *Stream {
	return &Stream{w: w, rc: http.NewResponseController(w)}
}

// StartStream returns a stream whose headers are sent and flushed at once, as OpenAI does: the client sees
// the response begin before the first event (and a test can drop the connection after the headers).
func StartStream(w http.ResponseWriter) *Stream {
	s := NewStream(w)
	s.start()
	return s
}

func (s *Stream) start() {
	if s.started {
		return
	}
	s.started = true
	h := s.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("Connection", "keep-alive")
	s.w.WriteHeader(http.StatusOK)
	_ = s.rc.Flush()
}

// Started reports whether the headers have been sent (after which errors can only be events).
func (s *Stream) Started() bool { return s.started }

// Send writes v as the JSON data of one event.
func (s *Stream) Send(v any) error {
	b, err := Marshal(v)
	if err != nil {
		return fmt.Errorf("openaiwire: encoding an event: %w", err)
	}
	return s.write(b)
}

// Done writes the event that ends the stream, "data: [DONE]".
func (s *Stream) Done() error { return s.write([]byte(Done)) }

func (s *Stream) write(data []byte) error {
	s.start()
	if _, err := fmt.Fprintf(s.w, "data: %s\n\n", data); err != nil {
		return err
	}
	if err := s.rc.Flush(); err != nil && err != http.ErrNotSupported {
		return err
	}
	return nil
}

// ReadEvents reads a stream of server-sent events until it ends and returns the data of each event before
// [DONE], and whether [DONE] arrived. Lines other than data lines (comments, event names) are skipped. The
// error is the reader's (for example io.ErrUnexpectedEOF when a connection was cut), nil at a clean end.
func ReadEvents(r io.Reader) (events []json.RawMessage, done bool, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		data, ok := bytes.CutPrefix(sc.Bytes(), []byte("data:"))
		if !ok {
			continue
		}
		data = bytes.TrimPrefix(data, []byte(" "))
		if string(data) == Done {
			done = true
			continue
		}
		events = append(events, json.RawMessage(bytes.Clone(data)))
	}
	return events, done, sc.Err()
}
