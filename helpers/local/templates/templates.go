// Package templates turns a conversation into the prompt text an instruction-tuned model was trained on.
//
// Each chat model expects its own format — Llama-2 chat wraps turns in [INST] … [/INST], ChatML in
// <|im_start|> … <|im_end|>, Stable Beluga writes ### System: / ### User: / ### Assistant: — and gives worse
// answers with the wrong one. Apply renders a conversation with a named template, in pure Go, so a learner can
// see the prompt and try a wrong template on purpose. (A model's own template, the Jinja text in its GGUF
// metadata, is applied by llama.cpp: see local.Model.ChatPrompt.)
package templates

import (
	"fmt"
	"sort"
	"strings"
)

// Message is one turn of a conversation. Role is "system", "user" or "assistant" (a "tool" result is shown
// to templates that have no tool role as a user turn).
type Message struct {
	Role    string `json:"role"`    // "system", "user" or "assistant"
	Content string `json:"content"` // the text of the turn
}

// Template is a named prompt format.
type Template struct {
	// Name identifies the template for Apply, such as "chatml".
	Name string
	// Description says which models use it.
	Description string
	// Stop lists text that ends the assistant's turn when a model does not emit an end-of-turn token: a
	// generator should stop there.
	Stop []string
	// render writes the prompt; addGeneration appends the opening of an assistant turn.
	render func(b *strings.Builder, msgs []Message, addGeneration bool)
}

// Render writes the conversation in the template's format; with addGeneration it ends with the opening of an
// assistant turn, so that the model writes the answer next.
func (t *Template) Render(messages []Message, addGeneration bool) string {
	var b strings.Builder
	t.render(&b, normalise(messages), addGeneration)
	return b.String()
}

// normalise lower-cases roles and maps roles a template does not know ("tool", "function", "developer").
func normalise(msgs []Message) []Message {
	out := make([]Message, len(msgs))
	for i, m := range msgs {
		role := strings.ToLower(strings.TrimSpace(m.Role))
		switch role {
		case "developer":
			role = "system"
		case "tool", "function", "ipython":
			role = "user"
		case "system", "user", "assistant":
		default:
			role = "user"
		}
		out[i] = Message{Role: role, Content: m.Content}
	}
	return out
}

// splitSystem returns the text of the leading system messages and the remaining messages.
func splitSystem(msgs []Message) (string, []Message) {
	var sys []string
	i := 0
	for ; i < len(msgs) && msgs[i].Role == "system"; i++ {
		sys = append(sys, msgs[i].Content)
	}
	return strings.Join(sys, "\n\n"), msgs[i:]
}

