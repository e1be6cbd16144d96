package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/golm-dev/golm/helpers/internal/openaiwire"
	"github.com/golm-dev/golm/helpers/internal/openaiwire/wiretest"
	"github.com/golm-dev/golm/helpers/local"
	"github.com/golm-dev/golm/helpers/local/gguf"
	"github.com/golm-dev/golm/helpers/local/synth"
	"github.com/golm-dev/golm/helpers/local/templates"
)

// fake is a Backend that answers from a script: the reply to a prompt is reply(prompt), streamed a word at a
// time, cut at stop strings and at MaxTokens words.
type fake struct {
	mu      sync.Mutex
	reply   func(prompt string) string
	prompts []string
	opts    []local.GenerateOptions
	block   chan struct{} // when set, Stream waits on it (or on cancellation) after the first piece
}

func (f *fake) Name() string { return "fake-model" }

// setReply changes the script between requests.
func (f *fake) setReply(reply func(prompt string) string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.reply = reply
}

func (f *fake) Tokenize(text string, addSpecial bool) ([]int, error) {
	n := len(strings.Fields(text))
	if addSpecial {
		n++
	}
	return make([]int, n), nil
}

func (f *fake) ChatPrompt(msgs []local.Message, template string) (string, error) {
	if template == "" {
		template = "chatml"
	}
	return templates.Apply(template, msgs, true)
}

func (f *fake) Stream(ctx context.Context, prompt string, opts local.GenerateOptions, onText func(string) error) (*local.Result, error) {
	f.mu.Lock()
	f.prompts = append(f.prompts, prompt)
	f.opts = append(f.opts, opts)
	reply := f.reply
	f.mu.Unlock()
	res := &local.Result{PromptTokens: len(strings.Fields(prompt)) + 1, StopReason: local.StopEOS}
	text := reply(prompt)
	for _, s := range opts.Stop {
		if i := strings.Index(text, s); i >= 0 {
			text = text[:i]
			res.StopReason = local.StopSequence
		}
	}
	words := strings.SplitAfter(text, " ")
	if opts.MaxTokens > 0 && len(words) > opts.MaxTokens {
		words = words[:opts.MaxTokens]
		res.StopReason = local.StopLength
	}
	for i, w := range words {
		if w == "" {
			continue
		}
		if err := ctx.Err(); err != nil {
			res.StopReason = local.StopCancelled
			return res, err
		}
		res.Tokens = append(res.Tokens, i)
		res.Text += w
		if opts.LogProbs {
			lp := local.TokenLogProb{TokenProb: local.TokenProb{ID: i, Text: w, LogProb: -0.5}}
			for k := 0; k < opts.TopLogProbs; k++ {
				lp.Top = append(lp.Top, local.TokenProb{ID: k, Text: fmt.Sprintf("alt%d", k), LogProb: -float64(k + 1)})
			}
			res.LogProbs = append(res.LogProbs, lp)
		}
		if onText != nil {
			if err := onText(w); err != nil {
				return res, err
			}
		}
		if i == 0 && f.block != nil {
			select {
			case <-f.block:
			case <-ctx.Done():
				res.StopReason = local.StopCancelled
				return res, ctx.Err()
			}
		}
	}
	res.Timing = local.Timing{PromptTokens: res.PromptTokens, Tokens: len(res.Tokens), Prompt: time.Millisecond,
		Generation: time.Millisecond}
	return res, nil
}

func (f *fake) EmbedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = []float32{float32(len(t)), 0.5, -1}
	}
	return out, nil
}

func newClient(t *testing.T, b Backend, opts Options) (*openai.Client, *Running) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r, err := Listen(ctx, "127.0.0.1:0", b, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		_ = r.Wait()
	})
	cfg := openai.DefaultConfig(opts.APIKey)
	cfg.BaseURL = r.BaseURL
	return openai.NewClientWithConfig(cfg), r
}

// chatStream sends a streamed chat request and returns all its chunks.
func chatStream(t *testing.T, c *openai.Client, req openai.ChatCompletionRequest) []openai.ChatCompletionStreamResponse {
	t.Helper()
	req.Stream = true
	chunks, err := wiretest.Collect[openai.ChatCompletionStreamResponse](
		c.CreateChatCompletionStream(context.Background(), req))
	if err != nil {
		t.Fatal(err)
	}
	return chunks
}

