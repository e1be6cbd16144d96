package llm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// Kinds of failure; test for them with errors.Is.
var (
	// ErrNoAPIKey: no key is configured for a server that needs one (OpenAI's).
	ErrNoAPIKey = errors.New("no API key")
	// ErrAPIKeyRejected: the server answered 401.
	ErrAPIKeyRejected = errors.New("the API key was rejected")
	// ErrRateLimited: the server still answered 429 after the retries the RetryPolicy allows.
	ErrRateLimited = errors.New("rate limited")
	// ErrQuota: the account has no quota or credit left (429 insufficient_quota, which is never retried).
	ErrQuota = errors.New("quota exceeded")
	// ErrServer: the server still failed (5xx) after the retries the RetryPolicy allows.
	ErrServer = errors.New("server error")
	// ErrStreamCut: a stream ended before the server said it was complete (see StreamError).
	ErrStreamCut = errors.New("stream cut off")
)

// Error is a failed call to the API: what was being done, the HTTP status when there was an answer, and an
// explanation meant for people, from which any API key has been removed. errors.Is matches its kind
// (ErrAPIKeyRejected, ErrRateLimited, ...) and the underlying error (context.Canceled, ...); errors.As finds
// the underlying *openai.APIError or *openai.RequestError.
type Error struct {
	// Op is what was being done: "chat", "stream", "completion", "embed", "files", "fine-tuning", "models".
	Op string
	// StatusCode is the HTTP status of the answer, 0 when there was none.
	StatusCode int
	// Message explains the failure.
	Message string
	// Kind is one of the Err* values of this package, or nil.
	Kind error
	// Err is the underlying error.
	Err error
}

// Error returns "llm: OP: MESSAGE".
func (e *Error) Error() string { return "llm: " + e.Op + ": " + e.Message }

// Unwrap returns the kind and the underlying error.
func (e *Error) Unwrap() []error {
	var out []error
	if e.Kind != nil {
		out = append(out, e.Kind)
	}
	if e.Err != nil {
		out = append(out, e.Err)
	}
	return out
}

// StreamError reports a stream that ended early: cut off by the server or the network (errors.Is(err,
// ErrStreamCut)), or stopped by the context (errors.Is(err, context.Canceled)). Partial holds the text
// received until then, which is never silently passed off as the whole answer.
type StreamError struct {
	// Partial is the text received before the stream ended.
	Partial string
	// Cut is true when the stream was cut off by the server or the network, false when the context
	// stopped it or the server reported an error in the stream.
	Cut bool
	// Err is the underlying error.
	Err error
}

// Error describes how the stream ended and how much text had arrived.
func (e *StreamError) Error() string {
	n := len([]rune(e.Partial))
	switch {
	case e.Cut:
		return fmt.Sprintf("llm: stream cut off after %d characters, before the server finished: %v", n, e.Err)
	case errors.Is(e.Err, context.Canceled) || errors.Is(e.Err, context.DeadlineExceeded):
		return fmt.Sprintf("llm: stream stopped after %d characters: %v", n, e.Err)
	default:
		return fmt.Sprintf("llm: stream failed after %d characters: %v", n, e.Err)
	}
}

// Unwrap returns ErrStreamCut (for a cut stream) and the underlying error.
func (e *StreamError) Unwrap() []error {
	if e.Cut {
		return []error{ErrStreamCut, e.Err}
	}
	return []error{e.Err}
}

// keyLike matches strings that look like OpenAI API keys, masked or not.
var keyLike = regexp.MustCompile(`sk-[A-Za-z0-9_\-*]{6,}`)

// redact removes the key, and anything that looks like an OpenAI key, from s.
func redact(s, key string) string {
	if len(key) >= 4 {
		s = strings.ReplaceAll(s, key, "[REDACTED]")
	}
	return keyLike.ReplaceAllString(s, "sk-[REDACTED]")
}

