package llm

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Defaults of RetryPolicy.
const (
	DefaultMaxAttempts    = 5
	DefaultBaseDelay      = 500 * time.Millisecond
	DefaultMaxDelay       = 20 * time.Second
	DefaultMaxServerDelay = 60 * time.Second
)

// RetryPolicy says how RetryTransport retries. The zero value means the defaults.
//
// Retried are connection errors (no answer) and the statuses 408, 409, 429, 500, 502, 503 and 504, for
// every method, POST included, as OpenAI's official SDKs do; a server's "x-should-retry: true|false"
// header overrides the status. A 429 whose error is insufficient_quota (no credit left) is not retried.
//
// The wait before a retry is, in order of preference: the server's retry-after-ms header; its Retry-After
// header (seconds, or an HTTP date); on a 429, its x-ratelimit-reset-requests / x-ratelimit-reset-tokens
// headers (durations such as "1s", "6m0s", "20ms"), for whichever limit is exhausted; otherwise exponential
// backoff, BaseDelay×2^(n-1) capped at MaxDelay, less up to a quarter at random (jitter). A Retry-After
// longer than MaxServerDelay ends the retries (the error says so); x-ratelimit-reset values, which are
// estimates, are capped at MaxServerDelay. No wait extends past the request's context: a wait that would
// outlast its deadline is not started, and cancelling the context ends a wait at once.
type RetryPolicy struct {
	// MaxAttempts is the number of tries in all, the first included: 1 means no retries; 0 means
	// DefaultMaxAttempts.
	MaxAttempts int
	// BaseDelay is the first backoff delay; 0 means DefaultBaseDelay.
	BaseDelay time.Duration
	// MaxDelay caps the backoff delay; 0 means DefaultMaxDelay.
	MaxDelay time.Duration
	// MaxServerDelay is the longest wait a server may ask for; 0 means DefaultMaxServerDelay.
	MaxServerDelay time.Duration
	// OnRetry, when not nil, is called before each wait instead of writing a line to the log.
	OnRetry func(RetryEvent)
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.MaxServerDelay <= 0 {
		p.MaxServerDelay = DefaultMaxServerDelay
	}
	return p
}

// RetryEvent describes a retry about to happen (or, with GiveUp set, one that will not).
type RetryEvent struct {
	// Attempt is the number of the attempt about to be made (2 for the first retry), of MaxAttempts.
	Attempt     int
	MaxAttempts int
	// Wait is how long the transport waits before it.
	Wait time.Duration
	// FromServer is true when the server's headers set the wait.
	FromServer bool
	// StatusCode is the status of the failed answer, 0 for a connection error.
	StatusCode int
	// Err is the connection error, nil when there was an answer.
	Err error
	// Method and Path identify the request (never its headers or body).
	Method string
	Path   string
	// GiveUp is set when no retry will be made although the failure is retryable: the wait would outlast
	// the context's deadline, or the server asks for more than MaxServerDelay. Reason says which.
	GiveUp bool
	// Reason describes the failure ("rate limited (HTTP 429)") or, with GiveUp, why retrying stops.
	Reason string
}

// String is the line shown to the user: "llm: rate limited (HTTP 429), retrying in 2s (attempt 2/5)".
func (e RetryEvent) String() string {
	if e.GiveUp {
		return fmt.Sprintf("llm: %s; not retrying", e.Reason)
	}
	from := ""
	if e.FromServer {
		from = ", as the server asks"
	}
	return fmt.Sprintf("llm: %s, retrying in %s%s (attempt %d/%d)", e.Reason, roundWait(e.Wait), from,
		e.Attempt, e.MaxAttempts)
}

