// Package llmtest is a fake OpenAI-compatible server for tests and for running notebooks headless.
//
// It speaks enough of the OpenAI HTTP API for the golm helpers, the go-openai client and the official SDKs:
//
//   - POST /v1/chat/completions: plain and streamed (server-sent events, with stream_options.include_usage),
//     tool calls (several in one reply; when streamed, their arguments are split across several chunks),
//     log-probabilities when the request asks for them (logprobs, top_logprobs), max_tokens/
//     max_completion_tokens and stop sequences;
//   - POST /v1/completions: the legacy endpoint, plain and streamed, with echo and logprobs;
//   - POST /v1/responses: the Responses API, plain and streamed (response.created, output_text deltas,
//     response.completed), input as a string or items (messages, function_call, function_call_output),
//     function calls as output items, max_output_tokens; it answers from the chat script (EndpointChat rules);
//   - POST /v1/embeddings: deterministic vectors (see below), as floats or base64, honouring dimensions;
//   - GET /v1/models and /v1/models/{id};
//   - /v1/files: upload (multipart), list, retrieve, content, delete;
//   - /v1/fine_tuning/jobs: create, list, retrieve, events, cancel, with the life cycle
//     validating_files → queued → running → succeeded (or failed when the training file is not valid JSONL
//     with at least 10 examples), producing a fine_tuned_model name that chat requests accept.
//
// # Scripted replies
//
// What the chat and completions endpoints answer is scripted by rules (see [Rule] and [Reply]): each rule
// has conditions (a substring or regular expression of the last user message, the model, the endpoint, the
// role of the final message) and one or more replies: text, tool calls, an error status with Retry-After and
// rate-limit headers, a connection dropped at once or mid-stream, a delay. The first rule, in order, whose
// conditions hold and whose uses are not exhausted answers. Ahead of the rules, [Server.Enqueue] queues
// replies for the next chat or completions requests, one each, so a test can say "the next request gets a
// 429, the one after it this text" whatever the rules say. In a script file, rules with "times": 1 and no
// conditions, placed first, do the same.
//
// When no rule matches, the server answers deterministically with an echo of the last user message,
// prefixed so that nobody mistakes it for a model's answer: "(llmtest echo) What is money?". With
// Unmatched set to "error" it answers HTTP 400 instead, with an error message that names the endpoint,
// the model and the last user message of the unmatched request. Embedding requests are answered with
// vectors unless a rule names the "embeddings" endpoint.
//
// # Tokens
//
// The fake has no tokenizer: a token is a whitespace-separated word. Prompt tokens are the words of all
// message contents and tool-call arguments of the request; completion tokens are the words of the reply
// (text and tool-call arguments). A reply can set exact counts (PromptTokens, CompletionTokens). Streamed
// text arrives one word (with its leading whitespace) per chunk, and log-probabilities are given per word.
//
// # Embeddings
//
// Vectors come from feature hashing of a bag of words: the text is lower-cased and split into words, common
// English stop words are dropped, and every word (weight 1+ln(count)) and its character trigrams (smaller
// weight) are hashed into the vector with a hashed sign; the vector is normalised to unit length. Texts
// that share words therefore have a clearly positive cosine similarity and unrelated texts one near zero,
// which is enough for retrieval demonstrations. The dimension is the request's "dimensions", else
// Config.EmbeddingDim, else 3072 for text-embedding-3-large and 1536 for other models.
//
// # Running it
//
// In Go tests, NewServer starts a server on a loopback port (like net/http/httptest); its URL, which ends
// in /v1, is what OPENAI_BASE_URL or openai.ClientConfig.BaseURL should be. Listen binds a given address
// and Serve runs a server until its context is cancelled, for a command such as
// "golm fake-openai --addr 127.0.0.1:0 --script FILE". A script file is the JSON form of [Config]; see
// LoadConfig for its format.
//
// The wire format (request and response bodies, errors, server-sent events) is package
// helpers/internal/openaiwire's, shared with the local model server of helpers/local/server; this package
// writes it as OpenAI does, down to the null fields, the usage details and a system fingerprint.
//
// Every request is recorded (see [Request]) with its decoded body and its headers, the value of the
// Authorization header replaced, so tests can assert what a client sent.
package llmtest
