package llm

import (
	"context"
	"errors"
	"github.com/golm-dev/golm/helpers/internal/options"
	"io"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// CreateCompletion sends a request to the legacy completions endpoint (/v1/completions: text in, text out,
// no chat roles) as it is, with retries and usage accounting: go-openai's call of the same name, through
// this client. An empty Model means the client's completion model.
func (c *Client) CreateCompletion(ctx context.Context, req openai.CompletionRequest) (openai.CompletionResponse, error) {
	if req.Model == "" {
		req.Model = c.completionModel
	}
	start := time.Now()
	resp, err := c.oa.CreateCompletion(ctx, req)
	if err != nil {
		return resp, c.explain("completion", err)
	}
	var u openai.Usage
	if resp.Usage != nil {
		u = *resp.Usage
	}
	c.record("completion", orDefault(resp.Model, req.Model), u, time.Since(start))
	return resp, nil
}

// completionRequest builds a legacy request from a prompt and options. The legacy endpoint gives at most
// five alternatives per position.
func (c *Client) completionRequest(prompt string, opts ChatOptions) openai.CompletionRequest {
	req := openai.CompletionRequest{
		Model:       orDefault(opts.Model, c.completionModel),
		Prompt:      prompt,
		MaxTokens:   opts.MaxTokens,
		Temperature: opts.Temperature,
		TopP:        opts.TopP,
		Stop:        opts.Stop,
	}
	if opts.Seed != 0 {
		seed := opts.Seed
		req.Seed = &seed
	}
	if opts.LogProbs || opts.TopLogProbs > 0 {
		req.LogProbs = min(max(opts.TopLogProbs, 1), 5)
	}
	return req
}

// Complete continues a prompt with the legacy completions endpoint, the way base models are used (the
// talk's "continue this story"). Options are optional and apply as for Chat (System is ignored: the
// endpoint has no roles); MaxTokens 0 means the server's default (16 on OpenAI's API); Stream shows the
// continuation live as plain text. The Reply's Message is an assistant message with the text.
//
//	story, err := client.Complete(ctx, "Once upon a time", llm.ChatOptions{Model: "davinci-002", MaxTokens: 60})
func (c *Client) Complete(ctx context.Context, prompt string, opts ...ChatOptions) (*Reply, error) {
	o, err := options.One("llm: Complete", opts)
	if err != nil {
		return nil, err
	}
	req := c.completionRequest(prompt, o)
	if o.Stream || o.StreamTo != nil {
		return c.streamLive(ctx, o.StreamTo, false, func(ctx context.Context, onText func(string)) (*Reply, error) {
			return c.streamCompletion(ctx, req, onText)
		})
	}
	start := time.Now()
	resp, err := c.CreateCompletion(ctx, req)
	if err != nil {
		return nil, err
	}
	r := &Reply{Model: orDefault(resp.Model, req.Model), Duration: time.Since(start)}
	if resp.Usage != nil {
		r.Usage = *resp.Usage
	}
	r.Cost = c.prices.Cost(r.Model, r.Usage)
	if len(resp.Choices) > 0 {
		ch := resp.Choices[0]
		r.Text, r.FinishReason = ch.Text, ch.FinishReason
		if req.LogProbs > 0 {
			r.LogProbs = logProbsFromLegacy(ch.LogProbs)
		}
	}
	r.Message = Assistant(r.Text)
	return r, nil
}

// streamCompletion sends a legacy completion request as a stream, calling onText with each piece of the
// first choice. A stream that ends early returns the partial text in the Reply and a *StreamError.
func (c *Client) streamCompletion(ctx context.Context, req openai.CompletionRequest, onText func(string)) (*Reply, error) {
	req.Stream = true
	req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	start := time.Now()
	stream, err := c.oa.CreateCompletionStream(ctx, req)
	if err != nil {
		return nil, c.explain("completion", err)
	}
	defer stream.Close()
	r := &Reply{Model: req.Model}
	var text strings.Builder
	finished := false
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) && finished && ctx.Err() == nil {
				break
			}
			r.Text = text.String()
			r.Message = Assistant(r.Text)
			r.Duration = time.Since(start)
			return r, c.streamError(ctx, r.Text, err)
		}
		if chunk.Model != "" {
			r.Model = chunk.Model
		}
		if chunk.Usage != nil {
			r.Usage = *chunk.Usage
		}
		for _, ch := range chunk.Choices {
			if ch.Index != 0 {
				continue
			}
			if ch.Text != "" {
				text.WriteString(ch.Text)
				onText(ch.Text)
			}
			if ch.FinishReason != "" {
				r.FinishReason, finished = ch.FinishReason, true
			}
		}
	}
	r.Text = text.String()
	r.Message = Assistant(r.Text)
	r.Duration = time.Since(start)
	r.Cost = c.record("completion-stream", r.Model, r.Usage, r.Duration).Cost
	return r, nil
}