func roundWait(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

// RetryTransport is an http.RoundTripper that retries failed requests according to a RetryPolicy (see
// there for what is retried and how long it waits). It is safe for concurrent use.
type RetryTransport struct {
	// Base makes the requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Policy is the retry policy.
	Policy RetryPolicy
	// Report receives each RetryEvent when Policy.OnRetry is nil; nil means nothing is reported.
	Report func(RetryEvent)
}

// RoundTrip sends the request, retrying as the policy allows. The request body is replayed for each try
// (it is buffered in memory when the request has no GetBody).
func (t *RetryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	p := t.Policy.withDefaults()
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	getBody, err := replayableBody(req)
	if err != nil {
		return nil, err
	}
	ctx := req.Context()
	for attempt := 1; ; attempt++ {
		r := req
		if getBody != nil {
			r = req.Clone(ctx)
			if r.Body, err = getBody(); err != nil {
				return nil, fmt.Errorf("llm: replaying the request body: %w", err)
			}
		}
		resp, err := base.RoundTrip(r)
		if attempt >= p.MaxAttempts || ctx.Err() != nil {
			return resp, err
		}
		ev, retry := decideRetry(resp, err, p, attempt)
		if !retry {
			return resp, err
		}
		ev.Attempt, ev.MaxAttempts = attempt+1, p.MaxAttempts
		ev.Method, ev.Path = req.Method, req.URL.Path
		if !ev.GiveUp {
			if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < ev.Wait {
				ev.GiveUp = true
				ev.Reason = fmt.Sprintf("%s; the wait of %s would pass the context's deadline", ev.Reason,
					roundWait(ev.Wait))
			}
		}
		t.report(p, ev)
		if ev.GiveUp {
			return resp, err
		}
		if resp != nil {
			_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
			_ = resp.Body.Close()
		}
		timer := time.NewTimer(ev.Wait)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return nil, ctx.Err()
		}
	}
}

func (t *RetryTransport) report(p RetryPolicy, ev RetryEvent) {
	switch {
	case p.OnRetry != nil:
		p.OnRetry(ev)
	case t.Report != nil:
		t.Report(ev)
	}
}

// replayableBody returns a function giving a fresh copy of the request body, or nil when there is none.
func replayableBody(req *http.Request) (func() (io.ReadCloser, error), error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.GetBody != nil {
		return req.GetBody, nil
	}
	data, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, fmt.Errorf("llm: reading the request body: %w", err)
	}
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }, nil
}

// retryableStatus reports whether a status is worth retrying.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusRequestTimeout, http.StatusConflict, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable,
		http.StatusGatewayTimeout:
		return true
	}
	return false
}

// decideRetry says whether to retry after an attempt, and how long to wait.
func decideRetry(resp *http.Response, err error, p RetryPolicy, attempt int) (RetryEvent, bool) {
	backoff := backoffDelay(p, attempt)
	if err != nil {
		return RetryEvent{Wait: backoff, Err: err, Reason: "connection error (" + shortErr(err) + ")"}, true
	}
	if resp == nil {
		return RetryEvent{}, false
	}
	retry := retryableStatus(resp.StatusCode)
	switch strings.ToLower(resp.Header.Get("x-should-retry")) {
	case "true":
		retry = true
	case "false":
		retry = false
	}
	if !retry {
		return RetryEvent{}, false
	}
	ev := RetryEvent{StatusCode: resp.StatusCode, Reason: statusReason(resp.StatusCode), Wait: backoff}
	if resp.StatusCode == http.StatusTooManyRequests && quotaExhausted(resp) {
		return RetryEvent{}, false
	}
	if d, ok := headerDelay(resp.Header, time.Now()); ok {
		ev.Wait, ev.FromServer = d, true
		if d > p.MaxServerDelay {
			ev.GiveUp = true
			ev.Reason = fmt.Sprintf("%s; the server asks to wait %s, more than RetryPolicy.MaxServerDelay (%s)",
				ev.Reason, roundWait(d), p.MaxServerDelay)
		}
	} else if resp.StatusCode == http.StatusTooManyRequests {
		if d, ok := rateLimitResetDelay(resp.Header); ok {
			ev.Wait, ev.FromServer = min(d, p.MaxServerDelay), true
		}
	}
	return ev, true
}

