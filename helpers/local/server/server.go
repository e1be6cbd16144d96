// Package server serves a local model over an OpenAI-compatible HTTP API, so that code written for OpenAI's
// API — such as lessons 02 and 03 with github.com/sashabaranov/go-openai — runs unchanged against a model on
// this machine: point the client's base URL (OPENAI_BASE_URL) at the server.
//
// It implements POST /v1/chat/completions (with server-sent-event streaming, log-probabilities, and function
// calling by prompting: the tools are described in the system prompt and a reply that is a JSON call becomes
// tool_calls), POST /v1/completions (with echo and logprobs), POST /v1/embeddings, GET /v1/models and
// GET /health. The model named in a request is
// ignored: the server always answers with its one model, under its own name.
//
// By default the server listens on the loopback interface only, since a local model has no authentication or
// rate limits unless Options.APIKey is set.
package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
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

	"github.com/golm-dev/golm/helpers/local"
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
	// DefaultTemperature applies when a request gives none (default 0.8; OpenAI's clients omit a temperature of
	// 0, so 0 cannot be told from absent: send a seed, or top_k 1, for reproducible answers).
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
	b    Backend
	opts Options
	name string
	mux  *http.ServeMux
	born int64
}

// New returns a Server for b.
func New(b Backend, opts Options) *Server {
	if opts.DefaultTemperature == 0 {
		opts.DefaultTemperature = 0.8
	}
	s := &Server{b: b, opts: opts, name: opts.ModelName, mux: http.NewServeMux(), born: time.Now().Unix()}
	if s.name == "" {
		s.name = b.Name()
	}
	s.mux.HandleFunc("POST /v1/chat/completions", s.chat)
	s.mux.HandleFunc("POST /v1/completions", s.completions)
	s.mux.HandleFunc("POST /v1/embeddings", s.embeddings)
	s.mux.HandleFunc("GET /v1/models", s.models)
	s.mux.HandleFunc("GET /v1/models/{id...}", s.model)
	s.mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "invalid_request_error",
			fmt.Sprintf("%s %s is not served here (this server offers /v1/chat/completions, /v1/completions, "+
				"/v1/embeddings and /v1/models)", r.Method, r.URL.Path))
	})
	return s
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	if s.opts.APIKey != "" && r.URL.Path != "/health" {
		if r.Header.Get("Authorization") != "Bearer "+s.opts.APIKey {
			writeError(w, http.StatusUnauthorized, "invalid_request_error", "missing or wrong API key")
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

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // model text often has <, > and &
	_ = enc.Encode(v)
}

// marshal encodes v as JSON on one line, without escaping <, > and &.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	var e apiError
	e.Error.Message = msg
	e.Error.Type = typ
	writeJSON(w, status, e)
}

// backendError maps an error of the backend to an HTTP answer.
func backendError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, local.ErrNotBuilt):
		writeError(w, http.StatusNotImplemented, "server_error", err.Error())
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		writeError(w, 499, "request_cancelled", err.Error())
	case errors.Is(err, local.ErrClosed):
		writeError(w, http.StatusServiceUnavailable, "server_error", err.Error())
	default:
		writeError(w, http.StatusBadRequest, "invalid_request_error", err.Error())
	}
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body := http.MaxBytesReader(w, r.Body, 32<<20)
	if err := json.NewDecoder(body).Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

func (s *Server) models(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, modelList{Object: "list", Data: []modelInfo{s.info()}})
}

func (s *Server) model(w http.ResponseWriter, r *http.Request) {
	if id := r.PathValue("id"); id != s.name {
		writeError(w, http.StatusNotFound, "invalid_request_error",
			fmt.Sprintf("model %q not found: this server serves %q", id, s.name))
		return
	}
	writeJSON(w, http.StatusOK, s.info())
}

func (s *Server) info() modelInfo {
	return modelInfo{ID: s.name, Object: "model", Created: s.born, OwnedBy: "golm"}
}

