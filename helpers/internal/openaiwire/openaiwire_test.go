package openaiwire

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
)

func TestMarshal(t *testing.T) {
	head := Head{ID: "chatcmpl-1", Created: 7, Model: "m"}
	text := "a <b> & c"
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"message with nulls", Message{Role: "assistant", Nulls: true},
			`{"role":"assistant","content":null,"refusal":null}`},
		{"message with nulls and text", Message{Role: "assistant", Content: &text, Nulls: true},
			`{"role":"assistant","content":"a <b> & c","refusal":null}`},
		{"message omitting empties", Message{Role: "assistant", ToolCalls: []ToolCall{{ID: "c", Type: "function",
			Function: FunctionCall{Name: "f", Arguments: "{}"}}}},
			`{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]}`},
		{"empty delta", Message{}, `{}`},
		{"tool call fragment", ToolCall{Index: new(1), Function: FunctionCall{Arguments: `{"a`}},
			`{"index":1,"function":{"arguments":"{\"a"}}`},
		{"logprobs with nulls", ChatLogProbs{Content: []TokenLogProb{}, Nulls: true}, `{"content":[],"refusal":null}`},
		{"logprobs omitting refusal", ChatLogProbs{Content: []TokenLogProb{NewTokenLogProb("é", -1)}},
			`{"content":[{"token":"é","logprob":-1,"bytes":[195,169],"top_logprobs":[]}]}`},
		{"error without param and code", Invalid("bad %d", 1),
			`{"message":"bad 1","type":"invalid_request_error","param":null,"code":null}`},
		{"error with param and code", Invalid("x").WithParam("model").WithCode("model_not_found"),
			`{"message":"x","type":"invalid_request_error","param":"model","code":"model_not_found"}`},
		{"usage", NewUsage(2, 3), `{"prompt_tokens":2,"completion_tokens":3,"total_tokens":5}`},
		{"usage with details", NewUsage(1, 0).WithDetails().Plus(NewUsage(1, 1)),
			`{"prompt_tokens":2,"completion_tokens":1,"total_tokens":3,"prompt_tokens_details":{"cached_tokens":0,` +
				`"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0}}`},
		{"usage chunk", head.ChatChunk(nil, &Usage{}),
			`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":7,"model":"m","choices":[],` +
				`"usage":{"prompt_tokens":0,"completion_tokens":0,"total_tokens":0}}`},
		{"chat with fingerprint", Head{ID: "i", Model: "m", SystemFingerprint: "fp"}.Chat([]ChatChoice{{
			Message: &Message{Role: "assistant", Content: &text}, FinishReason: new("stop")}}, nil),
			`{"id":"i","object":"chat.completion","created":0,"model":"m","system_fingerprint":"fp","choices":[{"index":0,` +
				`"message":{"role":"assistant","content":"a <b> & c"},"logprobs":null,"finish_reason":"stop"}]}`},
		{"completion chunk", head.Completion([]CompletionChoice{{Text: "x"}}, nil),
			`{"id":"chatcmpl-1","object":"text_completion","created":7,"model":"m","choices":[{"text":"x","index":0,` +
				`"logprobs":null,"finish_reason":null}]}`},
		{"models", NewModelList(nil), `{"object":"list","data":[]}`},
		{"model", NewModel("m", 1, "golm"), `{"id":"m","object":"model","created":1,"owned_by":"golm"}`},
		{"content string", Content{Text: "hi"}, `"hi"`},
		{"content parts", Content{Text: "hi", Parts: []ContentPart{{Type: "text", Text: "hi"}}},
			`[{"type":"text","text":"hi"}]`},
		{"prompt", Prompt{Texts: []string{"a"}}, `"a"`},
		{"prompt tokens", Prompt{Tokens: [][]int{{1, 2}}}, `[1,2]`},
		{"no prompt", Prompt{}, `null`},
	}
	for _, tt := range tests {
		b, err := Marshal(tt.v)
		if err != nil || string(b) != tt.want {
			t.Errorf("%s:\n got %s (%v)\nwant %s", tt.name, b, err, tt.want)
		}
	}
}

