package llmtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Endpoint names used by Rule.Endpoint.
const (
	EndpointChat        = "chat"        // POST /v1/chat/completions
	EndpointCompletions = "completions" // POST /v1/completions (legacy)
	EndpointEmbeddings  = "embeddings"  // POST /v1/embeddings
	EndpointAny         = "*"           // every scripted endpoint
)

// What the server does when no rule matches a chat or completions request (Config.Unmatched).
const (
	UnmatchedEcho  = "echo"  // answer "(llmtest echo) " followed by the last user message (the default)
	UnmatchedError = "error" // answer HTTP 400 with an error that names the unmatched request
)

// EchoPrefix starts the text of every reply given when no rule matched (in the default echo mode).
const EchoPrefix = "(llmtest echo) "

// Config configures a Server. Its JSON form is the script file format read by LoadConfig.
type Config struct {
	// APIKey, when set, is the key every request must carry as "Authorization: Bearer KEY"; requests without
	// it, or with another key, get HTTP 401 in OpenAI's error format. When empty, any or no key is accepted.
	APIKey string `json:"api_key,omitempty"`
	// Unmatched is UnmatchedEcho (the default when empty) or UnmatchedError.
	Unmatched string `json:"unmatched,omitempty"`
	// Rules script the replies, tried in order.
	Rules []Rule `json:"rules,omitempty"`
	// EmbeddingDim is the default embedding dimension; 0 picks one by model (3072 for
	// text-embedding-3-large, 1536 otherwise).
	EmbeddingDim int `json:"embedding_dim,omitempty"`
	// Models lists the model ids that GET /v1/models returns (fine-tuned models are added as jobs succeed);
	// nil means DefaultModels().
	Models []string `json:"models,omitempty"`
	// JobStepEvery, when positive, advances fine-tuning jobs one state per interval of time; when zero, a job
	// advances one state each time it is retrieved (polled).
	JobStepEvery time.Duration `json:"-"`
}

// DefaultModels returns the model ids listed by GET /v1/models unless Config.Models is set. The server
// accepts any model name in requests; the list only answers clients that ask.
func DefaultModels() []string {
	return []string{
		"gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano", "o3-mini", "o4-mini",
		"gpt-3.5-turbo", "gpt-3.5-turbo-instruct", "davinci-002", "babbage-002",
		"text-embedding-3-small", "text-embedding-3-large",
	}
}

// Rule is a scripted reply and the conditions under which it is given. Empty conditions always hold.
type Rule struct {
	// Endpoint restricts the rule to EndpointChat, EndpointCompletions, EndpointEmbeddings or EndpointAny.
	// Empty means chat and completions (embedding requests only match rules that name them).
	Endpoint string `json:"endpoint,omitempty"`
	// Model, when set, must equal the request's model.
	Model string `json:"model,omitempty"`
	// Contains, when set, must be a substring of the last user message (of the prompt, for completions;
	// of the concatenated inputs, for embeddings).
	Contains string `json:"contains,omitempty"`
	// Regexp, when set, must match the same text (Go regexp syntax).
	Regexp string `json:"regexp,omitempty"`
	// LastRole, when set, must be the role of the request's final message: "tool" matches the follow-up
	// request that carries tool results, "user" a fresh question.
	LastRole string `json:"last_role,omitempty"`
	// Times is how many requests the rule answers; 0 means any number.
	Times int `json:"times,omitempty"`
	// Reply is the reply; it is shorthand for Replies with one element.
	Reply *Reply `json:"reply,omitempty"`
	// Replies are given in turn to successive matching requests; the last one repeats.
	Replies []Reply `json:"replies,omitempty"`
}

