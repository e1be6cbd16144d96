package llm

import (
	"context"
	"fmt"
	"io"

	openai "github.com/sashabaranov/go-openai"
)

// This file keeps the names of golm's first release for one more release. Each forwards to the name that
// replaces it (see helpers/README.md for the grammar they follow).

// Send sends messages with options and returns the answer.
//
// Deprecated: use Chat.
func (c *Client) Send(ctx context.Context, messages []openai.ChatCompletionMessage, opts ChatOptions) (*Reply, error) {
	return c.Chat(ctx, messages, opts)
}

// StreamFunc streams the answer to messages, calling onText with each piece of text.
//
// Deprecated: use Chat with ChatOptions{StreamTo: w}.
func (c *Client) StreamFunc(ctx context.Context, messages []openai.ChatCompletionMessage, opts ChatOptions,
	onText func(text string)) (*Reply, error) {
	if onText == nil {
		onText = func(string) {}
	}
	return c.streamChatFunc(ctx, c.Request(messages, opts), onText)
}

// StreamTo streams the answer to messages into w.
//
// Deprecated: use Chat with ChatOptions{StreamTo: w}.
func (c *Client) StreamTo(ctx context.Context, w io.Writer, messages []openai.ChatCompletionMessage,
	opts ChatOptions) (*Reply, error) {
	opts.StreamTo = w
	return c.Chat(ctx, messages, opts)
}

// StreamMarkdown streams the answer to messages live into the notebook as Markdown.
//
// Deprecated: use Chat with ChatOptions{Stream: true}.
func (c *Client) StreamMarkdown(ctx context.Context, messages []openai.ChatCompletionMessage,
	opts ChatOptions) (*Reply, error) {
	opts.Stream, opts.StreamTo = true, nil
	return c.Chat(ctx, messages, opts)
}

// AskStream asks one question and streams the answer live into the notebook.
//
// Deprecated: use Ask with ChatOptions{System: system, Stream: true}.
func (c *Client) AskStream(ctx context.Context, user, system string) (string, error) {
	return c.Ask(ctx, user, ChatOptions{System: system, Stream: true})
}

// AskLogProbs asks one question and returns the answer's tokens with their log-probabilities.
//
// Deprecated: use Chat with ChatOptions{TopLogProbs: top} and read Reply.LogProbs.
func (c *Client) AskLogProbs(ctx context.Context, user, system string, top int) (*LogProbs, error) {
	r, err := c.Chat(ctx, Messages(user, system), ChatOptions{LogProbs: true, TopLogProbs: top})
	if err != nil {
		return nil, err
	}
	if r.LogProbs == nil {
		return nil, &Error{Op: "chat", Message: fmt.Sprintf("the server gave no log-probabilities for model %s "+
			"(reasoning models and some servers do not)", r.Model)}
	}
	return r.LogProbs, nil
}

// ChatStream sends a chat completion request as a stream.
//
// Deprecated: use StreamChatCompletion.
func (c *Client) ChatStream(ctx context.Context, req openai.ChatCompletionRequest,
	onChunk func(openai.ChatCompletionStreamResponse)) (openai.ChatCompletionResponse, error) {
	return c.StreamChatCompletion(ctx, req, onChunk)
}

// Completion sends a request to the legacy completions endpoint as it is.
//
// Deprecated: use CreateCompletion.
func (c *Client) Completion(ctx context.Context, req openai.CompletionRequest) (openai.CompletionResponse, error) {
	return c.CreateCompletion(ctx, req)
}

// CompleteStreamTo continues a prompt, writing the text into w as it arrives.
//
// Deprecated: use Complete with ChatOptions{StreamTo: w}.
func (c *Client) CompleteStreamTo(ctx context.Context, w io.Writer, prompt string, opts ChatOptions) (*Reply, error) {
	opts.StreamTo = w
	return c.Complete(ctx, prompt, opts)
}

// Embeddings sends an embeddings request as it is.
//
// Deprecated: use CreateEmbeddings.
func (c *Client) Embeddings(ctx context.Context, req openai.EmbeddingRequest) (openai.EmbeddingResponse, error) {
	return c.CreateEmbeddings(ctx, req)
}

// EmbedOne returns the embedding vector of one text.
//
// Deprecated: use Embed(ctx, []string{text}, EmbedOptions{Model: model}).
func (c *Client) EmbedOne(ctx context.Context, model, text string) ([]float32, error) {
	vecs, err := c.Embed(ctx, []string{text}, EmbedOptions{Model: model})
	if err != nil {
		return nil, err
	}
	return vecs[0], nil
}

// Models lists the models the server offers.
//
// Deprecated: use ListModels.
func (c *Client) Models(ctx context.Context) ([]string, error) { return c.ListModels(ctx) }

// Model returns the default chat model.
//
// Deprecated: use DefaultModel.
func (c *Client) Model() string { return c.DefaultModel() }

// EmbeddingModel returns the default embedding model.
//
// Deprecated: use DefaultEmbeddingModel.
func (c *Client) EmbeddingModel() string { return c.DefaultEmbeddingModel() }

// CompletionModel returns the default model of the legacy completions endpoint.
//
// Deprecated: use DefaultCompletionModel.
func (c *Client) CompletionModel() string { return c.DefaultCompletionModel() }

// Say adds a user message, sends the history and returns the answer's text.
//
// Deprecated: use Ask.
func (cv *Conversation) Say(ctx context.Context, user string) (string, error) {
	return cv.Ask(ctx, user)
}

// SayStream is Say with the answer streamed live into the notebook.
//
// Deprecated: use Ask with ChatOptions{Stream: true}.
func (cv *Conversation) SayStream(ctx context.Context, user string) (string, error) {
	o := cv.Options // as before: the conversation's settings, streamed live
	o.Stream, o.StreamTo = true, nil
	return cv.Ask(ctx, user, o)
}

// Send sends the history as it is and appends the answer to it.
//
// Deprecated: use Reply.
func (cv *Conversation) Send(ctx context.Context) (*Reply, error) { return cv.Reply(ctx) }
