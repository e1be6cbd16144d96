package tools

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/helpers/display/displaytest"
)

// fakeModel is an OpenAI-compatible chat completions endpoint whose replies come from a script: reply gets
// every request in turn and returns the assistant message to send, or an error to answer with HTTP 500.
type fakeModel struct {
	t     *testing.T
	reply func(n int, req openai.ChatCompletionRequest) (openai.ChatCompletionMessage, error)

	mu       sync.Mutex
	requests []openai.ChatCompletionRequest
	raw      []string
}

func (f *fakeModel) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/chat/completions" {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	var req openai.ChatCompletionRequest
	if err := json.Unmarshal(body, &req); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.requests = append(f.requests, req)
	f.raw = append(f.raw, string(body))
	n := len(f.requests)
	f.mu.Unlock()
	msg, err := f.reply(n, req)
	if err != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprintf(w, `{"error":{"message":%q,"type":"server_error"}}`, err.Error())
		return
	}
	msg.Role = openai.ChatMessageRoleAssistant
	finish := openai.FinishReasonStop
	if len(msg.ToolCalls) > 0 {
		finish = openai.FinishReasonToolCalls
	}
	resp := openai.ChatCompletionResponse{
		ID: fmt.Sprintf("chatcmpl-%d", n), Object: "chat.completion", Model: req.Model,
		Choices: []openai.ChatCompletionChoice{{Index: 0, Message: msg, FinishReason: finish}},
		Usage:   openai.Usage{PromptTokens: 10, CompletionTokens: 5, TotalTokens: 15},
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func (f *fakeModel) client() Chatter {
	srv := httptest.NewServer(f)
	f.t.Cleanup(srv.Close)
	cfg := openai.DefaultConfig("test-key")
	cfg.BaseURL = srv.URL + "/v1"
	return openai.NewClientWithConfig(cfg)
}

func call(id, name, args string) openai.ToolCall {
	return openai.ToolCall{ID: id, Type: openai.ToolTypeFunction, Function: openai.FunctionCall{Name: name, Arguments: args}}
}

// toolResults returns the tool messages at the end of a request, keyed by tool_call_id.
func toolResults(req openai.ChatCompletionRequest) map[string]string {
	out := map[string]string{}
	for i := len(req.Messages) - 1; i >= 0 && req.Messages[i].Role == openai.ChatMessageRoleTool; i-- {
		out[req.Messages[i].ToolCallID] = req.Messages[i].Content
	}
	return out
}

func sumsBox(t *testing.T) *Toolbox {
	t.Helper()
	box := NewToolbox()
	if _, err := box.Register("sums", "Adds a + b", sums); err != nil {
		t.Fatal(err)
	}
	return box
}

func TestRunSums(t *testing.T) {
	fm := &fakeModel{t: t, reply: func(n int, req openai.ChatCompletionRequest) (openai.ChatCompletionMessage, error) {
		switch n {
		case 1:
			return openai.ChatCompletionMessage{ToolCalls: []openai.ToolCall{call("call_1", "sums", `{"a": 6, "b": 3}`)}}, nil
		default:
			res := toolResults(req)
			return openai.ChatCompletionMessage{Content: "6 + 3 = " + res["call_1"]}, nil
		}
	}}
	r := NewRunner(fm.client(), sumsBox(t))
	var steps []string
	r.OnStep = func(s Step) { steps = append(steps, s.String()) }
	tr, err := r.Ask(context.Background(), "What is 6+3?", AskOptions{Model: "gpt-4o", System: "You must use the function to answer."})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Answer != "6 + 3 = 9" {
		t.Errorf("answer = %q", tr.Answer)
	}
	wantText := "model asked sums({\"a\":6,\"b\":3}) → 9\nanswer: 6 + 3 = 9"
	if got := tr.String(); got != wantText {
		t.Errorf("transcript:\n%s\nwant:\n%s", got, wantText)
	}
	if len(steps) != 2 || steps[0] != "model asked sums({\"a\":6,\"b\":3}) → 9" {
		t.Errorf("steps seen: %q", steps)
	}
	if tr.Usage.TotalTokens != 30 {
		t.Errorf("usage = %+v", tr.Usage)
	}
	// What the model received: the tool with its schema, then the call and its result.
	first := fm.raw[0]
	for _, s := range []string{
		`"tools":[{"function":{"name":"sums","description":"Adds a + b","parameters":{"type":"object","properties":{"a":{"type":"integer","description":"the first number"},"b":{"type":"integer","description":"the second number","default":1}},"required":["a"],"additionalProperties":false}},"type":"function"}]`,
		`{"role":"system","content":"You must use the function to answer."}`,
	} {
		if !strings.Contains(first, s) {
			t.Errorf("first request lacks %s:\n%s", s, first)
		}
	}
	second := fm.requests[1].Messages
	roles := []string{}
	for _, m := range second {
		roles = append(roles, m.Role)
	}
	if strings.Join(roles, ",") != "system,user,assistant,tool" {
		t.Errorf("roles of the second request: %v", roles)
	}
	if m := second[2]; len(m.ToolCalls) != 1 || m.ToolCalls[0].ID != "call_1" {
		t.Errorf("assistant message not sent back with its tool call: %+v", m)
	}
	if m := second[3]; m.ToolCallID != "call_1" || m.Content != "9" {
		t.Errorf("tool message = %+v", m)
	}
	if got := len(tr.Messages); got != 5 {
		t.Errorf("transcript has %d messages, want 5", got)
	}
	if h := tr.HTML(); !strings.Contains(h, "sums") || !strings.Contains(h, "6 + 3 = 9") {
		t.Errorf("HTML: %s", h)
	}
}

func TestRunToolFailuresGoBackToTheModel(t *testing.T) {
	box := sumsBox(t)
	if _, err := box.Register("fails", "Always fails", func(sumArgs) (int, error) { return 0, errors.New("disk on fire") }); err != nil {
		t.Fatal(err)
	}
	if _, err := box.Register("panics", "Always panics", func(a sumArgs) int { return a.A / (a.B - a.B) }); err != nil {
		t.Fatal(err)
	}
	calls := []openai.ToolCall{
		call("c1", "sums", `{"a": 6, "b": 3}`),
		call("c2", "sums", `{"a": 6, "b":`),
		call("c3", "sums", `{"a": "six"}`),
		call("c4", "rm_rf", `{}`),
		call("c5", "fails", `{"a": 1}`),
		call("c6", "panics", `{"a": 1}`),
		call("c7", "sums", `{"b": 2}`),
		call("c8", "sums", `{"a": 1, "c": 2}`),
		{ID: "c9", Type: "code_interpreter", Function: openai.FunctionCall{Name: "sums", Arguments: `{"a":1}`}},
		call("c10", "sums", `{"a": 2}`),
	}
	want := map[string]string{
		"c1":  "9",
		"c2":  "error: tools: sums: invalid arguments: arguments are not valid JSON: unexpected end of JSON input",
		"c3":  `error: tools: sums: invalid arguments: argument "a" must be an integer, not a string`,
		"c4":  `error: tools: unknown tool "rm_rf"; the tools are "sums", "fails", "panics"`,
		"c5":  "error: tools: fails: disk on fire",
		"c6":  "error: tools: panics: panic: runtime error: integer divide by zero",
		"c7":  `error: tools: sums: invalid arguments: missing required argument "a"`,
		"c8":  `error: tools: sums: invalid arguments: unknown argument "c" (the arguments are "a", "b")`,
		"c9":  `error: tools: unknown tool: calls of type "code_interpreter" are not supported, only functions`,
		"c10": "3",
	}
	var got map[string]string
	var order []string
	fm := &fakeModel{t: t, reply: func(n int, req openai.ChatCompletionRequest) (openai.ChatCompletionMessage, error) {
		if n == 1 {
			return openai.ChatCompletionMessage{Content: "Let me try.", ToolCalls: calls}, nil
		}
		got = toolResults(req)
		for _, m := range req.Messages {
			if m.Role == openai.ChatMessageRoleTool {
				order = append(order, m.ToolCallID)
			}
		}
		return openai.ChatCompletionMessage{Content: "done"}, nil
	}}
	tr, err := NewRunner(fm.client(), box).Ask(context.Background(), "go", AskOptions{Model: "m"})
	if err != nil {
		t.Fatal(err)
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: got %q\n want %q", id, got[id], w)
		}
	}
	if strings.Join(order, ",") != "c1,c2,c3,c4,c5,c6,c7,c8,c9,c10" {
		t.Errorf("results in order %v", order)
	}
	cs := tr.Calls()
	if len(cs) != 10 || !errors.Is(cs[3].Err, ErrUnknownTool) || !errors.Is(cs[5].Err, ErrPanic) || !errors.Is(cs[1].Err, ErrArguments) {
		t.Errorf("calls: %+v", cs)
	}
	if !strings.HasPrefix(tr.String(), "model said: Let me try.\nmodel asked sums({\"a\":6,\"b\":3}) → 9\nmodel asked sums({\"a\": 6, \"b\":) → error:") {
		t.Errorf("transcript:\n%s", tr)
	}
}

