// Package tokens turns text into the tokens that OpenAI's models read, and back.
//
// A language model does not see characters or words: it sees a sequence of token ids, each standing for a
// piece of text (often a word with its leading space, or part of a word). The table that maps pieces to ids is
// an encoding. This package provides the encodings of OpenAI's models, with ids identical to OpenAI's own
// tokenizer, tiktoken:
//
//	o200k_base   gpt-4o, gpt-4o-mini, gpt-4.1, gpt-4.5, gpt-5, o1, o3, o4-mini
//	cl100k_base  gpt-4, gpt-3.5-turbo, text-embedding-3-small/-large, text-embedding-ada-002
//	p50k_base    text-davinci-002/-003, code-davinci-002 (Codex)
//	r50k_base    GPT-3: davinci, curie, babbage, ada; also GPT-2
//
// Look an encoding up by name with Get, or by model with ForModel:
//
//	enc, err := tokens.Get("p50k_base")
//	enc.Encode("They are splashing")  // [2990 389 4328 2140]
//	enc.Pieces("They are splashing")  // ["They" " are" " spl" "ashing"]
//	enc.Count("They are splashing")   // 4
//	enc.Show("They are splashing")    // the pieces as coloured spans in a notebook
//	tokens.Compare(text, nil)         // a table of token counts in every encoding
//
// The vocabularies are compiled into the program (the ranks of OpenAI's files; a test checks a fingerprint of
// each, and `make tokens-reference` checks them against the SHA-256 OpenAI publishes): nothing is ever
// downloaded. An encoding's vocabulary is loaded on its first Get, once per program, and then
// takes about 10 MB of memory for o200k_base, 5 MB for cl100k_base and 2.6 MB for p50k_base and r50k_base.
// Programs that use github.com/pkoukk/tiktoken-go can call InstallOfflineLoader so that it too works without
// a network, from the same data.
//
// # Speed
//
// The tokenizer is golm's own: for each encoding, a hand-written pre-tokenizer that splits text as tiktoken's
// regular expression does (without a regular-expression engine), then tiktoken's byte-pair merging, with a
// compact table of the tokens' ranks and a cache of the words that take several tokens. On one core it
// encodes several times faster than OpenAI's tiktoken (make bench-tokens measures both, with the ids of
// each). Encode and Count share a large text (from 512 KB) among all cores, cutting it only where the
// pre-tokenizer cuts, so the ids are the same as on one core; Count does not build the slice of ids.
// EncodeBatch and CountBatch take many texts at once, on all cores.
//
// The pre-tokenizer sees characters as tiktoken's regular-expression engine does, with its Unicode tables
// (version 16), which are newer than Go's: letters of scripts added to Unicode lately are letters here too.
//
// Every exported function and method is an ordinary, non-generic one with plain parameters, so that it can be
// called from an interpreted notebook cell. An *Encoding is safe for concurrent use.
//
// # Special tokens
//
// Encode, Count and Pieces treat all text as ordinary text, like tiktoken's encode_ordinary: a string such as
// "<|endoftext|>" in the input is encoded as the characters it is made of, never as the special token, so that
// text from users cannot smuggle control tokens in (tiktoken's encode refuses such text by default instead).
// Decode turns the ids of special tokens back into their text.
//
// # Invalid UTF-8
//
// A Go string can hold bytes that are not valid UTF-8; tiktoken's public API cannot receive them (Python and
// JavaScript strings are Unicode). Encode sees a string as a UTF-8 decoder would turn it into Unicode: each
// maximal invalid byte sequence becomes one U+FFFD replacement character (the rule of Python's
// bytes.decode(errors="replace") and of JavaScript's TextDecoder), and the ids are tiktoken's ids for that text.
// So Decode(Encode(s)) gives back s exactly when s is valid UTF-8. (Python tiktoken's private method
// _encode_bytes differs: it encodes the invalid bytes themselves, as byte tokens.)
//
// Decode returns the bytes of the tokens unchanged. A token can hold part of a multi-byte character (emoji
// and many CJK characters are split over several tokens), so decoding some of the ids of a text can give a
// string that is not valid UTF-8; strings.ToValidUTF8 cleans it if needed. Pieces shows such partial tokens
// as Go byte escapes, such as \xf0\x9f.
package tokens