// sampling builds generation options from the common request fields.
func (s *Server) sampling(temp, topP *float64, seed *int64, stop []string, presence, frequency float64, topK int,
	minP, repeat float64) (local.GenerateOptions, error) {
	o := local.GenerateOptions{
		Temperature:      s.opts.DefaultTemperature,
		Stop:             stop,
		PresencePenalty:  presence,
		FrequencyPenalty: frequency,
		TopK:             topK,
		MinP:             minP,
		RepeatPenalty:    repeat,
	}
	if temp != nil {
		if *temp < 0 || *temp > 2 {
			return o, fmt.Errorf("temperature %v is outside [0, 2]", *temp)
		}
		o.Temperature = *temp
	}
	if topP != nil {
		if *topP < 0 || *topP > 1 {
			return o, fmt.Errorf("top_p %v is outside [0, 1]", *topP)
		}
		o.TopP = *topP
	}
	if seed != nil {
		o.Seed = *seed
		if o.Seed == 0 {
			o.Seed = 1 << 32 // a fixed seed, not "random"
		}
	}
	if len(stop) > 4 {
		return o, errors.New("at most 4 stop sequences are allowed")
	}
	return o, nil
}

// chatLP converts log-probabilities to the chat API's format (nil when not asked for).
func chatLP(r *local.Result, opts local.GenerateOptions) *chatLogprobs {
	if !opts.LogProbs {
		return nil
	}
	out := &chatLogprobs{Content: []logprobEntry{}}
	for _, lp := range r.LogProbs {
		e := logprobEntry{Token: lp.Text, LogProb: lp.LogProb, Bytes: byteList(lp.Text), TopLogProbs: []logprobAlt{}}
		for _, alt := range lp.Top {
			e.TopLogProbs = append(e.TopLogProbs, logprobAlt{Token: alt.Text, LogProb: alt.LogProb, Bytes: byteList(alt.Text)})
		}
		out.Content = append(out.Content, e)
	}
	return out
}

// legacyLP converts log-probabilities to the completions API's format; offset is where the generated text
// starts in the choice's text.
func legacyLP(r *local.Result, opts local.GenerateOptions, offset int) *legacyLogprobs {
	if !opts.LogProbs {
		return nil
	}
	out := &legacyLogprobs{Tokens: []string{}, TokenLogprobs: []float64{}, TopLogprobs: []map[string]float64{},
		TextOffset: []int{}}
	for _, lp := range r.LogProbs {
		out.Tokens = append(out.Tokens, lp.Text)
		out.TokenLogprobs = append(out.TokenLogprobs, lp.LogProb)
		top := map[string]float64{}
		for _, alt := range lp.Top {
			top[alt.Text] = alt.LogProb
		}
		out.TopLogprobs = append(out.TopLogprobs, top)
		out.TextOffset = append(out.TextOffset, offset)
		offset += len(lp.Text)
	}
	return out
}

func byteList(s string) []int {
	b := make([]int, len(s))
	for i := 0; i < len(s); i++ {
		b[i] = int(s[i])
	}
	return b
}

func finishReason(r *local.Result) string {
	switch r.StopReason {
	case local.StopLength, local.StopContext:
		return "length"
	}
	return "stop"
}

func timings(r *local.Result) *timingReport {
	return &timingReport{PromptTokens: r.Timing.PromptTokens, PromptPerSecond: r.Timing.PromptTokensPerSecond(),
		Tokens: r.Timing.Tokens, PerSecond: r.Timing.TokensPerSecond()}
}

// sse writes server-sent events.
type sse struct {
	w       http.ResponseWriter
	started bool
}

