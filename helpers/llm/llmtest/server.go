package llmtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/golm-dev/golm/helpers/internal/openaiwire"
)

// maxBody is the largest request body the server reads (uploads included).
const maxBody = 64 << 20

// Server is a fake OpenAI-compatible HTTP server. Create one with NewServer, NewServerConfig or Listen; it is
// also an http.Handler, so it can be mounted anywhere. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the API, ending in /v1 (for example http://127.0.0.1:41234/v1): the value for
	// OPENAI_BASE_URL. It is empty for a Server that was not started by this package.
	URL string

	mux  *http.ServeMux
	done chan struct{}
	stop func()

	closeOnce sync.Once

	mu        sync.Mutex
	apiKey    string
	unmatched string
	rules     []*ruleState
	queue     []Reply
	requests  []Request
	embedDim  int
	models    []string
	jobStep   time.Duration
	seq       int
	files     map[string]*storedFile
	fileOrder []string
	jobs      map[string]*job
	jobOrder  []string
	eventSeq  int
	nowFunc   func() time.Time
}

// Request is the record of one request the server received.
type Request struct {
	// Time is when it arrived.
	Time time.Time
	// Method and Path are the HTTP method and the URL path (for example "/v1/chat/completions");
	// Query is the raw query string.
	Method string
	Path   string
	Query  string
	// Header holds the request headers; the value of Authorization is replaced by "Bearer [REDACTED]"
	// (or "[REDACTED]" when it was not a bearer token), so records can be printed safely.
	Header http.Header
	// Body is the raw request body.
	Body []byte
	// JSON is the body decoded as a JSON object, nil when the body is not one.
	JSON map[string]any
	// Form holds the fields of a multipart body; a file part is given as its file name.
	Form map[string]string
}

// Decode decodes the JSON body into v (for example an openai.ChatCompletionRequest).
func (r Request) Decode(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("llmtest: decoding body of %s %s: %w", r.Method, r.Path, err)
	}
	return nil
}

// LastUserMessage returns the text of the last user message of a chat request, or the prompt of a
// completions request, or the last user input of a responses request; "" otherwise.
func (r Request) LastUserMessage() string {
	switch r.Path {
	case "/v1/chat/completions":
		var req openaiwire.ChatRequest
		if json.Unmarshal(r.Body, &req) != nil {
			return ""
		}
		return lastUser(req.Messages)
	case "/v1/completions":
		var req openaiwire.CompletionRequest
		if json.Unmarshal(r.Body, &req) != nil {
			return ""
		}
		return strings.Join(promptTexts(req.Prompt), "\n")
	case "/v1/responses":
		var req responsesRequest
		if json.Unmarshal(r.Body, &req) != nil {
			return ""
		}
		last, _, _, _ := req.conversation()
		return last
	}
	return ""
}

// NewServer starts a server with the default configuration on a loopback port. Close it when done.
func NewServer() *Server { return NewServerConfig(Config{}) }

// NewServerConfig starts a server with a configuration on a loopback port. It panics if the configuration
// is invalid (see Config.Validate), as it is meant for tests; use Listen to get an error instead.
func NewServerConfig(cfg Config) *Server {
	s, err := newServer(cfg)
	if err != nil {
		panic(err)
	}
	ts := httptest.NewServer(s)
	s.URL = ts.URL + "/v1"
	s.stop = func() {
		ts.CloseClientConnections()
		ts.Close()
	}
	return s
}

// Listen starts a server on addr (for example "127.0.0.1:0", which picks a free port; empty means that).
// The server's URL holds the bound address. Close it when done.
func Listen(addr string, cfg Config) (*Server, error) {
	s, err := newServer(cfg)
	if err != nil {
		return nil, err
	}
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("llmtest: listening on %s: %w", addr, err)
	}
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	host := ln.Addr().String()
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		host = net.JoinHostPort("127.0.0.1", fmt.Sprint(tcp.Port))
	}
	s.URL = "http://" + host + "/v1"
	s.stop = func() { _ = hs.Close() }
	return s, nil
}

// Serve runs a server on addr until ctx is cancelled. scriptPath, when not empty, names a script file (see
// LoadConfig). Once listening it writes one line to out (when not nil): "OPENAI_BASE_URL=<url>", the
// line a caller can show or parse. It returns nil after ctx is cancelled, or an error if the script
// cannot be read or the address cannot be bound.
func Serve(ctx context.Context, addr string, scriptPath string, out io.Writer) error {
	var cfg Config
	if scriptPath != "" {
		var err error
		if cfg, err = LoadConfigFile(scriptPath); err != nil {
			return err
		}
	}
	return ServeConfig(ctx, addr, cfg, out)
}

