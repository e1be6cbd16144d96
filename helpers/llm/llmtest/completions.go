package llmtest

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/golm-dev/golm/helpers/internal/openaiwire"
)

// legacyDefaultMaxTokens is the legacy endpoint's default max_tokens, as on OpenAI's API.
const legacyDefaultMaxTokens = 16

// promptTexts returns a prompt's texts; a prompt given as token arrays becomes words "tok<ID>", one a token.
func promptTexts(p openaiwire.Prompt) []string {
	if p.Tokens == nil {
		return p.Texts
	}
	out := make([]string, len(p.Tokens))
	for i, ids := range p.Tokens {
		words := make([]string, len(ids))
		for j, id := range ids {
			words[j] = fmt.Sprintf("tok%d", id)
		}
		out[i] = strings.Join(words, " ")
	}
	return out
}

func (s *Server) handleCompletions(w http.ResponseWriter, r *http.Request) {
	var req openaiwire.CompletionRequest
	if !decoder.Decode(w, r, &req) {
		return
	}
	if !requireModel(w, req.Model) {
		return
	}
	prompts := promptTexts(req.Prompt)
	if !req.Prompt.Given() {
		prompts = []string{""} // OpenAI treats a missing prompt as <|endoftext|>
	}
	if req.Stream && len(prompts) != 1 {
		openaiwire.WriteError(w, http.StatusBadRequest, openaiwire.Invalid("llmtest: streaming supports one prompt"))
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
	head := s.head("cmpl-", req.Model)
	total := openaiwire.NewUsage(0, 0).WithDetails()
	resp := head.Completion(nil, &total)
	for i, prompt := range prompts {
		q := query{endpoint: EndpointCompletions, model: req.Model, text: prompt, lastRole: "user"}
		rep, ok := s.reply(w, r, q, req.Stream)
		if !ok {
			return
		}
		res := resolve(rep, countWords(prompt), req.Stop, maxTokens, "")
		pieces := res.pieces
		if req.Echo {
			pieces = append(splitPieces(prompt), pieces...)
		}
		if req.Stream {
			s.streamCompletion(w, r, req, rep, res, pieces, head, top)
			return
		}
		ch := openaiwire.CompletionChoice{Text: strings.Join(pieces, ""), Index: i, FinishReason: &res.finish}
		if top >= 0 {
			ch.LogProbs = legacyLogProbsFor(pieces, 0, 0, top, req.Echo)
		}
		resp.Choices = append(resp.Choices, ch)
		total = total.Plus(res.usage)
	}
	openaiwire.WriteJSON(w, http.StatusOK, resp)
}

// legacyLogProbsFor gives the legacy logprobs object for pieces starting at token position pos and byte
// offset off. With echo, the very first token has no log-probability (null), as on OpenAI's API.
func legacyLogProbsFor(pieces []string, pos, off, top int, echo bool) *openaiwire.LegacyLogProbs {
	lp := openaiwire.NewLegacyLogProbs()
	for i, p := range pieces {
		if echo && pos+i == 0 {
			lp.AddUnscored(p, off)
		} else {
			lp.Add(tokenLogProbFor(p, pos+i, top), off)
		}
		off += len(p)
	}
	return lp
}

func (s *Server) streamCompletion(w http.ResponseWriter, r *http.Request, req openaiwire.CompletionRequest,
	rep *Reply, res result, pieces []string, head openaiwire.Head, top int) {
	out := openaiwire.StartStream(w)
	send := func(c openaiwire.CompletionChoice) bool {
		return out.Send(head.Completion([]openaiwire.CompletionChoice{c}, nil)) == nil
	}
	cut := s.pace(w, r, rep)
	off := 0
	for i, p := range pieces {
		c := openaiwire.CompletionChoice{Text: p}
		if top >= 0 {
			c.LogProbs = legacyLogProbsFor([]string{p}, i, off, top, req.Echo)
		}
		off += len(p)
		if !cut.wait() || !send(c) || !cut.sentOne() {
			return
		}
	}
	if !cut.end() || !send(openaiwire.CompletionChoice{FinishReason: &res.finish}) {
		return
	}
	if req.StreamOptions.WantUsage() && out.Send(head.Completion(nil, &res.usage)) != nil {
		return
	}
	_ = out.Done()
}
