package main

import (
	"context"
	"flag"
	"io"
	"os/signal"
	"syscall"

	"github.com/golm-dev/golm/helpers/llm/llmtest"
)

// runFakeOpenAI serves the fake OpenAI-compatible API on a loopback port, for tests and for running the
// notebooks without a key. It prints OPENAI_BASE_URL=... once it listens.
func runFakeOpenAI(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fake-openai", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on")
	script := fs.String("script", "", "JSON script of replies (see package llmtest)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	return llmtest.Serve(ctx, *addr, *script, stdout)
}
