//go:build llama

package server

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/golm-dev/golm/helpers/local"
	"github.com/golm-dev/golm/helpers/local/synth"
)

// TestTinyModel serves the tiny model and talks to it with go-openai, as lesson code does.
func TestTinyModel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tiny.gguf")
	if err := synth.WriteTiny(path, synth.TinyOptions{}); err != nil {
		t.Fatal(err)
	}
	m, err := local.Load(context.Background(), path, local.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	c, _ := newClient(t, m, Options{})
	ctx := context.Background()
	msgs := []openai.ChatCompletionMessage{{Role: "user", Content: "Who is Jeremy Howard?"}}

	resp, err := c.CreateChatCompletion(ctx, openai.ChatCompletionRequest{Model: "gpt-4o", Messages: msgs})
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0].Message.Content; got != synth.TinyAnswer || resp.Choices[0].FinishReason != "stop" ||
		resp.Model != "golm tiny test model" || resp.Usage.CompletionTokens != 16 {
		t.Errorf("chat: %q %q %+v", got, resp.Choices[0].FinishReason, resp.Usage)
	}

	var text strings.Builder
	for _, r := range chatStream(t, c, openai.ChatCompletionRequest{Messages: msgs}) {
		text.WriteString(r.Choices[0].Delta.Content)
	}
	if text.String() != synth.TinyAnswer {
		t.Errorf("streamed %q", text.String())
	}

	comp, err := c.CreateCompletion(ctx, openai.CompletionRequest{Prompt: synth.PlanetsPrompt, MaxTokens: 40,
		Stop: []string{"\n"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := comp.Choices[0].Text; got != " Mercury, Venus, Earth, Mars, Jupiter, Saturn, Uranus, Neptune." {
		t.Errorf("completion %q", got)
	}

	lp, err := c.CreateCompletion(ctx, openai.CompletionRequest{Prompt: synth.TinyPrompt, MaxTokens: 3, LogProbs: 2})
	if err != nil || len(lp.Choices[0].LogProbs.Tokens) != 3 || lp.Choices[0].LogProbs.Tokens[1] != " data" ||
		lp.Choices[0].LogProbs.TokenLogprobs[0] > 0 || len(lp.Choices[0].LogProbs.TopLogprobs[0]) != 2 {
		t.Errorf("logprobs %+v %v", lp.Choices[0].LogProbs, err)
	}

	emb, err := c.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{Input: []string{"Jeremy Howard"}})
	if err != nil || len(emb.Data) != 1 || len(emb.Data[0].Embedding) != synth.TinyWidth {
		t.Errorf("embeddings %v", err)
	}
}
