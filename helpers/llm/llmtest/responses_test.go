package llmtest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/golm-dev/golm/helpers/llm/llmtest"
	openai "github.com/sashabaranov/go-openai"
)

// TestResponsesAPI drives the fake's /v1/responses with go-openai's own Responses client.
func TestResponsesAPI(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	s.When("money", llmtest.Reply{Text: "Money, mate, is dosh."})
	s.When("6+3", llmtest.Reply{ToolCalls: []llmtest.ToolCall{{Name: "sums", Arguments: `{"a":6,"b":3}`}}})
	cfg := openai.DefaultConfig("sk-test")
	cfg.BaseURL = s.URL
	c := openai.NewClientWithConfig(cfg)
	ctx := context.Background()

	resp, err := c.CreateResponse(ctx, openai.CreateResponseRequest{Model: "gpt-6-luna", Input: "What is money?",
		Instructions: "Be Aussie."})
	if err != nil {
		t.Fatal(err)
	}
	if resp.GetOutputText() != "Money, mate, is dosh." || resp.Status != "completed" || resp.Usage == nil ||
		resp.Usage.OutputTokens != 4 || resp.Usage.InputTokens != 5 {
		t.Errorf("response %+v usage %+v", resp, resp.Usage)
	}
	if got := s.Requests()[0].LastUserMessage(); got != "What is money?" {
		t.Errorf("LastUserMessage %q", got)
	}

	// A function call is an output item; its result goes back as an input item.
	resp, err = c.CreateResponse(ctx, openai.CreateResponseRequest{Model: "m", Input: []any{
		openai.ResponseInputMessage{Role: "user", Content: "What is 6+3?"}}})
	if err != nil || !strings.Contains(string(mustJSON(t, resp.Output)), `"type":"function_call"`) {
		t.Fatalf("tool call %v %s", err, mustJSON(t, resp.Output))
	}

	// Streamed: deltas, then the completed response.
	stream, err := c.CreateResponseStream(ctx, openai.CreateResponseRequest{Model: "m", Input: "money?"})
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	var text strings.Builder
	var completed *openai.CreateResponseResponse
	for {
		ev, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch ev.Type {
		case openai.ResponseStreamEventOutputTextDelta:
			text.WriteString(ev.Delta)
		case openai.ResponseStreamEventCompleted:
			completed = ev.Response
		}
	}
	if text.String() != "Money, mate, is dosh." || completed == nil || completed.GetOutputText() != text.String() {
		t.Errorf("stream %q %+v", text.String(), completed)
	}

	// A limit cuts the answer and says so.
	resp, err = c.CreateResponse(ctx, openai.CreateResponseRequest{Model: "m", Input: "money", MaxOutputTokens: 2})
	if err != nil || resp.Status != "incomplete" || resp.IncompleteDetails == nil ||
		resp.IncompleteDetails.Reason != "max_output_tokens" || resp.GetOutputText() != "Money, mate," {
		t.Errorf("limited %+v %v", resp, err)
	}
	// Bad input is a 400.
	if _, err := c.CreateResponse(ctx, openai.CreateResponseRequest{Model: "m", Input: []any{}}); err == nil {
		t.Error("empty input accepted")
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