func answer(string) string { return "Jeremy Howard is a data scientist." }

func TestChat(t *testing.T) {
	f := &fake{reply: answer}
	c, _ := newClient(t, f, Options{})
	resp, err := c.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{
		Model: "gpt-4o", // ignored: the server has one model
		Messages: []openai.ChatCompletionMessage{
			{Role: "system", Content: "You are an Aussie LLM that uses Aussie slang."},
			{Role: "user", Content: "What is money?"},
		},
		MaxTokens: 50,
		Seed:      new(int),
		Stop:      []string{"."},
	})
	if err != nil {
		t.Fatal(err)
	}
	if resp.Model != "fake-model" || resp.Object != "chat.completion" || !strings.HasPrefix(resp.ID, "chatcmpl-") {
		t.Errorf("response %+v", resp)
	}
	ch := resp.Choices[0]
	if ch.Message.Role != "assistant" || ch.Message.Content != "Jeremy Howard is a data scientist" ||
		ch.FinishReason != openai.FinishReasonStop {
		t.Errorf("choice %+v", ch)
	}
	if resp.Usage.CompletionTokens != 6 || resp.Usage.TotalTokens != resp.Usage.PromptTokens+6 {
		t.Errorf("usage %+v", resp.Usage)
	}
	want := "<|im_start|>system\nYou are an Aussie LLM that uses Aussie slang.<|im_end|>\n<|im_start|>user\n" +
		"What is money?<|im_end|>\n<|im_start|>assistant\n"
	if f.prompts[0] != want {
		t.Errorf("prompt %q", f.prompts[0])
	}
	o := f.opts[0]
	if o.MaxTokens != 50 || o.Temperature != 0.8 || o.Seed == 0 || len(o.Stop) != 1 {
		t.Errorf("options %+v", o)
	}
}

func TestChatOptions(t *testing.T) {
	f := &fake{reply: answer}
	c, _ := newClient(t, f, Options{Template: "llama2", DefaultTemperature: 0.3, DefaultMaxTokens: 3})
	resp, err := c.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{
		Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "hi"}},
		TopP:     0.9,
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.prompts[0] != "<s>[INST] hi [/INST]" {
		t.Errorf("prompt %q", f.prompts[0])
	}
	o := f.opts[0]
	if o.Temperature != 0.3 || o.MaxTokens != 3 || float32(o.TopP) != 0.9 || !contains(o.Stop, "[INST]") {
		t.Errorf("options %+v", o)
	}
	if resp.Choices[0].FinishReason != openai.FinishReasonLength {
		t.Errorf("finish %q", resp.Choices[0].FinishReason)
	}
	// A negative default temperature is greedy decoding; the default is 0.8.
	for def, want := range map[float64]float64{-1: 0, 0: 0.8} {
		g := &fake{reply: answer}
		c, _ := newClient(t, g, Options{DefaultTemperature: def})
		if _, err := c.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{
			Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "hi"}}}); err != nil {
			t.Fatal(err)
		}
		if got := g.opts[0].Temperature; got != want {
			t.Errorf("DefaultTemperature %v: temperature %v, want %v", def, got, want)
		}
	}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestChatStream(t *testing.T) {
	c, _ := newClient(t, &fake{reply: answer}, Options{})
	all := chatStream(t, c, openai.ChatCompletionRequest{
		Messages:      []openai.ChatCompletionMessage{{Role: "user", Content: "Who is Jeremy Howard?"}},
		StreamOptions: &openai.StreamOptions{IncludeUsage: true},
	})
	var text strings.Builder
	var chunks int
	var finish openai.FinishReason
	var usage *openai.Usage
	for _, r := range all {
		if r.Usage != nil {
			usage = r.Usage
		}
		if len(r.Choices) == 0 {
			continue
		}
		chunks++
		text.WriteString(r.Choices[0].Delta.Content)
		if r.Choices[0].FinishReason != "" {
			finish = r.Choices[0].FinishReason
		}
	}
	if text.String() != answer("") || chunks < 6 || finish != openai.FinishReasonStop {
		t.Errorf("streamed %q in %d chunks, finish %q", text.String(), chunks, finish)
	}
	if usage == nil || usage.CompletionTokens != 6 {
		t.Errorf("usage %+v", usage)
	}
}