// ServeConfig is Serve with a configuration instead of a script file.
func ServeConfig(ctx context.Context, addr string, cfg Config, out io.Writer) error {
	s, err := Listen(addr, cfg)
	if err != nil {
		return err
	}
	defer s.Close()
	if out != nil {
		if _, err := fmt.Fprintf(out, "OPENAI_BASE_URL=%s\n", s.URL); err != nil {
			return fmt.Errorf("llmtest: writing the URL: %w", err)
		}
	}
	<-ctx.Done()
	return nil
}

func newServer(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Server{
		done:      make(chan struct{}),
		apiKey:    cfg.APIKey,
		unmatched: cfg.Unmatched,
		embedDim:  cfg.EmbeddingDim,
		models:    append([]string(nil), cfg.Models...),
		jobStep:   cfg.JobStepEvery,
		files:     map[string]*storedFile{},
		jobs:      map[string]*job{},
		nowFunc:   time.Now,
	}
	if cfg.Models == nil {
		s.models = DefaultModels()
	}
	for _, r := range cfg.Rules {
		st, err := newRuleState(r)
		if err != nil {
			return nil, err // unreachable: validated
		}
		s.rules = append(s.rules, st)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/chat/completions", s.handleChat)
	mux.HandleFunc("POST /v1/completions", s.handleCompletions)
	mux.HandleFunc("POST /v1/responses", s.handleResponses)
	mux.HandleFunc("POST /v1/embeddings", s.handleEmbeddings)
	mux.HandleFunc("GET /v1/models", s.handleModels)
	mux.HandleFunc("GET /v1/models/{id...}", s.handleModel)
	mux.HandleFunc("POST /v1/files", s.handleUpload)
	mux.HandleFunc("GET /v1/files", s.handleListFiles)
	mux.HandleFunc("GET /v1/files/{id}", s.handleGetFile)
	mux.HandleFunc("DELETE /v1/files/{id}", s.handleDeleteFile)
	mux.HandleFunc("GET /v1/files/{id}/content", s.handleFileContent)
	mux.HandleFunc("POST /v1/fine_tuning/jobs", s.handleCreateJob)
	mux.HandleFunc("GET /v1/fine_tuning/jobs", s.handleListJobs)
	mux.HandleFunc("GET /v1/fine_tuning/jobs/{id}", s.handleGetJob)
	mux.HandleFunc("GET /v1/fine_tuning/jobs/{id}/events", s.handleJobEvents)
	mux.HandleFunc("POST /v1/fine_tuning/jobs/{id}/cancel", s.handleCancelJob)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		openaiwire.WriteError(w, http.StatusNotFound, openaiwire.Invalid("Invalid URL (%s %s)", r.Method, r.URL.Path))
	})
	s.mux = mux
	return s, nil
}

// Close stops the server, cutting open connections (a stream in progress ends at once).
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		close(s.done)
		if s.stop != nil {
			s.stop()
		}
	})
}