func (e *sse) send(v any) error {
	if !e.started {
		e.w.Header().Set("Content-Type", "text/event-stream")
		e.w.Header().Set("Cache-Control", "no-cache")
		e.w.Header().Set("Connection", "keep-alive")
		e.w.WriteHeader(http.StatusOK)
		e.started = true
	}
	var data []byte
	if s, ok := v.(string); ok {
		data = []byte(s)
	} else {
		var err error
		if data, err = marshal(v); err != nil {
			return err
		}
	}
	if _, err := fmt.Fprintf(e.w, "data: %s\n\n", data); err != nil {
		return err
	}
	if f, ok := e.w.(http.Flusher); ok {
		f.Flush()
	}
	return nil
}

func strPtr(s string) *string { return &s }

func (s *Server) chat(w http.ResponseWriter, r *http.Request) {
	var req chatRequest
	if !decode(w, r, &req) {
		return
	}
	if len(req.Messages) == 0 {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "messages must not be empty")
		return
	}
	if req.N != nil && *req.N > 1 {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "n > 1 is not supported by this server")
		return
	}
	opts, err := s.sampling(req.Temperature, req.TopP, req.Seed, req.Stop, req.PresencePenalty,
		req.FrequencyPenalty, req.TopK, req.MinP, req.RepeatPenalty)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", err.Error())
		return
	}
	for name, v := range map[string]*int{"max_tokens": req.MaxTokens, "max_completion_tokens": req.MaxCompletionTokens} {
		if v != nil && *v < 1 {
			writeError(w, http.StatusBadRequest, "invalid_request_error",
				fmt.Sprintf("%s must be at least 1, not %d", name, *v))
			return
		}
	}
	opts.MaxTokens = -1
	if s.opts.DefaultMaxTokens > 0 {
		opts.MaxTokens = s.opts.DefaultMaxTokens
	}
	if req.MaxCompletionTokens != nil && *req.MaxCompletionTokens > 0 {
		opts.MaxTokens = *req.MaxCompletionTokens
	} else if req.MaxTokens != nil && *req.MaxTokens > 0 {
		opts.MaxTokens = *req.MaxTokens
	}
	if req.LogProbs || req.TopLogProbs > 0 {
		if req.TopLogProbs < 0 || req.TopLogProbs > 20 {
			writeError(w, http.StatusBadRequest, "invalid_request_error", "top_logprobs must be between 0 and 20")
			return
		}
		opts.LogProbs = true
		opts.TopLogProbs = req.TopLogProbs
	}
	tools, err := parseToolChoice(req.Tools, req.ToolChoice)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", err.Error())
		return
	}
	msgs := toMessages(req.Messages, tools, req.ResponseFormat != nil && req.ResponseFormat.Type == "json_object")
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
	id := newID("chatcmpl-")
	created := time.Now().Unix()
	chunk := func(delta *respMessage, finish *string) chatResponse {
		return chatResponse{ID: id, Object: "chat.completion.chunk", Created: created, Model: s.name,
			Choices: []chatChoice{{Index: 0, Delta: delta, FinishReason: finish}}}
	}

	if !req.Stream {
		res, err := s.b.Stream(r.Context(), prompt, opts, nil)
		if err != nil {
			backendError(w, err)
			return
		}
		text := strings.TrimSpace(res.Text)
		msg := &respMessage{Role: "assistant"}
		finish := finishReason(res)
		if calls := parseToolCalls(text, tools); calls != nil {
			msg.ToolCalls = calls
			finish = "tool_calls"
		} else {
			msg.Content = strPtr(res.Text)
		}
		u := usage{PromptTokens: res.PromptTokens, CompletionTokens: len(res.Tokens)}
		u.TotalTokens = u.PromptTokens + u.CompletionTokens
		writeJSON(w, http.StatusOK, chatResponse{ID: id, Object: "chat.completion", Created: created, Model: s.name,
			Choices: []chatChoice{{Index: 0, Message: msg, FinishReason: &finish, Extra: timings(res),
				Logprobs: chatLP(res, opts)}}, Usage: &u})
		return
	}

	ev := &sse{w: w}
	// The first chunk carries the role; it is sent with the first text, so that an error before any text can
	// still be an HTTP error.
	send := func(delta *respMessage, finish *string) error {
		if !ev.started {
			if err := ev.send(chunk(&respMessage{Role: "assistant", Content: strPtr("")}, nil)); err != nil {
				return err
			}
		}
		return ev.send(chunk(delta, finish))
	}
	var onText func(string) error
	if tools == nil { // with tools the reply may be a call: buffer it
		onText = func(t string) error { return send(&respMessage{Content: strPtr(t)}, nil) }
	}
	res, err := s.b.Stream(r.Context(), prompt, opts, onText)
	if err != nil {
		if !ev.started {
			backendError(w, err)
		} else if r.Context().Err() == nil { // the model failed mid-stream: tell the client
			var e apiError
			e.Error.Message = err.Error()
			e.Error.Type = "server_error"
			_ = ev.send(e)
		}
		return
	}
	finish := finishReason(res)
	if tools != nil {
		if calls := parseToolCalls(strings.TrimSpace(res.Text), tools); calls != nil {
			for i := range calls {
				calls[i].Index = new(int)
				*calls[i].Index = i
			}
			_ = send(&respMessage{ToolCalls: calls}, nil)
			finish = "tool_calls"
		} else {
			_ = send(&respMessage{Content: strPtr(res.Text)}, nil)
		}
	}
	if !ev.started {
		_ = send(&respMessage{Content: strPtr("")}, nil)
	}
	last := chunk(&respMessage{}, &finish)
	last.Choices[0].Extra = timings(res)
	last.Choices[0].Logprobs = chatLP(res, opts) // all of them at the end: streamed text is not cut at tokens
	_ = ev.send(last)
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		u := usage{PromptTokens: res.PromptTokens, CompletionTokens: len(res.Tokens)}
		u.TotalTokens = u.PromptTokens + u.CompletionTokens
		_ = ev.send(chatResponse{ID: id, Object: "chat.completion.chunk", Created: created, Model: s.name,
			Choices: []chatChoice{}, Usage: &u})
	}
	_ = ev.send("[DONE]")
}

