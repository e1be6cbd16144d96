// Package local runs open language models on this machine with llama.cpp: load a GGUF model, tokenize,
// generate text with streaming (Stream, GenerateTo, and Show for an updating notebook output), sampling, stop
// sequences, log-probabilities (NextTokens) and timing, chat with the model's own or a named template,
// compute embeddings, and free the model again.
//
//	m, err := local.Load(ctx, "llama-2-7b-chat.Q4_K_M.gguf", local.Options{GPULayers: -1})
//	if err != nil { … }
//	defer m.Close()
//	ids, _ := m.Tokenize("Jeremy Howard is ", true)
//	res, _ := m.Generate(ctx, "Jeremy Howard is ", local.GenerateOptions{MaxTokens: 15})
//	fmt.Println(res.Text, res.Timing)
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
// Every call that can take long takes a context.Context and stops soon after it is cancelled (a notebook's
// interrupt cancels it). A Model holds memory outside Go's heap (weights, the KV cache, GPU buffers): call
// Close when done with it, before loading the next one.
//
// The API uses plain structs and no generic or variadic functions, so that interpreted notebook cells (yaegi)
// can call all of it. Callbacks are arguments, never struct fields.
package local
