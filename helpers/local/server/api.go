package server

import (
	"time"

	"github.com/golm-dev/golm/helpers/internal/openaiwire"
	"github.com/golm-dev/golm/helpers/local"
)

// The OpenAI wire format is package openaiwire's; what is this server's own is here: llama.cpp's extensions
// of requests and responses.

// llamaSampling holds llama.cpp's sampling extensions of a request (clients written for OpenAI omit them).
type llamaSampling struct {
	TopK          int     `json:"top_k"`
	MinP          float64 `json:"min_p"`
	RepeatPenalty float64 `json:"repeat_penalty"`
}

// chatRequest is a chat completion request with llama.cpp's extensions.
type chatRequest struct {
	openaiwire.ChatRequest
	llamaSampling
}

// completionRequest is a legacy completion request with llama.cpp's extensions.
type completionRequest struct {
	openaiwire.CompletionRequest
	llamaSampling
}

// chatCompletion is a chat completion, or its last stream chunk, with llama.cpp's speed figures.
type chatCompletion struct {
	openaiwire.ChatCompletion
	Timings *timingReport `json:"timings,omitempty"`
}

// timingReport carries llama.cpp's speed figures, under its names (an extension clients ignore).
type timingReport struct {
	PromptTokens    int     `json:"prompt_n"`
	PromptMS        float64 `json:"prompt_ms"`
	PromptPerSecond float64 `json:"prompt_per_second"`
	Tokens          int     `json:"predicted_n"`
	PredictedMS     float64 `json:"predicted_ms"`
	PerSecond       float64 `json:"predicted_per_second"`
}

func timings(r *local.Result) *timingReport {
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	t := r.Timing
	return &timingReport{PromptTokens: t.PromptTokens, PromptMS: ms(t.Prompt),
		PromptPerSecond: t.PromptTokensPerSecond(), Tokens: t.Tokens, PredictedMS: ms(t.Generation),
		PerSecond: t.TokensPerSecond()}
}
