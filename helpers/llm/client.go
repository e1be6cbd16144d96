package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Client calls an OpenAI-compatible API with retries, usage accounting and clear errors. Make one with
// NewClient (from the environment) or New. It is safe for concurrent use. Printing a Client never shows its
// key.
type Client struct {
	oa              *openai.Client
	http            *http.Client
	key             string
	baseURL         string
	orgID           string
	model           string
	embeddingModel  string
	completionModel string
	usage           *Usage
	prices          *Prices
	hook            *retryHook
}

// retryHook holds the function that receives retry events; it can be replaced while the client is in use.
type retryHook struct {
	mu  sync.Mutex
	fn  func(RetryEvent)
	log io.Writer
}

func (h *retryHook) report(ev RetryEvent) {
	h.mu.Lock()
	fn, w := h.fn, h.log
	h.mu.Unlock()
	if fn != nil {
		fn(ev)
		return
	}
	_, _ = fmt.Fprintln(w, ev.String())
}

// NewClient returns a client configured from the environment (see ConfigFromEnv): OPENAI_API_KEY,
// OPENAI_BASE_URL, OPENAI_ORG_ID and OPENAI_MODEL. When no key is set for OpenAI's own API it returns an
// error of kind ErrNoAPIKey, saying how to set a key or point at a local server (which needs none), and
// still a usable client: every call it makes returns that same error at once, without a request, so a
// notebook without a key runs to its end with one clear message per call instead of a nil client.
func NewClient() (*Client, error) { return New(ConfigFromEnv()) }

// New returns a client for a configuration (see Config for the defaults of empty fields).
func New(cfg Config) (*Client, error) {
	base := strings.TrimRight(orDefault(strings.TrimSpace(cfg.BaseURL), DefaultBaseURL), "/")
	if !strings.HasPrefix(base, "http://") && !strings.HasPrefix(base, "https://") {
		return nil, &Error{Op: "config", Message: fmt.Sprintf("the base URL %q must start with http:// or https:// "+
			"(for a local server, something like http://localhost:8080/v1)", displayURL(base))}
	}
	var keyErr error
	if cfg.APIKey == "" && needsKey(base) {
		keyErr = &Error{Op: "config", Kind: ErrNoAPIKey, Message: missingKeyMessage}
	}
	hc := &http.Client{}
	if cfg.HTTPClient != nil {
		copied := *cfg.HTTPClient
		hc = &copied
	}
	inner := hc.Transport
	if inner == nil {
		inner = http.DefaultTransport
	}
	log := cfg.Log
	if log == nil {
		log = os.Stderr
	}
	hook := &retryHook{fn: cfg.Retry.OnRetry, log: log}
	policy := cfg.Retry
	policy.OnRetry = nil // reported through the hook, which SetOnRetry can change
	hc.Transport = &RetryTransport{Base: sseGuard{base: inner}, Policy: policy, Report: hook.report}
	if keyErr != nil {
		hc.Transport = refuse{keyErr}
	}

	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = base
	oc.OrgID = cfg.OrgID
	oc.HTTPClient = hc

	c := &Client{
		oa:              openai.NewClientWithConfig(oc),
		http:            hc,
		key:             cfg.APIKey,
		baseURL:         base,
		orgID:           cfg.OrgID,
		model:           orDefault(cfg.Model, DefaultModel),
		embeddingModel:  orDefault(cfg.EmbeddingModel, DefaultEmbeddingModel),
		completionModel: orDefault(cfg.CompletionModel, DefaultCompletionModel),
		usage:           cfg.Usage,
		prices:          cfg.Prices,
		hook:            hook,
	}
	if c.usage == nil {
		c.usage = NewUsage()
	}
	if c.prices == nil {
		c.prices = DefaultPrices()
	}
	return c, keyErr
}

// refuse is the transport of a client that cannot call its server (no key for OpenAI's API): every request
// fails with err, before anything is sent.
type refuse struct{ err error }

// RoundTrip returns the error.
func (r refuse) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_ = req.Body.Close()
	}
	return nil, r.err
}

// OpenAI returns the underlying go-openai client, which shares this client's HTTP client (retries
// included) but not its usage accounting.
func (c *Client) OpenAI() *openai.Client { return c.oa }

// HTTPClient returns the HTTP client the client uses, whose transport retries.
func (c *Client) HTTPClient() *http.Client { return c.http }

// BaseURL returns the API's base URL.
func (c *Client) BaseURL() string { return c.baseURL }

// DefaultModel returns the default chat model: the one Ask and Chat use when ChatOptions.Model is empty.
func (c *Client) DefaultModel() string { return c.model }

// DefaultEmbeddingModel returns the default embedding model: the one Embed uses when EmbedOptions.Model is
// empty.
func (c *Client) DefaultEmbeddingModel() string { return c.embeddingModel }

// DefaultCompletionModel returns the default model of the legacy completions endpoint: the one Complete uses
// when ChatOptions.Model is empty.
func (c *Client) DefaultCompletionModel() string { return c.completionModel }

