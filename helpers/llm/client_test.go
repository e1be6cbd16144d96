package llm_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/helpers/display/displaytest"
	"github.com/golm-dev/golm/helpers/llm"
	"github.com/golm-dev/golm/helpers/llm/llmtest"
	openai "github.com/sashabaranov/go-openai"
)

const testKey = "sk-proj-SECRETsecret0123456789abcdefXYZ"

// setup starts a fake server and a client for it; retries are fast and their reports collected.
func setup(t *testing.T) (*llmtest.Server, *llm.Client, *events) {
	t.Helper()
	s := llmtest.NewServer()
	t.Cleanup(s.Close)
	ev := &events{}
	c, err := llm.New(llm.Config{BaseURL: s.URL, APIKey: testKey,
		Retry: llm.RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, OnRetry: ev.add}})
	if err != nil {
		t.Fatal(err)
	}
	return s, c, ev
}

type events struct {
	mu   sync.Mutex
	list []llm.RetryEvent
}

func (e *events) add(ev llm.RetryEvent) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, ev)
}

func (e *events) get() []llm.RetryEvent {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]llm.RetryEvent(nil), e.list...)
}

var ctx = context.Background()

func TestConfigFromEnv(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", ` "sk-quoted" `)
	t.Setenv("OPENAI_BASE_URL", "http://localhost:8080/v1/")
	t.Setenv("OPENAI_ORG_ID", "org-1")
	t.Setenv("OPENAI_MODEL", "llama3")
	cfg := llm.ConfigFromEnv()
	if cfg.APIKey != "sk-quoted" || cfg.BaseURL != "http://localhost:8080/v1/" || cfg.OrgID != "org-1" || cfg.Model != "llama3" {
		t.Errorf("config %+v", cfg.String())
	}
	c, err := llm.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	if c.BaseURL() != "http://localhost:8080/v1" || c.DefaultModel() != "llama3" || c.DefaultEmbeddingModel() != llm.DefaultEmbeddingModel ||
		c.DefaultCompletionModel() != llm.DefaultCompletionModel {
		t.Errorf("client %v", c)
	}
	t.Setenv("OPENAI_BASE_URL", "")
	t.Setenv("OPENAI_API_BASE", "http://old-style/v1")
	if cfg := llm.ConfigFromEnv(); cfg.BaseURL != "http://old-style/v1" {
		t.Errorf("OPENAI_API_BASE ignored: %v", cfg)
	}
}

func TestMissingKey(t *testing.T) {
	t.Setenv("OPENAI_API_KEY", "")
	t.Setenv("OPENAI_BASE_URL", "")
	t.Setenv("OPENAI_API_BASE", "")
	keyless, err := llm.NewClient()
	if !errors.Is(err, llm.ErrNoAPIKey) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"OPENAI_API_KEY", "OPENAI_BASE_URL", "golm serve", "needs no key"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %v", want, err)
		}
	}
	// The client is still a usable value: every call returns the same error, nothing is sent, nothing panics.
	if keyless == nil {
		t.Fatal("no client without a key")
	}
	calls := map[string]func() error{
		"Ask":      func() error { _, err := keyless.Ask(ctx, "hi"); return err },
		"Stream":   func() error { _, err := keyless.Ask(ctx, "hi", llm.ChatOptions{StreamTo: io.Discard}); return err },
		"Chat":     func() error { _, err := keyless.Chat(ctx, llm.Messages("hi", "")); return err },
		"Complete": func() error { _, err := keyless.Complete(ctx, "hi"); return err },
		"Embed":    func() error { _, err := keyless.Embed(ctx, []string{"hi"}); return err },
		"Models":   func() error { _, err := keyless.ListModels(ctx); return err },
		"Files":    func() error { _, err := keyless.Files(ctx); return err },
		"Conversation": func() error {
			_, err := keyless.NewConversation("").Ask(ctx, "hi")
			return err
		},
	}
	for name, call := range calls {
		err := call()
		if !errors.Is(err, llm.ErrNoAPIKey) || !strings.Contains(err.Error(), "OPENAI_BASE_URL") ||
			strings.Contains(err.Error(), "api.openai.com/v1/") {
			t.Errorf("%s without a key: %v", name, err)
		}
	}
	if n := len(keyless.Usage().Calls()); n != 0 {
		t.Errorf("%d calls recorded without a key", n)
	}
	// A local server needs no key.
	s := llmtest.NewServer()
	defer s.Close()
	t.Setenv("OPENAI_BASE_URL", s.URL)
	c, err := llm.NewClient()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Ask(ctx, "hi"); err != nil {
		t.Fatal(err)
	}
	if r, _ := s.LastRequest(); r.Header.Get("Authorization") != "" {
		t.Errorf("sent Authorization %q without a key", r.Header.Get("Authorization"))
	}
	if _, err := llm.New(llm.Config{BaseURL: "localhost:8080/v1"}); err == nil || !strings.Contains(err.Error(), "http://") {
		t.Errorf("bad base URL: %v", err)
	}
}

