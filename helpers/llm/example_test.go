package llm_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/golm-dev/golm/helpers/llm"
	"github.com/golm-dev/golm/helpers/llm/llmtest"
)

// The talk's first chat completion: a system prompt and a question. The fake server stands in for OpenAI;
// in a notebook, llm.NewClient() reads OPENAI_API_KEY and OPENAI_BASE_URL instead.
func ExampleClient_Ask() {
	srv := llmtest.NewServer()
	defer srv.Close()
	srv.When("What is money?", llmtest.Reply{Text: "Money, mate, is like a footy ticket: you swap it for the good stuff."})

	client, err := llm.New(llm.Config{BaseURL: srv.URL})
	if err != nil {
		fmt.Println(err)
		return
	}
	answer, err := client.Ask(context.Background(), "What is money?", llm.ChatOptions{
		System: "You are an Aussie LLM that uses Aussie slang and analogies whenever possible.",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(answer)
	// Output: Money, mate, is like a footy ticket: you swap it for the good stuff.
}

// Streaming into a writer, for programs; in a notebook, ChatOptions{Stream: true} shows the answer live as
// Markdown instead.
func ExampleChatOptions_streamTo() {
	srv := llmtest.NewServer()
	defer srv.Close()
	srv.When("story", llmtest.Reply{Text: "Once upon a time, it rained live frogs on a panda breeding facility."})

	client, _ := llm.New(llm.Config{BaseURL: srv.URL})
	reply, err := client.Chat(context.Background(), llm.Messages("Tell me a story.", ""), llm.ChatOptions{StreamTo: os.Stdout})
	fmt.Println()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(reply.Usage.CompletionTokens, "tokens")
	// Output:
	// Once upon a time, it rained live frogs on a panda breeding facility.
	// 13 tokens
}

// Every call is counted and priced; Usage renders as a table (HTML in a notebook).
func ExampleUsage() {
	srv := llmtest.NewServer()
	defer srv.Close()
	srv.When("money", llmtest.Reply{Text: "Dosh.", PromptTokens: 1000, CompletionTokens: 500})

	client, _ := llm.New(llm.Config{BaseURL: srv.URL, Model: "gpt-4o-mini"})
	reply, err := client.Chat(context.Background(), llm.Messages("What is money?", ""))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("this call:", reply.Cost)
	client.Chat(context.Background(), llm.Messages("And money again?", ""), llm.ChatOptions{Model: "gpt-4o"})
	fmt.Println(client.Usage())
	// Output:
	// this call: $0.000450 (0.045¢)
	// model        calls  tokens in  tokens out  cost
	// gpt-4o-mini  1      1000       500         $0.000450 (0.045¢)
	// gpt-4o       1      1000       500         $0.007500 (0.75¢)
	// total        2      2000       1000        $0.007950 (0.795¢)
}

// A multi-turn conversation keeps the history, so the model sees the earlier answers.
func ExampleConversation() {
	srv := llmtest.NewServer()
	defer srv.Close()
	srv.When("What is money?", llmtest.Reply{Text: "Money is what you swap for snags at the barbie."})
	srv.When("edible", llmtest.Reply{Text: "Nah mate, you can't eat it, but it buys the snags."})

	client, _ := llm.New(llm.Config{BaseURL: srv.URL})
	chat := client.NewConversation("You are an Aussie LLM.")
	for _, q := range []string{"What is money?", "Is it edible?"} {
		answer, err := chat.Ask(context.Background(), q)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(answer)
	}
	fmt.Println(len(chat.Messages), "messages in the history")
	// Output:
	// Money is what you swap for snags at the barbie.
	// Nah mate, you can't eat it, but it buys the snags.
	// 5 messages in the history
}

// Rate limits are retried, waiting as long as the server asks, and each retry is reported.
func ExampleRetryPolicy() {
	srv := llmtest.NewServer()
	defer srv.Close()
	srv.Enqueue(llmtest.Reply{Status: 429, RetryAfterMs: "200"})
	srv.Enqueue(llmtest.Reply{Text: "Worth the wait."})

	client, _ := llm.New(llm.Config{BaseURL: srv.URL, Log: os.Stdout, // a notebook shows standard error
		Retry: llm.RetryPolicy{MaxAttempts: 5, MaxServerDelay: 30 * time.Second}})
	answer, err := client.Ask(context.Background(), "Hello?")
	fmt.Println(answer, err)
	// Output:
	// llm: rate limited (HTTP 429), retrying in 200ms, as the server asks (attempt 2/5)
	// Worth the wait. <nil>
}

// Log-probabilities show how sure the model was of each token.
func ExampleClient_AskLogProbs() {
	srv := llmtest.NewServer()
	defer srv.Close()
	srv.When("capital", llmtest.Reply{Text: "Paris is the capital."})

	client, _ := llm.New(llm.Config{BaseURL: srv.URL})
	lp, err := client.AskLogProbs(context.Background(), "What is the capital of France?", "", 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, tok := range lp.Tokens {
		fmt.Printf("%q has %d alternatives\n", tok.Token, len(tok.Top))
	}
	// Output:
	// "Paris" has 2 alternatives
	// " is" has 2 alternatives
	// " the" has 2 alternatives
	// " capital." has 2 alternatives
}

// The legacy completions endpoint continues a prompt, as base models do.
func ExampleClient_Complete() {
	srv := llmtest.NewServer()
	defer srv.Close()
	srv.Add(llmtest.Rule{Endpoint: llmtest.EndpointCompletions, Contains: "frogs",
		Reply: &llmtest.Reply{Text: " The pandas were delighted."}})

	client, _ := llm.New(llm.Config{BaseURL: srv.URL})
	r, err := client.Complete(context.Background(), "When it rained live frogs on the panda breeding facility,",
		llm.ChatOptions{MaxTokens: 30})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Text)
	// Output: The pandas were delighted.
}
