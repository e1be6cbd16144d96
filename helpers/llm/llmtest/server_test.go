package llmtest_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golm-dev/golm/helpers/internal/openaiwire"
	"github.com/golm-dev/golm/helpers/internal/openaiwire/wiretest"
	"github.com/golm-dev/golm/helpers/llm/llmtest"
	openai "github.com/sashabaranov/go-openai"
)

func newClient(s *llmtest.Server, key string) *openai.Client {
	cfg := openai.DefaultConfig(key)
	cfg.BaseURL = s.URL
	return openai.NewClientWithConfig(cfg)
}

func chatReq(model string, msgs ...openai.ChatCompletionMessage) openai.ChatCompletionRequest {
	return openai.ChatCompletionRequest{Model: model, Messages: msgs}
}

func user(s string) openai.ChatCompletionMessage {
	return openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: s}
}

func TestChatEchoAndUsage(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	c := newClient(s, "")
	resp, err := c.CreateChatCompletion(context.Background(), chatReq("gpt-4o-mini",
		openai.ChatCompletionMessage{Role: "system", Content: "Be brief."}, user("What is money?")))
	if err != nil {
		t.Fatal(err)
	}
	want := llmtest.EchoPrefix + "What is money?"
	if got := resp.Choices[0].Message.Content; got != want {
		t.Errorf("content = %q, want %q", got, want)
	}
	if resp.Model != "gpt-4o-mini" || resp.Object != "chat.completion" || resp.ID == "" {
		t.Errorf("model/object/id = %q/%q/%q", resp.Model, resp.Object, resp.ID)
	}
	// Prompt: "Be brief." (2 words) + "What is money?" (3); completion: "(llmtest echo) What is money?" (5).
	if u := resp.Usage; u.PromptTokens != 5 || u.CompletionTokens != 5 || u.TotalTokens != 10 {
		t.Errorf("usage = %+v", u)
	}
	if resp.Choices[0].FinishReason != openai.FinishReasonStop {
		t.Errorf("finish = %q", resp.Choices[0].FinishReason)
	}
}

func TestUnmatchedError(t *testing.T) {
	s := llmtest.NewServerConfig(llmtest.Config{Unmatched: llmtest.UnmatchedError})
	defer s.Close()
	_, err := newClient(s, "").CreateChatCompletion(context.Background(), chatReq("m1", user("hello there")))
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 400 {
		t.Fatalf("err = %v, want a 400 APIError", err)
	}
	for _, want := range []string{"no scripted reply", `"m1"`, `"hello there"`, "chat"} {
		if !strings.Contains(apiErr.Message, want) {
			t.Errorf("message %q lacks %q", apiErr.Message, want)
		}
	}
	if err := s.SetUnmatched("bogus"); err == nil {
		t.Error("SetUnmatched(bogus) succeeded")
	}
}

