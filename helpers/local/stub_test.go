//go:build !llama

package local

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestNotBuilt(t *testing.T) {
	if Built {
		t.Fatal("Built is true without the llama tag")
	}
	m, err := Load(context.Background(), "model.gguf", Options{})
	if m != nil || !errors.Is(err, ErrNotBuilt) {
		t.Fatalf("Load = %v, %v", m, err)
	}
	for _, want := range []string{"make install", "-tags llama", "cgoflags.sh"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not mention %q: %v", want, err)
		}
	}
	var none *Model
	ctx := context.Background()
	if _, err := none.Complete(ctx, "x", GenerateOptions{}); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("Complete: %v", err)
	}
	if _, err := none.Chat(ctx, []Message{{Role: "user", Content: "hi"}}, GenerateOptions{Template: "chatml"}); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("Chat: %v", err)
	}
	if _, err := none.Ask(ctx, "hi"); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("Ask: %v", err)
	}
	if _, err := none.Embed(ctx, []string{"hi"}); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("Embed: %v", err)
	}
	if p, err := none.ChatPrompt([]Message{{Role: "user", Content: "hi"}}, "chatml"); err != nil ||
		!strings.HasPrefix(p, "<|im_start|>user") {
		t.Errorf("ChatPrompt with a named template: %q %v", p, err)
	}
	if _, err := none.Train(ctx, []TrainExample{{Prompt: "Q", Completion: "A"}}); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("Train: %v", err)
	}
	if _, err := none.Train(ctx, nil); err == nil || errors.Is(err, ErrNotBuilt) {
		t.Errorf("Train without examples checks its input first: %v", err)
	}
	if err := none.Save("model.gguf"); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("Save: %v", err)
	}
	if err := LoadBackend("libggml-cuda.so"); !errors.Is(err, ErrNotBuilt) || Devices() != nil || GPUAvailable() {
		t.Error("backends without llama.cpp")
	}
}