func statusReason(code int) string {
	switch {
	case code == http.StatusTooManyRequests:
		return "rate limited (HTTP 429)"
	case code >= 500:
		return fmt.Sprintf("server error (HTTP %d)", code)
	default:
		return fmt.Sprintf("HTTP %d", code)
	}
}

func shortErr(err error) string {
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && i+2 < len(s) {
		s = s[i+2:]
	}
	return s
}

// backoffDelay is BaseDelay×2^(attempt-1), capped at MaxDelay, less up to a quarter at random.
func backoffDelay(p RetryPolicy, attempt int) time.Duration {
	d := float64(p.BaseDelay) * math.Pow(2, float64(attempt-1))
	d = min(d, float64(p.MaxDelay))
	d *= 1 - 0.25*rand.Float64()
	return time.Duration(d)
}

// headerDelay reads retry-after-ms and Retry-After (seconds or an HTTP date).
func headerDelay(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("retry-after-ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 && !math.IsInf(ms, 0) {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 && !math.IsInf(secs, 0) {
			return time.Duration(secs * float64(time.Second)), true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	return 0, false
}

// rateLimitResetDelay reads OpenAI's x-ratelimit-reset-requests and x-ratelimit-reset-tokens: the wait
// for whichever limit is exhausted (x-ratelimit-remaining-* is "0"), or the longer of the two when the
// remaining counts are not given.
func rateLimitResetDelay(h http.Header) (time.Duration, bool) {
	var best time.Duration
	found := false
	for _, kind := range []string{"requests", "tokens"} {
		reset := strings.TrimSpace(h.Get("x-ratelimit-reset-" + kind))
		if reset == "" {
			continue
		}
		d, err := time.ParseDuration(reset)
		if err != nil {
			if secs, err2 := strconv.ParseFloat(reset, 64); err2 == nil {
				d, err = time.Duration(secs*float64(time.Second)), nil
			}
		}
		if err != nil || d < 0 {
			continue
		}
		if rem := strings.TrimSpace(h.Get("x-ratelimit-remaining-" + kind)); rem != "" && rem != "0" {
			continue
		}
		best, found = max(best, d), true
	}
	return best, found
}

// quotaExhausted peeks at a 429's body for OpenAI's insufficient_quota error, leaving the body readable.
func quotaExhausted(resp *http.Response) bool {
	if resp.Body == nil {
		return false
	}
	head, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(bytes.NewReader(head), resp.Body), resp.Body}
	return err == nil && bytes.Contains(head, []byte("insufficient_quota"))
}

// errNoDone is returned by a stream's body when it ends without "data: [DONE]".
var errNoDone = fmt.Errorf("the stream ended without [DONE]: %w", io.ErrUnexpectedEOF)

// sseGuard makes the body of a server-sent-events response fail with errNoDone, instead of ending
// cleanly, when the connection closes before "data: [DONE]": go-openai would otherwise report a cut stream
// as a complete one.
type sseGuard struct{ base http.RoundTripper }

// RoundTrip makes the request and guards a server-sent-events body.
func (g sseGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := g.base.RoundTrip(req)
	if err == nil && strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		resp.Body = &doneWatcher{rc: resp.Body}
	}
	return resp, err
}

type doneWatcher struct {
	rc   io.ReadCloser
	tail []byte
	done bool
}

// Read reads the body, watching for [DONE]; it turns an end without it into errNoDone.
func (d *doneWatcher) Read(p []byte) (int, error) {
	n, err := d.rc.Read(p)
	if !d.done && n > 0 {
		buf := append(d.tail, p[:n]...)
		d.done = bytes.Contains(buf, []byte("data: [DONE]")) || bytes.Contains(buf, []byte("data:[DONE]"))
		if len(buf) > 12 {
			buf = buf[len(buf)-12:]
		}
		d.tail = bytes.Clone(buf)
	}
	if err == io.EOF && !d.done {
		return n, errNoDone
	}
	return n, err
}

// Close closes the body.
func (d *doneWatcher) Close() error { return d.rc.Close() }
