// Package server serves a local model over an OpenAI-compatible HTTP API, so that code written for OpenAI's
// API — such as lessons 02 and 03 with github.com/sashabaranov/go-openai — runs unchanged against a model on
// this machine: point the client's base URL (OPENAI_BASE_URL) at the server.
//
// It implements POST /v1/chat/completions (with server-sent-event streaming, log-probabilities, and function
// calling by prompting: the tools are described in the system prompt and a reply that is a JSON call becomes
// tool_calls; a model whose chat template uses the Hermes/Qwen format gets its tools, calls and results in that
// format, and its <tool_call> blocks become tool_calls), POST /v1/completions (with echo and logprobs), POST /v1/embeddings, GET /v1/models and
// GET /health. The model named in a request is
// ignored: the server always answers with its one model, under its own name.
//
// The wire format is package helpers/internal/openaiwire's, shared with the fake server of helpers/llm/llmtest;
// this server writes it as llama.cpp's server does: empty fields omitted, llama.cpp's "timings" added, and
// the headers of a stream sent with its first event, so that a failure before any text is an HTTP error.
//
// By default the server listens on the loopback interface only, since a local model has no authentication or
// rate limits unless Options.APIKey is set.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/golm-dev/golm/helpers/internal/openaiwire"
	"github.com/golm-dev/golm/helpers/local"
	"github.com/golm-dev/golm/helpers/local/gguf"
)

// Backend is what the server needs from a model; *local.Model implements it.
type Backend interface {
	// Name identifies the model in responses.
	Name() string
	// Tokenize splits text into tokens (for usage counts).
	Tokenize(text string, addSpecial bool) ([]int, error)
	// ChatPrompt renders a conversation with the model's template, or the named one.
	ChatPrompt(messages []local.Message, template string) (string, error)
	// Stream generates text, calling onText with each new piece.
	Stream(ctx context.Context, prompt string, opts local.GenerateOptions, onText func(string) error) (*local.Result, error)
	// EmbedBatch returns normalised embeddings.
	EmbedBatch(ctx context.Context, texts []string) ([][]float32, error)
}

// Options configures the server. The zero value serves the model under its own name with its own chat
// template.
type Options struct {
	// Model configures loading the model (Serve only).
	Model local.Options
	// ModelName is the id reported by /v1/models and in responses (default: the model's name).
	ModelName string
	// Template names a template of package templates to use instead of the model's own chat template (needed
	// for models without one).
	Template string
	// APIKey, when set, is required as "Authorization: Bearer APIKey".
	APIKey string
	// DefaultTemperature applies when a request gives none (default 0.8; a negative value means 0, greedy
	// decoding, for reproducible answers: OpenAI's clients omit a temperature of 0, so a request's 0 cannot be
	// told from absent).
	DefaultTemperature float64
	// DefaultMaxTokens applies to chat completions that give no limit (default: until the model stops or the
	// context is full).
	DefaultMaxTokens int
	// AllowRemote allows listening on an address other than loopback.
	AllowRemote bool
	// Log receives one line per request (nil: no log).
	Log *log.Logger
}

// Server answers OpenAI API requests with a Backend. It is an http.Handler.
type Server struct {
	b          Backend
	opts       Options
	name       string
	mux        *http.ServeMux
	born       int64
	toolFormat toolFormat
}

// templated is a Backend that knows its model's chat template (a *local.Model does).
type templated interface {
	Metadata() *gguf.Metadata
}

