package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/golm-dev/golm/helpers/tools"
	openai "github.com/sashabaranov/go-openai"
)

// API names an OpenAI API that Ask and Chat can use (ChatOptions.API).
type API string

const (
	// ChatCompletions is /v1/chat/completions: messages in, a message out. Every OpenAI-compatible server
	// (golm serve, llama.cpp, Ollama, vLLM, other providers) speaks it, so it is the default.
	ChatCompletions API = "chat.completions"
	// Responses is /v1/responses, OpenAI's recommended API for new work: the same conversation as input
	// items, reasoning models and hosted tools, and state kept on the server if asked. Fewer servers offer it.
	Responses API = "responses"
)

// CreateResponse sends a Responses API request as it is, with retries and usage accounting: go-openai's
// call of the same name, through this client. An empty Model means the client's default.
func (c *Client) CreateResponse(ctx context.Context, req openai.CreateResponseRequest) (openai.CreateResponseResponse, error) {
	if req.Model == "" {
		req.Model = c.model
	}
	start := time.Now()
	resp, err := c.oa.CreateResponse(ctx, req)
	if err != nil {
		return resp, c.explain("responses", err)
	}
	c.record("responses", orDefault(resp.Model, req.Model), responseUsage(resp.Usage), time.Since(start))
	return resp, nil
}

// responseRequest builds a Responses API request from a conversation and options.
func (c *Client) responseRequest(messages []openai.ChatCompletionMessage, o ChatOptions) (openai.CreateResponseRequest, error) {
	req := openai.CreateResponseRequest{Model: orDefault(o.Model, c.model), MaxOutputTokens: o.MaxTokens}
	switch {
	case len(o.Stop) > 0:
		return req, errors.New("llm: the Responses API has no stop sequences: use ChatOptions{API: llm.ChatCompletions}")
	case o.LogProbs || o.TopLogProbs > 0:
		return req, errors.New("llm: golm reads log-probabilities from Chat Completions only: leave API empty")
	}
	if o.System != "" && (len(messages) == 0 || messages[0].Role != openai.ChatMessageRoleSystem) {
		req.Instructions = o.System
	}
	var input []any
	for _, m := range messages {
		switch {
		case m.Role == openai.ChatMessageRoleTool:
			input = append(input, openai.ResponseFunctionCallOutput{Type: "function_call_output", CallID: m.ToolCallID,
				Output: m.Content})
		case m.Role == openai.ChatMessageRoleAssistant && len(m.ToolCalls) > 0:
			if m.Content != "" {
				input = append(input, openai.ResponseInputMessage{Role: m.Role, Content: m.Content})
			}
			for _, tc := range m.ToolCalls {
				input = append(input, map[string]any{"type": "function_call", "call_id": tc.ID,
					"name": tc.Function.Name, "arguments": tc.Function.Arguments})
			}
		default:
			input = append(input, openai.ResponseInputMessage{Role: m.Role, Content: m.Content})
		}
	}
	req.Input = input
	if o.Temperature != 0 {
		t := o.Temperature
		if t == ZeroTemperature {
			t = 0
		}
		req.Temperature = &t
	}
	if o.TopP != 0 {
		p := o.TopP
		req.TopP = &p
	}
	effort := o.ReasoningEffort
	if effort == "" && needsNoneEffort(req.Model, o.Temperature != 0 || o.TopP != 0) {
		effort = openai.ReasoningEffortNone
	}
	if effort != "" {
		req.Reasoning = &openai.ResponseReasoning{Effort: effort}
	}
	switch f, err := schemaFormat(o.Schema); {
	case err != nil:
		return req, err
	case f != nil:
		req.Text = &openai.ResponseTextConfig{Format: &openai.ResponseTextFormat{Type: "json_schema", Name: f.Name,
			Schema: f.Schema, Strict: f.Strict}}
	case o.JSON:
		req.Text = &openai.ResponseTextConfig{Format: &openai.ResponseTextFormat{Type: "json_object"}}
	}
	return req, nil
}

// chatResponses is Chat through the Responses API.
func (c *Client) chatResponses(ctx context.Context, messages []openai.ChatCompletionMessage, o ChatOptions) (*Reply, error) {
	req, err := c.responseRequest(messages, o)
	if err != nil {
		return nil, err
	}
	if o.Stream || o.StreamTo != nil {
		return c.streamLive(ctx, o.StreamTo, true, func(ctx context.Context, onText func(string)) (*Reply, error) {
			return c.streamResponse(ctx, req, onText)
		})
	}
	start := time.Now()
	resp, err := c.CreateResponse(ctx, req)
	if err != nil {
		return nil, err
	}
	return c.replyFromResponse(resp, req.Model, time.Since(start)), nil
}

