package llm

import (
	"context"
	"fmt"
	"github.com/golm-dev/golm/helpers/internal/options"
	"io"
	"math"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// ZeroTemperature asks for a temperature of exactly zero. A Temperature of 0 in ChatOptions (and in
// go-openai's requests) means "not set": the server's default, usually 1. Servers treat this tiny value
// as zero.
const ZeroTemperature float32 = math.SmallestNonzeroFloat32

// System returns a system message: instructions that shape every answer.
func System(content string) openai.ChatCompletionMessage {
	return openai.ChatCompletionMessage{Role: openai.ChatMessageRoleSystem, Content: content}
}

// User returns a user message.
func User(content string) openai.ChatCompletionMessage {
	return openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: content}
}

// Assistant returns an assistant message, for example a previous answer in a conversation.
func Assistant(content string) openai.ChatCompletionMessage {
	return openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: content}
}

// ToolResult returns a tool message carrying the result of the tool call with the given id.
func ToolResult(callID, content string) openai.ChatCompletionMessage {
	return openai.ChatCompletionMessage{Role: openai.ChatMessageRoleTool, ToolCallID: callID, Content: content}
}

// Messages returns the messages of a question with an optional system prompt: System(system) when system
// is not empty, then User(user).
func Messages(user, system string) []openai.ChatCompletionMessage {
	var msgs []openai.ChatCompletionMessage
	if system != "" {
		msgs = append(msgs, System(system))
	}
	return append(msgs, User(user))
}

// ChatOptions are the settings of Ask, Chat, Complete and a Conversation: the last, optional argument of
// each. The zero value means the client's default model, no system prompt, no streaming and the server's
// defaults for the rest.
type ChatOptions struct {
	// Model is the model; empty means the client's default (DefaultModel, or DefaultCompletionModel for
	// Complete).
	Model string
	// System is a system prompt: instructions that shape the answer. It is sent first, before the
	// messages, unless they already begin with a system message. Complete has no roles and ignores it.
	System string
	// Stream shows the answer live as it arrives: in a notebook as Markdown (plain text for Complete),
	// updated about ten times a second; on a terminal, written to standard output. The call still returns
	// the whole answer.
	Stream bool
	// StreamTo, when not nil, receives each piece of the answer as it arrives instead of the live display
	// (setting it implies Stream). It must be a compiled writer such as os.Stdout, a *strings.Builder, a
	// *bytes.Buffer or a file: the interpreter cannot keep a writer type declared in a cell in this field.
	StreamTo io.Writer
	// Temperature is the sampling temperature (0 to 2); 0 means the server's default: use ZeroTemperature
	// for a temperature of zero.
	Temperature float32
	// TopP is nucleus sampling's probability mass; 0 means the server's default.
	TopP float32
	// MaxTokens limits the length of the answer; 0 means no limit. It is sent as max_completion_tokens to
	// reasoning models (o1, o3, o4, gpt-5), which reject max_tokens, and as max_tokens to the others.
	MaxTokens int
	// Stop lists sequences at which the answer stops.
	Stop []string
	// Seed asks for reproducible sampling where supported; 0 means none.
	Seed int
	// LogProbs asks for the log-probability of every token of the answer (see Reply.LogProbs).
	LogProbs bool
	// TopLogProbs asks for that many most likely alternatives at each position (0 to 20); it implies
	// LogProbs.
	TopLogProbs int
	// JSON asks for an answer that is a JSON object (response_format json_object); the prompt must
	// mention JSON.
	JSON bool
	// ReasoningEffort sets how long a reasoning model thinks before answering: "none", "low", "medium",
	// "high", "xhigh" or "max", depending on the model (see openai.ReasoningEffort*); empty means the
	// model's default. GPT-6 models take Temperature, TopP, log-probabilities and tools only with "none":
	// when you ask for those and leave ReasoningEffort empty, golm sends "none" to the models that accept
	// it (see CreateChatCompletion).
	ReasoningEffort string
	// Schema asks for Structured Outputs: an answer that is JSON matching the type of this Go value (a struct,
	// or a pointer to one), its schema built as for tools and sent with "strict": true. Decode the answer
	// with Reply.Decode:
	//
	//	var r Recipe
	//	reply, err := client.Chat(ctx, llm.Messages("A pancake recipe", ""), llm.ChatOptions{Schema: r})
	//	err = reply.Decode(&r)
	Schema any
	// API chooses the OpenAI API: ChatCompletions (the default, which every compatible server speaks) or
	// Responses (OpenAI's recommended API for new work; it has no Stop and golm reads no log-probabilities
	// from it).
	API API
}

