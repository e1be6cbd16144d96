package server

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"

	"github.com/golm-dev/golm/helpers/local"
)

// Command runs the server from command-line arguments, for a program's "serve" subcommand (such as
// `golm serve MODEL.gguf`); it returns when ctx is cancelled. Usage errors print the usage to stderr and return
// flag.ErrHelp or an error.
//
//	serve [-addr 127.0.0.1:8080] [-ctx 4096] [-gpu-layers -1] [-threads N] [-template NAME] [-name ID]
//	      [-max-tokens N] [-temperature 0.8]
//	      [-api-key KEY] [-log] [-verbose] MODEL.gguf
func Command(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (loopback only unless -allow-remote)")
	ctxSize := fs.Int("ctx", 0, "context size in tokens (default: the model's, at most 4096)")
	gpu := fs.Int("gpu-layers", 0, "layers to offload to the GPU (-1: all)")
	threads := fs.Int("threads", 0, "CPU threads (default: all cores)")
	template := fs.String("template", "", "chat template name instead of the model's own (chatml, gemma, llama2, …)")
	maxTokens := fs.Int("max-tokens", 0, "limit for chat answers whose request sets none (default: until the model stops)")
	temperature := fs.Float64("temperature", 0.8, "temperature for requests that give none (0: greedy, the most likely "+
		"token each time, for reproducible answers)")
	name := fs.String("name", "", "model id to report (default: the file name)")
	apiKey := fs.String("api-key", "", "require this API key (Authorization: Bearer KEY)")
	remote := fs.Bool("allow-remote", false, "allow a non-loopback address (set -api-key too)")
	logReq := fs.Bool("log", false, "log every request to stderr")
	verbose := fs.Bool("verbose", false, "show llama.cpp's log")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: serve [flags] MODEL.gguf\n\nServes a GGUF model over an OpenAI-compatible API "+
			"(chat completions, completions, embeddings).\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("serve: give one model file")
	}
	opts := Options{
		Model:              local.Options{ContextSize: *ctxSize, GPULayers: *gpu, Threads: *threads, Verbose: *verbose},
		ModelName:          *name,
		Template:           *template,
		DefaultMaxTokens:   *maxTokens,
		DefaultTemperature: *temperature,
		APIKey:             *apiKey,
		AllowRemote:        *remote,
	}
	if *logReq {
		opts.Log = log.New(stderr, "", log.LstdFlags)
	}
	if *temperature < 0 || *temperature > 2 {
		return fmt.Errorf("serve: -temperature %v is outside [0, 2]", *temperature)
	}
	if *temperature == 0 {
		opts.DefaultTemperature = -1 // greedy
	}
	return Serve(ctx, *addr, fs.Arg(0), opts)
}
