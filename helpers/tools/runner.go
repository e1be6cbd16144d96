package tools

import (
	"context"
	"errors"
	"fmt"
	"github.com/golm-dev/golm/helpers/internal/options"
	"html"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/golm-dev/golm/helpers/display"
)

// Chatter sends a chat completion request to a model. The golm client, *llm.Client, and go-openai's
// *openai.Client both satisfy it; ChatFunc turns any function of the same shape into one.
type Chatter interface {
	CreateChatCompletion(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error)
}

// ChatFunc adapts a function to Chatter, for example a scripted model in a test.
type ChatFunc func(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error)

// CreateChatCompletion calls f.
func (f ChatFunc) CreateChatCompletion(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
	return f(ctx, req)
}

// FromOpenAI adapts a go-openai client to Chatter.
//
// Deprecated: an *openai.Client is a Chatter as it is.
func FromOpenAI(c *openai.Client) Chatter { return c }

// DefaultMaxSteps is the step limit of a Runner whose MaxSteps is zero.
const DefaultMaxSteps = 10

// Runner runs the function-calling loop: it sends the conversation and the toolbox's tools to the model,
// runs the tool calls the model asks for (only tools in the toolbox), sends the results back in "tool"
// messages, and repeats until the model answers without calling a tool or the step limit is reached.
//
// Make one with NewRunner and set the fields you need before calling Run.
type Runner struct {
	// Client sends the requests.
	Client Chatter
	// Tools is the allow-list of functions the model may call.
	Tools *Toolbox
	// MaxSteps is the most requests sent to the model in one Run (DefaultMaxSteps when zero).
	MaxSteps int
	// OnStep, when set, is called after each step, with the model's reply and the calls it made; a panic in it
	// ends the run with an error.
	OnStep func(Step)
	// Stream shows each step live as it happens (with display.Show: HTML in a notebook, text in a program).
	Stream bool
	// Show is the old name of Stream.
	//
	// Deprecated: use Stream.
	Show bool
}

// NewRunner returns a runner that calls the model through client with the tools of box.
func NewRunner(client Chatter, box *Toolbox) *Runner {
	return &Runner{Client: client, Tools: box}
}

// SetOnStep sets the function called after each step and returns the runner. It does what assigning OnStep
// does, for notebook cells.
func (r *Runner) SetOnStep(f func(Step)) *Runner {
	r.OnStep = f
	return r
}

// AskOptions are the settings of Runner.Ask. The zero value means the client's default model and no system
// prompt.
type AskOptions struct {
	// Model is the model; empty means the client's default (for *llm.Client; go-openai's client needs one).
	Model string
	// System is a system prompt, for example "You must use the sums function to answer."
	System string
}

// Ask runs the loop for one question and returns the transcript; its Answer is the model's final text.
// Options are optional.
//
//	tr, err := runner.Ask(ctx, "What is 6+3?", tools.AskOptions{System: "You must use the sums function."})
func (r *Runner) Ask(ctx context.Context, question string, opts ...AskOptions) (*Transcript, error) {
	o, err := options.One("tools: Runner.Ask", opts)
	if err != nil {
		return &Transcript{}, err
	}
	var msgs []openai.ChatCompletionMessage
	if o.System != "" {
		msgs = append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleSystem, Content: o.System})
	}
	msgs = append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: question})
	return r.Run(ctx, openai.ChatCompletionRequest{Model: o.Model, Messages: msgs})
}

// Run sends req to the model and runs the tool calls it asks for until it gives a final answer. When
// req.Tools is empty the toolbox's tools are sent. The transcript is returned even with an error, holding the
// steps that were taken: the model's errors are returned wrapped; ErrStepLimit when the model is still calling
// tools after MaxSteps requests; the context's error when it ends. Tool failures are not errors of Run: they
// go back to the model, which may try again.
func (r *Runner) Run(ctx context.Context, req openai.ChatCompletionRequest) (*Transcript, error) {
	if ctx == nil {
		ctx = context.Background() // a nil context from a notebook cell is forgiven
	}
	tr := &Transcript{Messages: append([]openai.ChatCompletionMessage(nil), req.Messages...)}
	if r.Client == nil {
		return tr, errors.New("tools: the runner has no client")
	}
	box := r.Tools
	if box == nil {
		box = &Toolbox{}
	}
	if len(req.Tools) == 0 && box.Len() > 0 {
		req.Tools = box.OpenAI()
	}
	maxSteps := r.MaxSteps
	if maxSteps <= 0 {
		maxSteps = DefaultMaxSteps
	}
	for n := 1; n <= maxSteps; n++ {
		if err := ctx.Err(); err != nil {
			return tr, fmt.Errorf("tools: step %d: %w", n, err)
		}
		req.Messages = tr.Messages
		resp, err := r.Client.CreateChatCompletion(ctx, req)
		if err != nil {
			return tr, fmt.Errorf("tools: step %d: asking the model: %w", n, err)
		}
		addUsage(&tr.Usage, resp.Usage)
		if len(resp.Choices) == 0 {
			return tr, fmt.Errorf("tools: step %d: the model's reply has no choices", n)
		}
		choice := resp.Choices[0]
		reply := choice.Message
		if reply.Role == "" {
			reply.Role = openai.ChatMessageRoleAssistant
		}
		tr.Messages = append(tr.Messages, reply)
		step := Step{N: n, Reply: reply, FinishReason: choice.FinishReason, Usage: resp.Usage}
		for _, tc := range reply.ToolCalls {
			c := box.Invoke(ctx, tc)
			step.Calls = append(step.Calls, c)
			tr.Messages = append(tr.Messages, c.Message())
		}
		tr.Steps = append(tr.Steps, step)
		if err := r.report(step); err != nil {
			return tr, err
		}
		if len(reply.ToolCalls) == 0 {
			tr.Answer = reply.Content
			return tr, nil
		}
	}
	return tr, fmt.Errorf("tools: %w: the model was still calling tools after %d requests", ErrStepLimit, maxSteps)
}

