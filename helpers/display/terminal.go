package display

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// Terminal is the front end used outside a notebook: it writes the text/plain form of every display to Out
// (standard output when nil) and reads answers from In (standard input when nil). Updates print again.
type Terminal struct {
	Out io.Writer
	In  io.Reader
}

func (t Terminal) out() io.Writer {
	if t.Out == nil {
		return os.Stdout
	}
	return t.Out
}

// Display writes the bundle's text form.
func (t Terminal) Display(b Bundle, id string) error {
	s := b.Text()
	if s == "" {
		return nil
	}
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	_, err := io.WriteString(t.out(), s)
	return err
}

// Update writes the bundle's text form again.
func (t Terminal) Update(b Bundle, id string) error { return t.Display(b, id) }

// Clear does nothing on a terminal.
func (t Terminal) Clear(wait bool) error { return nil }

// stdinLines serialises reads of standard input across Terminal values.
var stdinLines struct {
	sync.Mutex
	r *bufio.Reader
}

// Input writes the prompt and reads one line. Cancelling ctx returns at once with ctx's error, although the
// read itself stays pending.
func (t Terminal) Input(ctx context.Context, prompt string, password bool) (string, error) {
	if _, err := io.WriteString(t.out(), prompt); err != nil {
		return "", err
	}
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		var line string
		var err error
		if t.In != nil {
			line, err = bufio.NewReader(t.In).ReadString('\n')
		} else {
			stdinLines.Lock()
			if stdinLines.r == nil {
				stdinLines.r = bufio.NewReader(os.Stdin)
			}
			line, err = stdinLines.r.ReadString('\n')
			stdinLines.Unlock()
		}
		if err == io.EOF && line != "" {
			err = nil
		}
		ch <- result{strings.TrimRight(line, "\r\n"), err}
	}()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case r := <-ch:
		if r.err != nil {
			return "", fmt.Errorf("display: reading input: %w", r.err)
		}
		return r.line, nil
	}
}
