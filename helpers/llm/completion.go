package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Completion sends a request to the legacy completions endpoint (/v1/completions: text in, text out, no
// chat roles) as it is, with retries and usage accounting. An empty Model means the client's completion
// model.
func (c *Client) Completion(ctx context.Context, req openai.CompletionRequest) (openai.CompletionResponse, error) {
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
// talk's "continue this story"). Options apply as for chat; MaxTokens 0 means the server's default (16 on
// OpenAI's API). The Reply's Message is an assistant message with the text.
func (c *Client) Complete(ctx context.Context, prompt string, opts ChatOptions) (*Reply, error) {
	req := c.completionRequest(prompt, opts)
	start := time.Now()
	resp, err := c.Completion(ctx, req)
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

// CompleteStreamTo is Complete with the continuation streamed into w as it arrives. A stream that ends
// early returns the partial text in the Reply and a *StreamError.
func (c *Client) CompleteStreamTo(ctx context.Context, w io.Writer, prompt string, opts ChatOptions) (*Reply, error) {
	req := c.completionRequest(prompt, opts)
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
				if _, werr := io.WriteString(w, ch.Text); werr != nil {
					return r, fmt.Errorf("llm: writing the stream: %w", werr)
				}
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