// Usage returns the tracker that records every call of this client (and of clients sharing it).
func (c *Client) Usage() *Usage { return c.usage }

// Prices returns the price table used to cost calls.
func (c *Client) Prices() *Prices { return c.prices }

// WithModel returns a copy of the client whose default chat model is model. The copy shares the HTTP
// client, the usage tracker, the prices and the retry reporting of c.
func (c *Client) WithModel(model string) *Client {
	cp := *c
	cp.model = orDefault(model, c.model)
	return &cp
}

// SetOnRetry sets the function called before each retry (see RetryEvent); nil restores the default, a
// line on the log (standard error unless Config.Log says otherwise). It affects the clients made from c
// with WithModel too.
func (c *Client) SetOnRetry(fn func(RetryEvent)) {
	c.hook.mu.Lock()
	defer c.hook.mu.Unlock()
	c.hook.fn = fn
}

// String describes the client without its key.
func (c *Client) String() string {
	if c == nil {
		return "llm.Client(nil)"
	}
	return fmt.Sprintf("llm.Client{BaseURL: %s, Model: %s, Key: %s}", displayURL(c.baseURL), c.model,
		keyStatus(c.key))
}

// GoString is String: %#v never shows the key either.
func (c *Client) GoString() string { return c.String() }

// Format makes every fmt verb print String, so that the key cannot leak through fmt's struct printing.
func (c *Client) Format(f fmt.State, verb rune) { formatSafe(f, verb, c.String()) }

// record adds a call to the usage tracker and returns it.
func (c *Client) record(op, model string, u openai.Usage, d time.Duration) Call {
	call := Call{Time: time.Now(), Op: op, Model: model, PromptTokens: u.PromptTokens,
		CompletionTokens: u.CompletionTokens, Duration: d}
	if u.PromptTokensDetails != nil {
		call.CachedTokens = u.PromptTokensDetails.CachedTokens
	}
	call.Cost = c.prices.Cost(model, u)
	c.usage.Record(call)
	return call
}

// CreateChatCompletion sends a chat completion request as it is (tools, response formats and all), with
// retries and usage accounting, and returns the raw response: go-openai's call of the same name, through
// this client. An empty Model means the client's default. One thing is filled in: a request to a GPT-6
// model that accepts reasoning effort "none" (gpt-6-luna, gpt-6-sol, gpt-6.1-terra), asking for
// temperature, top_p, log-probabilities or tools without naming an effort, is sent with "none", the only
// effort under which those models take them. For streaming use StreamChatCompletion.
func (c *Client) CreateChatCompletion(ctx context.Context, req openai.ChatCompletionRequest) (openai.ChatCompletionResponse, error) {
	if req.Model == "" {
		req.Model = c.model
	}
	req = fitReasoning(req)
	start := time.Now()
	resp, err := c.oa.CreateChatCompletion(ctx, req)
	if err != nil {
		return resp, c.explain("chat", err)
	}
	c.record("chat", orDefault(resp.Model, req.Model), resp.Usage, time.Since(start))
	return resp, nil
}

// StreamChatCompletion sends a chat completion request as a stream. onChunk, when not nil, is called with each chunk
// as it arrives; the chunks are also assembled into the returned response (content, tool calls with their
// arguments joined, finish reasons, log-probabilities and usage), as if the request had not been
// streamed. Usage is requested with stream_options.include_usage unless the request sets StreamOptions.
//
// A stream that ends before the server finishes it returns the partial response and a *StreamError:
// cut off (errors.Is(err, ErrStreamCut)) or stopped by ctx (errors.Is(err, context.Canceled)).
func (c *Client) StreamChatCompletion(ctx context.Context, req openai.ChatCompletionRequest,
	onChunk func(openai.ChatCompletionStreamResponse)) (openai.ChatCompletionResponse, error) {
	if req.Model == "" {
		req.Model = c.model
	}
	req = fitReasoning(req)
	req.Stream = true
	if req.StreamOptions == nil {
		req.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	}
	start := time.Now()
	stream, err := c.oa.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return openai.ChatCompletionResponse{}, c.explain("stream", err)
	}
	defer stream.Close()
	acc := &accumulator{}
	for {
		chunk, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) && acc.finished() && ctx.Err() == nil {
				break // the server finished but sent no [DONE]: some local servers do that
			}
			return acc.response(), c.streamError(ctx, acc.text(), err)
		}
		acc.add(chunk)
		if onChunk != nil {
			onChunk(chunk)
		}
	}
	resp := acc.response()
	if resp.Model == "" {
		resp.Model = req.Model
	}
	c.record("stream", resp.Model, resp.Usage, time.Since(start))
	return resp, nil
}

// streamError classifies an error that ended a stream.
func (c *Client) streamError(ctx context.Context, partial string, err error) *StreamError {
	var apiErr *openai.APIError
	switch {
	case ctx.Err() != nil:
		return &StreamError{Partial: partial, Err: ctx.Err()}
	case errors.As(err, &apiErr), errors.Is(err, openai.ErrTooManyEmptyStreamMessages):
		return &StreamError{Partial: partial, Err: c.explain("stream", err)}
	default:
		return &StreamError{Partial: partial, Cut: true, Err: errors.New(redact(err.Error(), c.key))}
	}
}

