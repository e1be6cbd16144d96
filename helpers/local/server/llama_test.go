//go:build llama

package server

import (
	"context"
	"encoding/json"
	"os"
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

// serveReal serves the real model whose path is in env (make test sets it from scripts/models.sh), with greedy
// decoding, so that the answers are the model's most likely ones.
func serveReal(t *testing.T, env string) *openai.Client {
	t.Helper()
	path := os.Getenv(env)
	if path == "" {
		t.Skipf("%s is not set: make test sets it to the file scripts/models.sh prints", env)
	}
	m, err := local.Load(context.Background(), path, local.Options{ContextSize: 1024})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	c, _ := newClient(t, m, Options{DefaultTemperature: -1}) // greedy
	return c
}

// TestSmolLM2 chats with the real SmolLM2-135M-Instruct through the server: its own chat template, an answer
// that ends at <|im_end|> (which never shows), the same answer streamed.
func TestSmolLM2(t *testing.T) {
	c := serveReal(t, "GOLM_TEST_SMOLLM")
	req := openai.ChatCompletionRequest{MaxTokens: 24, Seed: new(1),
		Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "What is the capital of France?"}}}
	resp, err := c.CreateChatCompletion(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	answer := resp.Choices[0].Message.Content
	if !strings.Contains(answer, "Paris") || strings.Contains(answer, "<|im") || resp.Choices[0].FinishReason != "stop" {
		t.Errorf("answer %q, finish %q", answer, resp.Choices[0].FinishReason)
	}
	var text strings.Builder
	for _, r := range chatStream(t, c, req) {
		if len(r.Choices) > 0 {
			text.WriteString(r.Choices[0].Delta.Content)
		}
	}
	if text.String() != answer {
		t.Errorf("streamed %q, not %q", text.String(), answer)
	}
}

// TestQwenToolCall offers the real Qwen2.5-Coder-0.5B-Instruct lesson 03's sums tool through the server: the
// model's <tool_call> comes back as tool_calls with the right arguments, and the result goes back to it in
// Qwen's format.
func TestQwenToolCall(t *testing.T) {
	c := serveReal(t, "GOLM_TEST_QWEN")
	tools := []openai.Tool{{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
		Name: "sums", Description: "Adds a + b",
		Parameters: json.RawMessage(`{"type":"object","properties":{"a":{"type":"integer","description":"the first number"},` +
			`"b":{"type":"integer","description":"the second number","default":1}},"required":["a"]}`),
	}}}
	req := openai.ChatCompletionRequest{MaxTokens: 48, Seed: new(1), Tools: tools,
		Messages: []openai.ChatCompletionMessage{
			{Role: "system", Content: "You must use the `sums` function instead of adding yourself."},
			{Role: "user", Content: "Use the `sums` function to solve this: What is 6+3?"},
		}}
	resp, err := c.CreateChatCompletion(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	msg := resp.Choices[0].Message
	if resp.Choices[0].FinishReason != openai.FinishReasonToolCalls || len(msg.ToolCalls) != 1 {
		t.Fatalf("no tool call: finish %q, content %q", resp.Choices[0].FinishReason, msg.Content)
	}
	var args struct{ A, B int }
	if call := msg.ToolCalls[0]; call.Function.Name != "sums" ||
		json.Unmarshal([]byte(call.Function.Arguments), &args) != nil || args.A+args.B != 9 {
		t.Fatalf("call %+v", call)
	}
	req.Messages = append(req.Messages, msg, openai.ChatCompletionMessage{Role: "tool", Content: "9",
		ToolCallID: msg.ToolCalls[0].ID})
	resp, err = c.CreateChatCompletion(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	// The 0.5B model, greedy, answers the result with more calls written as bare JSON until the token limit:
	// the server returns that as text, not as a broken call.
	if ch := resp.Choices[0]; ch.Message.Content == "" && len(ch.Message.ToolCalls) == 0 {
		t.Errorf("no reply to the result: %+v", ch)
	}
}
