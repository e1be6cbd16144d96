package llmtest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"
)

// chatRequest is the part of a chat completion request the fake reads.
type chatRequest struct {
	Model               string          `json:"model"`
	Messages            []chatMessage   `json:"messages"`
	Stream              bool            `json:"stream"`
	StreamOptions       *streamOptions  `json:"stream_options"`
	LogProbs            bool            `json:"logprobs"`
	TopLogProbs         int             `json:"top_logprobs"`
	MaxTokens           int             `json:"max_tokens"`
	MaxCompletionTokens int             `json:"max_completion_tokens"`
	Stop                json.RawMessage `json:"stop"`
	N                   int             `json:"n"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

type chatMessage struct {
	Role       string          `json:"role"`
	Content    json.RawMessage `json:"content"`
	ToolCalls  []wireToolCall  `json:"tool_calls"`
	ToolCallID string          `json:"tool_call_id"`
}

// text returns the message's content: a string, or the text parts of an array of parts.
func (m chatMessage) text() string {
	return contentText(m.Content)
}

func contentText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) == nil {
		var b strings.Builder
		for _, p := range parts {
			b.WriteString(p.Text)
		}
		return b.String()
	}
	return ""
}

func lastUser(msgs []chatMessage) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == "user" {
			return msgs[i].text()
		}
	}
	return ""
}

type wireToolCall struct {
	Index    *int         `json:"index,omitempty"`
	ID       string       `json:"id,omitempty"`
	Type     string       `json:"type,omitempty"`
	Function wireFunction `json:"function"`
}

type wireFunction struct {
	Name      string `json:"name,omitempty"`
	Arguments string `json:"arguments"`
}

type usage struct {
	PromptTokens            int            `json:"prompt_tokens"`
	CompletionTokens        int            `json:"completion_tokens"`
	TotalTokens             int            `json:"total_tokens"`
	PromptTokensDetails     map[string]int `json:"prompt_tokens_details,omitempty"`
	CompletionTokensDetails map[string]int `json:"completion_tokens_details,omitempty"`
}

func newUsage(prompt, completion int) *usage {
	return &usage{
		PromptTokens: prompt, CompletionTokens: completion, TotalTokens: prompt + completion,
		PromptTokensDetails:     map[string]int{"cached_tokens": 0, "audio_tokens": 0},
		CompletionTokensDetails: map[string]int{"reasoning_tokens": 0, "audio_tokens": 0},
	}
}

type respMessage struct {
	Role      string         `json:"role"`
	Content   *string        `json:"content"`
	Refusal   *string        `json:"refusal"`
	ToolCalls []wireToolCall `json:"tool_calls,omitempty"`
}

type chatChoice struct {
	Index        int           `json:"index"`
	Message      respMessage   `json:"message"`
	LogProbs     *chatLogProbs `json:"logprobs"`
	FinishReason string        `json:"finish_reason"`
}

type chatResponse struct {
	ID                string       `json:"id"`
	Object            string       `json:"object"`
	Created           int64        `json:"created"`
	Model             string       `json:"model"`
	SystemFingerprint string       `json:"system_fingerprint"`
	Choices           []chatChoice `json:"choices"`
	Usage             *usage       `json:"usage"`
}

type chunkDelta struct {
	Role      string         `json:"role,omitempty"`
	Content   *string        `json:"content,omitempty"`
	ToolCalls []wireToolCall `json:"tool_calls,omitempty"`
}

type chunkChoice struct {
	Index        int           `json:"index"`
	Delta        chunkDelta    `json:"delta"`
	LogProbs     *chatLogProbs `json:"logprobs"`
	FinishReason *string       `json:"finish_reason"`
}

type chatChunk struct {
	ID                string        `json:"id"`
	Object            string        `json:"object"`
	Created           int64         `json:"created"`
	Model             string        `json:"model"`
	SystemFingerprint string        `json:"system_fingerprint"`
	Choices           []chunkChoice `json:"choices"`
	Usage             *usage        `json:"usage,omitempty"`
}

type chatLogProbs struct {
	Content []tokenLogProb `json:"content"`
	Refusal []tokenLogProb `json:"refusal"`
}

type tokenLogProb struct {
	Token       string       `json:"token"`
	LogProb     float64      `json:"logprob"`
	Bytes       []int        `json:"bytes"`
	TopLogProbs []topLogProb `json:"top_logprobs"`
}

type topLogProb struct {
	Token   string  `json:"token"`
	LogProb float64 `json:"logprob"`
	Bytes   []int   `json:"bytes"`
}

const fingerprint = "fp_llmtest"

// result is a scripted reply worked out for one request.
type result struct {
	pieces    []string // the text, one word (with leading whitespace) per piece
	toolCalls []wireToolCall
	finish    string
	usage     *usage
}

func (r result) text() string { return strings.Join(r.pieces, "") }

// resolve applies stop sequences and the token limit to a reply and counts its usage.
func resolve(rep *Reply, promptTokens int, stops []string, maxTokens int, callPrefix string) result {
	text := rep.Text
	finish := "stop"
	for _, stop := range stops {
		if i := strings.Index(text, stop); stop != "" && i >= 0 {
			text = text[:i]
		}
	}
	pieces := splitPieces(text)
	if maxTokens > 0 && len(pieces) > maxTokens {
		pieces = pieces[:maxTokens]
		finish = "length"
	}
	res := result{pieces: pieces}
	completion := len(pieces)
	if finish != "length" {
		for i, tc := range rep.ToolCalls {
			id := tc.ID
			if id == "" {
				id = fmt.Sprintf("%s_%d", callPrefix, i)
			}
			args := tc.Arguments
			if args == "" {
				args = "{}"
			}
			res.toolCalls = append(res.toolCalls, wireToolCall{ID: id, Type: "function",
				Function: wireFunction{Name: tc.Name, Arguments: args}})
			completion += countWords(args)
		}
		if len(res.toolCalls) > 0 {
			finish = "tool_calls"
		}
	}
	if rep.FinishReason != "" {
		finish = rep.FinishReason
	}
	res.finish = finish
	if rep.PromptTokens > 0 {
		promptTokens = rep.PromptTokens
	}
	if rep.CompletionTokens > 0 {
		completion = rep.CompletionTokens
	}
	res.usage = newUsage(promptTokens, completion)
	return res
}

func stopList(raw json.RawMessage) []string {
	var one string
	if json.Unmarshal(raw, &one) == nil {
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	var req chatRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if !requireModel(w, req.Model) {
		return
	}
	if len(req.Messages) == 0 {
		p := "messages"
		writeError(w, http.StatusBadRequest, apiError{Message: "[] is too short - 'messages'",
			Type: "invalid_request_error", Param: &p})
		return
	}
	q := query{endpoint: EndpointChat, model: req.Model, text: lastUser(req.Messages),
		lastRole: req.Messages[len(req.Messages)-1].Role}
	rep, mode := s.answer(q)
	if rep == nil {
		if mode == UnmatchedError {
			writeError(w, http.StatusBadRequest, unmatchedError(q))
			return
		}
		rep = &Reply{Text: EchoPrefix + q.text}
	}
	if !s.preamble(w, r, rep) {
		return
	}
	if (rep.Drop || rep.DropAfter > 0) && (!req.Stream || rep.DropAfter == 0) {
		drop(w)
		return
	}
	prompt := 0
	for _, m := range req.Messages {
		prompt += countWords(m.text())
		for _, tc := range m.ToolCalls {
			prompt += countWords(tc.Function.Arguments)
		}
	}
	maxTokens := req.MaxCompletionTokens
	if maxTokens == 0 {
		maxTokens = req.MaxTokens
	}
	id := s.nextID("chatcmpl-")
	res := resolve(rep, prompt, stopList(req.Stop), maxTokens, "call_"+strings.TrimPrefix(id, "chatcmpl-"))
	top := -1
	if req.LogProbs {
		top = min(max(req.TopLogProbs, 0), 20)
	}
	created := s.now().Unix()
	if req.Stream {
		s.streamChat(w, r, req, rep, res, id, created, top)
		return
	}
	n := max(req.N, 1)
	resp := chatResponse{ID: id, Object: "chat.completion", Created: created, Model: req.Model,
		SystemFingerprint: fingerprint, Usage: res.usage}
	for i := range n {
		msg := respMessage{Role: "assistant", ToolCalls: res.toolCalls}
		if text := res.text(); text != "" || len(res.toolCalls) == 0 {
			msg.Content = &text
		}
		ch := chatChoice{Index: i, Message: msg, FinishReason: res.finish}
		if top >= 0 {
			ch.LogProbs = &chatLogProbs{Content: logProbsFor(res.pieces, 0, top), Refusal: nil}
		}
		resp.Choices = append(resp.Choices, ch)
	}
	writeJSON(w, http.StatusOK, resp)
}

// sse writes server-sent events and flushes each.
type sse struct {
	w http.ResponseWriter
	f http.Flusher
}

func newSSE(w http.ResponseWriter) sse {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("Connection", "keep-alive")
	w.WriteHeader(http.StatusOK)
	f, _ := w.(http.Flusher)
	s := sse{w: w, f: f}
	s.flush()
	return s
}

func (s sse) flush() {
	if s.f != nil {
		s.f.Flush()
	}
}

func (s sse) event(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(s.w, "data: %s\n\n", b); err != nil {
		return err
	}
	s.flush()
	return nil
}

func (s sse) done() {
	_, _ = fmt.Fprint(s.w, "data: [DONE]\n\n")
	s.flush()
}

func (s *Server) streamChat(w http.ResponseWriter, r *http.Request, req chatRequest, rep *Reply, res result,
	id string, created int64, top int) {
	out := newSSE(w)
	chunk := func(choices []chunkChoice, u *usage) chatChunk {
		if choices == nil {
			choices = []chunkChoice{}
		}
		return chatChunk{ID: id, Object: "chat.completion.chunk", Created: created, Model: req.Model,
			SystemFingerprint: fingerprint, Choices: choices, Usage: u}
	}
	empty := ""
	if out.event(chunk([]chunkChoice{{Delta: chunkDelta{Role: "assistant", Content: &empty}}}, nil)) != nil {
		return
	}
	sent := 0
	// send writes one chunk of content after the chunk delay; it returns false when the stream must end
	// (the client went away, or the script drops the connection here).
	send := func(c chunkChoice) bool {
		if !s.sleep(r.Context(), rep.ChunkDelay) {
			return false
		}
		if out.event(chunk([]chunkChoice{c}, nil)) != nil {
			return false
		}
		sent++
		if rep.DropAfter > 0 && sent >= rep.DropAfter {
			drop(w)
			return false
		}
		return true
	}
	offset := 0
	for _, p := range res.pieces {
		p := p
		c := chunkChoice{Delta: chunkDelta{Content: &p}}
		if top >= 0 {
			c.LogProbs = &chatLogProbs{Content: logProbsFor([]string{p}, offset, top)}
		}
		offset++
		if !send(c) {
			return
		}
	}
	for i, tc := range res.toolCalls {
		idx := i
		first := wireToolCall{Index: &idx, ID: tc.ID, Type: "function",
			Function: wireFunction{Name: tc.Function.Name, Arguments: ""}}
		if !send(chunkChoice{Delta: chunkDelta{ToolCalls: []wireToolCall{first}}}) {
			return
		}
		for _, frag := range splitArgs(tc.Function.Arguments) {
			part := wireToolCall{Index: &idx, Function: wireFunction{Arguments: frag}}
			if !send(chunkChoice{Delta: chunkDelta{ToolCalls: []wireToolCall{part}}}) {
				return
			}
		}
	}
	if rep.DropAfter > 0 { // fewer chunks than DropAfter: drop before the end all the same
		drop(w)
		return
	}
	finish := res.finish
	if !s.sleep(r.Context(), rep.ChunkDelay) {
		return
	}
	if out.event(chunk([]chunkChoice{{Delta: chunkDelta{}, FinishReason: &finish}}, nil)) != nil {
		return
	}
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		if out.event(chunk(nil, res.usage)) != nil {
			return
		}
	}
	out.done()
}

// splitPieces splits text into words, each with the whitespace before it; joined, they give the text back.
func splitPieces(s string) []string {
	var out []string
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && isSpace(s[j]) {
			j++
		}
		for j < len(s) && !isSpace(s[j]) {
			j++
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

func isSpace(b byte) bool { return b == ' ' || b == '\n' || b == '\t' || b == '\r' }

func countWords(s string) int { return len(strings.Fields(s)) }

// splitArgs splits tool-call arguments into fragments of about eight bytes, at rune boundaries, so that a
// client must join several chunks to get them.
func splitArgs(s string) []string {
	const size = 8
	var out []string
	for len(s) > 0 {
		n := 0
		for n < len(s) && n < size {
			_, w := utf8.DecodeRuneInString(s[n:])
			n += w
		}
		out = append(out, s[:n])
		s = s[n:]
	}
	return out
}

func hash64(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return h.Sum64()
}

func bytesOf(s string) []int {
	out := make([]int, len(s))
	for i := range len(s) {
		out[i] = int(s[i])
	}
	return out
}

// alternativeWords are the tokens offered as top log-probabilities besides the chosen one.
const alternativeWords = "the a and of to is in it that mate money you I this with for on be as so"

// tokenLogProbFor gives a deterministic log-probability to a token at a position, with top alternatives
// whose probabilities sum, with the chosen one's, to less than one.
func tokenLogProbFor(tok string, pos, top int) tokenLogProb {
	h := hash64(tok, fmt.Sprint(pos))
	u := float64(h%10000) / 10000
	p := 0.97 - 0.9*u*u // mostly confident, sometimes not
	lp := round4(math.Log(p))
	t := tokenLogProb{Token: tok, LogProb: lp, Bytes: bytesOf(tok), TopLogProbs: []topLogProb{}}
	if top <= 0 {
		return t
	}
	t.TopLogProbs = append(t.TopLogProbs, topLogProb{Token: tok, LogProb: lp, Bytes: bytesOf(tok)})
	lead := ""
	if strings.HasPrefix(tok, " ") {
		lead = " "
	}
	alternatives := strings.Fields(alternativeWords)
	rest := 1 - p
	used := map[string]bool{tok: true}
	for k := 1; k < top; k++ {
		var alt string
		for j := 0; ; j++ {
			alt = lead + alternatives[(h>>8+uint64(k*7+j))%uint64(len(alternatives))]
			if !used[alt] || j > len(alternatives) {
				break
			}
		}
		used[alt] = true
		pa := rest * math.Pow(0.5, float64(k))
		t.TopLogProbs = append(t.TopLogProbs, topLogProb{Token: alt, LogProb: round4(math.Log(pa)), Bytes: bytesOf(alt)})
	}
	sort.SliceStable(t.TopLogProbs, func(i, j int) bool { return t.TopLogProbs[i].LogProb > t.TopLogProbs[j].LogProb })
	return t
}

func logProbsFor(pieces []string, offset, top int) []tokenLogProb {
	out := make([]tokenLogProb, 0, len(pieces))
	for i, p := range pieces {
		out = append(out, tokenLogProbFor(p, offset+i, top))
	}
	return out
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }
