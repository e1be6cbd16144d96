//go:build llama

package local_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/golm-dev/golm/helpers/local"
	"github.com/golm-dev/golm/helpers/local/synth"
)

// These examples run the learner-facing calls on the tiny synthetic model of package synth (a llama
// architecture of 2 layers that writes a few fixed sentences), in a program built with the llama tag.

// tinyModel writes the tiny model to a temporary file and returns its path; the program's examples share it.
func tinyModel() string {
	path := filepath.Join(os.TempDir(), fmt.Sprintf("golm-example-tiny-%d.gguf", os.Getpid()))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	if err := synth.WriteTiny(path, synth.TinyOptions{}); err != nil {
		panic(err)
	}
	return path
}

func ExampleLoad() {
	ctx := context.Background()
	m, err := local.Load(ctx, tinyModel(), local.Options{Threads: 2, ContextSize: 512})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	fmt.Println(m.Name(), m.ContextSize())
	ids, _ := m.Tokenize("Jeremy Howard is ", true)
	fmt.Printf("%d tokens: %q\n", len(ids), m.Pieces(ids))
	// Output:
	// golm tiny test model 512
	// 5 tokens: ["<s>" " Jeremy" " Howard" " is" " "]
}

func ExampleModel_Complete() {
	ctx := context.Background()
	m, err := local.Load(ctx, tinyModel(), local.Options{Threads: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	res, err := m.Complete(ctx, "Jeremy Howard is ")
	fmt.Println(res.Text, err)
	fmt.Println(res.StopReason, len(res.Tokens))
	// Lesson 07: a token limit and stop sequences, and the text written to standard output as it is generated.
	_, _ = m.Complete(ctx, "Q: Name the planets in the solar system? A:",
		local.GenerateOptions{MaxTokens: 64, Stop: []string{"Q:", "\n"}, StreamTo: os.Stdout})
	// Output:
	// a data scientist who co-founded fast.ai. He was president of Kaggle. <nil>
	// eos 13
	//  Mercury, Venus, Earth, Mars, Jupiter, Saturn, Uranus, Neptune.
}

func ExampleModel_Chat() {
	ctx := context.Background()
	m, err := local.Load(ctx, tinyModel(), local.Options{Threads: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	msgs := []local.Message{
		{Role: "system", Content: "You are a helpful assistant."},
		{Role: "user", Content: "Who is Jeremy Howard?"},
	}
	prompt, _ := m.ChatPrompt(msgs, "") // what the model's chat template makes of the conversation
	fmt.Printf("%q\n", prompt)
	res, err := m.Chat(ctx, msgs)
	fmt.Println(res.Text, err)
	// Output:
	// "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\nWho is Jeremy Howard?<|im_end|>\n<|im_start|>assistant\n"
	// Jeremy Howard is a data scientist who co-founded fast.ai. He was president of Kaggle. <nil>
}

func ExampleModel_Ask() {
	ctx := context.Background()
	m, err := local.Load(ctx, tinyModel(), local.Options{Threads: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	answer, err := m.Ask(ctx, "Who is Jeremy Howard?", local.GenerateOptions{System: "Be brief."})
	fmt.Println(answer, err)
	// Streaming: each piece of the answer goes to the writer as it is generated (in a notebook, Stream: true
	// shows it live instead).
	var live strings.Builder
	answer, _ = m.Ask(ctx, "Who is Jeremy Howard?", local.GenerateOptions{StreamTo: &live})
	fmt.Println(live.String() == answer)
	// Output:
	// Jeremy Howard is a data scientist who co-founded fast.ai. He was president of Kaggle. <nil>
	// true
}

func ExampleModel_Embed() {
	ctx := context.Background()
	m, err := local.Load(ctx, tinyModel(), local.Options{Threads: 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer m.Close()
	vs, err := m.Embed(ctx, []string{
		"Jeremy Howard is a data scientist",
		"Jeremy Howard is a data scientist.",
		"Mercury, Venus, Earth, Mars",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(vs), len(vs[0]))
	near, far := local.CosineSimilarity(vs[0], vs[1]), local.CosineSimilarity(vs[0], vs[2])
	fmt.Println(near > far)
	// Output:
	// 3 64
	// true
}
