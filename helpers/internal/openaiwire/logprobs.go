package openaiwire

import "encoding/json"

// ChatLogProbs is a chat choice's log-probabilities.
type ChatLogProbs struct {
	Content []TokenLogProb
	Refusal []TokenLogProb
	// Nulls writes refusal always (null when nil), as OpenAI does; without it a nil Refusal is omitted.
	Nulls bool
}

// MarshalJSON writes the log-probabilities as Nulls asks.
func (l ChatLogProbs) MarshalJSON() ([]byte, error) {
	if l.Nulls {
		return Marshal(struct {
			Content []TokenLogProb `json:"content"`
			Refusal []TokenLogProb `json:"refusal"`
		}{l.Content, l.Refusal})
	}
	return Marshal(struct {
		Content []TokenLogProb `json:"content"`
		Refusal []TokenLogProb `json:"refusal,omitempty"`
	}{l.Content, l.Refusal})
}

// UnmarshalJSON reads log-probabilities (for tests and clients).
func (l *ChatLogProbs) UnmarshalJSON(b []byte) error {
	var raw struct {
		Content []TokenLogProb `json:"content"`
		Refusal []TokenLogProb `json:"refusal"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*l = ChatLogProbs{Content: raw.Content, Refusal: raw.Refusal}
	return nil
}

// TokenLogProb is the log-probability of a chosen token and of its most likely alternatives.
type TokenLogProb struct {
	Token       string       `json:"token"`
	LogProb     float64      `json:"logprob"`
	Bytes       []int        `json:"bytes"`
	TopLogProbs []TopLogProb `json:"top_logprobs"`
}

// TopLogProb is an alternative token and its log-probability.
type TopLogProb struct {
	Token   string  `json:"token"`
	LogProb float64 `json:"logprob"`
	Bytes   []int   `json:"bytes"`
}

// NewTokenLogProb returns the log-probability of a token, with its bytes and no alternatives yet.
func NewTokenLogProb(token string, logProb float64) TokenLogProb {
	return TokenLogProb{Token: token, LogProb: logProb, Bytes: Bytes(token), TopLogProbs: []TopLogProb{}}
}

// AddTop appends an alternative.
func (t *TokenLogProb) AddTop(token string, logProb float64) {
	t.TopLogProbs = append(t.TopLogProbs, TopLogProb{Token: token, LogProb: logProb, Bytes: Bytes(token)})
}

// Bytes returns the bytes of s as numbers, as the API gives a token's bytes.
func Bytes(s string) []int {
	out := make([]int, len(s))
	for i := range len(s) {
		out[i] = int(s[i])
	}
	return out
}

// LegacyLogProbs is the legacy completions API's log-probability format: parallel arrays, one entry a token.
type LegacyLogProbs struct {
	Tokens        []string             `json:"tokens"`
	TokenLogProbs []*float64           `json:"token_logprobs"`
	TopLogProbs   []map[string]float64 `json:"top_logprobs"`
	TextOffset    []int                `json:"text_offset"`
}

// NewLegacyLogProbs returns an empty set (written as empty arrays, not null).
func NewLegacyLogProbs() *LegacyLogProbs {
	return &LegacyLogProbs{Tokens: []string{}, TokenLogProbs: []*float64{}, TopLogProbs: []map[string]float64{},
		TextOffset: []int{}}
}

// Add appends a token that starts at byte offset in the choice's text, with its alternatives.
func (l *LegacyLogProbs) Add(t TokenLogProb, offset int) {
	lp := t.LogProb
	top := make(map[string]float64, len(t.TopLogProbs))
	for _, alt := range t.TopLogProbs {
		top[alt.Token] = alt.LogProb
	}
	l.Tokens = append(l.Tokens, t.Token)
	l.TokenLogProbs = append(l.TokenLogProbs, &lp)
	l.TopLogProbs = append(l.TopLogProbs, top)
	l.TextOffset = append(l.TextOffset, offset)
}

// AddUnscored appends a token without a log-probability (null), as OpenAI gives the first token of an echoed
// prompt.
func (l *LegacyLogProbs) AddUnscored(token string, offset int) {
	l.Tokens = append(l.Tokens, token)
	l.TokenLogProbs = append(l.TokenLogProbs, nil)
	l.TopLogProbs = append(l.TopLogProbs, nil)
	l.TextOffset = append(l.TextOffset, offset)
}