// Reply is what a scripted rule answers.
type Reply struct {
	// Text is the assistant's message (the completion text, for the legacy endpoint).
	Text string `json:"text,omitempty"`
	// ToolCalls are function calls the assistant asks for, several allowed (chat only).
	ToolCalls []ToolCall `json:"tool_calls,omitempty"`
	// FinishReason overrides the finish reason ("stop", or "tool_calls" when there are tool calls).
	FinishReason string `json:"finish_reason,omitempty"`
	// PromptTokens and CompletionTokens, when positive, replace the counted usage.
	PromptTokens     int `json:"prompt_tokens,omitempty"`
	CompletionTokens int `json:"completion_tokens,omitempty"`

	// Status, when 400 or more, makes the reply an error with OpenAI's error JSON: 429 is a rate limit,
	// 500 a server error, and so on.
	Status int `json:"status,omitempty"`
	// Error, ErrorType and ErrorCode fill the error JSON; defaults depend on Status.
	Error     string `json:"error,omitempty"`
	ErrorType string `json:"error_type,omitempty"`
	ErrorCode string `json:"error_code,omitempty"`
	// RetryAfter is sent as the Retry-After header: seconds ("2") or an HTTP date.
	RetryAfter string `json:"retry_after,omitempty"`
	// RetryAfterMs is sent as the retry-after-ms header.
	RetryAfterMs string `json:"retry_after_ms,omitempty"`
	// Headers are extra response headers, e.g. "x-ratelimit-reset-requests": "1s".
	Headers map[string]string `json:"headers,omitempty"`

	// Delay is waited before answering (cut short when the client goes away).
	Delay time.Duration `json:"-"`
	// ChunkDelay is waited between streamed chunks.
	ChunkDelay time.Duration `json:"-"`
	// Drop closes the connection without a complete answer: at once, or in a stream after DropAfter chunks
	// of content. A non-streamed request is dropped before any response.
	Drop bool `json:"drop,omitempty"`
	// DropAfter is the number of content chunks sent before a stream is dropped (implies Drop).
	DropAfter int `json:"drop_after,omitempty"`
}

// ToolCall is a function call in a scripted reply.
type ToolCall struct {
	// ID is the call id; empty gives a deterministic one ("call_000001_0").
	ID string `json:"id,omitempty"`
	// Name is the function's name.
	Name string `json:"name"`
	// Arguments is the JSON text of the arguments. In a script file it may be written as a JSON string or
	// as a JSON object.
	Arguments string `json:"arguments"`
}

