package llm

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestHeaderDelay(t *testing.T) {
	now := time.Date(2025, 8, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name    string
		headers map[string]string
		want    time.Duration
		ok      bool
	}{
		{"none", nil, 0, false},
		{"seconds", map[string]string{"Retry-After": "2"}, 2 * time.Second, true},
		{"fractional seconds", map[string]string{"Retry-After": "1.5"}, 1500 * time.Millisecond, true},
		{"http date", map[string]string{"Retry-After": now.Add(3 * time.Second).Format(http.TimeFormat)}, 3 * time.Second, true},
		{"http date in the past", map[string]string{"Retry-After": now.Add(-time.Minute).Format(http.TimeFormat)}, 0, true},
		{"milliseconds win", map[string]string{"Retry-After": "2", "Retry-After-Ms": "250"}, 250 * time.Millisecond, true},
		{"garbage", map[string]string{"Retry-After": "soon"}, 0, false},
		{"negative", map[string]string{"Retry-After": "-1"}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.headers {
				h.Set(k, v)
			}
			got, ok := headerDelay(h, now)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestRateLimitResetDelay(t *testing.T) {
	tests := []struct {
		name    string
		headers map[string]string
		want    time.Duration
		ok      bool
	}{
		{"none", nil, 0, false},
		{"requests", map[string]string{"x-ratelimit-reset-requests": "1s"}, time.Second, true},
		{"tokens minutes", map[string]string{"x-ratelimit-reset-tokens": "6m0s"}, 6 * time.Minute, true},
		{"milliseconds", map[string]string{"x-ratelimit-reset-tokens": "20ms"}, 20 * time.Millisecond, true},
		{"longer of both without remaining", map[string]string{"x-ratelimit-reset-requests": "1s",
			"x-ratelimit-reset-tokens": "3s"}, 3 * time.Second, true},
		{"the exhausted one", map[string]string{"x-ratelimit-reset-requests": "1s", "x-ratelimit-remaining-requests": "0",
			"x-ratelimit-reset-tokens": "3s", "x-ratelimit-remaining-tokens": "5000"}, time.Second, true},
		{"none exhausted", map[string]string{"x-ratelimit-reset-requests": "1s", "x-ratelimit-remaining-requests": "3"},
			0, false},
		{"mixed units", map[string]string{"x-ratelimit-reset-requests": "1m30.5s"}, 90500 * time.Millisecond, true},
		{"garbage", map[string]string{"x-ratelimit-reset-requests": "later"}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for k, v := range tt.headers {
				h.Set(k, v)
			}
			got, ok := rateLimitResetDelay(h)
			if got != tt.want || ok != tt.ok {
				t.Errorf("got %v, %v; want %v, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestBackoffDelay(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second}.withDefaults()
	for attempt, full := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond,
		3: 400 * time.Millisecond, 4: 800 * time.Millisecond, 5: time.Second, 10: time.Second} {
		seen := map[time.Duration]bool{}
		for range 50 {
			d := backoffDelay(p, attempt)
			if d > full || d < full*3/4 {
				t.Fatalf("attempt %d: %v outside [%v, %v]", attempt, d, full*3/4, full)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("attempt %d: no jitter", attempt)
		}
	}
}

func TestDecideRetry(t *testing.T) {
	p := RetryPolicy{MaxServerDelay: 10 * time.Second}.withDefaults()
	resp := func(code int, headers map[string]string, body string) *http.Response {
		h := http.Header{}
		for k, v := range headers {
			h.Set(k, v)
		}
		return &http.Response{StatusCode: code, Header: h, Body: io.NopCloser(strings.NewReader(body))}
	}
	tests := []struct {
		name       string
		resp       *http.Response
		err        error
		retry      bool
		giveUp     bool
		wait       time.Duration // 0: backoff
		fromServer bool
	}{
		{"ok", resp(200, nil, ""), nil, false, false, 0, false},
		{"bad request", resp(400, nil, ""), nil, false, false, 0, false},
		{"unauthorized", resp(401, nil, ""), nil, false, false, 0, false},
		{"429 backoff", resp(429, nil, ""), nil, true, false, 0, false},
		{"429 retry-after", resp(429, map[string]string{"Retry-After": "2"}, ""), nil, true, false, 2 * time.Second, true},
		{"429 reset header", resp(429, map[string]string{"x-ratelimit-reset-requests": "1s"}, ""), nil, true, false,
			time.Second, true},
		{"429 reset capped", resp(429, map[string]string{"x-ratelimit-reset-tokens": "6m0s"}, ""), nil, true, false,
			10 * time.Second, true},
		{"429 retry-after too long", resp(429, map[string]string{"Retry-After": "600"}, ""), nil, true, true,
			600 * time.Second, true},
		{"429 quota", resp(429, nil, `{"error":{"type":"insufficient_quota","code":"insufficient_quota"}}`), nil,
			false, false, 0, false},
		{"500", resp(500, nil, ""), nil, true, false, 0, false},
		{"502", resp(502, nil, ""), nil, true, false, 0, false},
		{"503 retry-after", resp(503, map[string]string{"Retry-After": "1"}, ""), nil, true, false, time.Second, true},
		{"504", resp(504, nil, ""), nil, true, false, 0, false},
		{"408", resp(408, nil, ""), nil, true, false, 0, false},
		{"x-should-retry false", resp(503, map[string]string{"x-should-retry": "false"}, ""), nil, false, false, 0, false},
		{"x-should-retry true", resp(400, map[string]string{"x-should-retry": "true"}, ""), nil, true, false, 0, false},
		{"connection error", nil, errors.New("dial tcp: connection refused"), true, false, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, retry := decideRetry(tt.resp, tt.err, p, 1)
			if retry != tt.retry {
				t.Fatalf("retry = %v, want %v (%+v)", retry, tt.retry, ev)
			}
			if !retry {
				return
			}
			if ev.GiveUp != tt.giveUp || ev.FromServer != tt.fromServer {
				t.Errorf("event %+v", ev)
			}
			if tt.wait != 0 && ev.Wait != tt.wait {
				t.Errorf("wait %v, want %v", ev.Wait, tt.wait)
			}
			if tt.wait == 0 && (ev.Wait > p.BaseDelay || ev.Wait < p.BaseDelay*3/4) {
				t.Errorf("backoff wait %v", ev.Wait)
			}
		})
	}
	// The body of a 429 stays readable after the quota check.
	r := resp(429, nil, `{"error":{"message":"slow down"}}`)
	decideRetry(r, nil, p, 1)
	if b, _ := io.ReadAll(r.Body); string(b) != `{"error":{"message":"slow down"}}` {
		t.Errorf("body after peek: %q", b)
	}
}

func TestRetryEventString(t *testing.T) {
	ev := RetryEvent{Attempt: 2, MaxAttempts: 5, Wait: 2 * time.Second, StatusCode: 429, Reason: "rate limited (HTTP 429)"}
	if got, want := ev.String(), "llm: rate limited (HTTP 429), retrying in 2s (attempt 2/5)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	ev.FromServer, ev.Wait = true, 1234567*time.Microsecond
	if got, want := ev.String(), "llm: rate limited (HTTP 429), retrying in 1.2s, as the server asks (attempt 2/5)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	ev = RetryEvent{GiveUp: true, Reason: "rate limited (HTTP 429); the server asks to wait 10m0s"}
	if got := ev.String(); !strings.HasSuffix(got, "; not retrying") {
		t.Errorf("give-up line %q", got)
	}
}

// scripted is a test server answering from a list of handlers, the last repeating.
type scripted struct {
	mu     sync.Mutex
	steps  []http.HandlerFunc
	n      int
	bodies []string
}

func (s *scripted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.bodies = append(s.bodies, string(b))
	step := s.steps[min(s.n, len(s.steps)-1)]
	s.n++
	s.mu.Unlock()
	step(w, r)
}

func (s *scripted) count() (int, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n, append([]string(nil), s.bodies...)
}

func status(code int, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.WriteHeader(code)
		_, _ = io.WriteString(w, `{"ok":true}`)
	}
}

func hangUp(w http.ResponseWriter, r *http.Request) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

func TestRetryTransport(t *testing.T) {
	fast := RetryPolicy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}
	tests := []struct {
		name     string
		steps    []http.HandlerFunc
		policy   RetryPolicy
		status   int
		requests int
		events   int
		connErr  bool
	}{
		{"success", []http.HandlerFunc{status(200)}, fast, 200, 1, 0, false},
		{"429 then ok", []http.HandlerFunc{status(429, "Retry-After-Ms", "5"), status(200)}, fast, 200, 2, 1, false},
		{"5xx then ok", []http.HandlerFunc{status(500), status(502), status(503), status(200)}, fast, 200, 4, 3, false},
		{"bounded", []http.HandlerFunc{status(503)}, RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond}, 503, 3, 2, false},
		{"no retries", []http.HandlerFunc{status(503)}, RetryPolicy{MaxAttempts: 1}, 503, 1, 0, false},
		{"not retryable", []http.HandlerFunc{status(400)}, fast, 400, 1, 0, false},
		{"connection drop then ok", []http.HandlerFunc{hangUp, status(200)}, fast, 200, 2, 1, false},
		{"connection drops", []http.HandlerFunc{hangUp}, RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond},
			0, 2, 1, true},
		{"retry-after beyond max", []http.HandlerFunc{status(429, "Retry-After", "120")},
			RetryPolicy{MaxServerDelay: time.Second}, 429, 1, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := &scripted{steps: tt.steps}
			ts := httptest.NewServer(srv)
			defer ts.Close()
			var events []RetryEvent
			tr := &RetryTransport{Policy: tt.policy, Report: func(ev RetryEvent) { events = append(events, ev) }}
			client := &http.Client{Transport: tr}
			resp, err := client.Post(ts.URL+"/v1/chat/completions", "application/json", strings.NewReader(`{"a":1}`))
			if tt.connErr {
				if err == nil {
					t.Fatal("no error")
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != tt.status {
					t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
				}
			}
			n, bodies := srv.count()
			if n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
			if len(events) != tt.events {
				t.Errorf("%d events, want %d: %v", len(events), tt.events, events)
			}
			for i, b := range bodies {
				if b != `{"a":1}` && !(tt.connErr || strings.Contains(tt.name, "drop")) {
					t.Errorf("body %d = %q: not replayed", i, b)
				}
			}
			for i, ev := range events {
				if !ev.GiveUp && (ev.Attempt != i+2 || ev.Path != "/v1/chat/completions" || ev.Method != "POST") {
					t.Errorf("event %d = %+v", i, ev)
				}
			}
		})
	}
}

func TestRetryBodyWithoutGetBody(t *testing.T) {
	srv := &scripted{steps: []http.HandlerFunc{status(500), status(200)}}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	tr := &RetryTransport{Policy: RetryPolicy{BaseDelay: time.Millisecond}}
	req, _ := http.NewRequest("POST", ts.URL, io.NopCloser(bytes.NewReader([]byte("payload"))))
	if req.GetBody != nil {
		t.Fatal("test needs a request without GetBody")
	}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if _, bodies := srv.count(); len(bodies) != 2 || bodies[0] != "payload" || bodies[1] != "payload" {
		t.Errorf("bodies %q", bodies)
	}
}

func TestRetryWaitStopsOnCancel(t *testing.T) {
	srv := &scripted{steps: []http.HandlerFunc{status(429, "Retry-After", "30")}}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	waiting := make(chan struct{})
	tr := &RetryTransport{Report: func(RetryEvent) { close(waiting) }}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-waiting; cancel() }()
	req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL, strings.NewReader("x"))
	start := time.Now()
	_, err := (&http.Client{Transport: tr}).Do(req)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancel took %v", d)
	}
}