// TestKeyNeverShown prints configs, clients and errors every way fmt allows and looks for the key.
func TestKeyNeverShown(t *testing.T) {
	// A server that echoes the Authorization header back in its errors, JSON and not.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		switch {
		case strings.HasSuffix(r.URL.Path, "/chat/completions"):
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			fmt.Fprintf(w, `{"error":{"message":"Incorrect API key provided: %s","type":"invalid_request_error","code":"invalid_api_key"}}`, auth)
		case strings.HasSuffix(r.URL.Path, "/embeddings"):
			w.WriteHeader(500)
			fmt.Fprintf(w, "internal error for %s", auth)
		default:
			w.WriteHeader(403)
			fmt.Fprintf(w, `{"error":{"message":"denied %s"}}`, auth)
		}
	}))
	defer echo.Close()
	var log bytes.Buffer
	cfg := llm.Config{APIKey: testKey, BaseURL: echo.URL + "/v1", Log: &log,
		Retry: llm.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond}}
	c, err := llm.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, chatErr := c.Ask(ctx, "hi")
	_, embedErr := c.Embed(ctx, []string{"x"})
	_, modelsErr := c.ListModels(ctx)
	_, jobsErr := c.FineTuningJobs(ctx, 0)
	if !errors.Is(chatErr, llm.ErrAPIKeyRejected) || !strings.Contains(chatErr.Error(), "the API key was rejected") {
		t.Errorf("chat error: %v", chatErr)
	}
	var apiErr *openai.APIError
	if !errors.As(chatErr, &apiErr) {
		t.Errorf("no APIError in %v", chatErr)
	}
	var shown []string
	for _, v := range []any{cfg, &cfg, c, *c.Usage(), chatErr, embedErr, modelsErr, jobsErr, apiErr} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			shown = append(shown, fmt.Sprintf(verb, v))
		}
	}
	shown = append(shown, cfg.String(), c.String(), cfg.GoString(), c.GoString(), display.Format(c), display.Format(cfg),
		log.String(), apiErr.Message)
	for _, s := range shown {
		for _, secret := range []string{testKey, "SECRETsecret", "abcdefXYZ"} {
			if strings.Contains(s, secret) {
				t.Errorf("%q shows the key", s)
			}
		}
	}
	if !strings.Contains(c.String(), "hidden") || !strings.Contains(fmt.Sprintf("%+v", cfg), "hidden") {
		t.Errorf("printing does not say a key is set: %s", c)
	}
	if !strings.Contains(log.String(), "server error (HTTP 500), retrying") {
		t.Errorf("retry log %q", log.String())
	}
}

func TestWrongKey(t *testing.T) {
	s := llmtest.NewServerConfig(llmtest.Config{APIKey: "sk-the-right-key-000000"})
	defer s.Close()
	c, _ := llm.New(llm.Config{BaseURL: s.URL, APIKey: testKey})
	_, err := c.Ask(ctx, "hi")
	if !errors.Is(err, llm.ErrAPIKeyRejected) {
		t.Fatalf("err = %v", err)
	}
	var le *llm.Error
	if !errors.As(err, &le) || le.StatusCode != 401 || le.Op != "chat" {
		t.Errorf("error %+v", le)
	}
	if strings.Contains(err.Error(), testKey) || strings.Contains(err.Error(), "XYZ") {
		t.Errorf("error shows the key: %v", err)
	}
	if n := len(s.Requests()); n != 1 {
		t.Errorf("a 401 was retried: %d requests", n)
	}
}

