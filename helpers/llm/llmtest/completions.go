package llmtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// legacyDefaultMaxTokens is the legacy endpoint's default max_tokens, as on OpenAI's API.
const legacyDefaultMaxTokens = 16

type completionRequest struct {
	Model         string          `json:"model"`
	Prompt        json.RawMessage `json:"prompt"`
	Stream        bool            `json:"stream"`
	StreamOptions *streamOptions  `json:"stream_options"`
	Echo          bool            `json:"echo"`
	LogProbs      *int            `json:"logprobs"`
	MaxTokens     *int            `json:"max_tokens"`
	Stop          json.RawMessage `json:"stop"`
}

// promptStrings reads a prompt given as a string, strings, or token arrays (written as "tok<ID>" words).
func promptStrings(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	if json.Unmarshal(raw, &many) == nil {
		return many
	}
	tokens := func(ids []int) string {
		words := make([]string, len(ids))
		for i, id := range ids {
			words[i] = fmt.Sprintf("tok%d", id)
		}
		return strings.Join(words, " ")
	}
	var ids []int
	if json.Unmarshal(raw, &ids) == nil {
		return []string{tokens(ids)}
	}
	var idss [][]int
	if json.Unmarshal(raw, &idss) == nil {
		out := make([]string, len(idss))
		for i, ids := range idss {
			out[i] = tokens(ids)
		}
		return out
	}
	return nil
}

type legacyLogProbs struct {
	Tokens        []string             `json:"tokens"`
	TokenLogProbs []*float64           `json:"token_logprobs"`
	TopLogProbs   []map[string]float64 `json:"top_logprobs"`
	TextOffset    []int                `json:"text_offset"`
}

type completionChoice struct {
	Text         string          `json:"text"`
	Index        int             `json:"index"`
	LogProbs     *legacyLogProbs `json:"logprobs"`
	FinishReason *string         `json:"finish_reason"`
}

type completionResponse struct {
	ID                string             `json:"id"`
	Object            string             `json:"object"`
	Created           int64              `json:"created"`
	Model             string             `json:"model"`
	SystemFingerprint string             `json:"system_fingerprint"`
	Choices           []completionChoice `json:"choices"`
	Usage             *usage             `json:"usage,omitempty"`
}

func (s *Server) handleCompletions(w http.ResponseWriter, r *http.Request) {
	var req completionRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if !requireModel(w, req.Model) {
		return
	}
	prompts := promptStrings(req.Prompt)
	if len(req.Prompt) == 0 || string(req.Prompt) == "null" {
		prompts = []string{""} // OpenAI treats a missing prompt as <|endoftext|>
	}
	if prompts == nil {
		p := "prompt"
		writeError(w, http.StatusBadRequest, apiError{Message: "prompt must be a string, an array of strings, " +
			"or an array of token arrays", Type: "invalid_request_error", Param: &p})
		return
	}
	if req.Stream && len(prompts) != 1 {
		writeError(w, http.StatusBadRequest, apiError{Message: "llmtest: streaming supports one prompt",
			Type: "invalid_request_error"})
		return
	}
	maxTokens := legacyDefaultMaxTokens
	if req.MaxTokens != nil {
		maxTokens = *req.MaxTokens
	}
	top := -1
	if req.LogProbs != nil {
		top = min(max(*req.LogProbs, 0), 5)
	}
	id := s.nextID("cmpl-")
	created := s.now().Unix()
	resp := completionResponse{ID: id, Object: "text_completion", Created: created, Model: req.Model,
		SystemFingerprint: fingerprint}
	total := newUsage(0, 0)
	for i, prompt := range prompts {
		q := query{endpoint: EndpointCompletions, model: req.Model, text: prompt, lastRole: "user"}
		rep, mode := s.answer(q)
		if rep == nil {
			if mode == UnmatchedError {
				writeError(w, http.StatusBadRequest, unmatchedError(q))
				return
			}
			rep = &Reply{Text: EchoPrefix + prompt}
		}
		if !s.preamble(w, r, rep) {
			return
		}
		if (rep.Drop || rep.DropAfter > 0) && (!req.Stream || rep.DropAfter == 0) {
			drop(w)
			return
		}
		res := resolve(rep, countWords(prompt), stopList(req.Stop), maxTokens, "")
		if req.Stream {
			s.streamCompletion(w, r, req, rep, res, prompt, id, created, top)
			return
		}
		text := res.text()
		ch := completionChoice{Text: text, Index: i, FinishReason: &res.finish}
		pieces := res.pieces
		if req.Echo {
			ch.Text = prompt + text
			pieces = append(splitPieces(prompt), pieces...)
		}
		if top >= 0 {
			ch.LogProbs = legacyLogProbsFor(pieces, 0, 0, top, req.Echo)
		}
		resp.Choices = append(resp.Choices, ch)
		total.PromptTokens += res.usage.PromptTokens
		total.CompletionTokens += res.usage.CompletionTokens
	}
	total.TotalTokens = total.PromptTokens + total.CompletionTokens
	resp.Usage = total
	writeJSON(w, http.StatusOK, resp)
}

