package tools

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"
)

// Toolbox is the allow-list of functions a model may call: only tools added to it are offered to the model and
// only they run. The zero Toolbox is empty and ready to use; a Toolbox is safe for concurrent use.
type Toolbox struct {
	mu    sync.RWMutex
	tools []*Tool
}

// NewToolbox returns an empty toolbox.
func NewToolbox() *Toolbox { return &Toolbox{} }

// Add puts a tool in the toolbox. A name already taken is an error.
func (b *Toolbox) Add(t *Tool) error {
	if t == nil {
		return fmt.Errorf("tools: adding a nil tool")
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, old := range b.tools {
		if old.name == t.name {
			return fmt.Errorf("tools: a tool named %q is already in the toolbox", t.name)
		}
	}
	b.tools = append(b.tools, t)
	return nil
}

// Register makes a tool from a function with New and adds it.
func (b *Toolbox) Register(name, description string, fn any) (*Tool, error) {
	t, err := New(name, description, fn)
	if err != nil {
		return nil, err
	}
	if err := b.Add(t); err != nil {
		return nil, err
	}
	return t, nil
}

// Remove takes the named tool out of the toolbox and reports whether it was there.
func (b *Toolbox) Remove(name string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, t := range b.tools {
		if t.name == name {
			b.tools = append(b.tools[:i:i], b.tools[i+1:]...)
			return true
		}
	}
	return false
}

// Lookup returns the named tool, or nil when the toolbox has none by that name.
func (b *Toolbox) Lookup(name string) *Tool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	for _, t := range b.tools {
		if t.name == name {
			return t
		}
	}
	return nil
}

// Tools returns the tools in the order they were added.
func (b *Toolbox) Tools() []*Tool {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return append([]*Tool(nil), b.tools...)
}

// Names returns the names of the tools in the order they were added.
func (b *Toolbox) Names() []string {
	ts := b.Tools()
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.name
	}
	return names
}

// Len returns the number of tools.
func (b *Toolbox) Len() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.tools)
}

// OpenAI returns the tools as go-openai sends them in ChatCompletionRequest.Tools.
func (b *Toolbox) OpenAI() []openai.Tool {
	ts := b.Tools()
	out := make([]openai.Tool, len(ts))
	for i, t := range ts {
		out[i] = t.OpenAI()
	}
	return out
}

// Invoke runs one tool call that the model asked for, if the tool is in the toolbox, and returns what came
// of it. It never panics: an unknown tool, bad arguments, an error from the function or a panic in it are
// reported in the Call's Err, and its Content tells the model what went wrong.
func (b *Toolbox) Invoke(ctx context.Context, tc openai.ToolCall) Call {
	c := Call{ID: tc.ID, Name: tc.Function.Name, Arguments: tc.Function.Arguments}
	start := time.Now()
	switch {
	case tc.Type != "" && tc.Type != openai.ToolTypeFunction:
		c.Err = fmt.Errorf("tools: %w: calls of type %q are not supported, only functions", ErrUnknownTool, tc.Type)
	default:
		t := b.Lookup(tc.Function.Name)
		if t == nil {
			c.Err = fmt.Errorf("tools: %w %q; the tools are %s", ErrUnknownTool, tc.Function.Name, quoteList(b.Names()))
			break
		}
		c.Result, c.Err = t.Call(ctx, tc.Function.Arguments)
		c.hasResult = t.resultIdx >= 0
	}
	c.Duration = time.Since(start)
	c.Content = c.content()
	return c
}

// Call is one tool call that the model asked for and what came of it.
type Call struct {
	// ID is the tool call id the model gave, which the result message quotes.
	ID string
	// Name is the function the model asked for.
	Name string
	// Arguments is the JSON the model sent.
	Arguments string
	// Result is the function's result (nil when it failed or returns none).
	Result any
	// Err says what went wrong: an unknown tool, bad arguments, the function's error or a panic.
	Err error
	// Content is the text sent back to the model: the result (a string as it is, anything else as JSON),
	// or "error: " and the error's message.
	Content string
	// Duration is how long the call took.
	Duration time.Duration

	hasResult bool
}

func (c *Call) content() string {
	if c.Err != nil {
		return "error: " + c.Err.Error()
	}
	if !c.hasResult {
		return "ok"
	}
	return ResultText(c.Result)
}

// ResultText is how a tool's result is written for the model: a string as it is, an error by its message,
// anything else as JSON (or with fmt when it has no JSON form).
func ResultText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case error:
		return x.Error()
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// Message returns the message that carries the result back to the model: role "tool" with the call's id.
func (c Call) Message() openai.ChatCompletionMessage {
	content := c.Content
	if content == "" {
		content = c.content()
	}
	return openai.ChatCompletionMessage{Role: openai.ChatMessageRoleTool, ToolCallID: c.ID, Name: c.Name, Content: content}
}

// String shows the call the way a lesson reads it: sums({"a":6,"b":3}) → 9.
func (c Call) String() string {
	content := c.Content
	if content == "" {
		content = c.content()
	}
	return fmt.Sprintf("%s(%s) → %s", c.Name, compactJSON(c.Arguments), shorten(content, 500))
}

// HTML shows the call with the arguments and the result as code.
func (c Call) HTML() string {
	content := c.Content
	if content == "" {
		content = c.content()
	}
	color := "inherit"
	if c.Err != nil {
		color = "#b00020"
	}
	return fmt.Sprintf(`<code>%s(%s)</code> → <code style="color:%s;white-space:pre-wrap">%s</code>`,
		html.EscapeString(c.Name), html.EscapeString(compactJSON(c.Arguments)), color,
		html.EscapeString(shorten(content, 2000)))
}

// String lists the tools with their Go signatures and JSON definitions.
func (b *Toolbox) String() string {
	ts := b.Tools()
	if len(ts) == 0 {
		return "empty toolbox"
	}
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = t.String()
	}
	return strings.Join(parts, "\n\n")
}

// HTML shows every tool as Tool.HTML does.
func (b *Toolbox) HTML() string {
	ts := b.Tools()
	if len(ts) == 0 {
		return "<em>empty toolbox</em>"
	}
	var sb strings.Builder
	for _, t := range ts {
		sb.WriteString(`<div style="margin-bottom:8px"><strong>` + html.EscapeString(t.name) + `</strong>` + t.HTML() + `</div>`)
	}
	return sb.String()
}

func quoteList(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// compactJSON removes the insignificant spaces of valid JSON and leaves anything else as it is.
func compactJSON(s string) string {
	var buf bytes.Buffer
	if err := json.Compact(&buf, []byte(s)); err != nil {
		return s
	}
	return buf.String()
}

func shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… (%d bytes more)", len(s)-cut)
}
