package local

import (
	"context"
	"fmt"
	"html"
	"strings"
	"sync"
	"time"

	"github.com/golm-dev/golm/helpers/display"
)

// Show continues prompt like Stream and shows the text in the notebook as it grows (one output that is
// updated, a few times a second), then the speed. It also returns the result.
func (m *Model) Show(ctx context.Context, prompt string, opts GenerateOptions) (*Result, error) {
	lv := newLive(false)
	res, err := m.Stream(ctx, prompt, opts, lv.add)
	lv.finish(res, err)
	return res, err
}

// ShowChat answers a conversation like ChatStream and shows the answer in the notebook as it grows, rendered
// as Markdown, then the speed. It also returns the result.
func (m *Model) ShowChat(ctx context.Context, messages []Message, opts GenerateOptions) (*Result, error) {
	lv := newLive(true)
	res, err := m.ChatStream(ctx, messages, opts, lv.add)
	lv.finish(res, err)
	return res, err
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