// streamResponse streams a Responses API request, calling onText with each piece of output text.
func (c *Client) streamResponse(ctx context.Context, req openai.CreateResponseRequest, onText func(string)) (*Reply, error) {
	start := time.Now()
	stream, err := c.oa.CreateResponseStream(ctx, req)
	if err != nil {
		return nil, c.explain("responses", err)
	}
	defer stream.Close()
	var text strings.Builder
	partial := func() *Reply {
		return &Reply{Text: text.String(), Message: Assistant(text.String()), Model: req.Model,
			Duration: time.Since(start)}
	}
	for {
		ev, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return partial(), c.streamError(ctx, text.String(), io.ErrUnexpectedEOF)
		}
		if err != nil {
			return partial(), c.streamError(ctx, text.String(), err)
		}
		switch ev.Type {
		case openai.ResponseStreamEventOutputTextDelta:
			text.WriteString(ev.Delta)
			onText(ev.Delta)
		case openai.ResponseStreamEventCompleted, openai.ResponseStreamEventIncomplete, openai.ResponseStreamEventFailed:
			if ev.Response == nil {
				return partial(), c.streamError(ctx, text.String(), fmt.Errorf("a %s event without its response", ev.Type))
			}
			r := c.replyFromResponse(*ev.Response, req.Model, time.Since(start))
			if r.Text == "" {
				r.Text, r.Message.Content = text.String(), text.String()
			}
			c.record("responses-stream", r.Model, r.Usage, r.Duration)
			if ev.Type == openai.ResponseStreamEventFailed {
				return r, &StreamError{Partial: r.Text, Err: &Error{Op: "responses",
					Message: "the response failed: " + responseErrorText(ev.Response)}}
			}
			return r, nil
		case openai.ResponseStreamEventError:
			return partial(), &StreamError{Partial: text.String(), Err: &Error{Op: "responses",
				Message: fmt.Sprintf("the server reported an error during the stream: %s (%s)", ev.Message, ev.Code)}}
		}
	}
}

func responseErrorText(r *openai.CreateResponseResponse) string {
	if r.Error != nil {
		return fmt.Sprintf("%s (%s)", r.Error.Message, r.Error.Code)
	}
	return string(r.Status)
}

// replyFromResponse makes a Reply from a Responses API response: its text, its function calls as the
// assistant message's tool calls, and its usage.
func (c *Client) replyFromResponse(resp openai.CreateResponseResponse, model string, d time.Duration) *Reply {
	r := &Reply{Model: orDefault(resp.Model, model), Duration: d, Usage: responseUsage(resp.Usage),
		Responses: &resp}
	r.Cost = c.prices.Cost(r.Model, r.Usage)
	r.Text = resp.GetOutputText()
	r.Message = Assistant(r.Text)
	for _, raw := range resp.Output {
		data, err := json.Marshal(raw)
		if err != nil {
			continue
		}
		var item openai.ResponseOutputItem
		if json.Unmarshal(data, &item) != nil || item.Type != "function_call" {
			continue
		}
		r.Message.ToolCalls = append(r.Message.ToolCalls, openai.ToolCall{ID: item.CallID, Type: openai.ToolTypeFunction,
			Function: openai.FunctionCall{Name: item.Name, Arguments: item.Arguments}})
	}
	switch {
	case len(r.Message.ToolCalls) > 0:
		r.FinishReason = "tool_calls"
	case resp.Status == openai.ResponseStatus("incomplete") && resp.IncompleteDetails != nil &&
		resp.IncompleteDetails.Reason == "max_output_tokens":
		r.FinishReason = "length"
	case resp.Status == openai.ResponseStatus("incomplete") && resp.IncompleteDetails != nil:
		r.FinishReason = resp.IncompleteDetails.Reason
	default:
		r.FinishReason = "stop"
	}
	return r
}

// responseUsage converts the Responses API's token counts to the Chat Completions shape golm accounts in.
func responseUsage(u *openai.ResponseUsage) openai.Usage {
	if u == nil {
		return openai.Usage{}
	}
	out := openai.Usage{PromptTokens: u.InputTokens, CompletionTokens: u.OutputTokens, TotalTokens: u.TotalTokens}
	if u.InputTokensDetails != nil {
		out.PromptTokensDetails = &openai.PromptTokensDetails{CachedTokens: u.InputTokensDetails.CachedTokens}
	}
	if u.OutputTokensDetails != nil {
		out.CompletionTokensDetails = &openai.CompletionTokensDetails{ReasoningTokens: u.OutputTokensDetails.ReasoningTokens}
	}
	return out
}

// schemaFormat returns the Structured Outputs format for ChatOptions.Schema: the strict JSON schema of the
// Go value's type (see tools.Schema.Strict), named after the type. A nil value means none.
func schemaFormat(v any) (*openai.ChatCompletionResponseFormatJSONSchema, error) {
	if v == nil {
		return nil, nil
	}
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	s, err := tools.SchemaOf(t)
	if err != nil {
		return nil, fmt.Errorf("llm: ChatOptions.Schema: %w", err)
	}
	if s.Type != "object" {
		return nil, fmt.Errorf("llm: ChatOptions.Schema must be a struct (structured outputs need an object at "+
			"the top), not %s", t)
	}
	if s, err = s.Strict(); err != nil {
		return nil, fmt.Errorf("llm: ChatOptions.Schema: %w", err)
	}
	name := strings.ToLower(t.Name())
	if name == "" {
		name = "answer"
	}
	return &openai.ChatCompletionResponseFormatJSONSchema{Name: name, Schema: s, Strict: true}, nil
}

// Decode decodes the reply's text, a JSON answer asked for with ChatOptions.Schema or JSON, into v (a
// pointer). A reply that is not valid JSON for v gives an error that quotes the start of the text.
func (r *Reply) Decode(v any) error {
	if r == nil {
		return errors.New("llm: no reply to decode")
	}
	if err := json.Unmarshal([]byte(r.Text), v); err != nil {
		head := r.Text
		if len(head) > 200 {
			head = head[:200] + "…"
		}
		return fmt.Errorf("llm: the reply is not the JSON asked for (%v): %q", err, head)
	}
	return nil
}