// UnmarshalJSON accepts arguments as a JSON string or as any JSON value.
func (tc *ToolCall) UnmarshalJSON(data []byte) error {
	var raw struct {
		ID        string          `json:"id"`
		Name      string          `json:"name"`
		Arguments json.RawMessage `json:"arguments"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	tc.ID, tc.Name = raw.ID, raw.Name
	args := bytes.TrimSpace(raw.Arguments)
	switch {
	case len(args) == 0 || string(args) == "null":
		tc.Arguments = "{}"
	case args[0] == '"':
		if err := json.Unmarshal(args, &tc.Arguments); err != nil {
			return err
		}
	default:
		var buf bytes.Buffer
		if err := json.Compact(&buf, args); err != nil {
			return err
		}
		tc.Arguments = buf.String()
	}
	return nil
}

// UnmarshalJSON reads a reply; delay and chunk_delay are Go durations ("500ms", "2s") or seconds (1.5).
func (r *Reply) UnmarshalJSON(data []byte) error {
	type plain Reply // no methods: avoids recursion
	var raw struct {
		plain
		Delay      json.RawMessage `json:"delay"`
		ChunkDelay json.RawMessage `json:"chunk_delay"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	*r = Reply(raw.plain)
	var err error
	if r.Delay, err = parseDuration(raw.Delay); err != nil {
		return fmt.Errorf("delay: %w", err)
	}
	if r.ChunkDelay, err = parseDuration(raw.ChunkDelay); err != nil {
		return fmt.Errorf("chunk_delay: %w", err)
	}
	return nil
}

// MarshalJSON writes a reply with its durations as Go duration strings.
func (r Reply) MarshalJSON() ([]byte, error) {
	type plain Reply
	out := struct {
		plain
		Delay      string `json:"delay,omitempty"`
		ChunkDelay string `json:"chunk_delay,omitempty"`
	}{plain: plain(r)}
	if r.Delay > 0 {
		out.Delay = r.Delay.String()
	}
	if r.ChunkDelay > 0 {
		out.ChunkDelay = r.ChunkDelay.String()
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a configuration; job_step_every is a Go duration or seconds. Unknown fields are
// errors, so that a misspelt condition does not silently match everything.
func (c *Config) UnmarshalJSON(data []byte) error {
	type plain Config
	var raw struct {
		plain
		JobStepEvery json.RawMessage `json:"job_step_every"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	*c = Config(raw.plain)
	var err error
	if c.JobStepEvery, err = parseDuration(raw.JobStepEvery); err != nil {
		return fmt.Errorf("job_step_every: %w", err)
	}
	return nil
}

// MarshalJSON writes a configuration in the script file format.
func (c Config) MarshalJSON() ([]byte, error) {
	type plain Config
	out := struct {
		plain
		JobStepEvery string `json:"job_step_every,omitempty"`
	}{plain: plain(c)}
	if c.JobStepEvery > 0 {
		out.JobStepEvery = c.JobStepEvery.String()
	}
	return json.Marshal(out)
}

// UnmarshalJSON reads a rule, rejecting unknown fields.
func (r *Rule) UnmarshalJSON(data []byte) error {
	type plain Rule
	var raw plain
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	*r = Rule(raw)
	return nil
}

func parseDuration(raw json.RawMessage) (time.Duration, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, nil
	}
	if raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return 0, err
		}
		if s == "" {
			return 0, nil
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			if secs, err2 := strconv.ParseFloat(s, 64); err2 == nil {
				return time.Duration(secs * float64(time.Second)), nil
			}
			return 0, err
		}
		return d, nil
	}
	secs, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return 0, fmt.Errorf("want a duration such as \"500ms\" or a number of seconds, got %s", raw)
	}
	return time.Duration(secs * float64(time.Second)), nil
}

// LoadConfig reads a script file: the JSON form of Config. An example:
//
//	{
//	  "api_key": "sk-test",
//	  "unmatched": "echo",
//	  "embedding_dim": 384,
//	  "job_step_every": "1s",
//	  "rules": [
//	    {"times": 1, "reply": {"status": 429, "retry_after": "1"}},
//	    {"contains": "What is money?", "reply": {"text": "Money, mate, is like a ..."}},
//	    {"contains": "6+3", "last_role": "user",
//	     "reply": {"tool_calls": [{"name": "sums", "arguments": {"a": 6, "b": 3}}]}},
//	    {"last_role": "tool", "reply": {"text": "6 + 3 = 9"}},
//	    {"model": "gpt-4o", "replies": [{"text": "first"}, {"text": "second, and after"}]},
//	    {"contains": "story", "reply": {"text": "Once upon a time", "chunk_delay": "50ms", "drop_after": 2}}
//	  ]
//	}
//
// Field names are those of the JSON tags of Config, Rule, Reply and ToolCall; durations (delay,
// chunk_delay, job_step_every) are Go durations ("500ms") or numbers of seconds. Unknown fields and invalid
// regular expressions are errors.
func LoadConfig(r io.Reader) (Config, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Config{}, fmt.Errorf("llmtest: reading script: %w", err)
	}
	var c Config
	if err := json.Unmarshal(data, &c); err != nil {
		return Config{}, fmt.Errorf("llmtest: parsing script: %w", err)
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// LoadConfigFile reads a script file by path (see LoadConfig).
func LoadConfigFile(path string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Config{}, fmt.Errorf("llmtest: %w", err)
	}
	defer f.Close()
	c, err := LoadConfig(f)
	if err != nil {
		return Config{}, fmt.Errorf("%w (in %s)", err, path)
	}
	return c, nil
}

// Validate checks the unmatched mode, the rules' endpoints and regular expressions, and the replies.
func (c Config) Validate() error {
	switch c.Unmatched {
	case "", UnmatchedEcho, UnmatchedError:
	default:
		return fmt.Errorf("llmtest: unmatched is %q; want %q or %q", c.Unmatched, UnmatchedEcho, UnmatchedError)
	}
	if c.EmbeddingDim < 0 {
		return fmt.Errorf("llmtest: embedding_dim %d is negative", c.EmbeddingDim)
	}
	var errs []error
	for i, r := range c.Rules {
		if err := r.validate(); err != nil {
			errs = append(errs, fmt.Errorf("llmtest: rule %d: %w", i, err))
		}
	}
	return errors.Join(errs...)
}

func (r Rule) validate() error {
	switch r.Endpoint {
	case "", EndpointChat, EndpointCompletions, EndpointEmbeddings, EndpointAny:
	default:
		return fmt.Errorf("endpoint %q; want %q, %q, %q or %q", r.Endpoint,
			EndpointChat, EndpointCompletions, EndpointEmbeddings, EndpointAny)
	}
	if r.Regexp != "" {
		if _, err := regexp.Compile(r.Regexp); err != nil {
			return fmt.Errorf("regexp: %w", err)
		}
	}
	if r.Times < 0 {
		return fmt.Errorf("times %d is negative", r.Times)
	}
	if r.Reply == nil && len(r.Replies) == 0 {
		return errors.New("no reply (set reply or replies)")
	}
	for i, rep := range r.replies() {
		if rep.Status != 0 && (rep.Status < 100 || rep.Status > 599) {
			return fmt.Errorf("reply %d: status %d is not an HTTP status", i, rep.Status)
		}
		for j, tc := range rep.ToolCalls {
			if tc.Name == "" {
				return fmt.Errorf("reply %d: tool call %d has no name", i, j)
			}
			if tc.Arguments != "" && !json.Valid([]byte(tc.Arguments)) {
				return fmt.Errorf("reply %d: tool call %d (%s): arguments are not valid JSON", i, j, tc.Name)
			}
		}
	}
	return nil
}

func (r Rule) replies() []Reply {
	if r.Reply != nil {
		return append([]Reply{*r.Reply}, r.Replies...)
	}
	return r.Replies
}

// ruleState is a rule with its compiled regexp and the number of requests it answered.
type ruleState struct {
	Rule
	re      *regexp.Regexp
	replies []Reply
	used    int
}

func newRuleState(r Rule) (*ruleState, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	st := &ruleState{Rule: r, replies: r.replies()}
	if r.Regexp != "" {
		st.re = regexp.MustCompile(r.Regexp) // validated above
	}
	return st, nil
}

// query is what a rule is matched against.
type query struct {
	endpoint string
	model    string
	text     string // last user message, prompt, or inputs
	lastRole string
}

func (st *ruleState) matches(q query) bool {
	if st.Times > 0 && st.used >= st.Times {
		return false
	}
	switch st.Endpoint {
	case "":
		if q.endpoint != EndpointChat && q.endpoint != EndpointCompletions {
			return false
		}
	case EndpointAny:
	default:
		if st.Endpoint != q.endpoint {
			return false
		}
	}
	if st.Model != "" && st.Model != q.model {
		return false
	}
	if st.LastRole != "" && st.LastRole != q.lastRole {
		return false
	}
	if st.Contains != "" && !strings.Contains(q.text, st.Contains) {
		return false
	}
	if st.re != nil && !st.re.MatchString(q.text) {
		return false
	}
	return true
}

// take returns the reply for the next use of the rule.
func (st *ruleState) take() Reply {
	i := min(st.used, len(st.replies)-1)
	st.used++
	return st.replies[i]
}
