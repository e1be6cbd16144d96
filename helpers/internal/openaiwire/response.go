package openaiwire

import (
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"math"
)

// Object names of the response bodies.
const (
	ObjectChatCompletion = "chat.completion"
	ObjectChatChunk      = "chat.completion.chunk"
	ObjectTextCompletion = "text_completion"
	ObjectEmbedding      = "embedding"
	ObjectModel          = "model"
	ObjectList           = "list"
)

// Head is what every response body and stream chunk of one answer repeats.
type Head struct {
	ID      string
	Created int64
	Model   string
	// SystemFingerprint is written when not empty.
	SystemFingerprint string
}

// Chat returns a chat completion (not streamed) with these choices and usage.
func (h Head) Chat(choices []ChatChoice, u *Usage) ChatCompletion {
	return newResponse(h, ObjectChatCompletion, choices, u)
}

// ChatChunk returns one chunk of a streamed chat completion; no choices are written as [] (the usage chunk).
func (h Head) ChatChunk(choices []ChatChoice, u *Usage) ChatCompletion {
	return newResponse(h, ObjectChatChunk, choices, u)
}

// Completion returns a legacy completion, or a chunk of a streamed one (the object is the same).
func (h Head) Completion(choices []CompletionChoice, u *Usage) Completion {
	return newResponse(h, ObjectTextCompletion, choices, u)
}

func newResponse[C any](h Head, object string, choices []C, u *Usage) Response[C] {
	if choices == nil {
		choices = []C{}
	}
	return Response[C]{ID: h.ID, Object: object, Created: h.Created, Model: h.Model,
		SystemFingerprint: h.SystemFingerprint, Choices: choices, Usage: u}
}

// Response is the body shared by chat and legacy completions and by their stream chunks; C is the type of a
// choice. Make one with a method of Head.
type Response[C any] struct {
	ID                string `json:"id"`
	Object            string `json:"object"`
	Created           int64  `json:"created"`
	Model             string `json:"model"`
	SystemFingerprint string `json:"system_fingerprint,omitempty"`
	Choices           []C    `json:"choices"`
	Usage             *Usage `json:"usage,omitempty"`
}

// ChatCompletion is a chat completion ("chat.completion") or one chunk of a streamed one
// ("chat.completion.chunk").
type ChatCompletion = Response[ChatChoice]

// Completion is a legacy completion ("text_completion"), or one chunk of a streamed one.
type Completion = Response[CompletionChoice]

// ChatChoice is one choice of a chat completion: a Message when complete, a Delta in a stream chunk.
type ChatChoice struct {
	Index        int           `json:"index"`
	Message      *Message      `json:"message,omitempty"`
	Delta        *Message      `json:"delta,omitempty"`
	LogProbs     *ChatLogProbs `json:"logprobs"`
	FinishReason *string       `json:"finish_reason"`
}

// Message is an assistant message of a response, or the part of one a stream chunk adds (a delta).
type Message struct {
	Role      string
	Content   *string
	Refusal   *string
	ToolCalls []ToolCall
	// Nulls writes the role always and a nil Content or Refusal as null, as OpenAI writes a complete
	// message; without it empty fields are omitted (a delta; a message of llama.cpp's server).
	Nulls bool
}

// MarshalJSON writes the message as Nulls asks.
func (m Message) MarshalJSON() ([]byte, error) {
	if m.Nulls {
		return Marshal(struct {
			Role      string     `json:"role"`
			Content   *string    `json:"content"`
			Refusal   *string    `json:"refusal"`
			ToolCalls []ToolCall `json:"tool_calls,omitempty"`
		}{m.Role, m.Content, m.Refusal, m.ToolCalls})
	}
	return Marshal(struct {
		Role      string     `json:"role,omitempty"`
		Content   *string    `json:"content,omitempty"`
		Refusal   *string    `json:"refusal,omitempty"`
		ToolCalls []ToolCall `json:"tool_calls,omitempty"`
	}{m.Role, m.Content, m.Refusal, m.ToolCalls})
}