func TestStreamShape(t *testing.T) {
	f := &fake{reply: func(p string) string {
		if strings.Contains(p, "6+3") {
			return `{"name": "sums", "arguments": {"a": 6, "b": 3}}`
		}
		return answer(p)
	}}
	_, r := newClient(t, f, Options{})
	tools := `, "tools": [{"type": "function", "function": {"name": "sums"}}]`
	for _, tt := range []struct{ body, text, finish string }{
		{`{"messages": [{"role": "user", "content": "hi"}]}`, answer(""), "stop"},
		{`{"messages": [{"role": "user", "content": "6+3?"}]` + tools + `}`, "", "tool_calls"},
	} {
		if text, finish := wiretest.CheckChatStream(t, r.BaseURL, tt.body); text != tt.text || finish != tt.finish {
			t.Errorf("%s: text %q, finish %q", tt.body, text, finish)
		}
	}
}

func TestCompletions(t *testing.T) {
	f := &fake{reply: func(p string) string {
		return "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen"
	}}
	c, _ := newClient(t, f, Options{})
	resp, err := c.CreateCompletion(context.Background(), openai.CompletionRequest{
		Prompt: "Count:",
		Echo:   true,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Choices) != 1 || !strings.HasPrefix(resp.Choices[0].Text, "Count:one two") ||
		resp.Choices[0].FinishReason != "length" || len(strings.Fields(resp.Choices[0].Text)) != 16 {
		t.Errorf("choices %+v", resp.Choices) // 16 tokens: OpenAI's default for completions
	}
	resp, err = c.CreateCompletion(context.Background(), openai.CompletionRequest{
		Prompt:    []string{"a", "b"},
		MaxTokens: 2,
	})
	if err != nil || len(resp.Choices) != 2 || resp.Choices[1].Index != 1 || resp.Choices[1].Text != "one two " {
		t.Errorf("two prompts: %+v %v", resp, err)
	}
	chunks, err := wiretest.Collect[openai.CompletionResponse](c.CreateCompletionStream(context.Background(),
		openai.CompletionRequest{Prompt: "x", MaxTokens: 3, Stream: true}))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, r := range chunks {
		text.WriteString(r.Choices[0].Text)
	}
	if text.String() != "one two three " {
		t.Errorf("streamed %q", text.String())
	}
}

func TestEmbeddings(t *testing.T) {
	c, _ := newClient(t, &fake{reply: answer}, Options{})
	for _, format := range []openai.EmbeddingEncodingFormat{openai.EmbeddingEncodingFormatFloat,
		openai.EmbeddingEncodingFormatBase64} {
		resp, err := c.CreateEmbeddings(context.Background(), openai.EmbeddingRequestStrings{
			Input:          []string{"Jeremy Howard", "Tony Blair was"},
			Model:          openai.SmallEmbedding3,
			EncodingFormat: format,
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(resp.Data) != 2 || resp.Data[1].Index != 1 || resp.Data[1].Embedding[0] != 14 ||
			resp.Data[0].Embedding[2] != -1 || resp.Usage.PromptTokens != 7 {
			t.Errorf("%s: %+v", format, resp)
		}
	}
}

func TestModelsAndErrors(t *testing.T) {
	c, r := newClient(t, &fake{reply: answer}, Options{ModelName: "tiny"})
	wiretest.CheckModels(t, c, []string{"tiny"})
	tests := []struct {
		method, path, body string
		status             int
		want               string
	}{
		{"POST", "/v1/chat/completions", "{", 400, "invalid JSON"},
		{"POST", "/v1/chat/completions", `{"messages": []}`, 400, "messages must not be empty"},
		{"POST", "/v1/chat/completions", `{"messages": [{"role": "user", "content": "hi"}], "n": 2}`, 400, "n > 1"},
		{"POST", "/v1/chat/completions", `{"messages": [{"role": "user", "content": "hi"}], "temperature": 3}`, 400,
			"temperature"},
		{"POST", "/v1/chat/completions", `{"messages": [{"role": "user", "content": "hi"}], "top_p": 1.5}`, 400,
			"top_p 1.5 is outside [0, 1]"},
		{"POST", "/v1/chat/completions", `{"messages": [{"role": "user", "content": "hi"}], "max_tokens": -5}`, 400,
			"max_tokens must be at least 1, not -5"},
		{"POST", "/v1/chat/completions", `{"messages": [{"role": "user", "content": "hi"}], "max_completion_tokens": 0}`,
			400, "max_completion_tokens must be at least 1, not 0"},
		{"POST", "/v1/completions", `{"prompt": "x", "max_tokens": -1}`, 400, "max_tokens must not be negative"},
		{"POST", "/v1/chat/completions",
			`{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]}`, 400,
			"image_url"},
		{"POST", "/v1/embeddings", `{"input": [1, 2]}`, 400, "token arrays"},
		{"POST", "/v1/embeddings", `{"input": "x", "dimensions": 2}`, 400, "dimensions 2"},
		{"POST", "/v1/completions", `{"prompt": "x", "suffix": "y"}`, 400, "suffix"},
		{"GET", "/v1/files", "", 404, "not served here"},
		{"GET", "/health", "", 200, `"ok"`},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, "http://"+r.Addr+tt.path, strings.NewReader(tt.body))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.status || !strings.Contains(string(body), tt.want) {
			t.Errorf("%s %s %s: %d %s", tt.method, tt.path, tt.body, resp.StatusCode, body)
		}
		if tt.status >= 400 {
			var e openaiwire.ErrorBody
			if json.Unmarshal(body, &e) != nil || e.Error.Message == "" {
				t.Errorf("%s: not an OpenAI error body: %s", tt.path, body)
			}
		}
	}
	// Content given as parts is joined.
	resp, err := http.Post(r.BaseURL+"/chat/completions", "application/json", strings.NewReader(
		`{"messages": [{"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}]}`))
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("content parts: %v %v", resp.Status, err)
	}
	resp.Body.Close()
}

func TestAPIKey(t *testing.T) {
	f := &fake{reply: answer}
	c, r := newClient(t, f, Options{APIKey: "sekrit"})
	if _, err := c.ListModels(context.Background()); err != nil {
		t.Errorf("with the key: %v", err)
	}
	resp, err := http.Get(r.BaseURL + "/models")
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without the key: %v %v", resp.Status, err)
	}
	resp.Body.Close()
}

