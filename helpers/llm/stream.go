package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/golm-dev/golm/helpers/display"
	openai "github.com/sashabaranov/go-openai"
)

// DisplayInterval is the shortest time between two updates of a live display: about ten a second, which
// looks smooth without flooding the notebook with messages.
const DisplayInterval = 100 * time.Millisecond

// StreamFunc streams the answer to messages, calling onText with each piece of text as it arrives, and
// returns the whole answer. When the stream ends early the error is a *StreamError and the Reply, not nil,
// holds the partial answer.
func (c *Client) StreamFunc(ctx context.Context, messages []openai.ChatCompletionMessage, opts ChatOptions,
	onText func(text string)) (*Reply, error) {
	req := c.Request(messages, opts)
	start := time.Now()
	resp, err := c.ChatStream(ctx, req, func(ch openai.ChatCompletionStreamResponse) {
		if onText == nil {
			return
		}
		for _, choice := range ch.Choices {
			if choice.Index == 0 && choice.Delta.Content != "" {
				onText(choice.Delta.Content)
			}
		}
	})
	var se *StreamError
	if err != nil && !errors.As(err, &se) {
		return nil, err
	}
	return c.newReply(resp, req.Model, time.Since(start)), err
}

// StreamTo streams the answer to messages into w as it arrives (a program's standard output, a file, a
// buffer) and returns the whole answer; see StreamFunc for early ends. A failed write stops the stream.
func (c *Client) StreamTo(ctx context.Context, w io.Writer, messages []openai.ChatCompletionMessage,
	opts ChatOptions) (*Reply, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var werr error
	r, err := c.StreamFunc(ctx, messages, opts, func(text string) {
		if werr != nil {
			return
		}
		if _, werr = io.WriteString(w, text); werr != nil {
			cancel(werr)
		}
	})
	if werr != nil {
		return r, fmt.Errorf("llm: writing the stream: %w", werr)
	}
	return r, err
}

// markdownSink is what a live display needs: display.Display satisfies it.
type markdownSink interface {
	Markdown(md string) error
}

// StreamMarkdown streams the answer to messages into a new display in the notebook, rendered as Markdown
// and updated as the text arrives (at most about ten times a second, and always with the final text), and
// returns the whole answer. If the stream ends early, the display shows the partial text with a note
// saying so. Outside a notebook (when display's front end is its Terminal) the text is written to the
// terminal as it arrives instead, followed by a newline.
func (c *Client) StreamMarkdown(ctx context.Context, messages []openai.ChatCompletionMessage,
	opts ChatOptions) (*Reply, error) {
	if t, ok := display.Current().(display.Terminal); ok {
		var w io.Writer = os.Stdout
		if t.Out != nil {
			w = t.Out
		}
		r, err := c.StreamTo(ctx, w, messages, opts)
		if r != nil && r.Text != "" {
			_, _ = io.WriteString(w, "\n")
		}
		return r, err
	}
	return c.streamToSink(ctx, display.New(nil), DisplayInterval, messages, opts)
}

func (c *Client) streamToSink(ctx context.Context, sink markdownSink, every time.Duration,
	messages []openai.ChatCompletionMessage, opts ChatOptions) (*Reply, error) {
	var text strings.Builder
	var last time.Time
	r, err := c.StreamFunc(ctx, messages, opts, func(piece string) {
		text.WriteString(piece)
		if now := time.Now(); now.Sub(last) >= every {
			last = now
			_ = sink.Markdown(text.String())
		}
	})
	final := text.String()
	var se *StreamError
	switch {
	case errors.As(err, &se) && se.Cut:
		final += "\n\n*[the answer was cut off here: the connection ended before the server finished]*"
	case errors.As(err, &se):
		final += "\n\n*[stopped: " + se.Err.Error() + "]*"
	case err != nil:
		final = "" // the call failed before any text: the error is returned, not shown twice
	}
	_ = sink.Markdown(final) // always show the final text, however recent the last update
	return r, err
}

// AskStream asks one question, with a system prompt when system is not empty, streams the answer live into
// the notebook as Markdown (see StreamMarkdown) and returns its text.
func (c *Client) AskStream(ctx context.Context, user, system string) (string, error) {
	r, err := c.StreamMarkdown(ctx, Messages(user, system), ChatOptions{})
	if r == nil {
		return "", err
	}
	return r.Text, err
}
