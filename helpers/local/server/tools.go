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

// toolFormat is how tools, calls and their results are written into a model's prompt.
type toolFormat int

const (
	// jsonTools is for any model: the tools are described in the system prompt, and a reply that is a JSON
	// function call (or several) is a call.
	jsonTools toolFormat = iota
	// hermesTools is the format of Hermes, Qwen 2.5 and the many models tuned like them, whose chat templates
	// define it: the tools are listed in <tools></tools> in the system prompt, the model writes each call as
	// <tool_call>{"name": …, "arguments": {…}}</tool_call>, and each result goes back in a user turn as
	// <tool_response>…</tool_response>.
	hermesTools
)

// detectToolFormat returns the tool format a model's chat template (its Jinja text) was trained with.
func detectToolFormat(chatTemplate string) toolFormat {
	if strings.Contains(chatTemplate, "<tool_call>") && strings.Contains(chatTemplate, "tools") {
		return hermesTools
	}
	return jsonTools
}

// toolPrompt describes the tools to the model and how to call them.
func toolPrompt(ts *toolSet, format toolFormat) string {
	var b strings.Builder
	if format == hermesTools {
		// The words of Qwen 2.5's chat template, which Hermes-style models were trained on.
		b.WriteString("# Tools\n\nYou may call one or more functions to assist with the user query.\n\n" +
			"You are provided with function signatures within <tools></tools> XML tags:\n<tools>")
		for _, t := range ts.tools {
			t.Type = "function"
			desc, _ := openaiwire.Marshal(t)
			b.WriteString("\n")
			b.Write(desc)
		}
		b.WriteString("\n</tools>\n\nFor each function call, return a json object with function name and " +
			"arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n" +
			`{"name": <function-name>, "arguments": <args-json-object>}` + "\n</tool_call>")
		if ts.required {
			b.WriteString("\n\nYou must call one of the functions.")
		}
		return b.String()
	}
	fns := make([]openaiwire.FunctionDef, len(ts.tools))
	for i, t := range ts.tools {
		fns[i] = t.Function
	}
	desc, _ := openaiwire.Marshal(fns)
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

// callJSON writes a call as the models read it: {"name": "f", "arguments": {...}}.
func callJSON(c openaiwire.ToolCall) string {
	args := c.Function.Arguments
	if !json.Valid([]byte(args)) {
		b, _ := json.Marshal(args)
		args = string(b)
	}
	return fmt.Sprintf(`{"name": %q, "arguments": %s}`, c.Function.Name, args)
}

// toMessages converts API messages to template messages: tool calls and tool results become text the model can
// read (in the tool format it was trained on), and the tool descriptions join the system prompt.
func toMessages(in []openaiwire.ChatMessage, ts *toolSet, jsonMode bool, format toolFormat) []local.Message {
	callNames := map[string]string{}
	out := make([]local.Message, 0, len(in)+1)
	for _, m := range in {
		text := m.Content.Text
		role := m.Role
		switch m.Role {
		case "assistant":
			if len(m.ToolCalls) > 0 {
				var calls []string
				for _, c := range m.ToolCalls {
					callNames[c.ID] = c.Function.Name
					if format == hermesTools {
						calls = append(calls, "<tool_call>\n"+callJSON(c)+"\n</tool_call>")
					} else {
						calls = append(calls, callJSON(c))
					}
				}
				text = strings.TrimSpace(text + "\n" + strings.Join(calls, "\n"))
			}
		case "tool", "function":
			if format == hermesTools {
				// Results go back in a user turn, one <tool_response> each; consecutive results share the turn.
				text = "<tool_response>\n" + text + "\n</tool_response>"
				role = "user"
				if n := len(out); n > 0 && out[n-1].Role == "user" && strings.HasPrefix(out[n-1].Content, "<tool_response>") {
					out[n-1].Content += "\n" + text
					continue
				}
				break
			}
			name := callNames[m.ToolCallID]
			if name == "" {
				name = m.Name
			}
			if name == "" {
				name = "the function"
			}
			text = fmt.Sprintf("%s returned: %s", name, text)
		}
		out = append(out, local.Message{Role: role, Content: text})
	}
	var extra []string
	if ts != nil {
		extra = append(extra, toolPrompt(ts, format))
	}
	if jsonMode {
		extra = append(extra, "Reply with a JSON object only.")
	}
	if len(extra) > 0 {
		add := strings.Join(extra, "\n\n")
		if len(out) > 0 && (out[0].Role == "system" || out[0].Role == "developer") {
			out[0].Content = strings.TrimSpace(out[0].Content + "\n\n" + add)
		} else {
			if format == hermesTools && ts != nil {
				add = "You are a helpful assistant.\n\n" + add
			}
			out = append([]local.Message{{Role: "system", Content: add}}, out...)
		}
	}
	return out
}

// parseReply splits a model's reply into its text and its tool calls (nil when it makes none).
//
// A reply with <tool_call>…</tool_call> blocks (the Hermes and Qwen format) makes one call a block (a block may
// hold several, one JSON object a line, or an array), and the text around the blocks stays the content; a
// reply that is nothing but JSON function calls makes those calls. A model's text is untrusted: when a call
// is not valid JSON, names a function that was not offered, or a block is left open with no call in it, the
// whole reply is returned as plain content, so the client sees what the model wrote, never a broken call.
func parseReply(text string, ts *toolSet) (string, []openaiwire.ToolCall) {
	if ts == nil {
		return text, nil
	}
	const openTag, closeTag = "<tool_call>", "</tool_call>"
	if !strings.Contains(text, openTag) {
		if calls := decodeCalls(text, ts); calls != nil {
			return "", calls
		}
		return text, nil
	}
	var content strings.Builder
	var calls []openaiwire.ToolCall
	for rest := text; rest != ""; {
		i := strings.Index(rest, openTag)
		if i < 0 {
			content.WriteString(rest)
			break
		}
		content.WriteString(rest[:i])
		rest = rest[i+len(openTag):]
		body := rest
		if j := strings.Index(rest, closeTag); j >= 0 {
			body, rest = rest[:j], rest[j+len(closeTag):]
		} else {
			rest = "" // left open at the end of the reply: a call only if the rest is one
		}
		c := decodeCalls(body, ts)
		if c == nil {
			return text, nil
		}
		calls = append(calls, c...)
	}
	return strings.TrimSpace(content.String()), calls
}

// decodeCalls returns the calls in a text that is a JSON function call (or several, one a line, or an array,
// possibly in a Markdown code fence), and nil for any other text.
func decodeCalls(text string, ts *toolSet) []openaiwire.ToolCall {
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