func TestAskAndSend(t *testing.T) {
	s, c, _ := setup(t)
	s.When("What is money?", llmtest.Reply{Text: "Money's like footy tickets, mate.", PromptTokens: 30, CompletionTokens: 8})
	answer, err := c.Ask(ctx, "What is money?", llm.ChatOptions{System: "You are an Aussie LLM."})
	if err != nil {
		t.Fatal(err)
	}
	if answer != "Money's like footy tickets, mate." {
		t.Errorf("answer %q", answer)
	}
	r, _ := s.LastRequest()
	var req openai.ChatCompletionRequest
	if err := r.Decode(&req); err != nil {
		t.Fatal(err)
	}
	if req.Model != llm.DefaultModel || len(req.Messages) != 2 || req.Messages[0].Role != "system" ||
		req.Messages[0].Content != "You are an Aussie LLM." || req.Messages[1].Content != "What is money?" {
		t.Errorf("request %+v", req)
	}
	if r.Header.Get("Authorization") != "Bearer [REDACTED]" {
		t.Errorf("no key sent")
	}

	reply, err := c.Chat(ctx, []openai.ChatCompletionMessage{llm.User("What is money?")}, llm.ChatOptions{Model: "gpt-4o",
		Temperature: llm.ZeroTemperature, MaxTokens: 50, Stop: []string{"END"}, Seed: 7, JSON: true})
	if err != nil {
		t.Fatal(err)
	}
	if reply.Text != answer || reply.Model != "gpt-4o" || reply.FinishReason != "stop" || reply.Usage.PromptTokens != 30 ||
		reply.Message.Role != "assistant" || reply.String() != answer || reply.Markdown() != answer {
		t.Errorf("reply %+v", reply)
	}
	// gpt-4o: 30 × $2.50/M + 8 × $10/M = $0.000155
	if !reply.Cost.Known || fmt.Sprintf("%.7f", reply.Cost.Dollars) != "0.0001550" {
		t.Errorf("cost %v", reply.Cost)
	}
	if !strings.Contains(reply.Info(), "gpt-4o: 30 tokens in, 8 out, $0.000155") {
		t.Errorf("info %q", reply.Info())
	}
	r, _ = s.LastRequest()
	body := r.JSON
	if body["max_tokens"] != 50.0 || body["seed"] != 7.0 || body["temperature"] == nil ||
		body["response_format"].(map[string]any)["type"] != "json_object" {
		t.Errorf("request body %v", body)
	}
	// Reasoning models get max_completion_tokens.
	if _, err := c.Chat(ctx, llm.Messages("x", ""), llm.ChatOptions{Model: "o4-mini", MaxTokens: 50}); err != nil {
		t.Fatal(err)
	}
	r, _ = s.LastRequest()
	if r.JSON["max_completion_tokens"] != 50.0 || r.JSON["max_tokens"] != nil {
		t.Errorf("o4-mini body %v", r.JSON)
	}
}

func TestMessages(t *testing.T) {
	for _, tc := range []struct {
		m    openai.ChatCompletionMessage
		role string
	}{{llm.System("s"), "system"}, {llm.User("u"), "user"}, {llm.Assistant("a"), "assistant"},
		{llm.ToolResult("id", "9"), "tool"}} {
		if tc.m.Role != tc.role {
			t.Errorf("%+v", tc.m)
		}
	}
	if m := llm.ToolResult("call_1", "9"); m.ToolCallID != "call_1" || m.Content != "9" {
		t.Errorf("%+v", m)
	}
	if len(llm.Messages("q", "")) != 1 || len(llm.Messages("q", "s")) != 2 {
		t.Error("Messages")
	}
}

