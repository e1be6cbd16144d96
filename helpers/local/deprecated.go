package local

import (
	"context"
	"io"
)

// Names of the API before the learner grammar (helpers/README.md). They stay for one release.

// Generate continues prompt and returns the generated text.
//
// Deprecated: use Complete.
func (m *Model) Generate(ctx context.Context, prompt string, opts GenerateOptions) (*Result, error) {
	return m.Complete(ctx, prompt, opts)
}

// Stream continues prompt, calling onText with each new piece of text as it is generated (never with a partial
// UTF-8 character or any part of a stop string). If onText returns an error, generation stops and Stream
// returns the result so far with that error. opts.Stream and opts.StreamTo are ignored.
//
// Deprecated: use Complete with GenerateOptions.StreamTo (or Stream, to show the text in the notebook).
func (m *Model) Stream(ctx context.Context, prompt string, opts GenerateOptions, onText func(text string) error) (*Result, error) {
	return m.generate(ctx, prompt, opts, opts.Stop, false, onText)
}

// GenerateTo continues prompt, writing the text to w as it is generated.
//
// Deprecated: use Complete with GenerateOptions.StreamTo.
func (m *Model) GenerateTo(ctx context.Context, prompt string, opts GenerateOptions, w io.Writer) (*Result, error) {
	opts.StreamTo = w
	return m.Complete(ctx, prompt, opts)
}

// ChatStream answers the last message of a conversation like Chat, calling onText with each new piece of the
// answer (see Stream). opts.Stream and opts.StreamTo are ignored.
//
// Deprecated: use Chat with GenerateOptions.StreamTo (or Stream, to show the answer in the notebook).
func (m *Model) ChatStream(ctx context.Context, messages []Message, opts GenerateOptions, onText func(text string) error) (*Result, error) {
	return m.chatWith(ctx, messages, opts, onText)
}

// EmbedBatch returns the embeddings of several texts.
//
// Deprecated: use Embed, which now takes a list of texts.
func (m *Model) EmbedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	return m.Embed(ctx, texts)
}

// Show continues prompt and shows the text in the notebook as it grows, then the speed. It also returns the
// result.
//
// Deprecated: use Complete with GenerateOptions{Stream: true}; Show now only means rendering a value.
func (m *Model) Show(ctx context.Context, prompt string, opts GenerateOptions) (*Result, error) {
	opts.Stream, opts.StreamTo = true, nil
	return m.Complete(ctx, prompt, opts)
}

// ShowChat answers a conversation and shows the answer in the notebook as it grows, rendered as Markdown, then
// the speed. It also returns the result.
//
// Deprecated: use Chat with GenerateOptions{Stream: true}; Show now only means rendering a value.
func (m *Model) ShowChat(ctx context.Context, messages []Message, opts GenerateOptions) (*Result, error) {
	opts.Stream, opts.StreamTo = true, nil
	return m.Chat(ctx, messages, opts)
}
