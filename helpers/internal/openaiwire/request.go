package openaiwire

import (
	"encoding/json"
	"errors"
	"strings"
)

// ChatRequest is the body of POST /v1/chat/completions, as much of it as golm's servers read. Optional
// numbers are pointers so that an absent value can be told from zero.
type ChatRequest struct {
	Model               string        `json:"model"`
	Messages            []ChatMessage `json:"messages"`
	MaxTokens           *int          `json:"max_tokens"`
	MaxCompletionTokens *int          `json:"max_completion_tokens"`
	Sampling
	Stream         bool            `json:"stream"`
	StreamOptions  *StreamOptions  `json:"stream_options"`
	Tools          []Tool          `json:"tools"`
	ToolChoice     json.RawMessage `json:"tool_choice"`
	ResponseFormat *ResponseFormat `json:"response_format"`
	LogProbs       bool            `json:"logprobs"`
	TopLogProbs    int             `json:"top_logprobs"`
}

// TokenLimit returns max_completion_tokens, else max_tokens, else 0 (no limit given).
func (r ChatRequest) TokenLimit() int {
	switch {
	case r.MaxCompletionTokens != nil && *r.MaxCompletionTokens > 0:
		return *r.MaxCompletionTokens
	case r.MaxTokens != nil && *r.MaxTokens > 0:
		return *r.MaxTokens
	}
	return 0
}

// Sampling holds the request fields shared by chat and legacy completions that choose how tokens are drawn.
type Sampling struct {
	Temperature      *float64   `json:"temperature"`
	TopP             *float64   `json:"top_p"`
	N                *int       `json:"n"`
	Stop             StringList `json:"stop"`
	PresencePenalty  float64    `json:"presence_penalty"`
	FrequencyPenalty float64    `json:"frequency_penalty"`
	Seed             *int64     `json:"seed"`
}

// Choices returns n, the number of choices asked for (1 when absent).
func (s Sampling) Choices() int {
	if s.N == nil || *s.N < 1 {
		return 1
	}
	return *s.N
}

// StreamOptions is a request's stream_options.
type StreamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

// WantUsage reports whether a streamed answer must end with a usage chunk.
func (o *StreamOptions) WantUsage() bool { return o != nil && o.IncludeUsage }

// ResponseFormat is a chat request's response_format ("text", "json_object", "json_schema").
type ResponseFormat struct {
	Type string `json:"type"`
}

// ChatMessage is a message of a chat request.
type ChatMessage struct {
	Role       string     `json:"role"`
	Content    Content    `json:"content"`
	Name       string     `json:"name,omitempty"`
	ToolCalls  []ToolCall `json:"tool_calls,omitempty"`
	ToolCallID string     `json:"tool_call_id,omitempty"`
}

// Content is a message's content: a string, or an array of parts.
type Content struct {
	// Text is the string, or the text of the text parts joined by newlines.
	Text string
	// Parts are the parts when the content was an array (nil for a string or null).
	Parts []ContentPart
}

// ContentPart is one part of a message's content.
type ContentPart struct {
	Type string `json:"type"`
	Text string `json:"text,omitempty"`
}

// isText reports whether a part's type carries text.
func (p ContentPart) isText() bool { return p.Type == "text" || p.Type == "input_text" }

// UnmarshalJSON accepts a string, null, or an array of parts.
func (c *Content) UnmarshalJSON(b []byte) error {
	*c = Content{}
	if string(b) == "null" {
		return nil
	}
	if json.Unmarshal(b, &c.Text) == nil {
		return nil
	}
	if err := json.Unmarshal(b, &c.Parts); err != nil {
		*c = Content{}
		return errors.New("content must be a string or an array of parts")
	}
	var texts []string
	for _, p := range c.Parts {
		if p.isText() {
			texts = append(texts, p.Text)
		}
	}
	c.Text = strings.Join(texts, "\n")
	return nil
}

// MarshalJSON writes the parts when there are any, else the text.
func (c Content) MarshalJSON() ([]byte, error) {
	if c.Parts != nil {
		return Marshal(c.Parts)
	}
	return Marshal(c.Text)
}

