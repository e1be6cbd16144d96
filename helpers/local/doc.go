// Package local runs open language models on this machine with llama.cpp: load a GGUF model, tokenize,
// continue a text (Complete), answer a conversation (Chat) or one question (Ask) through the model's own or a
// named chat template, with sampling, stop sequences, log-probabilities (NextTokens), timing and streaming
// (GenerateOptions.Stream shows the text live in the notebook, StreamTo writes it to a writer), compute
// embeddings (Embed), and free the model again.
//
//	m, err := local.Load(ctx, "llama-2-7b-chat.Q4_K_M.gguf", local.Options{GPULayers: -1})
//	if err != nil { … }
//	defer m.Close()
//	ids, _ := m.Tokenize("Jeremy Howard is ", true)
//	res, _ := m.Complete(ctx, "Jeremy Howard is ", local.GenerateOptions{MaxTokens: 15})
//	fmt.Println(res.Text, res.Timing)
//	answer, _ := m.Ask(ctx, "Who is Jeremy Howard?", local.GenerateOptions{Stream: true})
//
// Every call that can take long takes a context.Context first, then what it works on, then at most one
// options struct whose zero value is sensible (a variadic argument that may be left out), as every golm
// helper does (helpers/README.md). It stops soon after the context is cancelled (a notebook's interrupt
// cancels it). A Model holds memory outside Go's heap (weights, the KV cache, GPU buffers): call Close when
// done with it, before loading the next one.
//
// llama.cpp is C++ compiled into the program with cgo, from the sources in the Go module
// github.com/ollama/ollama, when it is built with the tag llama:
//
//	eval "$(helpers/local/cgoflags.sh)" && go build -tags llama ./cmd/golm
//
// Without the tag everything still compiles, and Load returns ErrNotBuilt, which explains how to get a kernel
// with llama.cpp. Reading model metadata (ReadMetadata, package gguf), chat templates (package templates),
// downloads (package hf) and the OpenAI-compatible server's HTTP side (package server) are pure Go and work in
// both builds.
//
// The API has no generic functions and no callbacks in struct fields, so that interpreted notebook cells
// (yaegi) can call all of it.
package local
