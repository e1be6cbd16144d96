package local

import (
	"context"

	"github.com/golm-dev/golm/helpers/internal/options"
)

// The learner-facing calls. They are the same in every build: what differs is below them (generate, embed,
// ChatPrompt), implemented with llama.cpp in the llama build (llama_*.go) and returning ErrNotBuilt without it
// (stub.go).

// Complete continues prompt, as a base model does, and returns the generated text with its tokens, stop reason
// and timing. Set GenerateOptions.Stream to watch the text appear in the notebook, or StreamTo to receive it
// as it is generated. Pass at most one GenerateOptions.
func (m *Model) Complete(ctx context.Context, prompt string, opts ...GenerateOptions) (*Result, error) {
	o, err := options.One("local: Complete", opts)
	if err != nil {
		return nil, err
	}
	out := o.output(false)
	res, err := m.generate(ctx, prompt, o, o.Stop, false, out.write)
	out.done(res, err)
	return res, err
}

// Chat answers the last message of a conversation, written with the model's chat template (or the one named
// in GenerateOptions.Template). Set GenerateOptions.Stream to watch the answer appear in the notebook, rendered
// as Markdown, or StreamTo to receive it as it is generated. Pass at most one GenerateOptions.
func (m *Model) Chat(ctx context.Context, messages []Message, opts ...GenerateOptions) (*Result, error) {
	o, err := options.One("local: Chat", opts)
	if err != nil {
		return nil, err
	}
	return m.chat(ctx, messages, o, o.output(true))
}

// Ask asks the model one question through its chat template, after the system prompt GenerateOptions.System
// when it is set, and returns the answer's text. With Stream or StreamTo set it streams like Chat. When
// generation stops early, the text so far is returned with the error. Pass at most one GenerateOptions.
func (m *Model) Ask(ctx context.Context, question string, opts ...GenerateOptions) (string, error) {
	o, err := options.One("local: Ask", opts)
	if err != nil {
		return "", err
	}
	messages := make([]Message, 0, 2)
	if o.System != "" {
		messages = append(messages, Message{Role: "system", Content: o.System})
	}
	messages = append(messages, Message{Role: "user", Content: question})
	res, err := m.chat(ctx, messages, o, o.output(true))
	if res == nil {
		return "", err
	}
	return res.Text, err
}

// chat answers a conversation, streaming the answer to out.
func (m *Model) chat(ctx context.Context, messages []Message, o GenerateOptions, out streamOut) (*Result, error) {
	res, err := m.chatWith(ctx, messages, o, out.write)
	out.done(res, err)
	return res, err
}

// chatWith answers a conversation, calling onText (when not nil) with each piece of the answer.
func (m *Model) chatWith(ctx context.Context, messages []Message, o GenerateOptions,
	onText func(string) error) (*Result, error) {
	stops, _, err := chatStops(o)
	if err != nil {
		return nil, err
	}
	prompt, err := m.ChatPrompt(messages, o.Template)
	if err != nil {
		return nil, err
	}
	return m.generate(ctx, prompt, o, stops, true, onText)
}

// Embed returns the embeddings of texts, one per text: the model's token vectors pooled into one (by
// Options.Pooling or the model's metadata, mean by default) and normalised to length 1, so that the dot
// product of two embeddings is their cosine similarity. Use an embedding model (such as bge-small-en-v1.5 in
// GGUF) for retrieval. For one text: Embed(ctx, []string{text}) and take element 0. Pass no EmbedOptions (it
// has no fields yet).
func (m *Model) Embed(ctx context.Context, texts []string, opts ...EmbedOptions) ([][]float32, error) {
	if _, err := options.One("local: Embed", opts); err != nil {
		return nil, err
	}
	return m.embed(ctx, texts)
}