// report shows the step and calls OnStep; a panic in OnStep ends the run with an error.
func (r *Runner) report(s Step) (err error) {
	if r.Stream || r.Show {
		_ = display.Show(s) // showing is best effort; the transcript keeps everything
	}
	if r.OnStep != nil {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("tools: step %d: OnStep panicked: %v", s.N, p)
			}
		}()
		r.OnStep(s)
	}
	return nil
}

func addUsage(total *openai.Usage, u openai.Usage) {
	total.PromptTokens += u.PromptTokens
	total.CompletionTokens += u.CompletionTokens
	total.TotalTokens += u.TotalTokens
}

// Step is one request to the model and what followed: the model's reply and the tool calls it asked for,
// with their results.
type Step struct {
	// N counts the steps of a Run from 1.
	N int
	// Reply is the model's message.
	Reply openai.ChatCompletionMessage
	// FinishReason is why the model stopped ("tool_calls", "stop", "length", ...).
	FinishReason openai.FinishReason
	// Calls are the tool calls of the reply, in order, with their results.
	Calls []Call
	// Usage is the tokens of this request.
	Usage openai.Usage
}

// Final reports whether the step is the model's answer (a reply without tool calls).
func (s Step) Final() bool { return len(s.Reply.ToolCalls) == 0 }

// String shows the step: "model asked sums({"a":6,"b":3}) → 9", or "answer: ...".
func (s Step) String() string {
	var b strings.Builder
	if s.Reply.Content != "" && !s.Final() {
		fmt.Fprintf(&b, "model said: %s\n", s.Reply.Content)
	}
	for _, c := range s.Calls {
		fmt.Fprintf(&b, "model asked %s\n", c)
	}
	if s.Final() {
		fmt.Fprintf(&b, "answer: %s\n", s.Reply.Content)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// HTML shows the step as a short list.
func (s Step) HTML() string {
	var b strings.Builder
	b.WriteString(`<div style="margin:2px 0">`)
	if s.Reply.Content != "" && !s.Final() {
		b.WriteString(`<div>💬 ` + html.EscapeString(s.Reply.Content) + `</div>`)
	}
	for _, c := range s.Calls {
		b.WriteString(`<div>🔧 model asked ` + c.HTML() + `</div>`)
	}
	if s.Final() {
		b.WriteString(`<div>✅ <strong>answer:</strong> <span style="white-space:pre-wrap">` + html.EscapeString(s.Reply.Content) + `</span></div>`)
	}
	b.WriteString(`</div>`)
	return b.String()
}

// Transcript is what happened in a Run: the whole conversation, the steps, the final answer and the tokens
// used. Append a user message to Messages and pass them to Run again to continue the conversation.
type Transcript struct {
	// Messages is the conversation: the request's messages, then every reply and tool result.
	Messages []openai.ChatCompletionMessage
	// Steps are the requests made, in order.
	Steps []Step
	// Answer is the final reply's text ("" when the run ended without one).
	Answer string
	// Usage adds up the tokens of all steps.
	Usage openai.Usage
}

// Calls returns every tool call of the run, in order.
func (t *Transcript) Calls() []Call {
	var out []Call
	for _, s := range t.Steps {
		out = append(out, s.Calls...)
	}
	return out
}

// String shows the run step by step.
func (t *Transcript) String() string {
	var b strings.Builder
	for _, s := range t.Steps {
		b.WriteString(s.String() + "\n")
	}
	if len(t.Steps) > 0 && !t.Steps[len(t.Steps)-1].Final() {
		b.WriteString("(no final answer)\n")
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// HTML shows the run step by step.
func (t *Transcript) HTML() string {
	var b strings.Builder
	b.WriteString(`<div>`)
	for _, s := range t.Steps {
		b.WriteString(s.HTML())
	}
	if len(t.Steps) > 0 && !t.Steps[len(t.Steps)-1].Final() {
		b.WriteString(`<div><em>(no final answer)</em></div>`)
	}
	fmt.Fprintf(&b, `<div style="color:#777;font-size:smaller">%d step(s), %d tokens in, %d out</div></div>`,
		len(t.Steps), t.Usage.PromptTokens, t.Usage.CompletionTokens)
	return b.String()
}
