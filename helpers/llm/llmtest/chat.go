package llmtest

import (
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/golm-dev/golm/helpers/internal/openaiwire"
)

// lastUser returns the text of the last user message, "" when there is none.
func lastUser(msgs []openaiwire.ChatMessage) string {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role == "user" {
			return msgs[i].Content.Text
		}
	}
	return ""
}

// fingerprint is the system_fingerprint of every answer, as OpenAI sends one.
const fingerprint = "fp_llmtest"

// result is a scripted reply worked out for one request.
type result struct {
	pieces    []string // the text, one word (with leading whitespace) per piece
	toolCalls []openaiwire.ToolCall
	finish    string
	usage     openaiwire.Usage
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
			res.toolCalls = append(res.toolCalls, openaiwire.ToolCall{ID: id, Type: "function",
				Function: openaiwire.FunctionCall{Name: tc.Name, Arguments: args}})
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
	res.usage = openaiwire.NewUsage(promptTokens, completion).WithDetails()
	return res
}

func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	var req openaiwire.ChatRequest
	if !decoder.Decode(w, r, &req) {
		return
	}
	if !requireModel(w, req.Model) {
		return
	}
	if len(req.Messages) == 0 {
		openaiwire.WriteError(w, http.StatusBadRequest,
			openaiwire.Invalid("[] is too short - 'messages'").WithParam("messages"))
		return
	}
	q := query{endpoint: EndpointChat, model: req.Model, text: lastUser(req.Messages),
		lastRole: req.Messages[len(req.Messages)-1].Role}
	rep, ok := s.reply(w, r, q, req.Stream)
	if !ok {
		return
	}
	prompt := 0
	for _, m := range req.Messages {
		prompt += countWords(m.Content.Text)
		for _, tc := range m.ToolCalls {
			prompt += countWords(tc.Function.Arguments)
		}
	}
	head := s.head("chatcmpl-", req.Model)
	res := resolve(rep, prompt, req.Stop, req.TokenLimit(), "call_"+strings.TrimPrefix(head.ID, "chatcmpl-"))
	top := -1
	if req.LogProbs {
		top = min(max(req.TopLogProbs, 0), 20)
	}
	if req.Stream {
		s.streamChat(w, r, req, rep, res, head, top)
		return
	}
	resp := head.Chat(nil, &res.usage)
	for i := range req.Choices() {
		msg := &openaiwire.Message{Role: "assistant", ToolCalls: res.toolCalls, Nulls: true}
		if text := res.text(); text != "" || len(res.toolCalls) == 0 {
			msg.Content = &text
		}
		ch := openaiwire.ChatChoice{Index: i, Message: msg, FinishReason: &res.finish}
		if top >= 0 {
			ch.LogProbs = &openaiwire.ChatLogProbs{Content: logProbsFor(res.pieces, 0, top), Nulls: true}
		}
		resp.Choices = append(resp.Choices, ch)
	}
	openaiwire.WriteJSON(w, http.StatusOK, resp)
}

func (s *Server) streamChat(w http.ResponseWriter, r *http.Request, req openaiwire.ChatRequest, rep *Reply,
	res result, head openaiwire.Head, top int) {
	out := openaiwire.StartStream(w)
	send := func(d openaiwire.Message, lp *openaiwire.ChatLogProbs) bool {
		return out.Send(head.ChatChunk([]openaiwire.ChatChoice{{Delta: &d, LogProbs: lp}}, nil)) == nil
	}
	if !send(openaiwire.Message{Role: "assistant", Content: new("")}, nil) {
		return
	}
	cut := s.pace(w, r, rep)
	for i, p := range res.pieces {
		var lp *openaiwire.ChatLogProbs
		if top >= 0 {
			lp = &openaiwire.ChatLogProbs{Content: logProbsFor([]string{p}, i, top), Nulls: true}
		}
		if !cut.wait() || !send(openaiwire.Message{Content: &p}, lp) || !cut.sentOne() {
			return
		}
	}
	for i, tc := range res.toolCalls {
		first := openaiwire.ToolCall{Index: &i, ID: tc.ID, Type: "function",
			Function: openaiwire.FunctionCall{Name: tc.Function.Name}}
		if !cut.wait() || !send(openaiwire.Message{ToolCalls: []openaiwire.ToolCall{first}}, nil) || !cut.sentOne() {
			return
		}
		for _, frag := range splitArgs(tc.Function.Arguments) {
			part := openaiwire.ToolCall{Index: &i, Function: openaiwire.FunctionCall{Arguments: frag}}
			if !cut.wait() || !send(openaiwire.Message{ToolCalls: []openaiwire.ToolCall{part}}, nil) || !cut.sentOne() {
				return
			}
		}
	}
	if !cut.end() {
		return
	}
	finish := openaiwire.ChatChoice{Delta: &openaiwire.Message{}, FinishReason: &res.finish}
	if out.Send(head.ChatChunk([]openaiwire.ChatChoice{finish}, nil)) != nil {
		return
	}
	if req.StreamOptions.WantUsage() && out.Send(head.ChatChunk(nil, &res.usage)) != nil {
		return
	}
	_ = out.Done()
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

// alternativeWords are the tokens offered as top log-probabilities besides the chosen one.
const alternativeWords = "the a and of to is in it that mate money you I this with for on be as so"

// tokenLogProbFor gives a deterministic log-probability to a token at a position, with top alternatives
// whose probabilities sum, with the chosen one's, to less than one.
func tokenLogProbFor(tok string, pos, top int) openaiwire.TokenLogProb {
	h := hash64(tok, fmt.Sprint(pos))
	u := float64(h%10000) / 10000
	p := 0.97 - 0.9*u*u // mostly confident, sometimes not
	lp := round4(math.Log(p))
	t := openaiwire.NewTokenLogProb(tok, lp)
	if top <= 0 {
		return t
	}
	t.AddTop(tok, lp)
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
		t.AddTop(alt, round4(math.Log(rest*math.Pow(0.5, float64(k)))))
	}
	sort.SliceStable(t.TopLogProbs, func(i, j int) bool { return t.TopLogProbs[i].LogProb > t.TopLogProbs[j].LogProb })
	return t
}

func logProbsFor(pieces []string, offset, top int) []openaiwire.TokenLogProb {
	out := make([]openaiwire.TokenLogProb, 0, len(pieces))
	for i, p := range pieces {
		out = append(out, tokenLogProbFor(p, offset+i, top))
	}
	return out
}

func round4(x float64) float64 { return math.Round(x*1e4) / 1e4 }