func TestRunStepLimit(t *testing.T) {
	fm := &fakeModel{t: t, reply: func(n int, req openai.ChatCompletionRequest) (openai.ChatCompletionMessage, error) {
		return openai.ChatCompletionMessage{ToolCalls: []openai.ToolCall{call(fmt.Sprint("c", n), "sums", `{"a": 1}`)}}, nil
	}}
	r := NewRunner(fm.client(), sumsBox(t))
	r.MaxSteps = 3
	tr, err := r.Ask(context.Background(), "loop", AskOptions{Model: "m"})
	if !errors.Is(err, ErrStepLimit) {
		t.Fatalf("error = %v, want ErrStepLimit", err)
	}
	if len(tr.Steps) != 3 || len(fm.requests) != 3 || tr.Answer != "" {
		t.Errorf("%d steps, %d requests, answer %q", len(tr.Steps), len(fm.requests), tr.Answer)
	}
	if !strings.HasSuffix(tr.String(), "(no final answer)") {
		t.Errorf("transcript:\n%s", tr)
	}
}

func TestRunModelErrors(t *testing.T) {
	fm := &fakeModel{t: t, reply: func(n int, req openai.ChatCompletionRequest) (openai.ChatCompletionMessage, error) {
		if n == 1 {
			return openai.ChatCompletionMessage{ToolCalls: []openai.ToolCall{call("c1", "sums", `{"a": 1}`)}}, nil
		}
		return openai.ChatCompletionMessage{}, errors.New("overloaded")
	}}
	tr, err := NewRunner(fm.client(), sumsBox(t)).Ask(context.Background(), "q", AskOptions{Model: "m"})
	if err == nil || !strings.Contains(err.Error(), "tools: step 2: asking the model:") || !strings.Contains(err.Error(), "overloaded") {
		t.Fatalf("error = %v", err)
	}
	if len(tr.Steps) != 1 {
		t.Errorf("transcript keeps %d steps, want 1", len(tr.Steps))
	}
}

