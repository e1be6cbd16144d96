package llm_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/golm-dev/golm/helpers/llm"
	"github.com/golm-dev/golm/helpers/llm/llmtest"
	openai "github.com/sashabaranov/go-openai"
)

// responsesServer answers POST /v1/responses with the shapes of OpenAI's Responses API (read 2026-12-05),
// keeping each request's body.
type responsesServer struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []map[string]any
	output string // the JSON array of output items to answer with
}

func newResponsesServer(t *testing.T) *responsesServer {
	rs := &responsesServer{}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		data, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(data, &body)
		rs.mu.Lock()
		rs.bodies = append(rs.bodies, body)
		output := rs.output
		rs.mu.Unlock()
		if r.URL.Path != "/v1/responses" {
			http.NotFound(w, r)
			return
		}
		resp := fmt.Sprintf(`{"id":"resp_1","object":"response","created_at":1765000000,"status":"completed",
			"model":"gpt-6-luna","output":%s,"usage":{"input_tokens":20,"input_tokens_details":{"cached_tokens":4},
			"output_tokens":45,"output_tokens_details":{"reasoning_tokens":12},"total_tokens":65}}`, output)
		if stream, _ := body["stream"].(bool); stream {
			w.Header().Set("Content-Type", "text/event-stream")
			fmt.Fprint(w, "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"+
				"\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\",\"output\":[]}}\n\n")
			for i, d := range []string{"Money, ", "mate, ", "is dosh."} {
				fmt.Fprintf(w, "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","+
					"\"sequence_number\":%d,\"item_id\":\"msg_1\",\"output_index\":1,\"content_index\":0,\"delta\":%q}\n\n", i+1, d)
			}
			fmt.Fprintf(w, "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":9,"+
				"\"response\":%s}\n\n", strings.ReplaceAll(resp, "\n", ""))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, resp)
	}))
	t.Cleanup(rs.Close)
	rs.output = `[{"id":"rs_1","type":"reasoning","summary":[]},{"id":"msg_1","type":"message","role":"assistant",
		"status":"completed","content":[{"type":"output_text","text":"Money, mate, is dosh.","annotations":[]}]}]`
	return rs
}

func (rs *responsesServer) last() map[string]any {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.bodies[len(rs.bodies)-1]
}

