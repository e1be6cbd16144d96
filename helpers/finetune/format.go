// Package finetune prepares fine-tuning data and runs hosted fine-tuning jobs: examples as chat messages
// (the JSON Lines that OpenAI's fine-tuning API and the providers that copy it take) or as the prompt and
// completion text a local model trains on, validation, token counts and a cost estimate, and a job followed
// live to its fine-tuned model.
//
//	examples, err := finetune.FromDataset(ds)            // context, question, answer → chat examples
//	check := finetune.Validate(examples)                 // roles, empty turns, length
//	est := finetune.Estimate(examples, finetune.EstimateOptions{Model: "gpt-4.1-mini"})
//	job, err := finetune.Run(ctx, client, examples, finetune.JobOptions{Model: "gpt-4.1-mini", Live: true})
//
// Local training (llama.cpp) is local.Model.Train; Example.Prompt and Example.Completion give its input.
package finetune

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/golm-dev/golm/helpers/dataset"
)

// DefaultSystem is the system line of the talk's text-to-SQL prompt.
const DefaultSystem = "Use the following contextual information to concisely answer the question."

// Message is one turn of a chat example.
type Message struct {
	Role    string `json:"role"` // "system", "user" or "assistant"
	Content string `json:"content"`
}

// Example is one training example: a conversation whose last assistant turn is what the model learns to
// write. Its JSON is one line of a chat fine-tuning file: {"messages": [...]}.
type Example struct {
	Messages []Message `json:"messages"`
}

// FormatOptions configures FromDataset. The zero value makes the talk's text-to-SQL examples from the
// columns context, question and answer.
type FormatOptions struct {
	// System is the system message (default DefaultSystem; "-" for none).
	System string
	// User are the columns that make the user message, joined by Separator (default context, question).
	User []string
	// Separator joins the user columns (default "\n===\n", the talk's).
	Separator string
	// Assistant is the column of the answer (default "answer").
	Assistant string
}

// FromDataset makes one chat example per row: a system message, a user message from the User columns and
// the assistant's answer.
func FromDataset(ds *dataset.Dataset, opts ...FormatOptions) ([]Example, error) {
	if len(opts) > 1 {
		return nil, fmt.Errorf("finetune.FromDataset: pass at most one FormatOptions, got %d", len(opts))
	}
	var o FormatOptions
	if len(opts) == 1 {
		o = opts[0]
	}
	if o.System == "" {
		o.System = DefaultSystem
	}
	if len(o.User) == 0 {
		o.User = []string{"context", "question"}
	}
	if o.Separator == "" {
		o.Separator = "\n===\n"
	}
	if o.Assistant == "" {
		o.Assistant = "answer"
	}
	if err := ds.Require(append(append([]string{}, o.User...), o.Assistant)...); err != nil {
		return nil, fmt.Errorf("finetune.FromDataset: %w", err)
	}
	out := make([]Example, len(ds.Rows))
	for i, r := range ds.Rows {
		parts := make([]string, len(o.User))
		for j, c := range o.User {
			parts[j] = r[c]
		}
		var msgs []Message
		if o.System != "-" {
			msgs = append(msgs, Message{Role: "system", Content: o.System})
		}
		msgs = append(msgs, Message{Role: "user", Content: strings.Join(parts, o.Separator)},
			Message{Role: "assistant", Content: r[o.Assistant]})
		out[i] = Example{Messages: msgs}
	}
	return out, nil
}

// split returns the messages before the last assistant turn, and that turn's content.
func (e Example) split() ([]Message, string) {
	for i := len(e.Messages) - 1; i >= 0; i-- {
		if e.Messages[i].Role == "assistant" {
			return e.Messages[:i], e.Messages[i].Content
		}
	}
	return e.Messages, ""
}

// Answer returns the content of the last assistant turn: what the model learns to write.
func (e Example) Answer() string {
	_, a := e.split()
	return a
}

// Conversation returns the messages before the answer: what a model is asked at evaluation.
func (e Example) Conversation() []Message {
	m, _ := e.split()
	return append([]Message(nil), m...)
}

// Prompt returns the conversation before the answer in the talk's plain-text format, ending with
// "ASSISTANT:", for base models:
//
//	SYSTEM: Use the following contextual information to concisely answer the question.
//
//	USER: CREATE TABLE farm_competition (Hosts VARCHAR, Theme VARCHAR)
//	===
//	Get the count of competition hosts by theme.
//	ASSISTANT:
func (e Example) Prompt() string {
	var b strings.Builder
	msgs, _ := e.split()
	for _, m := range msgs {
		switch m.Role {
		case "system":
			b.WriteString("SYSTEM: " + m.Content + "\n\n")
		case "user":
			b.WriteString("USER: " + m.Content + "\n")
		case "assistant":
			b.WriteString("ASSISTANT: " + m.Content + "\n")
		default:
			b.WriteString(strings.ToUpper(m.Role) + ": " + m.Content + "\n")
		}
	}
	b.WriteString("ASSISTANT:")
	return b.String()
}

// Completion returns the text that follows Prompt: a space and the answer.
func (e Example) Completion() string { return " " + e.Answer() }

// Text returns the whole example in the talk's format: Prompt followed by Completion.
func (e Example) Text() string { return e.Prompt() + e.Completion() }

// JSONL returns the examples as a chat fine-tuning file: one {"messages": [...]} object per line.
func JSONL(examples []Example) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for i, e := range examples {
		if err := enc.Encode(e); err != nil {
			return nil, fmt.Errorf("finetune.JSONL: example %d: %w", i, err)
		}
	}
	return b.Bytes(), nil
}

// ParseJSONL reads a chat fine-tuning file. A line that is not an example is an error that names it.
func ParseJSONL(data []byte) ([]Example, error) {
	var out []Example
	for i, line := range bytes.Split(data, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		var e Example
		dec := json.NewDecoder(bytes.NewReader(line))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("finetune.ParseJSONL: line %d: %w", i+1, err)
		}
		out = append(out, e)
	}
	return out, nil
}
