package llmtest

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/golm-dev/golm/helpers/internal/openaiwire"
)

// responsesRequest is the part of a Responses API request (POST /v1/responses) the fake reads. Input is a
// string (one user message) or a list of items: messages with a role and content, function_call and
// function_call_output items.
type responsesRequest struct {
	Model           string          `json:"model"`
	Input           json.RawMessage `json:"input"`
	Instructions    string          `json:"instructions"`
	MaxOutputTokens int             `json:"max_output_tokens"`
	Stream          bool            `json:"stream"`
}

// responsesItem is one input item.
type responsesItem struct {
	Type      string          `json:"type"`
	Role      string          `json:"role"`
	Content   json.RawMessage `json:"content"`
	Arguments string          `json:"arguments"`
	Output    json.RawMessage `json:"output"`
}

// inputText returns the text of a content or output field: a string, or the text parts of a list.
func inputText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Text string `json:"text"`
	}
	_ = json.Unmarshal(raw, &parts)
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(p.Text)
	}
	return b.String()
}

// conversation reads the request's input as the last user message's text, the last item's role, and the
// words of the whole prompt.
func (req responsesRequest) conversation() (last, lastRole string, words int, err error) {
	words = countWords(req.Instructions)
	var s string
	if json.Unmarshal(req.Input, &s) == nil {
		return s, "user", words + countWords(s), nil
	}
	var items []responsesItem
	if err := json.Unmarshal(req.Input, &items); err != nil || len(items) == 0 {
		return "", "", 0, err
	}
	for _, it := range items {
		switch it.Type {
		case "function_call":
			words += countWords(it.Arguments)
			lastRole = "assistant"
		case "function_call_output":
			words += countWords(inputText(it.Output))
			lastRole = "tool"
		default:
			text := inputText(it.Content)
			words += countWords(text)
			lastRole = it.Role
			if it.Role == "user" {
				last = text
			}
		}
	}
	return last, lastRole, words, nil
}

// responsesUsage is the Responses API's usage object.
type responsesUsage struct {
	InputTokens         int            `json:"input_tokens"`
	InputTokensDetails  map[string]int `json:"input_tokens_details"`
	OutputTokens        int            `json:"output_tokens"`
	OutputTokensDetails map[string]int `json:"output_tokens_details"`
	TotalTokens         int            `json:"total_tokens"`
}

// handleResponses answers the Responses API from the same script as chat completions (rules for
// EndpointChat), so a test can script one conversation and call it through either API.
func (s *Server) handleResponses(w http.ResponseWriter, r *http.Request) {
	var req responsesRequest
	if !decoder.Decode(w, r, &req) {
		return
	}
	if !requireModel(w, req.Model) {
		return
	}
	last, lastRole, prompt, err := req.conversation()
	if err != nil || lastRole == "" {
		openaiwire.WriteError(w, http.StatusBadRequest,
			openaiwire.Invalid("Invalid 'input': expected a string or a non-empty list of items.").WithParam("input"))
		return
	}
	rep, ok := s.reply(w, r, query{endpoint: EndpointChat, model: req.Model, text: last, lastRole: lastRole}, req.Stream)
	if !ok {
		return
	}
	head := s.head("resp_", req.Model)
	res := resolve(rep, prompt, nil, req.MaxOutputTokens, "call_"+strings.TrimPrefix(head.ID, "resp_"))
	status, incomplete := "completed", any(nil)
	if res.finish == "length" {
		status, incomplete = "incomplete", map[string]string{"reason": "max_output_tokens"}
	}
	msgID := "msg_" + strings.TrimPrefix(head.ID, "resp_")
	var output []any
	if text := res.text(); text != "" || len(res.toolCalls) == 0 {
		output = append(output, map[string]any{"id": msgID, "type": "message", "role": "assistant", "status": status,
			"content": []any{map[string]any{"type": "output_text", "text": text, "annotations": []any{}}}})
	}
	for _, tc := range res.toolCalls {
		output = append(output, map[string]any{"id": "fc_" + tc.ID, "type": "function_call", "call_id": tc.ID,
			"name": tc.Function.Name, "arguments": tc.Function.Arguments, "status": "completed"})
	}
	usage := responsesUsage{InputTokens: res.usage.PromptTokens, OutputTokens: res.usage.CompletionTokens,
		TotalTokens:        res.usage.PromptTokens + res.usage.CompletionTokens,
		InputTokensDetails: map[string]int{"cached_tokens": 0}, OutputTokensDetails: map[string]int{"reasoning_tokens": 0}}
	resp := map[string]any{"id": head.ID, "object": "response", "created_at": head.Created, "status": status,
		"incomplete_details": incomplete, "model": req.Model, "output": output, "usage": usage}
	if !req.Stream {
		openaiwire.WriteJSON(w, http.StatusOK, resp)
		return
	}
	out := openaiwire.StartStream(w)
	seq := 0
	send := func(typ string, fields map[string]any) bool {
		fields["type"], fields["sequence_number"] = typ, seq
		seq++
		return out.Send(fields) == nil
	}
	if !send("response.created", map[string]any{"response": map[string]any{"id": head.ID, "object": "response",
		"status": "in_progress", "model": req.Model, "output": []any{}}}) {
		return
	}
	cut := s.pace(w, r, rep)
	for _, p := range res.pieces {
		if !cut.wait() || !send("response.output_text.delta", map[string]any{"item_id": msgID, "output_index": 0,
			"content_index": 0, "delta": p}) || !cut.sentOne() {
			return
		}
	}
	if !cut.end() {
		return
	}
	if !send("response.output_text.done", map[string]any{"item_id": msgID, "output_index": 0, "content_index": 0,
		"text": res.text()}) {
		return
	}
	end := "response.completed"
	if status == "incomplete" {
		end = "response.incomplete"
	}
	send(end, map[string]any{"response": resp})
}