func TestEmbeddingList(t *testing.T) {
	l := NewEmbeddingList("e")
	l.Add([]float32{1, -0.5}, "float", 2)
	l.Add([]float32{1, -0.5}, "base64", 3)
	b, _ := Marshal(l)
	want := `{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1,-0.5]},` +
		`{"object":"embedding","index":1,"embedding":"AACAPwAAAL8="}],"model":"e",` +
		`"usage":{"prompt_tokens":5,"total_tokens":5}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestDecodeRequestFields(t *testing.T) {
	tests := []struct {
		name, body string
		check      func(ChatRequest) bool
	}{
		{"content string", `{"messages":[{"role":"user","content":"hi"}]}`,
			func(r ChatRequest) bool {
				return r.Messages[0].Content.Text == "hi" && r.Messages[0].Content.Parts == nil
			}},
		{"content null", `{"messages":[{"role":"assistant","content":null}]}`,
			func(r ChatRequest) bool { return r.Messages[0].Content.Text == "" }},
		{"content parts", `{"messages":[{"role":"user","content":[{"type":"text","text":"a"},` +
			`{"type":"image_url","image_url":{"url":"u"}},{"type":"input_text","text":"b"}]}]}`,
			func(r ChatRequest) bool {
				c := r.Messages[0].Content
				return c.Text == "a\nb" && len(c.Parts) == 3 && c.NonText() == "image_url"
			}},
		{"stop string", `{"stop":"\n"}`, func(r ChatRequest) bool { return reflect.DeepEqual(r.Stop, StringList{"\n"}) }},
		{"stop list", `{"stop":["a","b"]}`, func(r ChatRequest) bool { return len(r.Stop) == 2 }},
		{"stop null", `{"stop":null}`, func(r ChatRequest) bool { return r.Stop == nil }},
		{"token limit prefers max_completion_tokens", `{"max_tokens":5,"max_completion_tokens":7}`,
			func(r ChatRequest) bool { return r.TokenLimit() == 7 }},
		{"token limit from max_tokens", `{"max_tokens":5}`, func(r ChatRequest) bool { return r.TokenLimit() == 5 }},
		{"no token limit", `{}`, func(r ChatRequest) bool { return r.TokenLimit() == 0 && r.Choices() == 1 }},
		{"sampling", `{"temperature":0,"n":3,"seed":0,"top_p":0.5}`, func(r ChatRequest) bool {
			return r.Temperature != nil && *r.Temperature == 0 && r.Choices() == 3 && r.Seed != nil && *r.TopP == 0.5
		}},
		{"usage asked", `{"stream_options":{"include_usage":true}}`,
			func(r ChatRequest) bool { return r.StreamOptions.WantUsage() }},
		{"usage not asked", `{}`, func(r ChatRequest) bool { return !r.StreamOptions.WantUsage() }},
	}
	for _, tt := range tests {
		var r ChatRequest
		if err := json.Unmarshal([]byte(tt.body), &r); err != nil || !tt.check(r) {
			t.Errorf("%s: %+v %v", tt.name, r, err)
		}
	}
	for _, bad := range []string{`{"stop":3}`, `{"messages":[{"content":5}]}`} {
		var r ChatRequest
		if err := json.Unmarshal([]byte(bad), &r); err == nil {
			t.Errorf("%s decoded", bad)
		}
	}
}

func TestPrompt(t *testing.T) {
	tests := []struct {
		body  string
		want  Prompt
		given bool
	}{
		{`"a"`, Prompt{Texts: []string{"a"}}, true},
		{`["a","b"]`, Prompt{Texts: []string{"a", "b"}}, true},
		{`[]`, Prompt{Texts: []string{}}, true},
		{`[1,2]`, Prompt{Tokens: [][]int{{1, 2}}}, true},
		{`[[1],[2,3]]`, Prompt{Tokens: [][]int{{1}, {2, 3}}}, true},
		{`null`, Prompt{}, false},
	}
	for _, tt := range tests {
		var p Prompt
		if err := json.Unmarshal([]byte(tt.body), &p); err != nil || !reflect.DeepEqual(p, tt.want) ||
			p.Given() != tt.given {
			t.Errorf("%s: %+v %v", tt.body, p, err)
		}
	}
	var req CompletionRequest
	if err := json.Unmarshal([]byte(`{"model":"m"}`), &req); err != nil || req.Prompt.Given() {
		t.Errorf("absent prompt: %+v %v", req.Prompt, err)
	}
	for _, bad := range []string{`5`, `{"a":1}`, `[1,"a"]`} {
		var p Prompt
		if err := json.Unmarshal([]byte(bad), &p); err == nil || p.Given() {
			t.Errorf("%s: %+v, want an error", bad, p)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	text := "x"
	in := ChatChoice{Message: &Message{Role: "assistant", Content: &text, Nulls: true},
		LogProbs: &ChatLogProbs{Content: []TokenLogProb{NewTokenLogProb("x", -0.25)}, Nulls: true}}
	b, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	var out ChatChoice
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if *out.Message.Content != "x" || out.Message.Role != "assistant" || out.LogProbs.Content[0].LogProb != -0.25 {
		t.Errorf("round trip of %s: %+v", b, out)
	}
}

func TestLegacyLogProbs(t *testing.T) {
	l := NewLegacyLogProbs()
	l.AddUnscored("Hi", 0)
	tok := NewTokenLogProb(" there", -0.5)
	tok.AddTop(" there", -0.5)
	tok.AddTop(" you", -1.5)
	l.Add(tok, 2)
	b, _ := Marshal(l)
	want := `{"tokens":["Hi"," there"],"token_logprobs":[null,-0.5],"top_logprobs":[null,{" there":-0.5,` +
		`" you":-1.5}],"text_offset":[0,2]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	if b, _ := Marshal(NewLegacyLogProbs()); string(b) != `{"tokens":[],"token_logprobs":[],"top_logprobs":[],"text_offset":[]}` {
		t.Errorf("empty: %s", b)
	}
}

func TestDecoder(t *testing.T) {
	d := Decoder{Limit: 64, Prefix: "bad body: "}
	tests := []struct {
		body   string
		status int
		want   string
	}{
		{`{"model":"m"}`, 200, ""},
		{`{`, 400, `"message":"bad body: unexpected end of JSON input"`},
		{`{"model":"m"} trailing`, 400, "bad body: invalid character"},
		{`{"model":"` + strings.Repeat("x", 100) + `"}`, 413, "request body too large: the limit is 64 bytes"},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		var v struct{ Model string }
		ok := d.Decode(rec, httptest.NewRequest("POST", "/", strings.NewReader(tt.body)), &v)
		if ok != (tt.status == 200) || (!ok && (rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want))) {
			t.Errorf("%.20s: ok %v, %d %s", tt.body, ok, rec.Code, rec.Body)
		}
		if ok && v.Model != "m" {
			t.Errorf("decoded %+v", v)
		}
		if !ok && rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%.20s: content type %q", tt.body, rec.Header().Get("Content-Type"))
		}
	}
}

