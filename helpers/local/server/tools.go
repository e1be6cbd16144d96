package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/golm-dev/golm/helpers/internal/openaiwire"
	"github.com/golm-dev/golm/helpers/local"
	"github.com/golm-dev/golm/helpers/local/templates"
)

// toolSet is the functions a chat request offers the model.
type toolSet struct {
	tools    []openaiwire.Tool
	required bool
}

// parseToolChoice returns the tools the model may call (nil for none) from a request's tools and
// tool_choice ("none", "auto", "required" or {"type": "function", "function": {"name": …}}).
func parseToolChoice(tools []openaiwire.Tool, choice json.RawMessage) (*toolSet, error) {
	if len(tools) == 0 {
		return nil, nil
	}
	for _, t := range tools {
		if t.Type != "" && t.Type != "function" {
			return nil, fmt.Errorf("tools of type %q are not supported (only function)", t.Type)
		}
		if t.Function.Name == "" {
			return nil, fmt.Errorf("a tool has no function name")
		}
	}
	ts := &toolSet{tools: tools}
	if len(choice) == 0 || string(choice) == "null" {
		return ts, nil
	}
	var s string
	if err := json.Unmarshal(choice, &s); err == nil {
		switch s {
		case "none":
			return nil, nil
		case "auto":
			return ts, nil
		case "required":
			ts.required = true
			return ts, nil
		}
		return nil, fmt.Errorf("tool_choice %q is not one of none, auto, required", s)
	}
	var named struct {
		Function struct {
			Name string `json:"name"`
		} `json:"function"`
	}
	if err := json.Unmarshal(choice, &named); err != nil || named.Function.Name == "" {
		return nil, fmt.Errorf("tool_choice must be a string or {\"type\": \"function\", \"function\": {\"name\": …}}")
	}
	for _, t := range tools {
		if t.Function.Name == named.Function.Name {
			return &toolSet{tools: []openaiwire.Tool{t}, required: true}, nil
		}
	}
	return nil, fmt.Errorf("tool_choice names %q, which is not among the tools", named.Function.Name)
}

// toolPrompt describes the tools to the model and how to call them.
func toolPrompt(ts *toolSet) string {
	fns := make([]openaiwire.FunctionDef, len(ts.tools))
	for i, t := range ts.tools {
		fns[i] = t.Function
	}
	desc, _ := openaiwire.Marshal(fns)
	var b strings.Builder
	b.WriteString("You can call these functions:\n")
	b.Write(desc)
	b.WriteString("\nTo call a function, reply with only a JSON object of the form " +
		`{"name": "function name", "arguments": {...}}` + " and nothing else.")
	if ts.required {
		b.WriteString(" You must call one of the functions.")
	} else {
		b.WriteString(" If no function is needed, answer directly.")
	}
	return b.String()
}

// toMessages converts API messages to template messages: tool calls and tool results become text the model can
// read, and the tool descriptions join the system prompt.
func toMessages(in []openaiwire.ChatMessage, ts *toolSet, jsonMode bool) []local.Message {
	callNames := map[string]string{}
	out := make([]local.Message, 0, len(in)+1)
	for _, m := range in {
		text := m.Content.Text
		switch m.Role {
		case "assistant":
			if len(m.ToolCalls) > 0 {
				var calls []string
				for _, c := range m.ToolCalls {
					callNames[c.ID] = c.Function.Name
					args := c.Function.Arguments
					if !json.Valid([]byte(args)) {
						b, _ := json.Marshal(args)
						args = string(b)
					}
					calls = append(calls, fmt.Sprintf(`{"name": %q, "arguments": %s}`, c.Function.Name, args))
				}
				text = strings.TrimSpace(text + "\n" + strings.Join(calls, "\n"))
			}
		case "tool", "function":
			name := callNames[m.ToolCallID]
			if name == "" {
				name = m.Name
			}
			if name == "" {
				name = "the function"
			}
			text = fmt.Sprintf("%s returned: %s", name, text)
		}
		out = append(out, local.Message{Role: m.Role, Content: text})
	}
	var extra []string
	if ts != nil {
		extra = append(extra, toolPrompt(ts))
	}
	if jsonMode {
		extra = append(extra, "Reply with a JSON object only.")
	}
	if len(extra) > 0 {
		add := strings.Join(extra, "\n\n")
		if len(out) > 0 && (out[0].Role == "system" || out[0].Role == "developer") {
			out[0].Content = strings.TrimSpace(out[0].Content + "\n\n" + add)
		} else {
			out = append([]local.Message{{Role: "system", Content: add}}, out...)
		}
	}
	return out
}

// parseToolCalls returns the calls in a reply that is a JSON function call (or several, one a line, or an
// array), and nil for any other reply.
func parseToolCalls(text string, ts *toolSet) []openaiwire.ToolCall {
	if ts == nil {
		return nil
	}
	text = strings.TrimSpace(text)
	if strings.HasPrefix(text, "```") {
		text = strings.TrimPrefix(text, "```json")
		text = strings.TrimPrefix(text, "```")
		text = strings.TrimSuffix(strings.TrimSpace(text), "```")
		text = strings.TrimSpace(text)
	}
	if text == "" || (text[0] != '{' && text[0] != '[') {
		return nil
	}
	type rawCall struct {
		Name      string          `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
		Function  *struct {
			Name      string          `json:"name"`
			Arguments json.RawMessage `json:"arguments"`
		} `json:"function"`
	}
	var raws []rawCall
	dec := json.NewDecoder(strings.NewReader(text))
	for dec.More() {
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil
		}
		v = bytes.TrimSpace(v)
		if len(v) > 0 && v[0] == '[' {
			var arr []rawCall
			if err := json.Unmarshal(v, &arr); err != nil {
				return nil
			}
			raws = append(raws, arr...)
			continue
		}
		var c rawCall
		if err := json.Unmarshal(v, &c); err != nil {
			return nil
		}
		raws = append(raws, c)
	}
	known := map[string]bool{}
	for _, t := range ts.tools {
		known[t.Function.Name] = true
	}
	var calls []openaiwire.ToolCall
	for _, c := range raws {
		if c.Function != nil {
			c.Name, c.Arguments = c.Function.Name, c.Function.Arguments
		}
		if !known[c.Name] {
			return nil
		}
		args := string(bytes.TrimSpace(c.Arguments))
		if args == "" || args == "null" {
			args = "{}"
		}
		if args[0] == '"' { // arguments given as a JSON string
			var s string
			if json.Unmarshal([]byte(args), &s) == nil {
				args = s
			}
		}
		calls = append(calls, openaiwire.ToolCall{ID: newID("call_"), Type: "function",
			Function: openaiwire.FunctionCall{Name: c.Name, Arguments: args}})
	}
	return calls
}

func templateStops(name string) ([]string, error) {
	t, err := templates.Get(name)
	if err != nil {
		return nil, err
	}
	return t.Stop, nil
}