func TestRunNoChoices(t *testing.T) {
	chat := ChatFunc(func(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
		return openai.ChatCompletionResponse{}, nil
	})
	_, err := NewRunner(chat, nil).Ask(context.Background(), "q", AskOptions{Model: "m"})
	if err == nil || !strings.Contains(err.Error(), "no choices") {
		t.Errorf("error = %v", err)
	}
	if _, err := (&Runner{}).Ask(context.Background(), "q", AskOptions{Model: "m"}); err == nil {
		t.Error("a runner without a client ran")
	}
}

func TestRunContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	box := NewToolbox()
	if _, err := box.Register("stop", "Cancels the run", func(struct{}) string { cancel(); return "stopping" }); err != nil {
		t.Fatal(err)
	}
	n := 0
	chat := ChatFunc(func(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
		n++
		return openai.ChatCompletionResponse{Choices: []openai.ChatCompletionChoice{{Message: openai.ChatCompletionMessage{
			ToolCalls: []openai.ToolCall{call("c", "stop", "{}")}}}}}, nil
	})
	tr, err := NewRunner(chat, box).Ask(ctx, "q", AskOptions{Model: "m"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	if n != 1 || len(tr.Steps) != 1 {
		t.Errorf("%d requests, %d steps after cancel", n, len(tr.Steps))
	}
}

func TestRunOnStepPanics(t *testing.T) {
	chat := ChatFunc(func(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
		return openai.ChatCompletionResponse{Choices: []openai.ChatCompletionChoice{{Message: openai.ChatCompletionMessage{Content: "hi"}}}}, nil
	})
	r := NewRunner(chat, nil).SetOnStep(func(Step) { panic("watcher bug") })
	tr, err := r.Ask(context.Background(), "q", AskOptions{Model: "m"})
	if err == nil || !strings.Contains(err.Error(), "OnStep panicked: watcher bug") || len(tr.Steps) != 1 {
		t.Errorf("error = %v, %d steps", err, len(tr.Steps))
	}
}

func TestRunKeepsGivenTools(t *testing.T) {
	var got []openai.Tool
	chat := ChatFunc(func(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
		got = req.Tools
		return openai.ChatCompletionResponse{Choices: []openai.ChatCompletionChoice{{Message: openai.ChatCompletionMessage{Content: "hi"}}}}, nil
	})
	box := sumsBox(t)
	only := []openai.Tool{{Type: openai.ToolTypeFunction, Function: &openai.FunctionDefinition{Name: "other"}}}
	tr, err := NewRunner(chat, box).Run(context.Background(), openai.ChatCompletionRequest{Model: "m", Tools: only,
		Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "q"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Function.Name != "other" {
		t.Errorf("tools sent: %+v", got)
	}
	if tr.Answer != "hi" || tr.Steps[0].Reply.Role != openai.ChatMessageRoleAssistant {
		t.Errorf("transcript: %+v", tr)
	}
}

func TestToolbox(t *testing.T) {
	var box Toolbox // the zero value works
	if err := box.Add(nil); err == nil {
		t.Error("added nil")
	}
	if _, err := box.Register("sums", "", sums); err != nil {
		t.Fatal(err)
	}
	if _, err := box.Register("sums", "", sums); err == nil || !strings.Contains(err.Error(), "already") {
		t.Errorf("duplicate: %v", err)
	}
	if _, err := box.Register("bad name", "", sums); err == nil {
		t.Error("registered a bad name")
	}
	if box.Lookup("sums") == nil || box.Lookup("nope") != nil || box.Len() != 1 {
		t.Error("lookup")
	}
	if got := box.Names(); len(got) != 1 || got[0] != "sums" {
		t.Errorf("names %v", got)
	}
	if !strings.Contains(box.String(), "func sums") || !strings.Contains(box.HTML(), "<strong>sums</strong>") {
		t.Error("rendering")
	}
	if !box.Remove("sums") || box.Remove("sums") || box.Len() != 0 {
		t.Error("remove")
	}
	c := box.Invoke(context.Background(), call("x", "sums", `{"a":1}`))
	if !errors.Is(c.Err, ErrUnknownTool) || c.Content != `error: tools: unknown tool "sums"; the tools are none` {
		t.Errorf("removed tool still callable: %+v", c)
	}
}

func TestResultText(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{"plain", "plain"},
		{42, "42"},
		{3.5, "3.5"},
		{nil, "null"},
		{[]int{1, 2}, "[1,2]"},
		{map[string]any{"ok": true}, `{"ok":true}`},
		{struct {
			A int `json:"a"`
		}{1}, `{"a":1}`},
		{errors.New("bad"), "bad"},
		{func() {}, "0x"}, // no JSON form: printed with fmt (an address)
	}
	for _, tt := range tests {
		if got := ResultText(tt.in); !strings.HasPrefix(got, tt.want) {
			t.Errorf("ResultText(%#v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRunShow(t *testing.T) {
	fe := displaytest.Install(t)
	fm := &fakeModel{t: t, reply: func(n int, req openai.ChatCompletionRequest) (openai.ChatCompletionMessage, error) {
		if n == 1 {
			return openai.ChatCompletionMessage{ToolCalls: []openai.ToolCall{call("c", "sums", `{"a": 1, "b": 2}`)}}, nil
		}
		return openai.ChatCompletionMessage{Content: "3 <b>"}, nil
	}}
	r := NewRunner(fm.client(), sumsBox(t))
	r.Stream = true
	if _, err := r.Ask(context.Background(), "1+2?", AskOptions{Model: "m"}); err != nil {
		t.Fatal(err)
	}
	var text, html []string
	for _, sh := range fe.Shown() {
		h, _ := sh.Bundle.Data[display.MIMEHTML].(string)
		html = append(html, h)
		text = append(text, sh.Bundle.Text())
	}
	if len(text) != 2 || text[0] != `model asked sums({"a":1,"b":2}) → 3` || text[1] != "answer: 3 <b>" {
		t.Errorf("shown text: %q", text)
	}
	if len(html) != 2 || !strings.Contains(html[0], "<code>sums({&#34;a&#34;:1,&#34;b&#34;:2})</code>") || !strings.Contains(html[1], "3 &lt;b&gt;") {
		t.Errorf("shown HTML: %q", html)
	}
}