func TestLoopbackOnly(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:80"} {
		if _, err := Listen(context.Background(), addr, &fake{reply: answer}, Options{}); err == nil ||
			!strings.Contains(err.Error(), "not a loopback address") {
			t.Errorf("Listen(%q): %v", addr, err)
		}
	}
	for _, addr := range []string{"", "localhost:0", "[::1]:0"} {
		r, err := Listen(context.Background(), addr, &fake{reply: answer}, Options{})
		if err != nil {
			if strings.Contains(addr, "::1") { // no IPv6 here
				continue
			}
			t.Errorf("Listen(%q): %v", addr, err)
			continue
		}
		r.Close()
	}
}

func TestClientCancel(t *testing.T) {
	f := &fake{reply: answer, block: make(chan struct{})}
	c, _ := newClient(t, f, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	stream, err := c.CreateChatCompletionStream(ctx, openai.ChatCompletionRequest{
		Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "hi"}}, Stream: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stream.Recv(); err != nil { // role chunk
		t.Fatal(err)
	}
	cancel()
	stream.Close()
	// The server's generation sees the cancellation: a later request is served (the fake is not stuck).
	close(f.block)
	if _, err := c.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{
		Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "hi"}}}); err != nil {
		t.Errorf("after a cancelled stream: %v", err)
	}
}