// NonText returns the type of the first part that carries no text (an image, audio, a file), or "".
func (c Content) NonText() string {
	for _, p := range c.Parts {
		if !p.isText() {
			return p.Type
		}
	}
	return ""
}

// StringList is a string or an array of strings (stop sequences).
type StringList []string

// UnmarshalJSON accepts null, a string or an array of strings.
func (l *StringList) UnmarshalJSON(b []byte) error {
	*l = nil
	if string(b) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(b, &s) == nil {
		*l = StringList{s}
		return nil
	}
	var ss []string
	if err := json.Unmarshal(b, &ss); err != nil {
		return errors.New("must be a string or an array of strings")
	}
	*l = ss
	return nil
}

// Prompt is a legacy completion's prompt or an embedding request's input: a string, an array of strings, an
// array of token ids, or an array of arrays of token ids.
type Prompt struct {
	// Texts holds the strings (nil when the prompt was given as tokens, or not given).
	Texts []string
	// Tokens holds the token arrays, one per prompt (nil when the prompt was given as text).
	Tokens [][]int
}

// Given reports whether the prompt was present and not null.
func (p Prompt) Given() bool { return p.Texts != nil || p.Tokens != nil }

// UnmarshalJSON accepts null and the four forms of a prompt.
func (p *Prompt) UnmarshalJSON(b []byte) error {
	*p = Prompt{}
	if string(b) == "null" {
		return nil
	}
	var one string
	if json.Unmarshal(b, &one) == nil {
		p.Texts = []string{one}
		return nil
	}
	var many []string
	if json.Unmarshal(b, &many) == nil {
		p.Texts = many
		return nil
	}
	var ids []int
	if json.Unmarshal(b, &ids) == nil {
		p.Tokens = [][]int{ids}
		return nil
	}
	var idss [][]int
	if json.Unmarshal(b, &idss) == nil {
		p.Tokens = idss
		return nil
	}
	return errors.New("must be a string, an array of strings, an array of token ids, or an array of token arrays")
}

// MarshalJSON writes the prompt in the form it was read in (a single prompt as a string or one token array).
func (p Prompt) MarshalJSON() ([]byte, error) {
	switch {
	case p.Tokens != nil && len(p.Tokens) == 1:
		return Marshal(p.Tokens[0])
	case p.Tokens != nil:
		return Marshal(p.Tokens)
	case len(p.Texts) == 1:
		return Marshal(p.Texts[0])
	case p.Texts != nil:
		return Marshal(p.Texts)
	}
	return []byte("null"), nil
}

// Tool is a function a chat request offers the model.
type Tool struct {
	Type     string      `json:"type"`
	Function FunctionDef `json:"function"`
}

// FunctionDef describes a function: its name, what it does, and the JSON schema of its arguments.
type FunctionDef struct {
	Name        string          `json:"name"`
	Description string          `json:"description,omitempty"`
	Parameters  json.RawMessage `json:"parameters,omitempty"`
}

// ToolCall is a function call of an assistant message. In a stream its fields come in pieces: the first
// chunk of a call has Index, ID, Type and the name; later ones only Index and a fragment of the arguments.
type ToolCall struct {
	Index    *int         `json:"index,omitempty"`
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type,omitempty"`
	Function FunctionCall `json:"function"`
}

// FunctionCall is the function of a tool call; Arguments is JSON text.
type FunctionCall struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}

// CompletionRequest is the body of POST /v1/completions (the legacy endpoint).
type CompletionRequest struct {
	Model     string `json:"model"`
	Prompt    Prompt `json:"prompt"`
	MaxTokens *int   `json:"max_tokens"`
	Sampling
	Stream        bool           `json:"stream"`
	StreamOptions *StreamOptions `json:"stream_options"`
	Echo          bool           `json:"echo"`
	Suffix        string         `json:"suffix"`
	// LogProbs is the number of alternatives to report per token; absent means no log-probabilities.
	LogProbs *int `json:"logprobs"`
}

// EmbeddingRequest is the body of POST /v1/embeddings.
type EmbeddingRequest struct {
	Model          string `json:"model"`
	Input          Prompt `json:"input"`
	Dimensions     int    `json:"dimensions"`
	EncodingFormat string `json:"encoding_format"`
}
