// Package openaiwire holds the OpenAI HTTP API's wire format, written once for the two OpenAI-compatible
// servers of golm: the scripted fake of package llmtest and the llama.cpp-backed server of package
// local/server.
//
// It has the request bodies (chat completions, legacy completions, embeddings) with the decoding of their
// polymorphic fields (content as a string or parts, stop and prompt as a string or a list, token arrays), the
// response bodies (chat completions and their stream chunks, completions, embeddings, models, usage,
// log-probabilities, errors), and the HTTP plumbing around them: reading a request body with a size limit,
// writing JSON and OpenAI's error object, and server-sent events.
//
// Where the two servers answer differently on purpose, the difference is an explicit choice here, not a
// second copy of a type:
//
//   - Message.Nulls and ChatLogProbs.Nulls write absent fields as null, as OpenAI does ("content": null,
//     "refusal": null); without them absent fields are omitted, as llama.cpp's server does.
//   - Usage details (prompt_tokens_details, completion_tokens_details) are written only when set
//     (Usage.WithDetails), and the system fingerprint only when not empty.
//   - StartStream sends a stream's headers at once (OpenAI; it lets a test drop the connection after them);
//     NewStream sends them with the first event, so that a failure before any output can still be an HTTP
//     error status (llama.cpp).
//
// What is one server's own (scripting, ids, llama.cpp's timings and sampling extensions) stays in that
// server; extensions of a request are added by embedding the request type in the server's own struct.
//
// JSON is written without HTML escaping (<, > and & as they are), as both OpenAI and llama.cpp write it.
package openaiwire