// accumulator assembles streamed chunks into a response.
type accumulator struct {
	resp    openai.ChatCompletionResponse
	choices map[int]*accChoice
}

type accChoice struct {
	role, content, refusal, reasoning strings.Builder
	tools                             []openai.ToolCall
	toolIndex                         map[int]int // a delta's index → position in tools
	finish                            openai.FinishReason
	logprobs                          []openai.LogProb
	hasLogprobs                       bool
}

func (a *accumulator) add(ch openai.ChatCompletionStreamResponse) {
	if a.choices == nil {
		a.choices = map[int]*accChoice{}
	}
	if a.resp.ID == "" {
		a.resp.ID, a.resp.Created, a.resp.Model = ch.ID, ch.Created, ch.Model
		a.resp.SystemFingerprint = ch.SystemFingerprint
	}
	if ch.Usage != nil {
		a.resp.Usage = *ch.Usage
	}
	for _, c := range ch.Choices {
		st := a.choices[c.Index]
		if st == nil {
			st = &accChoice{toolIndex: map[int]int{}}
			a.choices[c.Index] = st
		}
		if c.Delta.Role != "" && st.role.Len() == 0 {
			st.role.WriteString(c.Delta.Role)
		}
		st.content.WriteString(c.Delta.Content)
		st.refusal.WriteString(c.Delta.Refusal)
		st.reasoning.WriteString(c.Delta.ReasoningContent)
		for _, tc := range c.Delta.ToolCalls {
			st.addTool(tc)
		}
		if c.FinishReason != "" {
			st.finish = c.FinishReason
		}
		if c.Logprobs != nil {
			st.hasLogprobs = true
			for _, lp := range c.Logprobs.Content {
				st.logprobs = append(st.logprobs, convertLogprob(lp))
			}
		}
	}
}

// addTool merges a tool-call delta: by its index when given, else a delta with an id starts a new call
// and one without continues the last.
func (st *accChoice) addTool(tc openai.ToolCall) {
	pos := -1
	switch {
	case tc.Index != nil:
		if p, ok := st.toolIndex[*tc.Index]; ok {
			pos = p
		} else {
			st.toolIndex[*tc.Index] = len(st.tools)
		}
	case tc.ID == "" && len(st.tools) > 0:
		pos = len(st.tools) - 1
	}
	if pos < 0 {
		st.tools = append(st.tools, openai.ToolCall{ID: tc.ID, Type: tc.Type,
			Function: openai.FunctionCall{Name: tc.Function.Name, Arguments: tc.Function.Arguments}})
		return
	}
	t := &st.tools[pos]
	if tc.ID != "" {
		t.ID = tc.ID
	}
	if tc.Type != "" {
		t.Type = tc.Type
	}
	t.Function.Name += tc.Function.Name
	t.Function.Arguments += tc.Function.Arguments
}

func convertLogprob(lp openai.ChatCompletionTokenLogprob) openai.LogProb {
	out := openai.LogProb{Token: lp.Token, LogProb: lp.Logprob, Bytes: int64sToBytes(lp.Bytes)}
	for _, t := range lp.TopLogprobs {
		out.TopLogProbs = append(out.TopLogProbs, openai.TopLogProbs{Token: t.Token, LogProb: t.Logprob,
			Bytes: int64sToBytes(t.Bytes)})
	}
	return out
}

func int64sToBytes(v []int64) []byte {
	if v == nil {
		return nil
	}
	out := make([]byte, len(v))
	for i, b := range v {
		out[i] = byte(b)
	}
	return out
}

// finished reports whether every choice has a finish reason.
func (a *accumulator) finished() bool {
	if len(a.choices) == 0 {
		return false
	}
	for _, st := range a.choices {
		if st.finish == "" {
			return false
		}
	}
	return true
}

// text returns the content of the first choice so far.
func (a *accumulator) text() string {
	if st := a.choices[0]; st != nil {
		return st.content.String()
	}
	return ""
}

func (a *accumulator) response() openai.ChatCompletionResponse {
	resp := a.resp
	resp.Object = "chat.completion"
	idx := make([]int, 0, len(a.choices))
	for i := range a.choices {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	for _, i := range idx {
		st := a.choices[i]
		role := st.role.String()
		if role == "" {
			role = openai.ChatMessageRoleAssistant
		}
		msg := openai.ChatCompletionMessage{Role: role, Content: st.content.String(), Refusal: st.refusal.String(),
			ReasoningContent: st.reasoning.String()}
		for _, t := range st.tools {
			if t.Type == "" {
				t.Type = openai.ToolTypeFunction
			}
			msg.ToolCalls = append(msg.ToolCalls, t)
		}
		ch := openai.ChatCompletionChoice{Index: i, Message: msg, FinishReason: st.finish}
		if st.hasLogprobs {
			ch.LogProbs = &openai.LogProbs{Content: st.logprobs}
		}
		resp.Choices = append(resp.Choices, ch)
	}
	return resp
}
