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

// streamChat sends req as a stream and returns the whole answer. The pieces go to w when it is not nil, and
// otherwise to a live display (see ChatOptions.Stream). When the stream ends early the error is a
// *StreamError and the Reply, not nil, holds the partial answer.
func (c *Client) streamChat(ctx context.Context, req openai.ChatCompletionRequest, w io.Writer) (*Reply, error) {
	return c.streamLive(ctx, w, true, func(ctx context.Context, onText func(string)) (*Reply, error) {
		return c.streamChatFunc(ctx, req, onText)
	})
}

// streamChatFunc streams req, calling onText with each piece of text of the first choice.
func (c *Client) streamChatFunc(ctx context.Context, req openai.ChatCompletionRequest, onText func(string)) (*Reply, error) {
	start := time.Now()
	resp, err := c.StreamChatCompletion(ctx, req, func(ch openai.ChatCompletionStreamResponse) {
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

// streamFunc is a streaming call that hands each piece of text to onText.
type streamFunc func(ctx context.Context, onText func(string)) (*Reply, error)

// streamLive runs a streaming call with its pieces going to w, or, when w is nil, to the live display of
// the current front end: a display updated in a notebook (Markdown when markdown is set, else plain text),
// standard output on a terminal.
func (c *Client) streamLive(ctx context.Context, w io.Writer, markdown bool, call streamFunc) (*Reply, error) {
	if w == nil {
		t, ok := display.Current().(display.Terminal)
		if !ok {
			return streamToSink(ctx, display.New(nil), DisplayInterval, markdown, call)
		}
		w = os.Stdout
		if t.Out != nil {
			w = t.Out
		}
		r, err := streamToWriter(ctx, w, call)
		if r != nil && r.Text != "" {
			_, _ = io.WriteString(w, "\n")
		}
		return r, err
	}
	return streamToWriter(ctx, w, call)
}

// streamToWriter writes each piece to w; a failed write stops the stream.
func streamToWriter(ctx context.Context, w io.Writer, call streamFunc) (*Reply, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var werr error
	r, err := call(ctx, func(text string) {
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

// liveSink is what a live display needs: display.Display satisfies it.
type liveSink interface {
	Markdown(md string) error
	Text(s string) error
}

// streamToSink shows the text in sink as it arrives, at most once per interval and always with the final
// text. If the stream ends early, the display shows the partial text with a note saying so.
func streamToSink(ctx context.Context, sink liveSink, every time.Duration, markdown bool, call streamFunc) (*Reply, error) {
	show := sink.Text
	if markdown {
		show = sink.Markdown
	}
	var text strings.Builder
	var last time.Time
	r, err := call(ctx, func(piece string) {
		text.WriteString(piece)
		if now := time.Now(); now.Sub(last) >= every {
			last = now
			_ = show(text.String())
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
	_ = show(final) // always show the final text, however recent the last update
	return r, err
}