// Add appends a rule (see Rule). It returns an error if the rule is invalid.
func (s *Server) Add(r Rule) error {
	st, err := newRuleState(r)
	if err != nil {
		return fmt.Errorf("llmtest: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = append(s.rules, st)
	return nil
}

// Enqueue queues a reply for the next chat or completions request, ahead of every rule: queued replies
// are given one per request, in the order they were queued, and the rules answer once the queue is empty.
// (In a script file, rules with "times": 1 and no conditions, placed first, do the same.)
func (s *Server) Enqueue(r Reply) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.queue = append(s.queue, r)
}

// EnqueueText queues a text reply (see Enqueue).
func (s *Server) EnqueueText(text string) { s.Enqueue(Reply{Text: text}) }

// When adds a standing rule: requests whose last user message contains substr get reply, any number of
// times.
func (s *Server) When(substr string, reply Reply) {
	rr := reply
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = append(s.rules, &ruleState{Rule: Rule{Contains: substr, Reply: &rr}, replies: []Reply{rr}})
}

// SetUnmatched sets what the server does when no rule matches: UnmatchedEcho or UnmatchedError.
func (s *Server) SetUnmatched(mode string) error {
	if mode != UnmatchedEcho && mode != UnmatchedError {
		return fmt.Errorf("llmtest: unmatched mode %q; want %q or %q", mode, UnmatchedEcho, UnmatchedError)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unmatched = mode
	return nil
}

// SetAPIKey sets the key requests must carry; "" accepts any.
func (s *Server) SetAPIKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apiKey = key
}

// Requests returns a copy of the records of all requests received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// RequestsTo returns the records of the requests whose path is path (for example "/v1/chat/completions").
func (s *Server) RequestsTo(path string) []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.requests {
		if r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// LastRequest returns the most recent request and whether there was one.
func (s *Server) LastRequest() (Request, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.requests) == 0 {
		return Request{}, false
	}
	return s.requests[len(s.requests)-1], true
}

// ClearRequests forgets the recorded requests.
func (s *Server) ClearRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

// ServeHTTP records the request, checks its key and answers it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, ok := openaiwire.ReadBody(w, r, maxBody)
	if !ok {
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	rec := Request{
		Time:   time.Now(),
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  r.URL.RawQuery,
		Header: redactHeader(r.Header),
		Body:   body,
	}
	var obj map[string]any
	if json.Unmarshal(body, &obj) == nil {
		rec.JSON = obj
	}
	rec.Form = formFields(r.Header.Get("Content-Type"), body)

	s.mu.Lock()
	s.requests = append(s.requests, rec)
	key := s.apiKey
	s.mu.Unlock()

	if key != "" {
		if msg := checkKey(r.Header.Get("Authorization"), key); msg != "" {
			openaiwire.WriteError(w, http.StatusUnauthorized, openaiwire.Invalid("%s", msg).WithCode("invalid_api_key"))
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// checkKey returns "" when the Authorization header carries key, else OpenAI's message for the failure.
func checkKey(auth, key string) string {
	if auth == "" {
		return "You didn't provide an API key. You need to provide your API key in an Authorization header " +
			"using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
	}
	if openaiwire.BearerMatches(auth, key) {
		return ""
	}
	got, _ := strings.CutPrefix(auth, "Bearer ")
	return "Incorrect API key provided: " + maskKey(got) +
		". You can find your API key at https://platform.openai.com/account/api-keys."
}

// maskKey hides all but the first three and last four characters of a key, as OpenAI's messages do.
func maskKey(k string) string {
	if len(k) <= 8 {
		return strings.Repeat("*", len(k))
	}
	return k[:3] + strings.Repeat("*", len(k)-7) + k[len(k)-4:]
}

func redactHeader(h http.Header) http.Header {
	out := h.Clone()
	if v := out.Get("Authorization"); v != "" {
		if strings.HasPrefix(v, "Bearer ") {
			out.Set("Authorization", "Bearer [REDACTED]")
		} else {
			out.Set("Authorization", "[REDACTED]")
		}
	}
	if out.Get("Api-Key") != "" {
		out.Set("Api-Key", "[REDACTED]")
	}
	return out
}

func formFields(contentType string, body []byte) map[string]string {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/form-data" {
		return nil
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	out := map[string]string{}
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		if p.FileName() != "" {
			out[p.FormName()] = p.FileName()
		} else {
			b, _ := io.ReadAll(io.LimitReader(p, 1<<20))
			out[p.FormName()] = string(b)
		}
		_ = p.Close()
	}
	return out
}

// decoder reads the JSON bodies of requests, answering 400 with OpenAI's message when one is not JSON.
var decoder = openaiwire.Decoder{Limit: maxBody, Prefix: "We could not parse the JSON body of your request: "}

// requireModel answers 400 as OpenAI does, and returns false, when a request names no model.
func requireModel(w http.ResponseWriter, model string) bool {
	if model == "" {
		openaiwire.WriteError(w, http.StatusBadRequest,
			openaiwire.Invalid("you must provide a model parameter").WithCode("missing_required_parameter"))
		return false
	}
	return true
}

// head returns the id, time, model and fingerprint of a new answer; its id is prefix and a sequence number.
func (s *Server) head(prefix, model string) openaiwire.Head {
	return openaiwire.Head{ID: s.nextID(prefix), Created: s.now().Unix(), Model: model,
		SystemFingerprint: fingerprint}
}

// nextID returns prefix followed by a six-digit sequence number, unique within the server.
func (s *Server) nextID(prefix string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nextIDLocked(prefix)
}

func (s *Server) nextIDLocked(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%06d", prefix, s.seq)
}

func (s *Server) now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowFunc()
}

// sleep waits for d, returning false early if the request or the server ends.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.done:
		return false
	}
}

// answer finds the reply for a scripted request: the first queued reply, else the first matching rule, or
// nil when none matches.
func (s *Server) answer(q query) (*Reply, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.queue) > 0 && (q.endpoint == EndpointChat || q.endpoint == EndpointCompletions) {
		r := s.queue[0]
		s.queue = s.queue[1:]
		return &r, s.unmatched
	}
	for _, st := range s.rules {
		if st.matches(q) {
			r := st.take()
			return &r, s.unmatched
		}
	}
	return nil, s.unmatched
}

// unmatchedError is the error answered in UnmatchedError mode.
func unmatchedError(q query) openaiwire.Error {
	return openaiwire.Invalid("llmtest: no scripted reply matches this request (endpoint %s, model %q, "+
		"last user message %q)", q.endpoint, q.model, q.text).WithCode("llmtest_unmatched")
}