func TestRules(t *testing.T) {
	type call struct {
		model string
		msgs  []openai.ChatCompletionMessage
		want  string
	}
	tool := openai.ChatCompletionMessage{Role: "tool", Content: "9", ToolCallID: "call_1"}
	tests := []struct {
		name  string
		rules []llmtest.Rule
		calls []call
	}{
		{"contains", []llmtest.Rule{{Contains: "money", Reply: &llmtest.Reply{Text: "cash"}}},
			[]call{{"m", []openai.ChatCompletionMessage{user("What is money?")}, "cash"},
				{"m", []openai.ChatCompletionMessage{user("hi")}, llmtest.EchoPrefix + "hi"}}},
		{"regexp", []llmtest.Rule{{Regexp: `^\d+\+\d+`, Reply: &llmtest.Reply{Text: "sum"}}},
			[]call{{"m", []openai.ChatCompletionMessage{user("6+3?")}, "sum"},
				{"m", []openai.ChatCompletionMessage{user("x 6+3")}, llmtest.EchoPrefix + "x 6+3"}}},
		{"model", []llmtest.Rule{{Model: "gpt-4o", Reply: &llmtest.Reply{Text: "big"}}},
			[]call{{"gpt-4o-mini", []openai.ChatCompletionMessage{user("a")}, llmtest.EchoPrefix + "a"},
				{"gpt-4o", []openai.ChatCompletionMessage{user("a")}, "big"}}},
		{"last role", []llmtest.Rule{
			{LastRole: "tool", Reply: &llmtest.Reply{Text: "6 + 3 = 9"}},
			{Contains: "6+3", Reply: &llmtest.Reply{Text: "calling"}}},
			[]call{{"m", []openai.ChatCompletionMessage{user("What is 6+3?")}, "calling"},
				{"m", []openai.ChatCompletionMessage{user("What is 6+3?"), tool}, "6 + 3 = 9"}}},
		{"times and order", []llmtest.Rule{
			{Times: 1, Reply: &llmtest.Reply{Text: "first"}},
			{Times: 2, Reply: &llmtest.Reply{Text: "second"}},
			{Reply: &llmtest.Reply{Text: "always"}}},
			[]call{{"m", []openai.ChatCompletionMessage{user("q")}, "first"},
				{"m", []openai.ChatCompletionMessage{user("q")}, "second"},
				{"m", []openai.ChatCompletionMessage{user("q")}, "second"},
				{"m", []openai.ChatCompletionMessage{user("q")}, "always"}}},
		{"replies in turn, last repeats", []llmtest.Rule{{Replies: []llmtest.Reply{{Text: "one"}, {Text: "two"}}}},
			[]call{{"m", []openai.ChatCompletionMessage{user("q")}, "one"},
				{"m", []openai.ChatCompletionMessage{user("q")}, "two"},
				{"m", []openai.ChatCompletionMessage{user("q")}, "two"}}},
		{"embeddings rule does not answer chat", []llmtest.Rule{{Endpoint: llmtest.EndpointEmbeddings,
			Reply: &llmtest.Reply{Status: 500}}},
			[]call{{"m", []openai.ChatCompletionMessage{user("q")}, llmtest.EchoPrefix + "q"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := llmtest.NewServerConfig(llmtest.Config{Rules: tt.rules})
			defer s.Close()
			c := newClient(s, "")
			for i, cl := range tt.calls {
				resp, err := c.CreateChatCompletion(context.Background(), chatReq(cl.model, cl.msgs...))
				if err != nil {
					t.Fatalf("call %d: %v", i, err)
				}
				if got := resp.Choices[0].Message.Content; got != cl.want {
					t.Errorf("call %d: got %q, want %q", i, got, cl.want)
				}
			}
		})
	}
}

func TestEnqueueAndWhen(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	s.When("weather", llmtest.Reply{Text: "sunny"})
	s.EnqueueText("queued one")
	s.Enqueue(llmtest.Reply{Text: "queued two"})
	c := newClient(s, "")
	for i, tc := range []struct{ q, want string }{
		{"the weather?", "queued one"}, {"x", "queued two"}, {"the weather?", "sunny"},
		{"z", llmtest.EchoPrefix + "z"},
	} {
		resp, err := c.CreateChatCompletion(context.Background(), chatReq("m", user(tc.q)))
		if err != nil {
			t.Fatal(err)
		}
		if got := resp.Choices[0].Message.Content; got != tc.want {
			t.Errorf("%d: got %q, want %q", i, got, tc.want)
		}
	}
	if err := s.Add(llmtest.Rule{Regexp: "("}); err == nil {
		t.Error("Add accepted an invalid rule")
	}
}

func sumsCalls() []llmtest.ToolCall {
	return []llmtest.ToolCall{
		{Name: "sums", Arguments: `{"a": 6, "b": 3}`},
		{ID: "call_custom", Name: "describe", Arguments: `{"text": "a longer argument, with ünïcödé"}`},
	}
}

func TestToolCalls(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	s.When("6+3", llmtest.Reply{ToolCalls: sumsCalls()})
	resp, err := newClient(s, "").CreateChatCompletion(context.Background(), chatReq("m", user("What is 6+3?")))
	if err != nil {
		t.Fatal(err)
	}
	ch := resp.Choices[0]
	if ch.FinishReason != openai.FinishReasonToolCalls || ch.Message.Content != "" || len(ch.Message.ToolCalls) != 2 {
		t.Fatalf("choice = %+v", ch)
	}
	tc := ch.Message.ToolCalls
	if tc[0].Function.Name != "sums" || tc[0].Function.Arguments != `{"a": 6, "b": 3}` || tc[0].ID == "" ||
		tc[0].Type != openai.ToolTypeFunction {
		t.Errorf("call 0 = %+v", tc[0])
	}
	if tc[1].ID != "call_custom" || tc[1].Function.Name != "describe" {
		t.Errorf("call 1 = %+v", tc[1])
	}
}

// sseEvents reads the data lines of a streamed answer and reports whether [DONE] arrived.
func sseEvents(t *testing.T, s *llmtest.Server, path string, body any) (events []map[string]any, done bool, err error) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := http.Post(s.URL+path, "application/json", bytes.NewReader(b))
	if err != nil {
		return nil, false, err
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	raw, done, err := openaiwire.ReadEvents(resp.Body)
	for _, data := range raw {
		var ev map[string]any
		if err := json.Unmarshal(data, &ev); err != nil {
			t.Fatalf("bad event %s: %v", data, err)
		}
		events = append(events, ev)
	}
	return events, done, err
}

func TestStreamWire(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	s.When("story", llmtest.Reply{Text: "Once upon a time"})
	s.When("tools", llmtest.Reply{ToolCalls: sumsCalls()})

	events, done, err := sseEvents(t, s, "/chat/completions", map[string]any{"model": "m", "stream": true,
		"stream_options": map[string]any{"include_usage": true},
		"messages":       []map[string]any{{"role": "user", "content": "a story"}}})
	if err != nil || !done {
		t.Fatalf("err %v, done %v", err, done)
	}
	// role chunk, 4 words, finish chunk, usage chunk
	if len(events) != 7 {
		t.Fatalf("%d events: %v", len(events), events)
	}
	var text strings.Builder
	for _, ev := range events[1:5] {
		delta := ev["choices"].([]any)[0].(map[string]any)["delta"].(map[string]any)
		text.WriteString(delta["content"].(string))
	}
	if text.String() != "Once upon a time" {
		t.Errorf("text %q", text.String())
	}
	if fr := events[5]["choices"].([]any)[0].(map[string]any)["finish_reason"]; fr != "stop" {
		t.Errorf("finish %v", fr)
	}
	last := events[6]
	if ch := last["choices"].([]any); len(ch) != 0 {
		t.Errorf("usage chunk has choices %v", ch)
	}
	if u := last["usage"].(map[string]any); u["completion_tokens"].(float64) != 4 {
		t.Errorf("usage %v", u)
	}

	// Tool calls: a first chunk per call with id and name, then argument fragments.
	events, done, err = sseEvents(t, s, "/chat/completions", map[string]any{"model": "m", "stream": true,
		"messages": []map[string]any{{"role": "user", "content": "tools"}}})
	if err != nil || !done {
		t.Fatalf("err %v, done %v", err, done)
	}
	args := map[int]string{}
	frags := map[int]int{}
	for _, ev := range events {
		for _, c := range ev["choices"].([]any) {
			delta := c.(map[string]any)["delta"].(map[string]any)
			tcs, _ := delta["tool_calls"].([]any)
			for _, tc := range tcs {
				m := tc.(map[string]any)
				i := int(m["index"].(float64))
				a := m["function"].(map[string]any)["arguments"].(string)
				if a != "" {
					frags[i]++
				}
				args[i] += a
			}
		}
	}
	if args[0] != `{"a": 6, "b": 3}` || args[1] != `{"text": "a longer argument, with ünïcödé"}` {
		t.Errorf("joined arguments %v", args)
	}
	if frags[0] < 2 || frags[1] < 2 {
		t.Errorf("arguments not split across chunks: %v", frags)
	}
}

func TestStreamShape(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	s.When("tools", llmtest.Reply{ToolCalls: sumsCalls()})
	tests := []struct{ question, text, finish string }{
		{"a story", llmtest.EchoPrefix + "a story", "stop"},
		{"tools", "", "tool_calls"},
	}
	for _, tt := range tests {
		text, finish := wiretest.CheckChatStream(t, s.URL,
			`{"model": "m", "messages": [{"role": "user", "content": "`+tt.question+`"}]}`)
		if text != tt.text || finish != tt.finish {
			t.Errorf("%s: text %q, finish %q", tt.question, text, finish)
		}
	}
}

func TestStreamWithGoOpenAI(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	s.Enqueue(llmtest.Reply{Text: "Hello there, mate!"})
	req := chatReq("m", user("hi"))
	req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	chunks, err := wiretest.Collect[openai.ChatCompletionStreamResponse](
		newClient(s, "").CreateChatCompletionStream(context.Background(), req))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	var usage *openai.Usage
	for _, ch := range chunks {
		for _, c := range ch.Choices {
			text.WriteString(c.Delta.Content)
		}
		usage = cmp.Or(ch.Usage, usage)
	}
	if text.String() != "Hello there, mate!" || usage == nil || usage.CompletionTokens != 3 {
		t.Errorf("text %q usage %+v", text.String(), usage)
	}
}

func TestDropMidStream(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	s.Enqueue(llmtest.Reply{Text: "one two three four five", DropAfter: 2})
	events, done, err := sseEvents(t, s, "/chat/completions", map[string]any{"model": "m", "stream": true,
		"messages": []map[string]any{{"role": "user", "content": "x"}}})
	if done {
		t.Error("[DONE] arrived on a dropped stream")
	}
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("err = %v, want unexpected EOF", err)
	}
	if len(events) != 3 { // role chunk and two words
		t.Errorf("%d events before the drop", len(events))
	}
}