func (s *Server) completions(w http.ResponseWriter, r *http.Request) {
	var req completionRequest
	if !decode(w, r, &req) {
		return
	}
	if req.N != nil && *req.N > 1 {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "n > 1 is not supported by this server")
		return
	}
	if req.Suffix != "" {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "suffix (insertion) is not supported")
		return
	}
	opts, err := s.sampling(req.Temperature, req.TopP, req.Seed, req.Stop, req.PresencePenalty,
		req.FrequencyPenalty, req.TopK, req.MinP, req.RepeatPenalty)
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error", err.Error())
		return
	}
	if req.Logprobs != nil && *req.Logprobs > 0 {
		if *req.Logprobs > 20 {
			writeError(w, http.StatusBadRequest, "invalid_request_error", "logprobs must be between 0 and 20")
			return
		}
		opts.LogProbs = true
		opts.TopLogProbs = *req.Logprobs
	} else if req.Logprobs != nil {
		opts.LogProbs = true
	}
	opts.MaxTokens = 16 // OpenAI's default for completions
	if req.MaxTokens != nil {
		if *req.MaxTokens < 0 {
			writeError(w, http.StatusBadRequest, "invalid_request_error",
				fmt.Sprintf("max_tokens must not be negative, not %d", *req.MaxTokens))
			return
		}
		opts.MaxTokens = *req.MaxTokens
		if opts.MaxTokens == 0 {
			opts.MaxTokens = 16
		}
	}
	prompts := []string(req.Prompt)
	if len(prompts) == 0 {
		prompts = []string{""}
	}
	id := newID("cmpl-")
	created := time.Now().Unix()
	if req.Stream {
		ev := &sse{w: w}
		var total usage
		for i, p := range prompts {
			if req.Echo {
				if err := ev.send(completionResponse{ID: id, Object: "text_completion", Created: created, Model: s.name,
					Choices: []completionChoice{{Text: p, Index: i}}}); err != nil {
					return
				}
			}
			res, err := s.b.Stream(r.Context(), p, opts, func(t string) error {
				return ev.send(completionResponse{ID: id, Object: "text_completion", Created: created, Model: s.name,
					Choices: []completionChoice{{Text: t, Index: i}}})
			})
			if err != nil {
				if !ev.started {
					backendError(w, err)
				}
				return
			}
			finish := finishReason(res)
			_ = ev.send(completionResponse{ID: id, Object: "text_completion", Created: created, Model: s.name,
				Choices: []completionChoice{{Index: i, FinishReason: &finish, Logprobs: legacyLP(res, opts, 0)}}})
			total.PromptTokens += res.PromptTokens
			total.CompletionTokens += len(res.Tokens)
		}
		if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
			total.TotalTokens = total.PromptTokens + total.CompletionTokens
			_ = ev.send(completionResponse{ID: id, Object: "text_completion", Created: created, Model: s.name,
				Choices: []completionChoice{}, Usage: &total})
		}
		_ = ev.send("[DONE]")
		return
	}
	resp := completionResponse{ID: id, Object: "text_completion", Created: created, Model: s.name, Usage: &usage{}}
	for i, p := range prompts {
		res, err := s.b.Stream(r.Context(), p, opts, nil)
		if err != nil {
			backendError(w, err)
			return
		}
		text := res.Text
		offset := 0
		if req.Echo {
			text = p + text
			offset = len(p)
		}
		finish := finishReason(res)
		resp.Choices = append(resp.Choices, completionChoice{Text: text, Index: i, FinishReason: &finish,
			Logprobs: legacyLP(res, opts, offset)})
		resp.Usage.PromptTokens += res.PromptTokens
		resp.Usage.CompletionTokens += len(res.Tokens)
	}
	resp.Usage.TotalTokens = resp.Usage.PromptTokens + resp.Usage.CompletionTokens
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) embeddings(w http.ResponseWriter, r *http.Request) {
	var req embeddingRequest
	if !decode(w, r, &req) {
		return
	}
	var texts stringList
	if err := json.Unmarshal(req.Input, &texts); err != nil {
		writeError(w, http.StatusBadRequest, "invalid_request_error",
			"input must be a string or an array of strings (token arrays are not supported)")
		return
	}
	if len(texts) == 0 {
		writeError(w, http.StatusBadRequest, "invalid_request_error", "input must not be empty")
		return
	}
	switch req.EncodingFormat {
	case "", "float", "base64":
	default:
		writeError(w, http.StatusBadRequest, "invalid_request_error",
			fmt.Sprintf("encoding_format %q is not supported (use float or base64)", req.EncodingFormat))
		return
	}
	vecs, err := s.b.EmbedBatch(r.Context(), texts)
	if err != nil {
		backendError(w, err)
		return
	}
	resp := embeddingResponse{Object: "list", Model: s.name}
	for i, v := range vecs {
		if req.Dimensions > 0 && req.Dimensions != len(v) {
			writeError(w, http.StatusBadRequest, "invalid_request_error",
				fmt.Sprintf("dimensions %d is not supported: the model's embeddings have %d", req.Dimensions, len(v)))
			return
		}
		d := embeddingData{Object: "embedding", Index: i, Embedding: v}
		if req.EncodingFormat == "base64" {
			d.Embedding = base64Floats(v)
		}
		resp.Data = append(resp.Data, d)
		if toks, err := s.b.Tokenize(texts[i], true); err == nil {
			resp.Usage.PromptTokens += len(toks)
		}
	}
	resp.Usage.TotalTokens = resp.Usage.PromptTokens
	writeJSON(w, http.StatusOK, resp)
}