// isReasoningModel reports whether a model takes max_completion_tokens instead of max_tokens.
func isReasoningModel(model string) bool {
	m := strings.ToLower(model)
	for _, p := range []string{"o1", "o3", "o4", "gpt-5", "gpt-6"} {
		if strings.HasPrefix(m, p) {
			return true
		}
	}
	return false
}

// Request builds the chat completion request that Chat would send.
func (c *Client) Request(messages []openai.ChatCompletionMessage, given ...ChatOptions) openai.ChatCompletionRequest {
	opts, _ := options.One("llm: Request", given) // Chat reports extra options
	if opts.System != "" && (len(messages) == 0 || messages[0].Role != openai.ChatMessageRoleSystem) {
		messages = append([]openai.ChatCompletionMessage{System(opts.System)}, messages...)
	}
	req := openai.ChatCompletionRequest{
		Model:       orDefault(opts.Model, c.model),
		Messages:    append([]openai.ChatCompletionMessage(nil), messages...),
		Temperature: opts.Temperature,
		TopP:        opts.TopP,
		Stop:        opts.Stop,
	}
	if opts.MaxTokens > 0 {
		if isReasoningModel(req.Model) {
			req.MaxCompletionTokens = opts.MaxTokens
		} else {
			req.MaxTokens = opts.MaxTokens
		}
	}
	if opts.Seed != 0 {
		seed := opts.Seed
		req.Seed = &seed
	}
	if opts.LogProbs || opts.TopLogProbs > 0 {
		req.LogProbs = true
		req.TopLogProbs = min(max(opts.TopLogProbs, 0), 20)
	}
	if opts.JSON {
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONObject}
	}
	if f, err := schemaFormat(opts.Schema); err == nil && f != nil { // Chat reports a bad schema
		req.ResponseFormat = &openai.ChatCompletionResponseFormat{Type: openai.ChatCompletionResponseFormatTypeJSONSchema,
			JSONSchema: f}
	}
	req.ReasoningEffort = opts.ReasoningEffort
	return fitReasoning(req)
}

// Reply is an answer with its accounting.
type Reply struct {
	// Text is the answer's text.
	Text string
	// Message is the whole assistant message (with tool calls, if any): append it to a conversation.
	Message openai.ChatCompletionMessage
	// FinishReason says why the answer ended: "stop", "length" (MaxTokens reached), "tool_calls", ...
	FinishReason string
	// Model is the model that answered, as the server names it.
	Model string
	// Usage counts the tokens of the prompt and of the answer.
	Usage openai.Usage
	// Cost is what the call cost, from the client's price table.
	Cost Cost
	// Duration is how long the call took.
	Duration time.Duration
	// LogProbs holds the tokens of the answer and their probabilities when they were asked for, else nil.
	LogProbs *LogProbs
	// Response is the raw Chat Completions response (assembled from the chunks, for a stream).
	Response openai.ChatCompletionResponse
	// Responses is the raw Responses API response when the call used that API (ChatOptions.API), else nil.
	Responses *openai.CreateResponseResponse
}

// String returns the text of the answer.
func (r *Reply) String() string {
	if r == nil {
		return ""
	}
	return r.Text
}

// Markdown returns the text of the answer, so that a notebook renders it as Markdown.
func (r *Reply) Markdown() string { return r.String() }

// Info summarises the call: "gpt-4o-mini: 12 tokens in, 40 out, $0.000026 (0.00258¢), 0.8s".
func (r *Reply) Info() string {
	if r == nil {
		return ""
	}
	return fmt.Sprintf("%s: %d tokens in, %d out, %s, %s", r.Model, r.Usage.PromptTokens,
		r.Usage.CompletionTokens, r.Cost, r.Duration.Round(100*time.Millisecond))
}

