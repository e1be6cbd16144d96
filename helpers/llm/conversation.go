package llm

import (
	"context"
	"fmt"
	"github.com/golm-dev/golm/helpers/internal/options"
	"html"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// Conversation is a multi-turn chat: it keeps the messages exchanged, so every question is asked with the
// whole history, and totals the tokens and cost of its calls. It is not safe for concurrent use.
type Conversation struct {
	// Messages is the history, system prompt first; it may be edited between calls.
	Messages []openai.ChatCompletionMessage
	// Options apply to every call.
	Options ChatOptions
	// Calls, PromptTokens, CompletionTokens and Cost total the conversation's calls.
	Calls            int
	PromptTokens     int
	CompletionTokens int
	Cost             Cost

	client *Client
}

// NewConversation starts a conversation with a system prompt (none when system is empty).
func (c *Client) NewConversation(system string) *Conversation {
	cv := &Conversation{client: c}
	if system != "" {
		cv.Messages = append(cv.Messages, System(system))
	}
	return cv
}

// Add appends a message to the history without sending anything.
func (cv *Conversation) Add(m openai.ChatCompletionMessage) { cv.Messages = append(cv.Messages, m) }

// Reply sends the history as it is and appends the model's reply to it. Options are optional and override
// the conversation's Options for this call.
func (cv *Conversation) Reply(ctx context.Context, opts ...ChatOptions) (*Reply, error) {
	o, err := cv.options(opts)
	if err != nil {
		return nil, err
	}
	r, err := cv.client.Chat(ctx, cv.Messages, o)
	if err != nil {
		return nil, err
	}
	cv.account(r)
	return r, nil
}

// options returns the options of one call: the conversation's, or the ones given.
func (cv *Conversation) options(opts []ChatOptions) (ChatOptions, error) {
	if len(opts) == 0 {
		return cv.Options, nil
	}
	return options.One("llm: Conversation", opts)
}

func (cv *Conversation) account(r *Reply) {
	cv.Messages = append(cv.Messages, r.Message)
	cv.Calls++
	cv.PromptTokens += r.Usage.PromptTokens
	cv.CompletionTokens += r.Usage.CompletionTokens
	if cv.Calls == 1 {
		cv.Cost = r.Cost
	} else {
		cv.Cost = cv.Cost.Add(r.Cost)
	}
}

// Ask adds a user message, sends the history and returns the answer's text, which joins the history.
// Options are optional and override the conversation's Options for this call (Stream: true shows the answer
// live). If the call fails, the user message is taken back out, so that Ask can simply be called again; a
// stream that ends early adds nothing to the history and returns the partial text with its error.
func (cv *Conversation) Ask(ctx context.Context, question string, opts ...ChatOptions) (string, error) {
	o, err := cv.options(opts)
	if err != nil {
		return "", err
	}
	n := len(cv.Messages)
	cv.Add(User(question))
	r, err := cv.client.Chat(ctx, cv.Messages, o)
	if err != nil {
		cv.Messages = cv.Messages[:n]
		if r != nil {
			return r.Text, err
		}
		return "", err
	}
	cv.account(r)
	return r.Text, nil
}

// Last returns the text of the last message, usually the latest answer.
func (cv *Conversation) Last() string {
	if len(cv.Messages) == 0 {
		return ""
	}
	return cv.Messages[len(cv.Messages)-1].Content
}

// Reset forgets everything but the system prompt, and the totals.
func (cv *Conversation) Reset() {
	var keep []openai.ChatCompletionMessage
	if len(cv.Messages) > 0 && cv.Messages[0].Role == openai.ChatMessageRoleSystem {
		keep = append(keep, cv.Messages[0])
	}
	cv.Messages = keep
	cv.Calls, cv.PromptTokens, cv.CompletionTokens, cv.Cost = 0, 0, 0, Cost{}
}

// String returns the transcript as text, one "role: content" paragraph per message, then the totals.
func (cv *Conversation) String() string {
	var b strings.Builder
	for _, m := range cv.Messages {
		fmt.Fprintf(&b, "%s: %s\n", m.Role, messageText(m))
	}
	fmt.Fprintf(&b, "(%d calls, %d tokens in, %d out, %s)", cv.Calls, cv.PromptTokens, cv.CompletionTokens, cv.Cost)
	return b.String()
}

// HTML renders the transcript for a notebook: one block per message, then the totals.
func (cv *Conversation) HTML() string {
	var b strings.Builder
	b.WriteString(`<div style="font-family:sans-serif">`)
	for _, m := range cv.Messages {
		bg := map[string]string{"system": "#f3f0ff", "user": "#eef6ff", "assistant": "#f4f4f4", "tool": "#fff8e6"}[m.Role]
		fmt.Fprintf(&b, `<div style="background:%s;padding:4px 8px;margin:2px 0;border-radius:4px">`+
			`<b>%s</b>: <span style="white-space:pre-wrap">%s</span></div>`, orDefault(bg, "#fff"),
			html.EscapeString(m.Role), html.EscapeString(messageText(m)))
	}
	fmt.Fprintf(&b, `<div style="color:#666;font-size:smaller">%d calls, %d tokens in, %d out, %s</div></div>`,
		cv.Calls, cv.PromptTokens, cv.CompletionTokens, html.EscapeString(cv.Cost.String()))
	return b.String()
}

// messageText is a message's content, or a description of its tool calls.
func messageText(m openai.ChatCompletionMessage) string {
	if m.Content != "" || len(m.ToolCalls) == 0 {
		return m.Content
	}
	calls := make([]string, len(m.ToolCalls))
	for i, tc := range m.ToolCalls {
		calls[i] = fmt.Sprintf("%s(%s)", tc.Function.Name, tc.Function.Arguments)
	}
	return "[calls " + strings.Join(calls, ", ") + "]"
}