// UnmarshalJSON reads a message (for tests and clients).
func (m *Message) UnmarshalJSON(b []byte) error {
	var raw struct {
		Role      string     `json:"role"`
		Content   *string    `json:"content"`
		Refusal   *string    `json:"refusal"`
		ToolCalls []ToolCall `json:"tool_calls"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*m = Message{Role: raw.Role, Content: raw.Content, Refusal: raw.Refusal, ToolCalls: raw.ToolCalls}
	return nil
}

// Usage counts the tokens of a request and its answer.
type Usage struct {
	PromptTokens            int                      `json:"prompt_tokens"`
	CompletionTokens        int                      `json:"completion_tokens"`
	TotalTokens             int                      `json:"total_tokens"`
	PromptTokensDetails     *PromptTokensDetails     `json:"prompt_tokens_details,omitempty"`
	CompletionTokensDetails *CompletionTokensDetails `json:"completion_tokens_details,omitempty"`
}

// PromptTokensDetails breaks prompt tokens down, as OpenAI reports them.
type PromptTokensDetails struct {
	CachedTokens int `json:"cached_tokens"`
	AudioTokens  int `json:"audio_tokens"`
}

// CompletionTokensDetails breaks completion tokens down, as OpenAI reports them.
type CompletionTokensDetails struct {
	ReasoningTokens int `json:"reasoning_tokens"`
	AudioTokens     int `json:"audio_tokens"`
}

// NewUsage returns the usage of prompt and completion tokens, with their total.
func NewUsage(prompt, completion int) Usage {
	return Usage{PromptTokens: prompt, CompletionTokens: completion, TotalTokens: prompt + completion}
}

// WithDetails returns u with zero token details, which OpenAI writes even when there is nothing to detail.
func (u Usage) WithDetails() Usage {
	u.PromptTokensDetails = &PromptTokensDetails{}
	u.CompletionTokensDetails = &CompletionTokensDetails{}
	return u
}

// Plus returns u with the counts of o added (the details of u are kept).
func (u Usage) Plus(o Usage) Usage {
	u.PromptTokens += o.PromptTokens
	u.CompletionTokens += o.CompletionTokens
	u.TotalTokens = u.PromptTokens + u.CompletionTokens
	return u
}

// CompletionChoice is one choice of a legacy completion.
type CompletionChoice struct {
	Text         string          `json:"text"`
	Index        int             `json:"index"`
	LogProbs     *LegacyLogProbs `json:"logprobs"`
	FinishReason *string         `json:"finish_reason"`
}

// EmbeddingList is the answer of POST /v1/embeddings.
type EmbeddingList struct {
	Object string         `json:"object"`
	Data   []Embedding    `json:"data"`
	Model  string         `json:"model"`
	Usage  EmbeddingUsage `json:"usage"`
}

// NewEmbeddingList returns an empty list of embeddings made by model.
func NewEmbeddingList(model string) EmbeddingList {
	return EmbeddingList{Object: ObjectList, Data: []Embedding{}, Model: model}
}

// Add appends the embedding of the next input, encoded as format asks ("base64", else floats), and counts
// its tokens.
func (l *EmbeddingList) Add(v []float32, format string, tokens int) {
	e := Embedding{Object: ObjectEmbedding, Index: len(l.Data), Embedding: v}
	if format == "base64" {
		e.Embedding = Base64Floats(v)
	}
	l.Data = append(l.Data, e)
	l.Usage.PromptTokens += tokens
	l.Usage.TotalTokens += tokens
}

// Embedding is one vector of an EmbeddingList: a []float32, or a base64 string of little-endian float32s.
type Embedding struct {
	Object    string `json:"object"`
	Index     int    `json:"index"`
	Embedding any    `json:"embedding"`
}

// EmbeddingUsage counts the tokens of an embedding request.
type EmbeddingUsage struct {
	PromptTokens int `json:"prompt_tokens"`
	TotalTokens  int `json:"total_tokens"`
}

// Base64Floats encodes a vector in OpenAI's base64 embedding format: little-endian float32s.
func Base64Floats(v []float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return base64.StdEncoding.EncodeToString(b)
}

// Model describes a model (GET /v1/models/{id}).
type Model struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

// NewModel returns the description of a model.
func NewModel(id string, created int64, ownedBy string) Model {
	return Model{ID: id, Object: ObjectModel, Created: created, OwnedBy: ownedBy}
}

// ModelList is the answer of GET /v1/models.
type ModelList struct {
	Object string  `json:"object"`
	Data   []Model `json:"data"`
}

// NewModelList returns the list of models.
func NewModelList(models []Model) ModelList {
	if models == nil {
		models = []Model{}
	}
	return ModelList{Object: ObjectList, Data: models}
}