func TestToolCalls(t *testing.T) {
	f := &fake{reply: func(p string) string {
		if strings.Contains(p, "sums returned: 9") {
			return "6 + 3 = 9"
		}
		return "```json\n{\"name\": \"sums\", \"arguments\": {\"a\": 6, \"b\": 3}}\n```"
	}}
	c, _ := newClient(t, f, Options{})
	tools := []openai.Tool{{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
		Name: "sums", Description: "Adds a + b",
		Parameters: json.RawMessage(`{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a"]}`),
	}}}
	msgs := []openai.ChatCompletionMessage{
		{Role: "system", Content: "Use Python for any required computations."},
		{Role: "user", Content: "What is 6+3?"},
	}
	resp, err := c.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{Messages: msgs, Tools: tools})
	if err != nil {
		t.Fatal(err)
	}
	ch := resp.Choices[0]
	if ch.FinishReason != openai.FinishReasonToolCalls || len(ch.Message.ToolCalls) != 1 {
		t.Fatalf("choice %+v", ch)
	}
	call := ch.Message.ToolCalls[0]
	if call.Function.Name != "sums" || call.Function.Arguments != `{"a": 6, "b": 3}` || call.ID == "" {
		t.Errorf("call %+v", call)
	}
	if !strings.Contains(f.prompts[0], "You can call these functions:") || !strings.Contains(f.prompts[0], `"Adds a + b"`) {
		t.Errorf("prompt %q", f.prompts[0])
	}
	// The result goes back as a tool message; the model answers.
	msgs = append(msgs, ch.Message, openai.ChatCompletionMessage{Role: "tool", Content: "9", ToolCallID: call.ID})
	resp, err = c.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{Messages: msgs, Tools: tools})
	if err != nil || resp.Choices[0].Message.Content != "6 + 3 = 9" || resp.Choices[0].FinishReason != "stop" {
		t.Errorf("answer %+v %v", resp, err)
	}
	// Streaming: the call arrives as one tool_calls delta.
	var got []openai.ToolCall
	var finish openai.FinishReason
	for _, r := range chatStream(t, c, openai.ChatCompletionRequest{Messages: msgs[:2], Tools: tools}) {
		got = append(got, r.Choices[0].Delta.ToolCalls...)
		if r.Choices[0].FinishReason != "" {
			finish = r.Choices[0].FinishReason
		}
	}
	if len(got) != 1 || got[0].Function.Name != "sums" || finish != openai.FinishReasonToolCalls {
		t.Errorf("streamed calls %+v, finish %q", got, finish)
	}
	// tool_choice none: no tools in the prompt, text is text.
	_, err = c.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{Messages: msgs[:2],
		Tools: tools, ToolChoice: "none"})
	if err != nil || strings.Contains(f.prompts[len(f.prompts)-1], "You can call") {
		t.Errorf("tool_choice none: %v", err)
	}
}

