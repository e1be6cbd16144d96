// Package wiretest holds checks that both of golm's OpenAI-compatible servers (llmtest's fake and
// local/server) must pass, written once, and client-side helpers for their tests.
package wiretest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	openai "github.com/sashabaranov/go-openai"

	"github.com/golm-dev/golm/helpers/internal/openaiwire"
)

// ClientStream is a client's stream of chunks, as go-openai's streams are.
type ClientStream[T any] interface {
	Recv() (T, error)
	Close() error
}

// Collect receives from a client stream until io.EOF, closes it, and returns what it received and the first
// error other than io.EOF. openErr is the error of opening the stream, so that the opening call can be passed
// whole: Collect[openai.ChatCompletionStreamResponse](client.CreateChatCompletionStream(ctx, req)).
func Collect[T any, S ClientStream[T]](s S, openErr error) ([]T, error) {
	if openErr != nil {
		return nil, openErr
	}
	defer s.Close()
	var out []T
	for {
		v, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
}

// CheckModels checks GET /v1/models and GET /v1/models/{id} through a go-openai client: the list is want,
// in order; each model is found by id; an unknown id is an API error with status 404.
func CheckModels(t testing.TB, c *openai.Client, want []string) {
	t.Helper()
	ctx := context.Background()
	list, err := c.ListModels(ctx)
	if err != nil {
		t.Fatalf("listing models: %v", err)
	}
	var got []string
	for _, m := range list.Models {
		got = append(got, m.ID)
		if m.Object != "model" || m.OwnedBy == "" {
			t.Errorf("model %+v: want object \"model\" and an owner", m)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("models %q, want %q", got, want)
	}
	for _, id := range want {
		if m, err := c.GetModel(ctx, id); err != nil || m.ID != id {
			t.Errorf("model %q: %+v %v", id, m, err)
		}
	}
	_, err = c.GetModel(ctx, "no-such-model")
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 404 || apiErr.Message == "" {
		t.Errorf("unknown model: %v, want a 404 API error", err)
	}
}

// CheckChatStream posts a streamed chat request to baseURL+"/chat/completions" (body is the request's JSON;
// "stream" and stream_options.include_usage are set here) and checks the shape of the stream (see
// ChatStreamProblems). It returns the text of the deltas and the finish reason.
func CheckChatStream(t testing.TB, baseURL, body string) (text, finish string) {
	t.Helper()
	var req map[string]any
	if err := json.Unmarshal([]byte(body), &req); err != nil {
		t.Fatalf("request body: %v", err)
	}
	req["stream"] = true
	req["stream_options"] = map[string]any{"include_usage": true}
	b, _ := json.Marshal(req)
	resp, err := http.Post(baseURL+"/chat/completions", "application/json", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("status %d, content type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	events, done, err := openaiwire.ReadEvents(resp.Body)
	if err != nil || !done {
		t.Fatalf("stream: %d events, [DONE] %v, err %v", len(events), done, err)
	}
	text, finish, problems := ChatStreamProblems(events)
	for _, p := range problems {
		t.Error(p)
	}
	return text, finish
}

// ChatStreamProblems checks the events of a streamed chat completion asked with include_usage (their data,
// before [DONE]) for the shape that OpenAI and llama.cpp's server share: "chat.completion.chunk" events with
// one id; the first delta carries the role "assistant", no other does; exactly one chunk has a
// finish_reason, and after it only the usage chunk comes (no choices, a total that is the sum of its parts).
// It returns the text of the deltas, the finish reason, and what is wrong.
func ChatStreamProblems(events []json.RawMessage) (text, finish string, problems []string) {
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	if len(events) == 0 {
		return "", "", []string{"no events"}
	}
	var sb strings.Builder
	var usage *openaiwire.Usage
	id := ""
	for i, data := range events {
		var ch openaiwire.ChatCompletion
		if err := json.Unmarshal(data, &ch); err != nil {
			bad("event %d: %v: %s", i, err, data)
			continue
		}
		if i == 0 {
			id = ch.ID
		}
		if ch.Object != openaiwire.ObjectChatChunk || ch.ID == "" || ch.ID != id {
			bad("event %d: object %q, id %q (the first event's id: %q)", i, ch.Object, ch.ID, id)
		}
		switch {
		case usage != nil:
			bad("event %d comes after the usage chunk: %s", i, data)
		case len(ch.Choices) == 0:
			if ch.Usage == nil || finish == "" {
				bad("event %d has no choices: only the usage chunk, after the finish, may have none: %s", i, data)
			}
			usage = ch.Usage
		case finish != "":
			bad("event %d comes after the finish: %s", i, data)
		case ch.Choices[0].Delta == nil:
			bad("event %d has no delta: %s", i, data)
		default:
			c := ch.Choices[0]
			if (i == 0) != (c.Delta.Role == "assistant") {
				bad("event %d: role %q; want the role \"assistant\" in the first delta only", i, c.Delta.Role)
			}
			if c.Delta.Content != nil {
				sb.WriteString(*c.Delta.Content)
			}
			if c.FinishReason != nil {
				finish = *c.FinishReason
			}
		}
	}
	switch {
	case finish == "":
		bad("no chunk has a finish reason")
	case usage == nil:
		bad("no usage chunk")
	case usage.TotalTokens != usage.PromptTokens+usage.CompletionTokens || usage.CompletionTokens == 0:
		bad("usage %+v", *usage)
	}
	return sb.String(), finish, problems
}