// newReply makes a Reply from a response's first choice.
func (c *Client) newReply(resp openai.ChatCompletionResponse, model string, d time.Duration) *Reply {
	r := &Reply{Model: orDefault(resp.Model, model), Usage: resp.Usage, Duration: d, Response: resp}
	r.Cost = c.prices.Cost(r.Model, r.Usage)
	if len(resp.Choices) > 0 {
		ch := resp.Choices[0]
		r.Message = ch.Message
		r.Text = ch.Message.Content
		r.FinishReason = string(ch.FinishReason)
		if ch.LogProbs != nil {
			r.LogProbs = logProbsFromChat(ch.LogProbs.Content)
		}
	}
	return r
}

// Chat sends a conversation (the messages, oldest first) and returns the model's reply with its
// accounting. Options are optional: ChatOptions{Model: ..., System: ..., Stream: true, ...}.
//
//	reply, err := client.Chat(ctx, []openai.ChatCompletionMessage{llm.User("What is money?")})
func (c *Client) Chat(ctx context.Context, messages []openai.ChatCompletionMessage, opts ...ChatOptions) (*Reply, error) {
	o, err := options.One("llm: Chat", opts)
	if err != nil {
		return nil, err
	}
	switch o.API {
	case "", ChatCompletions:
	case Responses:
		return c.chatResponses(ctx, messages, o)
	default:
		return nil, fmt.Errorf("llm: unknown API %q: use llm.ChatCompletions or llm.Responses", o.API)
	}
	if _, err := schemaFormat(o.Schema); err != nil {
		return nil, err
	}
	req := c.Request(messages, o)
	if o.Stream || o.StreamTo != nil {
		return c.streamChat(ctx, req, o.StreamTo)
	}
	start := time.Now()
	resp, err := c.CreateChatCompletion(ctx, req)
	if err != nil {
		return nil, err
	}
	return c.newReply(resp, req.Model, time.Since(start)), nil
}

// Ask sends one question to the model and returns the answer's text: the one-line helper for notebook
// cells. Options are optional; System sets a system prompt and Stream shows the answer live.
//
//	answer, err := client.Ask(ctx, "What is money?")
//	answer, err = client.Ask(ctx, "What is money?", llm.ChatOptions{
//		System: "You are an Aussie LLM that uses Aussie slang and analogies whenever possible.",
//		Stream: true,
//	})
func (c *Client) Ask(ctx context.Context, question string, opts ...ChatOptions) (string, error) {
	r, err := c.Chat(ctx, []openai.ChatCompletionMessage{User(question)}, opts...)
	if r == nil {
		return "", err
	}
	return r.Text, err
}

// noneEffortModels are the reasoning models that accept reasoning_effort "none", and with it sampling
// controls, log-probabilities and tools on Chat Completions (OpenAI's GPT-6 deployment checklist, read
// 2026-12-05).
var noneEffortModels = map[string]bool{openai.GPT6Luna: true, openai.GPT6Sol: true, "gpt-6.1-terra": true}

// fitReasoning returns req with reasoning_effort "none" when it asks a model that accepts it for what only
// "none" allows (temperature, top_p, log-probabilities, tools) and names no effort itself. Any other
// request is returned as it is.
func fitReasoning(req openai.ChatCompletionRequest) openai.ChatCompletionRequest {
	if req.ReasoningEffort == "" && needsNoneEffort(req.Model, req.Temperature != 0 || req.TopP != 0 ||
		req.LogProbs || req.TopLogProbs != 0 || len(req.Tools) > 0 || len(req.Functions) > 0) {
		req.ReasoningEffort = openai.ReasoningEffortNone
	}
	return req
}

// needsNoneEffort reports whether a request to model that asks for what only reasoning effort "none" allows
// (asks) should be sent with "none": the rule of fitReasoning, for both APIs.
func needsNoneEffort(model string, asks bool) bool {
	return asks && noneEffortModels[model]
}
