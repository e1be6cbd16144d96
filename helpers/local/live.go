package local

import (
	"fmt"
	"html"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/golm-dev/golm/helpers/display"
)

// streamOut is where a generation's text goes while it is generated (see GenerateOptions.Stream and StreamTo).
type streamOut struct {
	// write receives each piece of text; nil when the text is not streamed.
	write func(text string) error
	// done is called with the outcome once generation ended.
	done func(res *Result, err error)
}

// output returns where the text of a generation goes: StreamTo, the notebook (Markdown for chats, plain
// text otherwise), the terminal, or nowhere.
func (o GenerateOptions) output(markdown bool) streamOut {
	switch {
	case o.StreamTo != nil:
		return streamOut{write: writeTo(o.StreamTo), done: func(*Result, error) {}}
	case !o.Stream:
		return streamOut{done: func(*Result, error) {}}
	}
	if t, ok := display.Current().(display.Terminal); ok {
		var w io.Writer = os.Stdout
		if t.Out != nil {
			w = t.Out
		}
		return streamOut{write: writeTo(w), done: func(res *Result, err error) {
			if res != nil && res.Text != "" {
				_, _ = io.WriteString(w, "\n")
			}
		}}
	}
	lv := newLive(markdown)
	return streamOut{write: lv.add, done: lv.finish}
}

// writeTo returns a function that writes each piece of text to w.
func writeTo(w io.Writer) func(string) error {
	return func(s string) error {
		if _, err := io.WriteString(w, s); err != nil {
			return fmt.Errorf("local: writing the stream: %w", err)
		}
		return nil
	}
}

// live is an updatable display of growing text.
type live struct {
	mu       sync.Mutex
	d        *display.Display
	text     strings.Builder
	markdown bool
	last     time.Time
	every    time.Duration
}

func newLive(markdown bool) *live {
	return &live{d: display.New(nil), markdown: markdown, every: 100 * time.Millisecond}
}

func (l *live) add(s string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.text.WriteString(s)
	if now := time.Now(); now.Sub(l.last) >= l.every {
		l.last = now
		_ = l.d.UpdateBundle(l.bundle("…"))
	}
	return nil
}

func (l *live) finish(res *Result, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	footer := ""
	switch {
	case err != nil && res == nil:
		footer = "error: " + err.Error()
	case err != nil:
		footer = fmt.Sprintf("stopped (%v) after %d tokens", err, len(res.Tokens))
	case res != nil:
		footer = fmt.Sprintf("%d tokens, %.1f tokens/s (prompt: %d tokens, %.0f tokens/s), stop: %s",
			len(res.Tokens), res.Timing.TokensPerSecond(), res.Timing.PromptTokens,
			res.Timing.PromptTokensPerSecond(), res.StopReason)
	}
	_ = l.d.UpdateBundle(l.bundle(footer))
}

func (l *live) bundle(footer string) display.Bundle {
	text := l.text.String()
	foot := ""
	if footer != "" {
		foot = fmt.Sprintf(`<div style="color:#888;font-size:smaller">%s</div>`, html.EscapeString(footer))
	}
	data := map[string]any{display.MIMEText: text + "\n[" + footer + "]"}
	if l.markdown {
		data[display.MIMEMarkdown] = text + "\n\n<small>" + html.EscapeString(footer) + "</small>"
	} else {
		data[display.MIMEHTML] = `<pre style="white-space:pre-wrap;margin:0">` + html.EscapeString(text) + "</pre>" + foot
	}
	return display.Bundle{Data: data}
}