var all = []*Template{
	{
		Name:        "llama2",
		Description: "Llama-2 chat and models tuned from it: <s>[INST] <<SYS>> system <</SYS>> user [/INST] answer </s>",
		Stop:        []string{"[INST]"},
		render: func(b *strings.Builder, msgs []Message, addGen bool) {
			sys, rest := splitSystem(msgs)
			for i, m := range rest {
				if m.Role == "assistant" {
					b.WriteString(" " + strings.TrimSpace(m.Content) + " </s>")
					continue
				}
				b.WriteString("<s>[INST] ")
				if i == 0 && sys != "" {
					b.WriteString("<<SYS>>\n" + sys + "\n<</SYS>>\n\n")
				}
				b.WriteString(strings.TrimSpace(m.Content) + " [/INST]")
			}
			if len(rest) == 0 && sys != "" { // only a system message
				b.WriteString("<s>[INST] <<SYS>>\n" + sys + "\n<</SYS>>\n\n [/INST]")
			}
			_ = addGen // the [/INST] that closes a user turn already invites the answer
		},
	},
	{
		Name: "gemma",
		Description: "Gemma's turns (Gemma 1, 2, 3): <start_of_turn>user\\ncontent<end_of_turn>, the answer in a " +
			"\"model\" turn; Gemma has no system role, so a system prompt leads the first user turn",
		Stop: []string{"<end_of_turn>", "<start_of_turn>"},
		render: func(b *strings.Builder, msgs []Message, addGen bool) {
			sys, rest := splitSystem(msgs)
			for i, m := range rest {
				role := m.Role
				if role == "assistant" {
					role = "model"
				}
				content := m.Content
				if i == 0 && sys != "" && role == "user" {
					content = sys + "\n\n" + content
				}
				b.WriteString("<start_of_turn>" + role + "\n" + content + "<end_of_turn>\n")
			}
			if len(rest) == 0 && sys != "" {
				b.WriteString("<start_of_turn>user\n" + sys + "<end_of_turn>\n")
			}
			if addGen {
				b.WriteString("<start_of_turn>model\n")
			}
		},
	},
	{
		Name:        "chatml",
		Description: "ChatML (OpenAI's format, used by Qwen, OpenHermes, Dolphin, …): <|im_start|>role\\ncontent<|im_end|>",
		Stop:        []string{"<|im_end|>", "<|im_start|>"},
		render: func(b *strings.Builder, msgs []Message, addGen bool) {
			for _, m := range msgs {
				b.WriteString("<|im_start|>" + m.Role + "\n" + m.Content + "<|im_end|>\n")
			}
			if addGen {
				b.WriteString("<|im_start|>assistant\n")
			}
		},
	},
	{
		Name:        "stablebeluga",
		Description: "Stable Beluga (Stability AI): ### System:, ### User:, ### Assistant:",
		Stop:        []string{"### User:", "### System:"},
		render: func(b *strings.Builder, msgs []Message, addGen bool) {
			for _, m := range msgs {
				switch m.Role {
				case "system":
					b.WriteString("### System:\n" + m.Content + "\n\n")
				case "user":
					b.WriteString("### User:\n" + m.Content + "\n\n")
				case "assistant":
					b.WriteString("### Assistant:\n" + m.Content + "\n\n")
				}
			}
			if addGen {
				b.WriteString("### Assistant:\n")
			}
		},
	},
	{
		Name:        "openorca-platypus2",
		Description: "OpenOrca-Platypus2 (and Alpaca-style models): ### Instruction:, ### Response:",
		Stop:        []string{"### Instruction:"},
		render: func(b *strings.Builder, msgs []Message, addGen bool) {
			sys, rest := splitSystem(msgs)
			if sys != "" {
				b.WriteString(sys + "\n\n")
			}
			for _, m := range rest {
				if m.Role == "assistant" {
					b.WriteString("### Response:\n" + m.Content + "\n\n")
					continue
				}
				b.WriteString("### Instruction:\n\n" + m.Content + "\n\n")
			}
			if addGen {
				b.WriteString("### Response:\n")
			}
		},
	},
	{
		Name:        "llama3",
		Description: "Llama 3 instruct: <|start_header_id|>role<|end_header_id|> … <|eot_id|>",
		Stop:        []string{"<|eot_id|>", "<|start_header_id|>"},
		render: func(b *strings.Builder, msgs []Message, addGen bool) {
			b.WriteString("<|begin_of_text|>")
			for _, m := range msgs {
				b.WriteString("<|start_header_id|>" + m.Role + "<|end_header_id|>\n\n" + strings.TrimSpace(m.Content) +
					"<|eot_id|>")
			}
			if addGen {
				b.WriteString("<|start_header_id|>assistant<|end_header_id|>\n\n")
			}
		},
	},
	{
		Name:        "zephyr",
		Description: "Zephyr and TinyLlama chat: <|system|>, <|user|>, <|assistant|>, turns ended by </s>",
		Stop:        []string{"</s>", "<|user|>"},
		render: func(b *strings.Builder, msgs []Message, addGen bool) {
			for _, m := range msgs {
				b.WriteString("<|" + m.Role + "|>\n" + m.Content + "</s>\n")
			}
			if addGen {
				b.WriteString("<|assistant|>\n")
			}
		},
	},
}

// Names returns the names of the templates Apply knows, sorted.
func Names() []string {
	names := make([]string, len(all))
	for i, t := range all {
		names[i] = t.Name
	}
	sort.Strings(names)
	return names
}

// aliases maps other common spellings to template names.
var aliases = map[string]string{
	"llama-2": "llama2", "llama2-chat": "llama2", "llama-2-chat": "llama2", "inst": "llama2",
	"stable-beluga": "stablebeluga", "beluga": "stablebeluga",
	"openorca": "openorca-platypus2", "platypus2": "openorca-platypus2", "alpaca": "openorca-platypus2",
	"llama-3": "llama3", "llama3-instruct": "llama3", "im_start": "chatml", "tinyllama": "zephyr",
}

// Get returns the named template (names are case-insensitive; see Names).
func Get(name string) (*Template, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if a, ok := aliases[n]; ok {
		n = a
	}
	for _, t := range all {
		if t.Name == n {
			return t, nil
		}
	}
	return nil, fmt.Errorf("templates: unknown template %q (known: %s)", name, strings.Join(Names(), ", "))
}

// Apply renders messages with the named template; with addGeneration the prompt ends where the assistant's
// answer begins.
func Apply(name string, messages []Message, addGeneration bool) (string, error) {
	t, err := Get(name)
	if err != nil {
		return "", err
	}
	return t.Render(messages, addGeneration), nil
}

// Detect guesses which named template a model's Jinja chat template implements, from the markers it contains;
// it returns "" when it does not recognise it.
func Detect(jinja string) string {
	switch {
	case jinja == "":
		return ""
	case strings.Contains(jinja, "<|im_start|>"):
		return "chatml"
	case strings.Contains(jinja, "<start_of_turn>"):
		return "gemma"
	case strings.Contains(jinja, "<|start_header_id|>"):
		return "llama3"
	case strings.Contains(jinja, "<<SYS>>") || strings.Contains(jinja, "[INST]"):
		return "llama2"
	case strings.Contains(jinja, "<|assistant|>") && strings.Contains(jinja, "<|user|>"):
		return "zephyr"
	case strings.Contains(jinja, "### Assistant:"):
		return "stablebeluga"
	case strings.Contains(jinja, "### Instruction:") || strings.Contains(jinja, "### Response:"):
		return "openorca-platypus2"
	}
	return ""
}