func TestDropAtOnceAndErrors(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	c := newClient(s, "")
	s.Enqueue(llmtest.Reply{Drop: true})
	if _, err := c.CreateChatCompletion(context.Background(), chatReq("m", user("x"))); err == nil {
		t.Error("dropped request succeeded")
	}
	// Dropped at once means no status line at all: a connection error, for streams too.
	for _, stream := range []bool{false, true} {
		s.Enqueue(llmtest.Reply{Drop: true})
		b, _ := json.Marshal(map[string]any{"model": "m", "stream": stream,
			"messages": []map[string]any{{"role": "user", "content": "x"}}})
		if resp, err := http.Post(s.URL+"/chat/completions", "application/json", bytes.NewReader(b)); err == nil {
			resp.Body.Close()
			t.Errorf("stream %v: got status %d from a dropped request", stream, resp.StatusCode)
		}
	}

	s.Enqueue(llmtest.Reply{Status: 429, RetryAfter: "2", RetryAfterMs: "2000",
		Headers: map[string]string{"x-ratelimit-reset-requests": "1s"}})
	b, _ := json.Marshal(map[string]any{"model": "m", "messages": []map[string]any{{"role": "user", "content": "x"}}})
	resp, err := http.Post(s.URL+"/chat/completions", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" || resp.Header.Get("Retry-After-Ms") != "2000" ||
		resp.Header.Get("x-ratelimit-reset-requests") != "1s" {
		t.Errorf("status %d headers %v", resp.StatusCode, resp.Header)
	}
	var shape struct {
		Error struct {
			Message string  `json:"message"`
			Type    string  `json:"type"`
			Param   *string `json:"param"`
			Code    *string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &shape); err != nil || shape.Error.Code == nil ||
		*shape.Error.Code != "rate_limit_exceeded" || shape.Error.Message == "" {
		t.Errorf("body %s (%v)", body, err)
	}

	s.Enqueue(llmtest.Reply{Status: 500})
	_, err = c.CreateChatCompletion(context.Background(), chatReq("m", user("x")))
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 500 || apiErr.Type != "server_error" {
		t.Errorf("err = %v", err)
	}
}

func TestDelayHonoursClientContext(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	s.Enqueue(llmtest.Reply{Text: "late", Delay: 10 * time.Second})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := newClient(s, "").CreateChatCompletion(ctx, chatReq("m", user("x")))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
}

func checkLogProbs(t *testing.T, lps []openai.LogProb, pieces []string, top int) {
	t.Helper()
	if len(lps) != len(pieces) {
		t.Fatalf("%d logprobs for %d pieces", len(lps), len(pieces))
	}
	for i, lp := range lps {
		if lp.Token != pieces[i] || lp.LogProb >= 0 || string(lp.Bytes) != pieces[i] {
			t.Errorf("token %d = %+v", i, lp)
		}
		if len(lp.TopLogProbs) != top {
			t.Fatalf("token %d has %d alternatives, want %d", i, len(lp.TopLogProbs), top)
		}
		sum := 0.0
		for j, a := range lp.TopLogProbs {
			sum += math.Exp(a.LogProb)
			if j > 0 && a.LogProb > lp.TopLogProbs[j-1].LogProb {
				t.Errorf("token %d alternatives not sorted", i)
			}
		}
		if sum > 1.0001 {
			t.Errorf("token %d: probabilities sum to %v", i, sum)
		}
	}
}

func TestLogProbs(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	s.When("x", llmtest.Reply{Text: "Money is a tool"})
	req := chatReq("m", user("x"))
	req.LogProbs, req.TopLogProbs = true, 3
	resp, err := newClient(s, "").CreateChatCompletion(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Choices[0].LogProbs == nil {
		t.Fatal("no logprobs")
	}
	checkLogProbs(t, resp.Choices[0].LogProbs.Content, []string{"Money", " is", " a", " tool"}, 3)

	// Deterministic: the same request gives the same numbers.
	resp2, _ := newClient(s, "").CreateChatCompletion(context.Background(), req)
	if resp2.Choices[0].LogProbs.Content[2].LogProb != resp.Choices[0].LogProbs.Content[2].LogProb {
		t.Error("logprobs differ between identical requests")
	}
	// Not asked for: none.
	resp3, _ := newClient(s, "").CreateChatCompletion(context.Background(), chatReq("m", user("x")))
	if resp3.Choices[0].LogProbs != nil {
		t.Error("logprobs without asking")
	}
}

func TestMaxTokensAndStop(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	s.When("x", llmtest.Reply{Text: "Mercury Venus Earth Mars Jupiter"})
	c := newClient(s, "")
	req := chatReq("m", user("x"))
	req.MaxTokens = 2
	resp, err := c.CreateChatCompletion(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0]; got.Message.Content != "Mercury Venus" || got.FinishReason != openai.FinishReasonLength ||
		resp.Usage.CompletionTokens != 2 {
		t.Errorf("got %q %q %+v", got.Message.Content, got.FinishReason, resp.Usage)
	}
	req = chatReq("m", user("x"))
	req.Stop = []string{" Mars"}
	resp, err = c.CreateChatCompletion(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if got := resp.Choices[0]; got.Message.Content != "Mercury Venus Earth" || got.FinishReason != openai.FinishReasonStop {
		t.Errorf("got %q %q", got.Message.Content, got.FinishReason)
	}
}

func TestUsageOverride(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	s.Enqueue(llmtest.Reply{Text: "x", PromptTokens: 1000, CompletionTokens: 2000})
	resp, err := newClient(s, "").CreateChatCompletion(context.Background(), chatReq("m", user("x")))
	if err != nil {
		t.Fatal(err)
	}
	if resp.Usage.PromptTokens != 1000 || resp.Usage.CompletionTokens != 2000 || resp.Usage.TotalTokens != 3000 {
		t.Errorf("usage %+v", resp.Usage)
	}
}

func TestLegacyCompletions(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	s.Add(llmtest.Rule{Endpoint: llmtest.EndpointCompletions, Contains: "frogs",
		Reply: &llmtest.Reply{Text: " The pandas were delighted."}})
	c := newClient(s, "")
	resp, err := c.CreateCompletion(context.Background(), openai.CompletionRequest{Model: "davinci-002",
		Prompt: "It rained frogs.", LogProbs: 2, Echo: true})
	if err != nil {
		t.Fatal(err)
	}
	ch := resp.Choices[0]
	if ch.Text != "It rained frogs. The pandas were delighted." || ch.FinishReason != "stop" {
		t.Errorf("choice %+v", ch)
	}
	if len(ch.LogProbs.Tokens) != 7 || ch.LogProbs.TokenLogprobs[0] != 0 || ch.LogProbs.TokenLogprobs[3] >= 0 ||
		len(ch.LogProbs.TopLogprobs[3]) != 2 || ch.LogProbs.TextOffset[1] != 2 {
		t.Errorf("logprobs %+v", ch.LogProbs)
	}
	if resp.Usage == nil || resp.Usage.PromptTokens != 3 || resp.Usage.CompletionTokens != 4 {
		t.Errorf("usage %+v", resp.Usage)
	}

	// Default max_tokens is 16, as on OpenAI's API.
	long := strings.Repeat("word ", 30)
	resp, err = c.CreateCompletion(context.Background(), openai.CompletionRequest{Model: "m", Prompt: long})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Choices[0].FinishReason != "length" || resp.Usage.CompletionTokens != 16 {
		t.Errorf("default max tokens: %+v %+v", resp.Choices[0], resp.Usage)
	}

	// Streaming.
	chunks, err := wiretest.Collect[openai.CompletionResponse](c.CreateCompletionStream(context.Background(),
		openai.CompletionRequest{Model: "m", Prompt: "frogs", MaxTokens: 100,
			StreamOptions: &openai.StreamOptions{IncludeUsage: true}}))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	var usage *openai.Usage
	for _, ch := range chunks {
		for _, c := range ch.Choices {
			text.WriteString(c.Text)
		}
		usage = cmp.Or(ch.Usage, usage)
	}
	if text.String() != " The pandas were delighted." || usage == nil || usage.CompletionTokens != 4 {
		t.Errorf("stream text %q usage %+v", text.String(), usage)
	}
}

func TestEmbeddings(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	c := newClient(s, "")
	question := "Who is Jeremy Howard?"
	jeremy := "Jeremy Howard is an Australian data scientist, entrepreneur, and educator. Howard co-founded fast.ai."
	tony := "Sir Anthony Charles Lynton Blair is a British politician who served as Prime Minister of the United Kingdom."
	resp, err := c.CreateEmbeddings(context.Background(), openai.EmbeddingRequest{
		Input: []string{question, jeremy, tony}, Model: openai.SmallEmbedding3})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Data) != 3 || len(resp.Data[0].Embedding) != 1536 || resp.Usage.PromptTokens == 0 {
		t.Fatalf("%d vectors of %d, usage %+v", len(resp.Data), len(resp.Data[0].Embedding), resp.Usage)
	}
	cos := func(a, b []float32) float64 {
		var d float64
		for i := range a {
			d += float64(a[i]) * float64(b[i])
		}
		return d
	}
	for i, d := range resp.Data {
		if n := cos(d.Embedding, d.Embedding); math.Abs(n-1) > 1e-5 {
			t.Errorf("vector %d has squared norm %v", i, n)
		}
	}
	q, j, b := resp.Data[0].Embedding, resp.Data[1].Embedding, resp.Data[2].Embedding
	if cj, cb := cos(q, j), cos(q, b); cj < 0.3 || cj < cb+0.2 {
		t.Errorf("cos(question, jeremy) = %.2f, cos(question, tony) = %.2f", cj, cb)
	}
	if got := llmtest.Embedding(question, 1536); cos(got, q) < 0.99999 {
		t.Error("Embedding differs from the server's vector")
	}

	// dimensions, base64 and a large model
	resp, err = c.CreateEmbeddings(context.Background(), openai.EmbeddingRequest{Input: "hello world",
		Model: openai.LargeEmbedding3, Dimensions: 64, EncodingFormat: openai.EmbeddingEncodingFormatBase64})
	if err != nil {
		t.Fatal(err)
	}
	if v := resp.Data[0].Embedding; len(v) != 64 || math.Abs(cos(v, v)-1) > 1e-5 {
		t.Errorf("base64 vector of %d", len(v))
	}
	resp, err = c.CreateEmbeddings(context.Background(), openai.EmbeddingRequest{Input: "x", Model: openai.LargeEmbedding3})
	if err != nil || len(resp.Data[0].Embedding) != 3072 {
		t.Errorf("large model: %v", err)
	}
	// Token arrays are accepted.
	if _, err := c.CreateEmbeddings(context.Background(), openai.EmbeddingRequestTokens{Input: [][]int{{1, 2}},
		Model: openai.SmallEmbedding3}); err != nil {
		t.Error(err)
	}
	// Scripted failure.
	s.Add(llmtest.Rule{Endpoint: llmtest.EndpointEmbeddings, Times: 1, Reply: &llmtest.Reply{Status: 503}})
	_, err = c.CreateEmbeddings(context.Background(), openai.EmbeddingRequest{Input: "x", Model: openai.SmallEmbedding3})
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 503 {
		t.Errorf("err = %v", err)
	}
}

func TestEmbeddingEdgeCases(t *testing.T) {
	for _, text := range []string{"", "the of and", "!!!", "Ünïcödé wörds"} {
		v := llmtest.Embedding(text, 16)
		var n float64
		for _, x := range v {
			n += float64(x) * float64(x)
		}
		if math.Abs(n-1) > 1e-5 {
			t.Errorf("Embedding(%q) has squared norm %v", text, n)
		}
	}
	if a, b := llmtest.Embedding("same text", 32), llmtest.Embedding("same text", 32); a[5] != b[5] {
		t.Error("not deterministic")
	}
}

func TestAuth(t *testing.T) {
	const key = "sk-test-0123456789abcdef"
	s := llmtest.NewServerConfig(llmtest.Config{APIKey: key})
	defer s.Close()
	for _, tc := range []struct {
		key, want string
	}{
		{"", "You didn't provide an API key"},
		{"sk-wrong-key-123456789", "Incorrect API key provided: sk-***************6789"},
	} {
		_, err := newClient(s, tc.key).CreateChatCompletion(context.Background(), chatReq("m", user("x")))
		var apiErr *openai.APIError
		if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 401 || !strings.Contains(apiErr.Message, tc.want) {
			t.Errorf("key %q: err = %v", tc.key, err)
		}
	}
	if _, err := newClient(s, key).CreateChatCompletion(context.Background(), chatReq("m", user("x"))); err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Requests() {
		if a := r.Header.Get("Authorization"); a != "" && a != "Bearer [REDACTED]" {
			t.Errorf("recorded Authorization %q", a)
		}
		if strings.Contains(strings.Join(r.Header.Values("Authorization"), ""), key) {
			t.Error("key recorded")
		}
	}
}

func TestRecords(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	c := newClient(s, "sk-abcdefghijklmnop")
	if _, err := c.CreateChatCompletion(context.Background(), chatReq("gpt-4o", user("first"), user("second"))); err != nil {
		t.Fatal(err)
	}
	r, ok := s.LastRequest()
	if !ok || r.Method != "POST" || r.Path != "/v1/chat/completions" || r.JSON["model"] != "gpt-4o" {
		t.Fatalf("record %+v", r)
	}
	if r.LastUserMessage() != "second" {
		t.Errorf("last user message %q", r.LastUserMessage())
	}
	var req openai.ChatCompletionRequest
	if err := r.Decode(&req); err != nil || len(req.Messages) != 2 {
		t.Errorf("decode: %v %+v", err, req)
	}
	if r.Header.Get("Authorization") != "Bearer [REDACTED]" {
		t.Errorf("authorization %q", r.Header.Get("Authorization"))
	}
	if _, err := c.CreateFileBytes(context.Background(), openai.FileBytesRequest{Name: "a.jsonl", Bytes: []byte("{}"),
		Purpose: openai.PurposeFineTune}); err != nil {
		t.Fatal(err)
	}
	r, _ = s.LastRequest()
	if r.Form["purpose"] != "fine-tune" || r.Form["file"] != "a.jsonl" {
		t.Errorf("form %v", r.Form)
	}
	if n := len(s.RequestsTo("/v1/chat/completions")); n != 1 {
		t.Errorf("%d chat requests", n)
	}
	s.ClearRequests()
	if len(s.Requests()) != 0 {
		t.Error("ClearRequests kept records")
	}
}

func TestModels(t *testing.T) {
	s := llmtest.NewServerConfig(llmtest.Config{Models: []string{"alpha", "beta"}})
	defer s.Close()
	wiretest.CheckModels(t, newClient(s, ""), []string{"alpha", "beta"})
}

func TestUnknownPath(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	resp, err := http.Get(s.URL + "/nope")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 404 || !strings.Contains(string(body), "Invalid URL (GET /v1/nope)") {
		t.Errorf("%d %s", resp.StatusCode, body)
	}
}

func TestCloseCutsStreams(t *testing.T) {
	s := llmtest.NewServer()
	s.Enqueue(llmtest.Reply{Text: strings.Repeat("slow ", 100), ChunkDelay: 50 * time.Millisecond})
	stream, err := newClient(s, "").CreateChatCompletionStream(context.Background(), chatReq("m", user("x")))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	if _, err := stream.Recv(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
		t.Fatal("Close blocked on a stream in progress")
	}
}
