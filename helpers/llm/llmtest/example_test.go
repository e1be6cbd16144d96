package llmtest_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/golm-dev/golm/helpers/llm/llmtest"
	openai "github.com/sashabaranov/go-openai"
)

// A test points any OpenAI client at the fake server, scripts what it answers, and checks what was sent.
func ExampleNewServer() {
	srv := llmtest.NewServer()
	defer srv.Close()
	srv.When("What is money?", llmtest.Reply{Text: "Money, mate, is dosh."})

	cfg := openai.DefaultConfig("sk-test")
	cfg.BaseURL = srv.URL // ends in /v1, like OPENAI_BASE_URL
	client := openai.NewClientWithConfig(cfg)
	resp, err := client.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{
		Model:    "gpt-4o-mini",
		Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "What is money?"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(resp.Choices[0].Message.Content)
	fmt.Println(resp.Usage.PromptTokens, "prompt tokens,", resp.Usage.CompletionTokens, "completion tokens")

	req, _ := srv.LastRequest()
	fmt.Println(req.Method, req.Path, req.JSON["model"], req.Header.Get("Authorization"))
	// Output:
	// Money, mate, is dosh.
	// 3 prompt tokens, 4 completion tokens
	// POST /v1/chat/completions gpt-4o-mini Bearer [REDACTED]
}

// A script file scripts a whole notebook run; unmatched requests are echoed.
func ExampleLoadConfig() {
	script := `{
	  "rules": [
	    {"times": 1, "reply": {"status": 429, "retry_after": "1"}},
	    {"contains": "6+3", "last_role": "user",
	     "reply": {"tool_calls": [{"name": "sums", "arguments": {"a": 6, "b": 3}}]}},
	    {"last_role": "tool", "reply": {"text": "6 + 3 = 9"}}
	  ]
	}`
	cfg, err := llmtest.LoadConfig(strings.NewReader(script))
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := llmtest.NewServerConfig(cfg)
	defer srv.Close()
	fmt.Println(len(cfg.Rules), "rules;", cfg.Rules[1].Reply.ToolCalls[0].Arguments)
	// Output: 3 rules; {"a":6,"b":3}
}
