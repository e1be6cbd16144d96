// Package wiretest holds checks that both of golm's OpenAI-compatible servers (llmtest's fake and
// local/server) must pass, written once, and client-side helpers for their tests.
package wiretest

import (
	"context"
	"errors"
	"io"
	"slices"
	"testing"

	openai "github.com/sashabaranov/go-openai"
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