// New returns a Server for b.
func New(b Backend, opts Options) *Server {
	switch {
	case opts.DefaultTemperature == 0:
		opts.DefaultTemperature = 0.8
	case opts.DefaultTemperature < 0:
		opts.DefaultTemperature = 0
	}
	s := &Server{b: b, opts: opts, name: opts.ModelName, mux: http.NewServeMux(), born: time.Now().Unix()}
	if s.name == "" {
		s.name = b.Name()
	}
	if t, ok := b.(templated); ok && opts.Template == "" {
		if meta := t.Metadata(); meta != nil {
			s.toolFormat = detectToolFormat(meta.ChatTemplate)
		}
	}
	s.mux.HandleFunc("POST /v1/chat/completions", s.chat)
	s.mux.HandleFunc("POST /v1/completions", s.completions)
	s.mux.HandleFunc("POST /v1/embeddings", s.embeddings)
	s.mux.HandleFunc("GET /v1/models", s.models)
	s.mux.HandleFunc("GET /v1/models/{id...}", s.model)
	s.mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		openaiwire.WriteJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		openaiwire.WriteError(w, http.StatusNotFound, openaiwire.Invalid("%s %s is not served here (this server "+
			"offers /v1/chat/completions, /v1/completions, /v1/embeddings and /v1/models)", r.Method, r.URL.Path))
	})
	return s
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if s.opts.APIKey != "" && r.URL.Path != "/health" {
		if !openaiwire.BearerMatches(r.Header.Get("Authorization"), s.opts.APIKey) {
			openaiwire.WriteError(w, http.StatusUnauthorized,
				openaiwire.Invalid("missing or wrong API key").WithCode("invalid_api_key"))
			return
		}
	}
	rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
	s.mux.ServeHTTP(rec, r)
	if s.opts.Log != nil {
		s.opts.Log.Printf("%s %s %d %v", r.Method, r.URL.Path, rec.status, time.Since(start).Round(time.Millisecond))
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

// WriteHeader records the status.
func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// Flush flushes the underlying writer, for streaming.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Running is a server listening on a port; see Listen.
type Running struct {
	// Addr is the address it listens on, such as "127.0.0.1:43127".
	Addr string
	// BaseURL is the base URL for OpenAI clients, such as "http://127.0.0.1:43127/v1".
	BaseURL string

	srv  *http.Server
	done chan struct{}
	err  error
	once sync.Once
}

// Listen starts serving b on addr (such as "127.0.0.1:8080"; port 0 picks a free port, "" means
// "127.0.0.1:0") and returns at once. The server stops when ctx is cancelled or Close is called; in a
// notebook, pass context.Background() rather than the cell's ctx, which is done when the cell ends.
func Listen(ctx context.Context, addr string, b Backend, opts Options) (*Running, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	if err := checkLoopback(addr, opts.AllowRemote); err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	r := &Running{
		Addr:    ln.Addr().String(),
		BaseURL: "http://" + ln.Addr().String() + "/v1",
		srv:     &http.Server{Handler: New(b, opts), ReadHeaderTimeout: 10 * time.Second},
		done:    make(chan struct{}),
	}
	go func() {
		err := r.srv.Serve(ln)
		if !errors.Is(err, http.ErrServerClosed) {
			r.err = err
		}
		close(r.done)
	}()
	go func() {
		select {
		case <-ctx.Done():
			_ = r.Close()
		case <-r.done:
		}
	}()
	return r, nil
}

// Close stops the server, ending running requests.
func (r *Running) Close() error {
	r.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := r.srv.Shutdown(ctx); err != nil {
			_ = r.srv.Close()
		}
	})
	<-r.done
	return r.err
}

// Wait blocks until the server stops and returns the error that stopped it (nil after Close).
func (r *Running) Wait() error {
	<-r.done
	return r.err
}