func TestParseReply(t *testing.T) {
	ts := &toolSet{tools: []openaiwire.Tool{{Type: "function"}}}
	ts.tools[0].Function.Name = "f"
	tests := []struct {
		text    string
		want    []string // name(arguments) per call, nil for text
		content string   // the content beside the calls ("" for none); with no calls, the whole text
	}{
		{`{"name": "f", "arguments": {"x": 1}}`, []string{`f({"x": 1})`}, ""},
		{`{"name": "f", "arguments": "{\"x\": 1}"}`, []string{`f({"x": 1})`}, ""},
		{`{"name": "f"}`, []string{`f({})`}, ""},
		{`{"function": {"name": "f", "arguments": {}}}`, []string{`f({})`}, ""},
		{`[{"name": "f", "arguments": {}}, {"name": "f", "arguments": {"y": 2}}]`, []string{`f({})`, `f({"y": 2})`}, ""},
		{"{\"name\": \"f\", \"arguments\": {}}\n{\"name\": \"f\", \"arguments\": {}}", []string{`f({})`, `f({})`}, ""},
		{"```json\n{\"name\": \"f\"}\n```", []string{`f({})`}, ""},
		{`{"name": "g", "arguments": {}}`, nil, ""},
		{`The answer is {"name": "f"}`, nil, ""},
		{`{"name": "f", "arguments": {}} and more`, nil, ""},
		{"", nil, ""},
		// Hermes and Qwen: <tool_call> blocks, text around them kept as content.
		{"<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": 6, \"b\": 3}}\n</tool_call>", []string{`f({"a": 6, "b": 3})`}, ""},
		{"Let me add them.\n<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>", []string{`f({})`}, "Let me add them."},
		{"<tool_call>{\"name\": \"f\", \"arguments\": {\"x\": 1}}</tool_call>\n<tool_call>{\"name\": \"f\", \"arguments\": {\"x\": 2}}</tool_call>",
			[]string{`f({"x": 1})`, `f({"x": 2})`}, ""},
		{"<tool_call>\n{\"name\": \"f\", \"arguments\": {}}", []string{`f({})`}, ""}, // left open at the end, but whole
		// Malformed calls are text: the client sees what the model wrote.
		{"<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": 6,", nil, ""},                     // cut off
		{"<tool_call>\n{\"name\": \"rm\", \"arguments\": {}}\n</tool_call>", nil, ""},             // not offered
		{"<tool_call>\n</tool_call>", nil, ""},                                                    // empty
		{"<tool_call>\nf(a=6, b=3)\n</tool_call>", nil, ""},                                       // not JSON
		{"<tool_call>{\"name\": \"f\"}</tool_call><tool_call>{\"name\": 7}</tool_call>", nil, ""}, // one bad of two
		{"<tool_call><tool_call>{\"name\": \"f\"}</tool_call>", nil, ""},                          // nested
		{"</tool_call>{\"name\": \"f\"}", nil, ""},
		{"<tool_call>[1, 2]</tool_call>", nil, ""},
		{"<tool_call>{\"name\": \"f\", \"arguments\": [}</tool_call>", nil, ""},
	}
	for _, tt := range tests {
		content, calls := parseReply(tt.text, ts)
		var got []string
		for _, c := range calls {
			got = append(got, c.Function.Name+"("+c.Function.Arguments+")")
			if c.ID == "" || c.Type != "function" {
				t.Errorf("parseReply(%q): call %+v has no id or type", tt.text, c)
			}
		}
		if strings.Join(got, ";") != strings.Join(tt.want, ";") || (tt.want == nil) != (calls == nil) {
			t.Errorf("parseReply(%q) calls = %v, want %v", tt.text, got, tt.want)
		}
		wantContent := tt.content
		if tt.want == nil {
			wantContent = tt.text
		}
		if content != wantContent {
			t.Errorf("parseReply(%q) content = %q, want %q", tt.text, content, wantContent)
		}
	}
	if content, calls := parseReply(`<tool_call>{"name": "f"}</tool_call>`, nil); calls != nil ||
		content != `<tool_call>{"name": "f"}</tool_call>` {
		t.Error("calls without tools")
	}
}

func TestDetectToolFormat(t *testing.T) {
	for tmpl, want := range map[string]toolFormat{
		"":                                    jsonTools,
		synth.TinyChatTemplate:                jsonTools,
		qwenTemplateExcerpt:                   hermesTools,
		"{{ '<tool_call>' }} only":            jsonTools,
		"{% for tool in tools %}{% endfor %}": jsonTools,
	} {
		if got := detectToolFormat(tmpl); got != want {
			t.Errorf("detectToolFormat(%.40q) = %v, want %v", tmpl, got, want)
		}
	}
}

// qwenTemplateExcerpt is the part of Qwen 2.5's chat template that lists the tools and says how to call them.
const qwenTemplateExcerpt = `{%- if tools %}{{- '<|im_start|>system\n' }}{{- "\n\n# Tools\n\nYou may call one or ` +
	`more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> ` +
	`XML tags:\n<tools>" }}{%- for tool in tools %}{{- "\n" }}{{- tool | tojson }}{%- endfor %}{{- "\n</tools>\n\nFor ` +
	`each function call, return a json object with function name and arguments within <tool_call></tool_call> XML ` +
	`tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" }}`

// hermesFake is a fake backend whose model's chat template is Qwen 2.5's (the Hermes tool format).
type hermesFake struct{ fake }

func (h *hermesFake) Metadata() *gguf.Metadata {
	return &gguf.Metadata{ChatTemplate: qwenTemplateExcerpt}
}

func TestHermesToolCalls(t *testing.T) {
	h := &hermesFake{fake{reply: func(p string) string {
		if strings.Contains(p, "<tool_response>\n9\n</tool_response>") {
			return "6 + 3 = 9."
		}
		return "<tool_call>\n{\"name\": \"sums\", \"arguments\": {\"a\": 6, \"b\": 3}}\n</tool_call>"
	}}}
	c, _ := newClient(t, h, Options{})
	tools := []openai.Tool{{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{
		Name: "sums", Description: "Adds a + b",
		Parameters: json.RawMessage(`{"type":"object","properties":{"a":{"type":"integer"}}}`),
	}}}
	msgs := []openai.ChatCompletionMessage{{Role: "user", Content: "What is 6+3?"}}
	resp, err := c.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{Messages: msgs, Tools: tools})
	if err != nil {
		t.Fatal(err)
	}
	ch := resp.Choices[0]
	if ch.FinishReason != openai.FinishReasonToolCalls || len(ch.Message.ToolCalls) != 1 || ch.Message.Content != "" {
		t.Fatalf("choice %+v", ch)
	}
	if call := ch.Message.ToolCalls[0]; call.Function.Name != "sums" || call.Function.Arguments != `{"a": 6, "b": 3}` {
		t.Errorf("call %+v", call)
	}
	// The tools are listed as Qwen's template lists them, in the system turn.
	wantSystem := "<|im_start|>system\nYou are a helpful assistant.\n\n# Tools\n\nYou may call one or more functions" +
		" to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n" +
		`<tools>` + "\n" + `{"type":"function","function":{"name":"sums","description":"Adds a + b","parameters":` +
		`{"type":"object","properties":{"a":{"type":"integer"}}}}}` + "\n</tools>\n\nFor each function call, return a " +
		"json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n" +
		`{"name": <function-name>, "arguments": <args-json-object>}` + "\n</tool_call><|im_end|>\n"
	if !strings.HasPrefix(h.prompts[0], wantSystem) {
		t.Errorf("prompt:\n%s\nwant it to start with:\n%s", h.prompts[0], wantSystem)
	}
	// The call and two results go back as Qwen writes them: the call in <tool_call>, the results in one user turn.
	msgs = append(msgs, ch.Message,
		openai.ChatCompletionMessage{Role: "tool", Content: "9", ToolCallID: ch.Message.ToolCalls[0].ID},
		openai.ChatCompletionMessage{Role: "tool", Content: "nine", ToolCallID: "call_other"})
	resp, err = c.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{Messages: msgs, Tools: tools})
	if err != nil || resp.Choices[0].Message.Content != "6 + 3 = 9." || resp.Choices[0].FinishReason != "stop" {
		t.Fatalf("answer %+v %v", resp, err)
	}
	wantTail := "<|im_start|>assistant\n<tool_call>\n{\"name\": \"sums\", \"arguments\": {\"a\": 6, \"b\": 3}}\n" +
		"</tool_call><|im_end|>\n<|im_start|>user\n<tool_response>\n9\n</tool_response>\n<tool_response>\nnine\n" +
		"</tool_response><|im_end|>\n<|im_start|>assistant\n"
	if p := h.prompts[len(h.prompts)-1]; !strings.HasSuffix(p, wantTail) {
		t.Errorf("prompt:\n%s\nwant it to end with:\n%s", p, wantTail)
	}
	// Streamed: text before the call arrives as content, then the call.
	h.setReply(func(string) string {
		return "I will add them. <tool_call>{\"name\": \"sums\", \"arguments\": {\"a\": 1}}</tool_call>"
	})
	var got []openai.ToolCall
	var text strings.Builder
	var finish openai.FinishReason
	for _, r := range chatStream(t, c, openai.ChatCompletionRequest{Messages: msgs[:1], Tools: tools}) {
		got = append(got, r.Choices[0].Delta.ToolCalls...)
		text.WriteString(r.Choices[0].Delta.Content)
		if r.Choices[0].FinishReason != "" {
			finish = r.Choices[0].FinishReason
		}
	}
	if len(got) != 1 || got[0].Function.Arguments != `{"a": 1}` || text.String() != "I will add them." ||
		finish != openai.FinishReasonToolCalls {
		t.Errorf("streamed calls %+v, text %q, finish %q", got, text.String(), finish)
	}
	// A malformed call is the model's text, not an error and not a call.
	h.setReply(func(string) string { return "<tool_call>\n{\"name\": \"sums\", \"arguments\": {\"a\": 6," })
	resp, err = c.CreateChatCompletion(context.Background(), openai.ChatCompletionRequest{Messages: msgs[:1], Tools: tools})
	if err != nil || len(resp.Choices[0].Message.ToolCalls) != 0 || resp.Choices[0].FinishReason != "stop" ||
		!strings.HasPrefix(resp.Choices[0].Message.Content, "<tool_call>") {
		t.Errorf("malformed call: %+v %v", resp, err)
	}
}

