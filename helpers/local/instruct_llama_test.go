//go:build llama

package local

import (
	"context"
	"os"
	"strings"
	"testing"
)

// instructModels are the real instruction-tuned models of scripts/models.sh (make test sets the variables to
// the paths it prints as SMOLLM_GGUF and QWEN_GGUF).
var instructModels = []struct{ env, name string }{
	{"GOLM_TEST_SMOLLM", "SmolLM2-135M-Instruct"},
	{"GOLM_TEST_QWEN", "Qwen2.5-Coder-0.5B-Instruct"},
}

// TestInstructModels loads each real instruction-tuned model and chats with it through the chat template in
// its GGUF file (ChatML): the answer is right, and generation ends at the template's end of turn,
// <|im_end|>, which never shows in the text.
func TestInstructModels(t *testing.T) {
	for _, im := range instructModels {
		t.Run(im.name, func(t *testing.T) {
			path := os.Getenv(im.env)
			if path == "" {
				t.Skipf("%s is not set: make test sets it to the file scripts/models.sh prints", im.env)
			}
			ctx := context.Background()
			m, err := Load(ctx, path, Options{ContextSize: 512})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if !strings.Contains(m.Metadata().ChatTemplate, "<|im_start|>") {
				t.Fatalf("%s: no ChatML template in the file", im.name)
			}
			msgs := []Message{{Role: "user", Content: "What is the capital of France?"}}
			prompt, err := m.ChatPrompt(msgs, "")
			if err != nil || !strings.HasSuffix(prompt, "<|im_start|>user\nWhat is the capital of France?<|im_end|>\n"+
				"<|im_start|>assistant\n") {
				t.Fatalf("prompt %q, %v", prompt, err)
			}
			res, err := m.Chat(ctx, msgs, GenerateOptions{MaxTokens: 24, Temperature: 0})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(res.Text, "Paris") || strings.Contains(res.Text, "<|im") ||
				res.StopReason != StopEOS {
				t.Errorf("answer %q, stop %v (want Paris, ended by <|im_end|>)", res.Text, res.StopReason)
			}
		})
	}
}