// explain turns an error from go-openai or the transport into an *Error with a clear message. It also
// scrubs the key from the underlying go-openai error values, in case a server echoes it.
func (c *Client) explain(op string, err error) error {
	if err == nil {
		return nil
	}
	var le *Error
	var se *StreamError
	if errors.As(err, &se) {
		return err
	}
	if errors.As(err, &le) {
		return le // our own error, from the transport (the URL wrapper adds nothing for the reader)
	}
	e := &Error{Op: op, Err: err}
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	var serverMsg, code string
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		e.Message = "interrupted: " + contextCause(err)
		return e
	case errors.As(err, &apiErr):
		apiErr.Message = redact(apiErr.Message, c.key)
		e.StatusCode = apiErr.HTTPStatusCode
		serverMsg = apiErr.Message
		if s, ok := apiErr.Code.(string); ok {
			code = s
		}
		if apiErr.Type == "insufficient_quota" {
			code = apiErr.Type
		}
	case errors.As(err, &reqErr):
		reqErr.Body = []byte(redact(string(reqErr.Body), c.key))
		e.StatusCode = reqErr.HTTPStatusCode
		serverMsg = bodyMessage(reqErr.Body)
	default:
		e.Message = c.transportMessage(err)
		return e
	}
	said := ""
	if serverMsg != "" {
		said = " (the server said: " + serverMsg + ")"
	}
	switch st := e.StatusCode; {
	case st == 401:
		e.Kind = ErrAPIKeyRejected
		e.Message = fmt.Sprintf("the API key was rejected (HTTP 401) by %s: check OPENAI_API_KEY%s", c.host(), said)
	case st == 403:
		e.Message = fmt.Sprintf("access denied (HTTP 403) by %s: the key may lack access to this model or "+
			"endpoint%s", c.host(), said)
	case st == 404 && strings.HasPrefix(op, "responses"):
		e.Message = fmt.Sprintf("not found (HTTP 404) at %s: this server may not offer the Responses API "+
			"(many OpenAI-compatible servers speak only Chat Completions: leave ChatOptions.API empty), or the "+
			"model name is wrong%s", c.baseURL, said)
	case st == 404:
		e.Message = fmt.Sprintf("not found (HTTP 404) at %s: check the model name, and that the base URL "+
			"(OPENAI_BASE_URL) is right; it usually ends in /v1%s", c.baseURL, said)
	case st == 429 && code == "insufficient_quota":
		e.Kind = ErrQuota
		e.Message = "the account has no quota or credit left (HTTP 429 insufficient_quota); retrying will " +
			"not help: check billing" + said
	case st == 429:
		e.Kind = ErrRateLimited
		e.Message = "rate limited (HTTP 429), still after the retries the RetryPolicy allows" + said
	case st >= 500:
		e.Kind = ErrServer
		e.Message = fmt.Sprintf("server error (HTTP %d), still after the retries the RetryPolicy allows%s", st, said)
	default:
		e.Message = fmt.Sprintf("HTTP %d%s", st, said)
	}
	return e
}

func contextCause(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "the context's deadline passed"
	}
	return "the context was cancelled"
}

// transportMessage explains an error of the connection (no HTTP answer).
func (c *Client) transportMessage(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Sprintf("cannot reach %s: %s", c.baseURL, redact(ue.Err.Error(), c.key))
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "the connection to " + c.host() + " closed before the answer was complete: " + redact(err.Error(), c.key)
	}
	return redact(err.Error(), c.key)
}

// bodyMessage extracts a short message from an error body that go-openai could not parse.
func bodyMessage(body []byte) string {
	var v struct {
		Error   any    `json:"error"`
		Message string `json:"message"`
		Detail  string `json:"detail"`
	}
	if json.Unmarshal(body, &v) == nil {
		switch {
		case v.Message != "":
			return v.Message
		case v.Detail != "":
			return v.Detail
		}
		if s, ok := v.Error.(string); ok {
			return s
		}
	}
	s := strings.TrimSpace(string(body))
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// host returns the host of the base URL, for messages.
func (c *Client) host() string {
	if u, err := url.Parse(c.baseURL); err == nil && u.Host != "" {
		return u.Host
	}
	return c.baseURL
}