func TestChatRawWithTools(t *testing.T) {
	s, c, _ := setup(t)
	s.When("6+3", llmtest.Reply{ToolCalls: []llmtest.ToolCall{{Name: "sums", Arguments: `{"a":6,"b":3}`},
		{Name: "sums", Arguments: `{"a":1,"b":2}`}}})
	req := openai.ChatCompletionRequest{Messages: llm.Messages("What is 6+3?", "Use tools."),
		Tools: []openai.Tool{{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{Name: "sums",
			Parameters: map[string]any{"type": "object"}}}}}
	resp, err := c.CreateChatCompletion(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if tc := resp.Choices[0].Message.ToolCalls; len(tc) != 2 || tc[1].Function.Arguments != `{"a":1,"b":2}` {
		t.Errorf("tool calls %+v", tc)
	}
	r, _ := s.LastRequest()
	if r.JSON["model"] != llm.DefaultModel || r.JSON["tools"] == nil {
		t.Errorf("request %v", r.JSON)
	}
	// Streamed, the fragments are joined into whole calls.
	var chunks int
	resp, err = c.StreamChatCompletion(ctx, req, func(openai.ChatCompletionStreamResponse) { chunks++ })
	if err != nil {
		t.Fatal(err)
	}
	tc := resp.Choices[0].Message.ToolCalls
	if len(tc) != 2 || tc[0].Function.Name != "sums" || tc[0].Function.Arguments != `{"a":6,"b":3}` ||
		tc[1].Function.Arguments != `{"a":1,"b":2}` || tc[0].ID == "" || tc[0].Type != openai.ToolTypeFunction ||
		resp.Choices[0].FinishReason != openai.FinishReasonToolCalls {
		t.Errorf("streamed tool calls %+v", resp.Choices[0])
	}
	if chunks < 6 || resp.Usage.TotalTokens == 0 {
		t.Errorf("%d chunks, usage %+v", chunks, resp.Usage)
	}
	if n := len(c.Usage().Calls()); n != 2 {
		t.Errorf("%d calls recorded", n)
	}
}

func TestConversation(t *testing.T) {
	s, c, _ := setup(t)
	s.Add(llmtest.Rule{Contains: "What is money?", Reply: &llmtest.Reply{Text: "Dosh, mate.", PromptTokens: 10, CompletionTokens: 3}})
	s.Add(llmtest.Rule{Contains: "Is it edible?", Reply: &llmtest.Reply{Text: "Nah.", PromptTokens: 20, CompletionTokens: 1}})
	cv := c.NewConversation("You are an Aussie LLM.")
	if a, err := cv.Ask(ctx, "What is money?"); err != nil || a != "Dosh, mate." {
		t.Fatalf("%q %v", a, err)
	}
	if a, err := cv.Ask(ctx, "Is it edible?"); err != nil || a != "Nah." {
		t.Fatalf("%q %v", a, err)
	}
	r, _ := s.LastRequest()
	var req openai.ChatCompletionRequest
	_ = r.Decode(&req)
	roles := []string{}
	for _, m := range req.Messages {
		roles = append(roles, m.Role+":"+m.Content)
	}
	if got := strings.Join(roles, "|"); got != "system:You are an Aussie LLM.|user:What is money?|assistant:Dosh, mate.|user:Is it edible?" {
		t.Errorf("second request carried %s", got)
	}
	if cv.Calls != 2 || cv.PromptTokens != 30 || cv.CompletionTokens != 4 || !cv.Cost.Known || cv.Last() != "Nah." ||
		len(cv.Messages) != 5 {
		t.Errorf("conversation %s", cv)
	}
	if !strings.Contains(cv.String(), "user: Is it edible?") || !strings.Contains(cv.HTML(), "<b>assistant</b>") {
		t.Errorf("transcript %s", cv)
	}
	// A failed call leaves the history as it was.
	s.Enqueue(llmtest.Reply{Status: 400, Error: "bad"})
	if _, err := cv.Ask(ctx, "fail"); err == nil || len(cv.Messages) != 5 {
		t.Errorf("after failure: %v, %d messages", err, len(cv.Messages))
	}
	cv.Reset()
	if len(cv.Messages) != 1 || cv.Calls != 0 {
		t.Errorf("after reset %s", cv)
	}
	cv.Add(llm.User("What is money?"))
	if r, err := cv.Reply(ctx); err != nil || r.Text != "Dosh, mate." || len(cv.Messages) != 3 {
		t.Errorf("Send: %v %v", r, err)
	}
}

func TestStreamTo(t *testing.T) {
	s, c, _ := setup(t)
	s.When("story", llmtest.Reply{Text: "Once upon a time, frogs rained."})
	var buf bytes.Buffer
	r, err := c.StreamTo(ctx, &buf, llm.Messages("Tell a story", ""), llm.ChatOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if buf.String() != "Once upon a time, frogs rained." || r.Text != buf.String() || r.Usage.CompletionTokens != 6 ||
		r.FinishReason != "stop" || !r.Cost.Known {
		t.Errorf("buf %q reply %+v", buf.String(), r)
	}
	if last := c.Usage().Last(); last.Op != "stream" || last.CompletionTokens != 6 {
		t.Errorf("usage %+v", last)
	}
	var pieces []string
	if _, err := c.StreamFunc(ctx, llm.Messages("story", ""), llm.ChatOptions{}, func(p string) { pieces = append(pieces, p) }); err != nil {
		t.Fatal(err)
	}
	if len(pieces) != 6 || pieces[1] != " upon" {
		t.Errorf("pieces %q", pieces)
	}
	// A failing writer stops the stream with its error.
	s.When("long", llmtest.Reply{Text: strings.Repeat("word ", 50), ChunkDelay: 5 * time.Millisecond})
	_, err = c.StreamTo(ctx, failWriter{}, llm.Messages("long", ""), llm.ChatOptions{})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestStreamCutOff(t *testing.T) {
	s, c, _ := setup(t)
	s.Enqueue(llmtest.Reply{Text: "one two three four five", DropAfter: 3})
	var buf bytes.Buffer
	r, err := c.StreamTo(ctx, &buf, llm.Messages("x", ""), llm.ChatOptions{})
	if !errors.Is(err, llm.ErrStreamCut) {
		t.Fatalf("err = %v", err)
	}
	var se *llm.StreamError
	if !errors.As(err, &se) || se.Partial != "one two three" || !se.Cut {
		t.Errorf("stream error %+v", se)
	}
	if r == nil || r.Text != "one two three" || buf.String() != "one two three" {
		t.Errorf("reply %+v, written %q", r, buf.String())
	}
	if !strings.Contains(err.Error(), "cut off after 13 characters") {
		t.Errorf("message %q", err)
	}
	// Tool calls cut off are reported too.
	s.Enqueue(llmtest.Reply{ToolCalls: []llmtest.ToolCall{{Name: "f", Arguments: `{"long": "arguments here"}`}}, DropAfter: 2})
	_, err = c.StreamChatCompletion(ctx, openai.ChatCompletionRequest{Messages: llm.Messages("x", "")}, nil)
	if !errors.Is(err, llm.ErrStreamCut) {
		t.Errorf("tool stream err = %v", err)
	}
}

func TestStreamCancel(t *testing.T) {
	s, c, _ := setup(t)
	s.Enqueue(llmtest.Reply{Text: strings.Repeat("slow ", 200), ChunkDelay: 20 * time.Millisecond})
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	r, err := c.StreamFunc(cctx, llm.Messages("x", ""), llm.ChatOptions{}, func(p string) {
		if p == " slow" {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || errors.Is(err, llm.ErrStreamCut) {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("cancel took %v", time.Since(start))
	}
	if r == nil || !strings.HasPrefix(r.Text, "slow slow") || len(r.Text) > 100 {
		t.Errorf("partial %q", r.Text)
	}
}

func TestStreamMarkdownDisplay(t *testing.T) {
	rec := displaytest.Install(t)
	s, c, _ := setup(t)
	s.When("money", llmtest.Reply{Text: "**Money** is " + strings.Repeat("dosh ", 100)})
	start := time.Now()
	text, err := c.Ask(ctx, "What is money?", llm.ChatOptions{Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	if len(rec.Displays()) != 1 {
		t.Fatalf("%d displays", len(rec.Displays()))
	}
	// At most one update per DisplayInterval, plus the first and the final one.
	updates := rec.Updates()
	n := len(updates)
	if n == 0 || n > int(elapsed/llm.DisplayInterval)+2 {
		t.Fatalf("%d updates for 102 chunks in %v", n, elapsed)
	}
	last := updates[n-1]
	if md, _ := last.Data[display.MIMEMarkdown].(string); md != text || !strings.HasPrefix(md, "**Money** is dosh") {
		t.Errorf("final display %q, text %q", md, text)
	}
	// A cut stream shows the partial text and says so.
	rec.Reset()
	s.Enqueue(llmtest.Reply{Text: "partial answer here", DropAfter: 2})
	_, err = c.StreamMarkdown(ctx, llm.Messages("x", ""), llm.ChatOptions{})
	if !errors.Is(err, llm.ErrStreamCut) {
		t.Fatalf("err = %v", err)
	}
	cut := rec.Updates()
	md, _ := cut[len(cut)-1].Data[display.MIMEMarkdown].(string)
	if !strings.HasPrefix(md, "partial answer") || !strings.Contains(md, "cut off") {
		t.Errorf("cut display %q", md)
	}
	// A conversation streams too.
	cv := c.NewConversation("")
	if a, err := cv.Ask(ctx, "money?", llm.ChatOptions{Stream: true}); err != nil || !strings.HasPrefix(a, "**Money**") || len(cv.Messages) != 2 {
		t.Errorf("SayStream %q %v", a, err)
	}
	s.Enqueue(llmtest.Reply{Text: "one two three", DropAfter: 1})
	if a, err := cv.Ask(ctx, "again", llm.ChatOptions{Stream: true}); err == nil || a != "one" || len(cv.Messages) != 2 {
		t.Errorf("cut SayStream %q %v %d", a, err, len(cv.Messages))
	}
}

func TestRetriesThroughClient(t *testing.T) {
	s, c, ev := setup(t)
	s.Enqueue(llmtest.Reply{Status: 429, RetryAfterMs: "10"})
	s.Enqueue(llmtest.Reply{Status: 503})
	s.Enqueue(llmtest.Reply{Drop: true})
	s.Enqueue(llmtest.Reply{Text: "finally"})
	a, err := c.Ask(ctx, "x")
	if err != nil || a != "finally" {
		t.Fatalf("%q %v", a, err)
	}
	got := ev.get()
	if len(got) != 3 {
		t.Fatalf("events %v", got)
	}
	for i, want := range []string{"rate limited (HTTP 429), retrying in 10ms, as the server asks (attempt 2/5)",
		"server error (HTTP 503), retrying in", "connection error"} {
		if !strings.Contains(got[i].String(), want) {
			t.Errorf("event %d = %q, want %q", i, got[i], want)
		}
	}
	// Every try sent the same body.
	reqs := s.RequestsTo("/v1/chat/completions")
	for _, r := range reqs[1:] {
		if string(r.Body) != string(reqs[0].Body) {
			t.Error("retried body differs")
		}
	}
	// A stream is retried while it has not started.
	s.Enqueue(llmtest.Reply{Status: 500})
	var buf bytes.Buffer
	if _, err := c.StreamTo(ctx, &buf, llm.Messages("y", ""), llm.ChatOptions{}); err != nil || buf.String() != llmtest.EchoPrefix+"y" {
		t.Errorf("stream after 500: %q %v", buf.String(), err)
	}
	// SetOnRetry replaces the hook.
	var mine []string
	c.SetOnRetry(func(e llm.RetryEvent) { mine = append(mine, e.String()) })
	s.Enqueue(llmtest.Reply{Status: 502})
	if _, err := c.Ask(ctx, "x"); err != nil || len(mine) != 1 {
		t.Errorf("SetOnRetry: %v %v", mine, err)
	}
}

func TestRetriesExhausted(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	var log bytes.Buffer
	c, _ := llm.New(llm.Config{BaseURL: s.URL, Log: &log, Retry: llm.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond}})
	s.Add(llmtest.Rule{Times: 3, Reply: &llmtest.Reply{Status: 429, RetryAfterMs: "1"}})
	_, err := c.Ask(ctx, "x")
	if !errors.Is(err, llm.ErrRateLimited) || !strings.Contains(err.Error(), "rate limited (HTTP 429)") {
		t.Errorf("err = %v", err)
	}
	if n := len(s.Requests()); n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	if lines := strings.Count(log.String(), "\n"); lines != 2 || !strings.Contains(log.String(), "(attempt 3/3)") {
		t.Errorf("log %q", log.String())
	}
	s.ClearRequests()
	s.Enqueue(llmtest.Reply{Status: 429, ErrorType: "insufficient_quota", ErrorCode: "insufficient_quota",
		Error: "You exceeded your current quota."})
	_, err = c.Ask(ctx, "x")
	if !errors.Is(err, llm.ErrQuota) || len(s.Requests()) != 1 {
		t.Errorf("quota: %v after %d requests", err, len(s.Requests()))
	}
	s.Add(llmtest.Rule{Times: 3, Reply: &llmtest.Reply{Status: 500}})
	if _, err = c.Ask(ctx, "x"); !errors.Is(err, llm.ErrServer) {
		t.Errorf("server: %v", err)
	}
}

func TestCancelWhileWaiting(t *testing.T) {
	s, c, _ := setup(t)
	s.Add(llmtest.Rule{Reply: &llmtest.Reply{Status: 429, RetryAfter: "30"}})
	cctx, cancel := context.WithCancel(ctx)
	c.SetOnRetry(func(llm.RetryEvent) { cancel() })
	start := time.Now()
	_, err := c.Ask(cctx, "x")
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted") {
		t.Errorf("err = %v", err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("took %v", time.Since(start))
	}
}

func TestLogProbs(t *testing.T) {
	s, c, _ := setup(t)
	s.When("money", llmtest.Reply{Text: "Money is a tool"})
	lp, err := c.AskLogProbs(ctx, "What is money?", "", 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(lp.Tokens) != 4 || lp.Text() != "Money is a tool" || len(lp.Tokens[0].Top) != 3 {
		t.Fatalf("logprobs %+v", lp)
	}
	for _, tok := range lp.Tokens {
		if p := tok.Prob(); p <= 0 || p >= 1 {
			t.Errorf("probability %v", p)
		}
		for i := 1; i < len(tok.Top); i++ {
			if tok.Top[i].LogProb > tok.Top[i-1].LogProb {
				t.Error("alternatives not sorted")
			}
		}
	}
	r, _ := s.LastRequest()
	if r.JSON["logprobs"] != true || r.JSON["top_logprobs"] != 3.0 {
		t.Errorf("request %v", r.JSON)
	}
	if h := lp.HTML(); !strings.Contains(h, "<table>") || !strings.Contains(h, "<code>␣is</code>") {
		t.Errorf("HTML %s", h)
	}
	if str := lp.String(); !strings.Contains(str, `" is"`) || !strings.Contains(str, "%") {
		t.Errorf("String %s", str)
	}
	// Streamed logprobs are assembled too.
	var sb strings.Builder
	reply, err := c.StreamTo(ctx, &sb, llm.Messages("money", ""), llm.ChatOptions{TopLogProbs: 2})
	if err != nil || reply.LogProbs == nil || len(reply.LogProbs.Tokens) != 4 || len(reply.LogProbs.Tokens[1].Top) != 2 {
		t.Errorf("streamed logprobs %+v %v", reply.LogProbs, err)
	}
	// A server without logprobs gives a clear error.
	noLP := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"id":"x","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}`)
	}))
	defer noLP.Close()
	c2, _ := llm.New(llm.Config{BaseURL: noLP.URL})
	if _, err := c2.AskLogProbs(ctx, "x", "", 2); err == nil || !strings.Contains(err.Error(), "no log-probabilities") {
		t.Errorf("err = %v", err)
	}
}

func TestLegacyCompletion(t *testing.T) {
	s, c, _ := setup(t)
	s.Add(llmtest.Rule{Endpoint: llmtest.EndpointCompletions, Contains: "frogs",
		Reply: &llmtest.Reply{Text: " The pandas rejoiced."}})
	r, err := c.Complete(ctx, "It rained frogs.", llm.ChatOptions{MaxTokens: 20, TopLogProbs: 3})
	if err != nil {
		t.Fatal(err)
	}
	if r.Text != " The pandas rejoiced." || r.Model != llm.DefaultCompletionModel || r.FinishReason != "stop" ||
		r.Usage.PromptTokens != 3 || r.Cost.Known || r.Message.Content != r.Text { // OpenAI shut its completion models down: no price
		t.Errorf("reply %+v", r)
	}
	if r.LogProbs == nil || len(r.LogProbs.Tokens) != 3 || len(r.LogProbs.Tokens[0].Top) != 3 {
		t.Errorf("logprobs %+v", r.LogProbs)
	}
	req, _ := s.LastRequest()
	if req.Path != "/v1/completions" || req.JSON["logprobs"] != 3.0 || req.JSON["max_tokens"] != 20.0 {
		t.Errorf("request %v", req.JSON)
	}
	var buf bytes.Buffer
	r, err = c.CompleteStreamTo(ctx, &buf, "frogs", llm.ChatOptions{Model: "davinci-002"})
	if err != nil || buf.String() != " The pandas rejoiced." || r.Usage.CompletionTokens != 3 || r.Model != "davinci-002" {
		t.Errorf("stream %q %+v %v", buf.String(), r, err)
	}
	s.Enqueue(llmtest.Reply{Text: "a b c d", DropAfter: 2})
	buf.Reset()
	r, err = c.CompleteStreamTo(ctx, &buf, "x", llm.ChatOptions{})
	if !errors.Is(err, llm.ErrStreamCut) || r.Text != "a b" {
		t.Errorf("cut completion %q %v", r.Text, err)
	}
	if ops := c.Usage().ByModel(); len(ops) != 2 {
		t.Errorf("by model %v", ops)
	}
}

func TestEmbed(t *testing.T) {
	s := llmtest.NewServerConfig(llmtest.Config{EmbeddingDim: 4})
	defer s.Close()
	c, _ := llm.New(llm.Config{BaseURL: s.URL})
	texts := make([]string, 2050)
	for i := range texts {
		texts[i] = fmt.Sprintf("text number %d", i)
	}
	vecs, err := c.Embed(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	if len(vecs) != 2050 || len(vecs[2049]) != 4 {
		t.Fatalf("%d vectors", len(vecs))
	}
	if reqs := s.RequestsTo("/v1/embeddings"); len(reqs) != 2 || reqs[0].JSON["model"] != llm.DefaultEmbeddingModel {
		t.Errorf("%d requests", len(reqs))
	}
	want := llmtest.Embedding(texts[2049], 4)
	if llm.Cosine(vecs[2049], want) < 0.9999 {
		t.Error("vector out of order")
	}
	v, err := c.EmbedOne(ctx, "text-embedding-3-large", "hello")
	if err != nil || len(v) != 4 {
		t.Errorf("EmbedOne %v %v", v, err)
	}
	if last := c.Usage().Last(); last.Op != "embed" || last.Model != "text-embedding-3-large" || !last.Cost.Known {
		t.Errorf("usage %+v", last)
	}
	// Similar texts are closer.
	s2 := llmtest.NewServer()
	defer s2.Close()
	c2, _ := llm.New(llm.Config{BaseURL: s2.URL})
	vs, err := c2.Embed(ctx, []string{"Who is Jeremy Howard?",
		"Jeremy Howard is an Australian data scientist and entrepreneur.",
		"Tony Blair is a British politician who was Prime Minister."})
	if err != nil {
		t.Fatal(err)
	}
	if llm.Cosine(vs[0], vs[1]) <= llm.Cosine(vs[0], vs[2]) {
		t.Error("question closer to the unrelated text")
	}
}

func TestCosine(t *testing.T) {
	for _, tc := range []struct {
		a, b []float32
		want float64
	}{
		{[]float32{1, 0}, []float32{1, 0}, 1},
		{[]float32{1, 0}, []float32{0, 1}, 0},
		{[]float32{1, 0}, []float32{-2, 0}, -1},
		{[]float32{1, 0}, []float32{1}, 0},
		{[]float32{0, 0}, []float32{1, 0}, 0},
		{nil, nil, 0},
	} {
		if got := llm.Cosine(tc.a, tc.b); got != tc.want {
			t.Errorf("Cosine(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestFilesAndFineTuning(t *testing.T) {
	s := llmtest.NewServerConfig(llmtest.Config{APIKey: testKey})
	defer s.Close()
	c, _ := llm.New(llm.Config{BaseURL: s.URL, APIKey: testKey})
	var data strings.Builder
	for i := range 10 {
		fmt.Fprintf(&data, `{"messages":[{"role":"user","content":"q%d"},{"role":"assistant","content":"a"}]}`+"\n", i)
	}
	f, err := c.UploadFile(ctx, "train.jsonl", []byte(data.String()), "fine-tune")
	if err != nil {
		t.Fatal(err)
	}
	files, err := c.Files(ctx)
	if err != nil || len(files) != 1 {
		t.Fatalf("files %v %v", files, err)
	}
	content, err := c.FileContent(ctx, f.ID)
	if err != nil || string(content) != data.String() {
		t.Errorf("content %v", err)
	}
	job, err := c.CreateFineTuningJob(ctx, openai.FineTuningJobRequest{TrainingFile: f.ID, Model: "gpt-4o-mini"})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if job, err = c.FineTuningJob(ctx, job.ID); err != nil {
			t.Fatal(err)
		}
	}
	if job.Status != "succeeded" || !strings.HasPrefix(job.FineTunedModel, "ft:gpt-4o-mini:") {
		t.Errorf("job %+v", job)
	}
	jobs, err := c.FineTuningJobs(ctx, 10)
	if err != nil || len(jobs) != 1 || jobs[0].ID != job.ID {
		t.Errorf("jobs %+v %v", jobs, err)
	}
	events, err := c.FineTuningEvents(ctx, job.ID, 2)
	if err != nil || len(events) != 2 {
		t.Errorf("events %v %v", events, err)
	}
	if _, err := c.CancelFineTuningJob(ctx, job.ID); err == nil {
		t.Error("cancelled a finished job")
	}
	models, err := c.ListModels(ctx)
	if err != nil || models[len(models)-1] != job.FineTunedModel {
		t.Errorf("models %v %v", models, err)
	}
	// The fine-tuned model is priced as one.
	if _, err := c.Chat(ctx, llm.Messages("x", ""), llm.ChatOptions{Model: job.FineTunedModel}); err != nil {
		t.Fatal(err)
	}
	if last := c.Usage().Last(); !last.Cost.Known {
		t.Errorf("fine-tuned model unpriced: %+v", last)
	}
	if err := c.DeleteFile(ctx, f.ID); err != nil {
		t.Error(err)
	}
	if _, err := c.FileContent(ctx, f.ID); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("content of deleted file: %v", err)
	}
	// Listing jobs with a wrong key fails like everything else.
	bad, _ := llm.New(llm.Config{BaseURL: s.URL, APIKey: "sk-bad-key-0000000"})
	if _, err := bad.FineTuningJobs(ctx, 0); !errors.Is(err, llm.ErrAPIKeyRejected) {
		t.Errorf("err = %v", err)
	}
}

func TestWithModelSharesUsage(t *testing.T) {
	_, c, _ := setup(t)
	big := c.WithModel("gpt-4o")
	if big.DefaultModel() != "gpt-4o" || c.DefaultModel() != llm.DefaultModel || big.Usage() != c.Usage() {
		t.Errorf("WithModel: %v %v", big, c)
	}
	if _, err := big.Ask(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Ask(ctx, "x"); err != nil {
		t.Fatal(err)
	}
	by := c.Usage().ByModel()
	if len(by) != 2 || by[0].Model != "gpt-4o" || by[1].Model != llm.DefaultModel {
		t.Errorf("by model %v", by)
	}
	// A shared tracker totals several clients.
	u := llm.NewUsage()
	s := llmtest.NewServer()
	defer s.Close()
	c1, _ := llm.New(llm.Config{BaseURL: s.URL, Usage: u})
	c2, _ := llm.New(llm.Config{BaseURL: s.URL, Usage: u})
	c1.Ask(ctx, "a")
	c2.Ask(ctx, "b")
	if u.Total().Calls != 2 {
		t.Errorf("shared total %v", u.Total())
	}
}

func TestConnectionRefused(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	c, _ := llm.New(llm.Config{BaseURL: url + "/v1", Retry: llm.RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond},
		Log: io.Discard})
	_, err := c.Ask(ctx, "x")
	if err == nil || !strings.Contains(err.Error(), "cannot reach "+url+"/v1") {
		t.Errorf("err = %v", err)
	}
}

func TestNotFoundHint(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	c, _ := llm.New(llm.Config{BaseURL: strings.TrimSuffix(s.URL, "/v1")})
	_, err := c.Ask(ctx, "x")
	if err == nil || !strings.Contains(err.Error(), "HTTP 404") || !strings.Contains(err.Error(), "/v1") {
		t.Errorf("err = %v", err)
	}
}

func TestStreamMarkdownInATerminal(t *testing.T) {
	var out bytes.Buffer
	old := display.SetFrontend(display.Terminal{Out: &out})
	defer display.SetFrontend(old)
	s, c, _ := setup(t)
	s.When("story", llmtest.Reply{Text: "Once upon a time"})
	text, err := c.Ask(ctx, "a story", llm.ChatOptions{Stream: true})
	if err != nil || text != "Once upon a time" || out.String() != "Once upon a time\n" {
		t.Errorf("%q %v, terminal got %q", text, err, out.String())
	}
}

func TestStreamMarkdownThrottles(t *testing.T) {
	rec := displaytest.Install(t)
	s, c, _ := setup(t)
	s.When("slow", llmtest.Reply{Text: strings.Repeat("word ", 30), ChunkDelay: 10 * time.Millisecond})
	start := time.Now()
	if _, err := c.StreamMarkdown(ctx, llm.Messages("slow", ""), llm.ChatOptions{}); err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	updates := rec.Updates()
	n := len(updates)
	if n < 2 || n > int(elapsed/llm.DisplayInterval)+2 {
		t.Errorf("%d updates for 30 chunks over %v", n, elapsed)
	}
	// Intermediate updates show growing prefixes of the answer; the last shows all of it.
	var prev string
	for i, u := range updates {
		md := u.Data[display.MIMEMarkdown].(string)
		if !strings.HasPrefix(md, prev) {
			t.Errorf("update %d %q does not extend %q", i, md, prev)
		}
		prev = md
	}
	if prev != strings.Repeat("word ", 30) {
		t.Errorf("final %q", prev)
	}
}
