// Command golm-serve serves a GGUF model over an OpenAI-compatible API on a loopback port, like
// `golm serve` (see package server):
//
//	eval "$(helpers/local/cgoflags.sh)" && go run -tags llama ./helpers/local/cmd/golm-serve MODEL.gguf
//	export OPENAI_BASE_URL=http://127.0.0.1:8080/v1
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/golm-dev/golm/helpers/local/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := server.Command(ctx, os.Args[1:], os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "golm-serve:", err)
		}
		os.Exit(1)
	}
}