func TestStreamHeaders(t *testing.T) {
	// StartStream sends the headers at once; NewStream waits for the first event, so that an error can
	// still have its own status.
	rec := httptest.NewRecorder()
	s := StartStream(rec)
	if !s.Started() || !rec.Flushed || rec.Header().Get("Content-Type") != "text/event-stream" || rec.Body.Len() != 0 {
		t.Errorf("StartStream: started %v flushed %v headers %v", s.Started(), rec.Flushed, rec.Header())
	}
	rec = httptest.NewRecorder()
	s = NewStream(rec)
	if s.Started() || rec.Flushed || rec.Header().Get("Content-Type") != "" {
		t.Errorf("NewStream wrote before the first event: %v", rec.Header())
	}
	WriteError(rec, http.StatusBadRequest, Invalid("no"))
	if rec.Code != 400 || s.Started() {
		t.Errorf("error before the first event: %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	s = NewStream(rec)
	if err := s.Send(map[string]string{"a": "<b>"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Done(); err != nil {
		t.Fatal(err)
	}
	if got := rec.Body.String(); got != "data: {\"a\":\"<b>\"}\n\ndata: [DONE]\n\n" || rec.Code != 200 ||
		rec.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("stream %d %q", rec.Code, got)
	}
}

func TestReadEvents(t *testing.T) {
	rec := httptest.NewRecorder()
	s := StartStream(rec)
	_ = s.Send(1)
	_ = s.Send(map[string]int{"b": 2})
	_ = s.Done()
	input := ": a comment\nevent: x\n" + rec.Body.String()
	events, done, err := ReadEvents(strings.NewReader(input))
	if err != nil || !done || len(events) != 2 || string(events[0]) != "1" || string(events[1]) != `{"b":2}` {
		t.Errorf("events %q done %v err %v", events, done, err)
	}
	// No space after "data:" is valid SSE; a cut stream has no [DONE].
	events, done, err = ReadEvents(strings.NewReader("data:{}\n\n"))
	if err != nil || done || len(events) != 1 || string(events[0]) != "{}" {
		t.Errorf("events %q done %v err %v", events, done, err)
	}
	_, _, err = ReadEvents(io.MultiReader(strings.NewReader("data: 1\n"), errReader{}))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Errorf("err = %v", err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, io.ErrUnexpectedEOF }

func TestBearerMatches(t *testing.T) {
	tests := []struct {
		auth string
		want bool
	}{
		{"Bearer sk-1", true},
		{"Bearer sk-2", false},
		{"sk-1", false},
		{"", false},
		{"bearer sk-1", false},
	}
	for _, tt := range tests {
		if got := BearerMatches(tt.auth, "sk-1"); got != tt.want {
			t.Errorf("BearerMatches(%q) = %v", tt.auth, got)
		}
	}
}
