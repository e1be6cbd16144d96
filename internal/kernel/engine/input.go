package engine

import (
	"errors"
	"strings"
)

// inputReader is the interpreter's standard input: a read asks the front end for a line (Jupyter's
// input_request), so fmt.Scanln works in a cell.
type inputReader struct {
	s   *Session
	buf strings.Reader
}

func (r *inputReader) Read(p []byte) (int, error) {
	if r.buf.Len() == 0 {
		if r.s.opts.Input == nil {
			return 0, errors.New("this front end does not accept input")
		}
		line, err := r.s.opts.Input(r.s.current(), "", false)
		if err != nil {
			return 0, err
		}
		r.buf.Reset(line + "\n")
	}
	return r.buf.Read(p)
}