// legacyLogProbsFor gives the legacy logprobs object for pieces starting at token position pos and byte
// offset off. With echo, the very first token has no log-probability (null), as on OpenAI's API.
func legacyLogProbsFor(pieces []string, pos, off, top int, echo bool) *legacyLogProbs {
	lp := &legacyLogProbs{Tokens: []string{}, TokenLogProbs: []*float64{}, TopLogProbs: []map[string]float64{},
		TextOffset: []int{}}
	for i, p := range pieces {
		t := tokenLogProbFor(p, pos+i, top)
		lp.Tokens = append(lp.Tokens, p)
		lp.TextOffset = append(lp.TextOffset, off)
		off += len(p)
		if echo && pos+i == 0 {
			lp.TokenLogProbs = append(lp.TokenLogProbs, nil)
			lp.TopLogProbs = append(lp.TopLogProbs, nil)
			continue
		}
		v := t.LogProb
		lp.TokenLogProbs = append(lp.TokenLogProbs, &v)
		m := map[string]float64{}
		for _, alt := range t.TopLogProbs {
			m[alt.Token] = alt.LogProb
		}
		lp.TopLogProbs = append(lp.TopLogProbs, m)
	}
	return lp
}

func (s *Server) streamCompletion(w http.ResponseWriter, r *http.Request, req completionRequest, rep *Reply,
	res result, prompt, id string, created int64, top int) {
	out := newSSE(w)
	chunk := func(choices []completionChoice, u *usage) completionResponse {
		if choices == nil {
			choices = []completionChoice{}
		}
		return completionResponse{ID: id, Object: "text_completion", Created: created, Model: req.Model,
			SystemFingerprint: fingerprint, Choices: choices, Usage: u}
	}
	pieces := res.pieces
	if req.Echo {
		pieces = append(splitPieces(prompt), pieces...)
	}
	sent, off := 0, 0
	for i, p := range pieces {
		if !s.sleep(r.Context(), rep.ChunkDelay) {
			return
		}
		c := completionChoice{Text: p}
		if top >= 0 {
			c.LogProbs = legacyLogProbsFor([]string{p}, i, off, top, req.Echo)
		}
		off += len(p)
		if out.event(chunk([]completionChoice{c}, nil)) != nil {
			return
		}
		sent++
		if rep.DropAfter > 0 && sent >= rep.DropAfter {
			drop(w)
			return
		}
	}
	if rep.DropAfter > 0 {
		drop(w)
		return
	}
	if !s.sleep(r.Context(), rep.ChunkDelay) {
		return
	}
	finish := res.finish
	if out.event(chunk([]completionChoice{{Text: "", FinishReason: &finish}}, nil)) != nil {
		return
	}
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		if out.event(chunk(nil, res.usage)) != nil {
			return
		}
	}
	out.done()
}
