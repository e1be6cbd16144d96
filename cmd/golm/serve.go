package main

import (
	"context"
	"io"
	"os/signal"
	"syscall"

	"github.com/golm-dev/golm/helpers/local/server"
)

// runServe serves a GGUF model over an OpenAI-compatible API (needs a build with llama.cpp).
func runServe(ctx context.Context, args []string, _, stderr io.Writer) error {
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return server.Command(ctx, args, stderr)
}