func TestHandlerDirect(t *testing.T) {
	// The Server is an http.Handler usable in any mux.
	s := New(&fake{reply: answer}, Options{})
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/models", nil))
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"fake-model"`) {
		t.Errorf("%d %s", rec.Code, rec.Body)
	}
}

func TestServeWithoutModel(t *testing.T) {
	err := Serve(context.Background(), "127.0.0.1:0", "/nonexistent/model.gguf", Options{})
	if err == nil {
		t.Error("Serve of a missing model succeeded")
	}
}

func TestCommand(t *testing.T) {
	var stderr strings.Builder
	if err := Command(context.Background(), nil, &stderr); err == nil || !strings.Contains(stderr.String(), "usage: serve") {
		t.Errorf("no model: %v %q", err, stderr.String())
	}
	stderr.Reset()
	err := Command(context.Background(), []string{"-addr", "0.0.0.0:0", "/missing.gguf"}, &stderr)
	if err == nil {
		t.Error("missing model served")
	}
	if err := Command(context.Background(), []string{"-bogus"}, &stderr); err == nil {
		t.Error("unknown flag accepted")
	}
	if err := Command(context.Background(), []string{"-temperature", "3", "/missing.gguf"}, &stderr); err == nil ||
		!strings.Contains(err.Error(), "outside [0, 2]") {
		t.Errorf("-temperature 3: %v", err)
	}
}

func TestLogprobs(t *testing.T) {
	c, _ := newClient(t, &fake{reply: answer}, Options{})
	ctx := context.Background()
	resp, err := c.CreateChatCompletion(ctx, openai.ChatCompletionRequest{
		Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "hi"}},
		LogProbs: true, TopLogProbs: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	lp := resp.Choices[0].LogProbs
	if lp == nil || len(lp.Content) != 6 || lp.Content[0].Token != "Jeremy " || lp.Content[0].LogProb != -0.5 ||
		len(lp.Content[0].TopLogProbs) != 2 || lp.Content[0].TopLogProbs[1].Token != "alt1" ||
		string(lp.Content[0].Bytes) != "Jeremy " {
		t.Errorf("chat logprobs %+v", lp)
	}
	n := 0
	for _, r := range chatStream(t, c, openai.ChatCompletionRequest{
		Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "hi"}}, LogProbs: true}) {
		if r.Choices[0].Logprobs != nil {
			n += len(r.Choices[0].Logprobs.Content)
		}
	}
	if n != 6 {
		t.Errorf("streamed %d logprobs", n)
	}
	comp, err := c.CreateCompletion(ctx, openai.CompletionRequest{Prompt: "x", MaxTokens: 3, LogProbs: 1, Echo: true})
	if err != nil {
		t.Fatal(err)
	}
	l := comp.Choices[0].LogProbs
	if len(l.Tokens) != 3 || l.TokenLogprobs[2] != -0.5 || l.TopLogprobs[0]["alt0"] != -1 ||
		l.TextOffset[0] != 1 || l.TextOffset[1] != 1+len("Jeremy ") {
		t.Errorf("completion logprobs %+v", l)
	}
	plain, _ := c.CreateCompletion(ctx, openai.CompletionRequest{Prompt: "x", MaxTokens: 3})
	if plain.Choices[0].LogProbs.Tokens != nil {
		t.Errorf("logprobs without asking: %+v", plain.Choices[0].LogProbs)
	}
}