func TestResponsesAPI(t *testing.T) {
	rs := newResponsesServer(t)
	c, err := llm.New(llm.Config{BaseURL: rs.URL + "/v1", APIKey: "sk-test"})
	if err != nil {
		t.Fatal(err)
	}
	opts := llm.ChatOptions{API: llm.Responses, System: "You are an Aussie LLM.", Temperature: 0.5}
	r, err := c.Chat(ctx, llm.Messages("What is money?", ""), opts)
	if err != nil {
		t.Fatal(err)
	}
	if r.Text != "Money, mate, is dosh." || r.FinishReason != "stop" || r.Responses == nil || r.Model != "gpt-6-luna" {
		t.Errorf("reply %+v", r)
	}
	if r.Usage.PromptTokens != 20 || r.Usage.CompletionTokens != 45 || r.Usage.PromptTokensDetails.CachedTokens != 4 ||
		r.Usage.CompletionTokensDetails.ReasoningTokens != 12 || !r.Cost.Known {
		t.Errorf("usage %+v cost %v", r.Usage, r.Cost)
	}
	body := rs.last()
	input, _ := json.Marshal(body["input"])
	if body["instructions"] != "You are an Aussie LLM." || !strings.Contains(string(input), `"role":"user"`) ||
		body["temperature"] != 0.5 {
		t.Errorf("request %v", body)
	}
	if reasoning, _ := body["reasoning"].(map[string]any); reasoning["effort"] != "none" {
		t.Errorf("temperature on gpt-6-luna without effort none: %v", body["reasoning"])
	}
	if n := len(c.Usage().Calls()); n != 1 {
		t.Errorf("%d calls recorded", n)
	}

	// Streaming has the same shape as for Chat Completions.
	var sb strings.Builder
	text, err := c.Ask(ctx, "What is money?", llm.ChatOptions{API: llm.Responses, StreamTo: &sb})
	if err != nil || text != "Money, mate, is dosh." || sb.String() != text {
		t.Errorf("stream %q %q %v", text, sb.String(), err)
	}

	// A function call becomes a tool call, and its result goes back as a function_call_output item.
	rs.output = `[{"type":"function_call","id":"fc_1","call_id":"call_9","name":"sums","arguments":"{\"a\":6,\"b\":3}","status":"completed"}]`
	r, err = c.Chat(ctx, llm.Messages("What is 6+3?", ""), llm.ChatOptions{API: llm.Responses})
	if err != nil || r.FinishReason != "tool_calls" || len(r.Message.ToolCalls) != 1 ||
		r.Message.ToolCalls[0].ID != "call_9" || r.Message.ToolCalls[0].Function.Arguments != `{"a":6,"b":3}` {
		t.Fatalf("tool call %+v %v", r, err)
	}
	history := append(llm.Messages("What is 6+3?", ""), r.Message, llm.ToolResult("call_9", "9"))
	if _, err := c.Chat(ctx, history, llm.ChatOptions{API: llm.Responses}); err != nil {
		t.Fatal(err)
	}
	input, _ = json.Marshal(rs.last()["input"])
	for _, want := range []string{`"call_id":"call_9","name":"sums","type":"function_call"`,
		`{"call_id":"call_9","output":"9","type":"function_call_output"}`} {
		if !strings.Contains(string(input), want) {
			t.Errorf("input lacks %s: %s", want, input)
		}
	}

	// What the Responses API cannot do is said before anything is sent.
	before := len(rs.bodies)
	for _, o := range []llm.ChatOptions{{API: llm.Responses, Stop: []string{"\n"}}, {API: llm.Responses, TopLogProbs: 2},
		{API: "assistants"}} {
		if _, err := c.Chat(ctx, llm.Messages("x", ""), o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
	if len(rs.bodies) != before {
		t.Error("a request was sent for options the API cannot take")
	}
}

type recipe struct {
	Name        string   `json:"name" description:"the dish"`
	Ingredients []string `json:"ingredients"`
	Minutes     int      `json:"minutes,omitempty"`
}

func TestStructuredOutputs(t *testing.T) {
	s, c, _ := setup(t)
	s.When("pancake", llmtest.Reply{Text: `{"name":"pancakes","ingredients":["flour","milk","eggs"],"minutes":20}`})
	r, err := c.Chat(ctx, llm.Messages("A pancake recipe", ""), llm.ChatOptions{Schema: recipe{}})
	if err != nil {
		t.Fatal(err)
	}
	var got recipe
	if err := r.Decode(&got); err != nil || got.Name != "pancakes" || len(got.Ingredients) != 3 || got.Minutes != 20 {
		t.Errorf("decoded %+v %v", got, err)
	}
	req, _ := s.LastRequest()
	var body openai.ChatCompletionRequest
	if err := req.Decode(&body); err != nil {
		t.Fatal(err)
	}
	rf := body.ResponseFormat
	raw, _ := json.Marshal(rf)
	if rf == nil || rf.Type != openai.ChatCompletionResponseFormatTypeJSONSchema || rf.JSONSchema == nil ||
		rf.JSONSchema.Name != "recipe" || !rf.JSONSchema.Strict ||
		!strings.Contains(string(raw), `"required":["name","ingredients","minutes"]`) ||
		!strings.Contains(string(raw), `"additionalProperties":false`) {
		t.Errorf("response_format %s", raw)
	}
	// A value with no strict schema is refused before sending; a reply that is not the JSON asked for is a
	// clear error.
	s.ClearRequests()
	if _, err := c.Chat(ctx, llm.Messages("x", ""), llm.ChatOptions{Schema: map[string]int{}}); err == nil {
		t.Error("a map schema was accepted")
	}
	if len(s.Requests()) != 0 {
		t.Error("sent a request with a bad schema")
	}
	bad := &llm.Reply{Text: "Sure! Here is a recipe: pancakes."}
	if err := bad.Decode(&got); err == nil || !strings.Contains(err.Error(), "Sure! Here is") {
		t.Errorf("decode of prose: %v", err)
	}
	// The Responses API takes the same schema under text.format.
	rs := newResponsesServer(t)
	rc, _ := llm.New(llm.Config{BaseURL: rs.URL + "/v1", APIKey: "sk-test"})
	if _, err := rc.Chat(ctx, llm.Messages("A pancake recipe", ""), llm.ChatOptions{API: llm.Responses, Schema: &recipe{}}); err != nil {
		t.Fatal(err)
	}
	format, _ := json.Marshal(rs.last()["text"])
	if !strings.Contains(string(format), `"type":"json_schema"`) || !strings.Contains(string(format), `"strict":true`) {
		t.Errorf("text.format %s", format)
	}
}

func TestResponsesNotServed(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler()) // a server that speaks no Responses API
	defer srv.Close()
	c, _ := llm.New(llm.Config{BaseURL: srv.URL + "/v1", APIKey: "sk-test"})
	_, err := c.Ask(ctx, "x", llm.ChatOptions{API: llm.Responses})
	if err == nil || !strings.Contains(err.Error(), "may not offer the Responses API") {
		t.Errorf("err = %v", err)
	}
}