func checkLoopback(addr string, allowRemote bool) error {
	if allowRemote {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("server: address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("server: %q is not a loopback address: a local model has no access control, so listen on "+
		"127.0.0.1 (or set Options.AllowRemote and Options.APIKey)", addr)
}

// Serve loads the model at modelPath, serves it on addr until ctx is cancelled, then frees the model. It prints
// the base URL to use on standard error.
func Serve(ctx context.Context, addr, modelPath string, opts Options) error {
	m, err := local.Load(ctx, modelPath, opts.Model)
	if err != nil {
		return err
	}
	defer m.Close()
	if opts.ModelName == "" {
		opts.ModelName = strings.TrimSuffix(filepath.Base(modelPath), ".gguf")
	}
	r, err := Listen(ctx, addr, m, opts)
	if err != nil {
		return err
	}
	fmt.Fprintf(logWriter(opts), "golm: serving %s at %s (set OPENAI_BASE_URL=%s)\n", opts.ModelName, r.BaseURL,
		r.BaseURL)
	err = r.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return err
}

func logWriter(opts Options) io.Writer {
	if opts.Log != nil {
		return opts.Log.Writer()
	}
	return os.Stderr
}

func newID(prefix string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// maxBody is the largest request body read.
const maxBody = 32 << 20

// decoder reads the JSON bodies of requests, answering 400 when one is not JSON.
var decoder = openaiwire.Decoder{Limit: maxBody, Prefix: "invalid JSON body: "}

// badRequest answers 400 with an invalid_request_error.
func badRequest(w http.ResponseWriter, format string, args ...any) {
	openaiwire.WriteError(w, http.StatusBadRequest, openaiwire.Invalid(format, args...))
}

// backendError maps an error of the backend to an HTTP answer.
func backendError(w http.ResponseWriter, err error) {
	status, typ := http.StatusBadRequest, openaiwire.InvalidRequest
	switch {
	case errors.Is(err, local.ErrNotBuilt):
		status, typ = http.StatusNotImplemented, openaiwire.ServerError
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		status, typ = 499, "request_cancelled"
	case errors.Is(err, local.ErrClosed):
		status, typ = http.StatusServiceUnavailable, openaiwire.ServerError
	}
	openaiwire.WriteError(w, status, openaiwire.Error{Message: err.Error(), Type: typ})
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	openaiwire.WriteJSON(w, http.StatusOK, openaiwire.NewModelList([]openaiwire.Model{s.info()}))
}

func (s *Server) model(w http.ResponseWriter, r *http.Request) {
	if id := r.PathValue("id"); id != s.name {
		openaiwire.WriteError(w, http.StatusNotFound,
			openaiwire.Invalid("model %q not found: this server serves %q", id, s.name).WithCode("model_not_found"))
		return
	}
	openaiwire.WriteJSON(w, http.StatusOK, s.info())
}

func (s *Server) info() openaiwire.Model { return openaiwire.NewModel(s.name, s.born, "golm") }

// sampling builds generation options from the request fields of chat and legacy completions.
func (s *Server) sampling(p openaiwire.Sampling, x llamaSampling) (local.GenerateOptions, error) {
	o := local.GenerateOptions{
		Temperature:      s.opts.DefaultTemperature,
		Stop:             p.Stop,
		PresencePenalty:  p.PresencePenalty,
		FrequencyPenalty: p.FrequencyPenalty,
		TopK:             x.TopK,
		MinP:             x.MinP,
		RepeatPenalty:    x.RepeatPenalty,
	}
	if p.Choices() > 1 {
		return o, errors.New("n > 1 is not supported by this server")
	}
	if t := p.Temperature; t != nil {
		if *t < 0 || *t > 2 {
			return o, fmt.Errorf("temperature %v is outside [0, 2]", *t)
		}
		o.Temperature = *t
	}
	if t := p.TopP; t != nil {
		if *t < 0 || *t > 1 {
			return o, fmt.Errorf("top_p %v is outside [0, 1]", *t)
		}
		o.TopP = *t
	}
	if p.Seed != nil {
		o.Seed = *p.Seed
		if o.Seed == 0 {
			o.Seed = 1 << 32 // a fixed seed, not "random"
		}
	}
	if len(p.Stop) > 4 {
		return o, errors.New("at most 4 stop sequences are allowed")
	}
	return o, nil
}

// tokenLP converts one token's log-probability, with its alternatives, to the wire format.
func tokenLP(lp local.TokenLogProb) openaiwire.TokenLogProb {
	t := openaiwire.NewTokenLogProb(lp.Text, lp.LogProb)
	for _, alt := range lp.Top {
		t.AddTop(alt.Text, alt.LogProb)
	}
	return t
}

// chatLP converts log-probabilities to the chat API's format (nil when not asked for).
func chatLP(r *local.Result, opts local.GenerateOptions) *openaiwire.ChatLogProbs {
	if !opts.LogProbs {
		return nil
	}
	out := &openaiwire.ChatLogProbs{Content: []openaiwire.TokenLogProb{}}
	for _, lp := range r.LogProbs {
		out.Content = append(out.Content, tokenLP(lp))
	}
	return out
}

// legacyLP converts log-probabilities to the completions API's format; offset is where the generated text
// starts in the choice's text.
func legacyLP(r *local.Result, opts local.GenerateOptions, offset int) *openaiwire.LegacyLogProbs {
	if !opts.LogProbs {
		return nil
	}
	out := openaiwire.NewLegacyLogProbs()
	for _, lp := range r.LogProbs {
		out.Add(tokenLP(lp), offset)
		offset += len(lp.Text)
	}
	return out
}

func finishReason(r *local.Result) string {
	switch r.StopReason {
	case local.StopLength, local.StopContext:
		return "length"
	}
	return "stop"
}

func usageOf(r *local.Result) openaiwire.Usage {
	return openaiwire.NewUsage(r.PromptTokens, len(r.Tokens))
}

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	var req chatRequest
	if !decoder.Decode(w, r, &req) {
		return
	}
	if len(req.Messages) == 0 {
		badRequest(w, "messages must not be empty")
		return
	}
	for _, m := range req.Messages {
		if t := m.Content.NonText(); t != "" {
			badRequest(w, "content parts of type %q are not supported by a local text model", t)
			return
		}
	}
	opts, err := s.sampling(req.Sampling, req.llamaSampling)
	if err != nil {
		badRequest(w, "%v", err)
		return
	}
	for name, v := range map[string]*int{"max_tokens": req.MaxTokens, "max_completion_tokens": req.MaxCompletionTokens} {
		if v != nil && *v < 1 {
			badRequest(w, "%s must be at least 1, not %d", name, *v)
			return
		}
	}
	opts.MaxTokens = -1
	if s.opts.DefaultMaxTokens > 0 {
		opts.MaxTokens = s.opts.DefaultMaxTokens
	}
	if n := req.TokenLimit(); n > 0 {
		opts.MaxTokens = n
	}
	if req.LogProbs || req.TopLogProbs > 0 {
		if req.TopLogProbs < 0 || req.TopLogProbs > 20 {
			badRequest(w, "top_logprobs must be between 0 and 20")
			return
		}
		opts.LogProbs = true
		opts.TopLogProbs = req.TopLogProbs
	}
	tools, err := parseToolChoice(req.Tools, req.ToolChoice)
	if err != nil {
		badRequest(w, "%v", err)
		return
	}
	msgs := toMessages(req.Messages, tools, req.ResponseFormat != nil && req.ResponseFormat.Type == "json_object",
		s.toolFormat)
	prompt, err := s.b.ChatPrompt(msgs, s.opts.Template)
	if err != nil {
		backendError(w, err)
		return
	}
	if s.opts.Template != "" {
		opts.Template = s.opts.Template
		if t, err := templateStops(s.opts.Template); err == nil {
			opts.Stop = append(opts.Stop, t...)
		}
	}
	head := openaiwire.Head{ID: newID("chatcmpl-"), Created: time.Now().Unix(), Model: s.name}
	if req.Stream {
		s.streamChat(w, r, req, head, prompt, opts, tools)
		return
	}
	res, err := s.b.Stream(r.Context(), prompt, opts, nil)
	if err != nil {
		backendError(w, err)
		return
	}
	msg := &openaiwire.Message{Role: "assistant"}
	finish := finishReason(res)
	content, calls := parseReply(res.Text, tools)
	if calls != nil {
		msg.ToolCalls = calls
		finish = "tool_calls"
	}
	if content != "" || calls == nil {
		msg.Content = new(content)
	}
	u := usageOf(res)
	choice := openaiwire.ChatChoice{Message: msg, FinishReason: &finish, LogProbs: chatLP(res, opts)}
	openaiwire.WriteJSON(w, http.StatusOK, chatCompletion{
		ChatCompletion: head.Chat([]openaiwire.ChatChoice{choice}, &u), Timings: timings(res)})
}

// streamChat answers a chat request with server-sent events. The headers go out with the first event, so
// that an error before any text is still an HTTP error.
func (s *Server) streamChat(w http.ResponseWriter, r *http.Request, req chatRequest, head openaiwire.Head,
	prompt string, opts local.GenerateOptions, tools *toolSet) {
	ev := openaiwire.NewStream(w)
	// send sends a delta; the first chunk carries the role, and is sent with the first delta.
	send := func(delta openaiwire.Message) error {
		if !ev.Started() {
			role := openaiwire.Message{Role: "assistant", Content: new("")}
			if err := ev.Send(head.ChatChunk([]openaiwire.ChatChoice{{Delta: &role}}, nil)); err != nil {
				return err
			}
		}
		return ev.Send(head.ChatChunk([]openaiwire.ChatChoice{{Delta: &delta}}, nil))
	}
	var onText func(string) error
	if tools == nil { // with tools the reply may be a call: buffer it
		onText = func(t string) error { return send(openaiwire.Message{Content: &t}) }
	}
	res, err := s.b.Stream(r.Context(), prompt, opts, onText)
	if err != nil {
		if !ev.Started() {
			backendError(w, err)
		} else if r.Context().Err() == nil { // the model failed mid-stream: tell the client
			_ = ev.Send(openaiwire.ErrorBody{Error: openaiwire.Error{Message: err.Error(), Type: openaiwire.ServerError}})
		}
		return
	}
	finish := finishReason(res)
	if tools != nil {
		content, calls := parseReply(res.Text, tools)
		if content != "" || calls == nil {
			_ = send(openaiwire.Message{Content: &content})
		}
		if calls != nil {
			for i := range calls {
				calls[i].Index = new(i)
			}
			_ = send(openaiwire.Message{ToolCalls: calls})
			finish = "tool_calls"
		}
	}
	if !ev.Started() {
		_ = send(openaiwire.Message{Content: new("")})
	}
	// All log-probabilities come at the end: streamed text is not cut at tokens.
	last := openaiwire.ChatChoice{Delta: &openaiwire.Message{}, FinishReason: &finish, LogProbs: chatLP(res, opts)}
	_ = ev.Send(chatCompletion{ChatCompletion: head.ChatChunk([]openaiwire.ChatChoice{last}, nil),
		Timings: timings(res)})
	if req.StreamOptions.WantUsage() {
		u := usageOf(res)
		_ = ev.Send(head.ChatChunk(nil, &u))
	}
	_ = ev.Done()
}

func (s *Server) completions(w http.ResponseWriter, r *http.Request) {
	var req completionRequest
	if !decoder.Decode(w, r, &req) {
		return
	}
	if req.Suffix != "" {
		badRequest(w, "suffix (insertion) is not supported")
		return
	}
	if req.Prompt.Tokens != nil {
		badRequest(w, "prompt must be a string or an array of strings (token arrays are not supported)")
		return
	}
	opts, err := s.sampling(req.Sampling, req.llamaSampling)
	if err != nil {
		badRequest(w, "%v", err)
		return
	}
	if req.LogProbs != nil {
		if *req.LogProbs < 0 || *req.LogProbs > 20 {
			badRequest(w, "logprobs must be between 0 and 20")
			return
		}
		opts.LogProbs = true
		opts.TopLogProbs = *req.LogProbs
	}
	opts.MaxTokens = 16 // OpenAI's default for completions
	if req.MaxTokens != nil {
		if *req.MaxTokens < 0 {
			badRequest(w, "max_tokens must not be negative, not %d", *req.MaxTokens)
			return
		}
		if *req.MaxTokens > 0 {
			opts.MaxTokens = *req.MaxTokens
		}
	}
	prompts := req.Prompt.Texts
	if len(prompts) == 0 {
		prompts = []string{""}
	}
	head := openaiwire.Head{ID: newID("cmpl-"), Created: time.Now().Unix(), Model: s.name}
	if req.Stream {
		s.streamCompletions(w, r, req, head, prompts, opts)
		return
	}
	total := openaiwire.NewUsage(0, 0)
	resp := head.Completion(nil, &total)
	for i, p := range prompts {
		res, err := s.b.Stream(r.Context(), p, opts, nil)
		if err != nil {
			backendError(w, err)
			return
		}
		text, offset := res.Text, 0
		if req.Echo {
			text, offset = p+text, len(p)
		}
		finish := finishReason(res)
		resp.Choices = append(resp.Choices, openaiwire.CompletionChoice{Text: text, Index: i, FinishReason: &finish,
			LogProbs: legacyLP(res, opts, offset)})
		total = total.Plus(usageOf(res))
	}
	openaiwire.WriteJSON(w, http.StatusOK, resp)
}

// streamCompletions answers a legacy completion request with server-sent events, one prompt after another.
func (s *Server) streamCompletions(w http.ResponseWriter, r *http.Request, req completionRequest,
	head openaiwire.Head, prompts []string, opts local.GenerateOptions) {
	ev := openaiwire.NewStream(w)
	send := func(c openaiwire.CompletionChoice) error {
		return ev.Send(head.Completion([]openaiwire.CompletionChoice{c}, nil))
	}
	var total openaiwire.Usage
	for i, p := range prompts {
		if req.Echo {
			if err := send(openaiwire.CompletionChoice{Text: p, Index: i}); err != nil {
				return
			}
		}
		res, err := s.b.Stream(r.Context(), p, opts, func(t string) error {
			return send(openaiwire.CompletionChoice{Text: t, Index: i})
		})
		if err != nil {
			if !ev.Started() {
				backendError(w, err)
			}
			return
		}
		finish := finishReason(res)
		_ = send(openaiwire.CompletionChoice{Index: i, FinishReason: &finish, LogProbs: legacyLP(res, opts, 0)})
		total = total.Plus(usageOf(res))
	}
	if req.StreamOptions.WantUsage() {
		_ = ev.Send(head.Completion(nil, &total))
	}
	_ = ev.Done()
}

func (s *Server) embeddings(w http.ResponseWriter, r *http.Request) {
	var req openaiwire.EmbeddingRequest
	if !decoder.Decode(w, r, &req) {
		return
	}
	if req.Input.Tokens != nil {
		badRequest(w, "input must be a string or an array of strings (token arrays are not supported)")
		return
	}
	texts := req.Input.Texts
	if len(texts) == 0 {
		badRequest(w, "input must not be empty")
		return
	}
	switch req.EncodingFormat {
	case "", "float", "base64":
	default:
		badRequest(w, "encoding_format %q is not supported (use float or base64)", req.EncodingFormat)
		return
	}
	vecs, err := s.b.EmbedBatch(r.Context(), texts)
	if err != nil {
		backendError(w, err)
		return
	}
	list := openaiwire.NewEmbeddingList(s.name)
	for i, v := range vecs {
		if req.Dimensions > 0 && req.Dimensions != len(v) {
			badRequest(w, "dimensions %d is not supported: the model's embeddings have %d", req.Dimensions, len(v))
			return
		}
		tokens := 0
		if toks, err := s.b.Tokenize(texts[i], true); err == nil {
			tokens = len(toks)
		}
		list.Add(v, req.EncodingFormat, tokens)
	}
	openaiwire.WriteJSON(w, http.StatusOK, list)
}
