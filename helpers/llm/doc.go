// Package llm calls OpenAI's API, or any OpenAI-compatible server, from notebooks and programs: chat with
// system prompts and conversations, live streaming into the notebook, log-probabilities, the legacy
// completions endpoint, embeddings, files and fine-tuning jobs, with usage and cost accounting, retries
// that honour rate limits, and errors that say what to do.
//
// It is built on github.com/sashabaranov/go-openai, whose types (openai.ChatCompletionMessage,
// openai.ChatCompletionRequest, ...) appear in the API; Client.OpenAI gives the underlying client for
// anything not covered here.
//
// # A first call
//
//	client, err := llm.NewClient() // OPENAI_API_KEY, OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_MODEL
//	answer, err := client.Ask(ctx, "What is money?",
//		"You are an Aussie LLM that uses Aussie slang and analogies whenever possible.")
//	answer, err = client.AskStream(ctx, "What is money?", "") // shown live, as Markdown
//	client.Usage()                                         // tokens and cost of the session, as a table
//
// Point OPENAI_BASE_URL at a local OpenAI-compatible server (llama.cpp's llama-server, Ollama, vLLM) to
// run without OpenAI; such a server needs no key. Package llmtest is a fake server for tests.
//
// # The key
//
// The API key is never printed: Client and Config print without it whatever the fmt verb, errors have it
// removed (and anything that looks like an OpenAI key), and retry reports carry only the method and path.
//
// # Rate limits and failures
//
// Every request goes through a RetryTransport: connection errors, 429s and 5xx answers are retried with
// exponential backoff and jitter, honouring Retry-After, retry-after-ms and OpenAI's x-ratelimit-reset-*
// headers, a bounded number of times (RetryPolicy). Each retry is reported ("llm: rate limited (HTTP 429),
// retrying in 2s (attempt 2/5)") on standard error, or to Config.Retry.OnRetry / Client.SetOnRetry. No wait
// outlasts the context: an interrupted cell stops a waiting or streaming call at once. A stream that is cut
// off before the server finishes it returns a *StreamError carrying the partial text.
//
// # For the interpreter
//
// Notebook cells reach this package through the yaegi interpreter, which cannot call generic functions of
// compiled packages and mishandles variadic calls with interpreted values. So every entry point is
// non-generic, options are structs (ChatOptions, Config) rather than variadic functions, and everything
// that can block takes a context.Context first.
package llm