func TestRetryRespectsDeadline(t *testing.T) {
	srv := &scripted{steps: []http.HandlerFunc{status(429, "Retry-After", "30")}}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	var events []RetryEvent
	tr := &RetryTransport{Report: func(ev RetryEvent) { events = append(events, ev) }}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL, strings.NewReader("x"))
	start := time.Now()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || time.Since(start) > 2*time.Second {
		t.Errorf("status %d after %v", resp.StatusCode, time.Since(start))
	}
	if len(events) != 1 || !events[0].GiveUp || !strings.Contains(events[0].String(), "deadline") {
		t.Errorf("events %v", events)
	}
}

func TestDoneWatcher(t *testing.T) {
	tests := []struct {
		name   string
		chunks []string
		cut    bool
	}{
		{"complete", []string{"data: {}\n\n", "data: [DONE]\n\n"}, false},
		{"done split across reads", []string{"data: {}\n\ndata: [DO", "NE]\n\n"}, false},
		{"no space", []string{"data:[DONE]\n\n"}, false},
		{"cut", []string{"data: {}\n\n", "data: {\"x\""}, true},
		{"empty", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var readers []io.Reader
			for _, c := range tt.chunks {
				readers = append(readers, strings.NewReader(c))
			}
			d := &doneWatcher{rc: io.NopCloser(&oneByOne{readers: readers})}
			_, err := io.ReadAll(d)
			if tt.cut != errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("err = %v, cut %v", err, tt.cut)
			}
		})
	}
}

// oneByOne reads each reader in a separate Read call.
type oneByOne struct{ readers []io.Reader }

func (o *oneByOne) Read(p []byte) (int, error) {
	for len(o.readers) > 0 {
		n, err := o.readers[0].Read(p)
		if err == io.EOF {
			o.readers = o.readers[1:]
			if n > 0 {
				return n, nil
			}
			continue
		}
		return n, err
	}
	return 0, io.EOF
}

func TestRetryConcurrent(t *testing.T) {
	var n atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 1 {
			w.WriteHeader(503)
			return
		}
		w.WriteHeader(200)
	}))
	defer ts.Close()
	client := &http.Client{Transport: &RetryTransport{Policy: RetryPolicy{BaseDelay: time.Millisecond, MaxAttempts: 10}}}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Post(ts.URL, "text/plain", strings.NewReader("x"))
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("status %d", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
}