// writeReplyError writes a scripted error reply, with its headers.
func writeReplyError(w http.ResponseWriter, rep *Reply) {
	for k, v := range rep.Headers {
		w.Header().Set(k, v)
	}
	if rep.RetryAfter != "" {
		w.Header().Set("Retry-After", rep.RetryAfter)
	}
	if rep.RetryAfterMs != "" {
		w.Header().Set("Retry-After-Ms", rep.RetryAfterMs)
	}
	e := openaiwire.Error{Message: rep.Error, Type: rep.ErrorType, Code: rep.ErrorCode}
	def := defaultError(rep.Status)
	if e.Message == "" {
		e.Message = def.Message
	}
	if e.Type == "" {
		e.Type = def.Type
	}
	if e.Code == "" {
		e.Code = def.Code
	}
	openaiwire.WriteError(w, rep.Status, e)
}

func defaultError(status int) openaiwire.Error {
	switch {
	case status == http.StatusTooManyRequests:
		return openaiwire.Error{Message: "Rate limit reached for requests (llmtest). Please try again later.",
			Type: "requests", Code: "rate_limit_exceeded"}
	case status == http.StatusUnauthorized:
		return openaiwire.Invalid("Incorrect API key provided.").WithCode("invalid_api_key")
	case status >= 500:
		return openaiwire.Error{Message: "The server had an error while processing your request. Sorry about " +
			"that! (llmtest)", Type: openaiwire.ServerError}
	default:
		return openaiwire.Invalid("llmtest: scripted error %d %s", status, http.StatusText(status))
	}
}

// drop closes the client's connection without finishing the response: before the status line when nothing
// was written yet (the client sees a connection error), or in the middle of a stream.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		conn, _, err := hj.Hijack()
		if err == nil {
			_ = conn.Close()
			return
		}
	}
	// Not hijackable (HTTP/2): abort the handler, which resets the stream. This panic is net/http's
	// documented way to abort a response; the server recovers it without logging.
	panic(http.ErrAbortHandler)
}

// reply finds the scripted reply to a chat or completions request, waits its delay, and answers what is
// not a completion: the unmatched error, a scripted error, a drop at once (streams scripted to drop after
// some chunks are left to the stream). It returns false when the request has been answered or abandoned.
// With no matching rule, the reply is the echo of the query's text.
func (s *Server) reply(w http.ResponseWriter, r *http.Request, q query, stream bool) (*Reply, bool) {
	rep, mode := s.answer(q)
	if rep == nil {
		if mode == UnmatchedError {
			openaiwire.WriteError(w, http.StatusBadRequest, unmatchedError(q))
			return nil, false
		}
		rep = &Reply{Text: EchoPrefix + q.text}
	}
	if !s.prelude(w, r, rep) {
		return nil, false
	}
	if (rep.Drop || rep.DropAfter > 0) && (!stream || rep.DropAfter == 0) {
		drop(w)
		return nil, false
	}
	return rep, true
}

// prelude waits a reply's delay and answers a scripted error. It returns false when the request has been
// answered (or abandoned).
func (s *Server) prelude(w http.ResponseWriter, r *http.Request, rep *Reply) bool {
	if rep == nil {
		return true
	}
	if !s.sleep(r.Context(), rep.Delay) {
		return false
	}
	if rep.Status >= 400 {
		writeReplyError(w, rep)
		return false
	}
	return true
}

// pacer paces a scripted stream: the reply's chunk delay before each chunk, and the drop of the connection
// after DropAfter chunks of content.
type pacer struct {
	s    *Server
	w    http.ResponseWriter
	r    *http.Request
	rep  *Reply
	sent int
}

func (s *Server) pace(w http.ResponseWriter, r *http.Request, rep *Reply) *pacer {
	return &pacer{s: s, w: w, r: r, rep: rep}
}

// wait waits the chunk delay; false when the client or the server went away meanwhile.
func (p *pacer) wait() bool { return p.s.sleep(p.r.Context(), p.rep.ChunkDelay) }

// sentOne counts a chunk of content sent; false when the script drops the connection here.
func (p *pacer) sentOne() bool {
	p.sent++
	if p.rep.DropAfter > 0 && p.sent >= p.rep.DropAfter {
		drop(p.w)
		return false
	}
	return true
}

// end is called after the content, before the finish chunk: a stream scripted to drop that had fewer
// chunks than DropAfter is dropped here all the same; else it waits the chunk delay.
func (p *pacer) end() bool {
	if p.rep.DropAfter > 0 {
		drop(p.w)
		return false
	}
	return p.wait()
}

// queryInt reads an integer query parameter, returning def when absent or invalid.
func queryInt(q url.Values, name string, def int) int {
	var n int
	if _, err := fmt.Sscan(q.Get(name), &n); err != nil || n <= 0 {
		return def
	}
	return n
}
