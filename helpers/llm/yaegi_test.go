package llm_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/golm-dev/golm/symbols"

	"github.com/golm-dev/golm/helpers/display/displaytest"
	"github.com/golm-dev/golm/helpers/llm/llmtest"
	"github.com/traefik/yaegi/interp"
)

// The interpreter's symbol tables come from the kernel (package symbols, generated with
// go generate ./symbols), so these tests call the package exactly as notebook cells do.

// TestFromInterpretedCells calls the package the way notebook cells do: through the yaegi interpreter, with
// interpreted closures, option structs and go-openai values.
func TestFromInterpretedCells(t *testing.T) {
	srv := llmtest.NewServer()
	defer srv.Close()
	srv.When("What is money?", llmtest.Reply{Text: "Money, mate, is dosh.", PromptTokens: 100, CompletionTokens: 10})
	srv.When("story", llmtest.Reply{Text: "Once upon a time"})
	srv.Enqueue(llmtest.Reply{Status: 429, RetryAfterMs: "1"}) // the first call is rate limited once

	rec := displaytest.Install(t)

	var out bytes.Buffer
	i, err := symbols.NewInterpreter(interp.Options{Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	cells := []string{
		`import (
			"context"
			"fmt"

			"github.com/golm-dev/golm/helpers/llm"
			openai "github.com/sashabaranov/go-openai"
		)`,
		`ctx := context.Background()`,
		`retries := 0
		client, err := llm.New(llm.Config{BaseURL: "` + srv.URL + `",
			Retry: llm.RetryPolicy{MaxAttempts: 3, OnRetry: func(e llm.RetryEvent) { retries++; fmt.Println("retry:", e) }}})
		fmt.Println(err)`,
		`answer, err := client.Ask(ctx, "What is money?", llm.ChatOptions{System: "You are an Aussie LLM that uses Aussie slang."})
		fmt.Println(answer, err, retries)`,
		`reply, err := client.Chat(ctx, []openai.ChatCompletionMessage{llm.System("Be brief."), llm.User("What is money?")},
			llm.ChatOptions{Model: "gpt-4o", MaxTokens: 50, Temperature: llm.ZeroTemperature})
		fmt.Println(reply.Text, reply.Cost, err)`,
		`pieces := []string{}
		r2, err := client.StreamFunc(ctx, llm.Messages("a story", ""), llm.ChatOptions{}, func(p string) { pieces = append(pieces, p) })
		fmt.Println(len(pieces), r2.Text, err)`,
		`text, err := client.Ask(ctx, "another story", llm.ChatOptions{Stream: true})
		fmt.Println(text, err)`,
		`cv := client.NewConversation("You are an Aussie LLM.")
		a, err := cv.Ask(ctx, "What is money?")
		fmt.Println(a, err, len(cv.Messages))`,
		`lp, err := client.AskLogProbs(ctx, "What is money?", "", 2)
		fmt.Println(len(lp.Tokens), len(lp.Tokens[0].Top), err)`,
		`vecs, err := client.Embed(ctx, []string{"a b", "a b"})
		fmt.Printf("%.3f %v\n", llm.Cosine(vecs[0], vecs[1]), err)`,
		`client.SetOnRetry(func(e llm.RetryEvent) { fmt.Println("hook:", e.StatusCode) })`,
		`fmt.Println(client.Usage().Total().Calls)`,
		`fmt.Println(client)`,
	}
	for _, c := range cells {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("interpreter panicked on\n%s\n: %v", c, r)
				}
			}()
			if _, err := i.Eval(c); err != nil {
				t.Fatalf("eval\n%s\n: %v\noutput so far:\n%s", c, err, out.String())
			}
		}()
	}
	want := []string{
		"<nil>",
		"retry: llm: rate limited (HTTP 429), retrying in 1ms, as the server asks (attempt 2/3)",
		"Money, mate, is dosh. <nil> 1",
		"Money, mate, is dosh. $0.000350 (0.035¢) <nil>",
		"4 Once upon a time <nil>",
		"Once upon a time <nil>",
		"Money, mate, is dosh. <nil> 3",
		"4 2 <nil>",
		"1.000 <nil>",
		"7",
		"llm.Client{BaseURL: " + srv.URL + ", Model: gpt-6-luna, Key: none}",
	}
	if got := strings.TrimSpace(out.String()); got != strings.Join(want, "\n") {
		t.Errorf("output:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if len(rec.Updates()) == 0 {
		t.Error("AskStream showed nothing")
	}
}
