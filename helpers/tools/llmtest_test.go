package tools_test

import (
	"context"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/golm-dev/golm/helpers/llm/llmtest"
	"github.com/golm-dev/golm/helpers/tools"
)

// The loop against the project's fake OpenAI server, through go-openai over HTTP: the talk's sums example with
// two calls in one reply, one of them with bad arguments, then the final answer.
func TestRunnerWithFakeServer(t *testing.T) {
	srv := llmtest.NewServer()
	defer srv.Close()
	if err := srv.Add(llmtest.Rule{Contains: "6+3", LastRole: "user", Reply: &llmtest.Reply{ToolCalls: []llmtest.ToolCall{
		{ID: "call_a", Name: "sums", Arguments: `{"a": 6, "b": 3}`},
		{ID: "call_b", Name: "sums", Arguments: `{"a": "six"}`},
	}}}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Add(llmtest.Rule{LastRole: "tool", Reply: &llmtest.Reply{Text: "6 + 3 = 9"}}); err != nil {
		t.Fatal(err)
	}
	cfg := openai.DefaultConfig("test-key")
	cfg.BaseURL = srv.URL
	box := tools.NewToolbox()
	if _, err := box.Register("sums", "Adds a + b", sums); err != nil {
		t.Fatal(err)
	}
	var seen []int
	r := tools.NewRunner(openai.NewClientWithConfig(cfg), box)
	r.OnStep = func(s tools.Step) { seen = append(seen, len(s.Calls)) }
	tr, err := r.Ask(context.Background(), "What is 6+3?", tools.AskOptions{Model: "gpt-4o", System: "You must use the sums function."})
	if err != nil {
		t.Fatal(err)
	}
	want := "model asked sums({\"a\":6,\"b\":3}) → 9\n" +
		"model asked sums({\"a\":\"six\"}) → error: tools: sums: invalid arguments: argument \"a\" must be an integer, not a string\n" +
		"answer: 6 + 3 = 9"
	if tr.String() != want {
		t.Errorf("transcript:\n%s\nwant:\n%s", tr, want)
	}
	if len(seen) != 2 || seen[0] != 2 || seen[1] != 0 {
		t.Errorf("steps seen: %v", seen)
	}
	reqs := srv.RequestsTo("/v1/chat/completions")
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	first := string(reqs[0].Body)
	if !strings.Contains(first, `"parameters":{"type":"object","properties":{"a":{"type":"integer","description":"the first number"},"b":{"type":"integer","description":"the second number","default":1}},"required":["a"],"additionalProperties":false}`) {
		t.Errorf("tools sent: %s", first)
	}
	second := string(reqs[1].Body)
	for _, s := range []string{`"role":"tool","content":"9"`, `"tool_call_id":"call_a"`, `"tool_call_id":"call_b"`, `"name":"sums"`} {
		if !strings.Contains(second, s) {
			t.Errorf("second request lacks %s:\n%s", s, second)
		}
	}
	if tr.Usage.TotalTokens == 0 {
		t.Errorf("no usage counted")
	}
}
