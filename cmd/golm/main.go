// Command golm is a Jupyter kernel for Go, with helper packages for language-model work.
//
//	golm kernel CONNECTION_FILE   run the kernel (Jupyter starts it from the kernelspec)
//	golm install [--user | --sys-prefix | --prefix DIR] [--name NAME]
//	                              install the kernelspec
//	golm install --release [--from URL|DIR] [--dest DIR] [--user ...]
//	                              download golm's prebuilt release for this machine, verify it against its
//	                              SHA256SUMS and manifest, unpack it and install its kernelspec
//	golm version                  print the version
//
// See golm help for the other commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// command is a subcommand.
type command struct {
	name, usage, doc string
	run              func(ctx context.Context, args []string, stdout, stderr io.Writer) error
	hidden           bool
}

func commands() []command {
	return []command{
		{name: "kernel", usage: "golm kernel CONNECTION_FILE", doc: "run the Jupyter kernel", run: runKernel},
		{name: "install", usage: "golm install [--user | --sys-prefix | --prefix DIR] [--release [--from URL|DIR]]", doc: "install the Jupyter kernelspec (--release: download, verify and install the prebuilt golm first)", run: runInstall},
		{name: "version", usage: "golm version", doc: "print the version", run: func(_ context.Context, _ []string, stdout, _ io.Writer) error {
			_, err := fmt.Fprintln(stdout, "golm", version)
			return err
		}},
		{name: "lessons", usage: "golm lessons build|check [--lessons DIR] [--notebooks DIR]", doc: "generate the notebooks from the lesson sources, or check them", run: runLessons},
		{name: "serve", usage: "golm serve [-addr HOST:PORT] [-gpu-layers N] MODEL.gguf", doc: "serve a local GGUF model over an OpenAI-compatible API", run: runServe},
		{name: "fake-openai", usage: "golm fake-openai [--addr HOST:PORT] [--script FILE]", doc: "serve a fake OpenAI-compatible API (for tests)", run: runFakeOpenAI},
		{name: "worker", usage: "golm worker", doc: "the kernel's interpreter process (started by the kernel)", run: runWorker, hidden: true},
	}
}

// errUsage marks an error in the command line; main prints the usage after it.
var errUsage = errors.New("usage")

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(context.Background(), args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			fmt.Fprintf(stderr, "golm %s: %v\nusage: %s\n", c.name, err, c.usage)
			return 2
		default:
			fmt.Fprintf(stderr, "golm %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "golm: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "golm: a Jupyter kernel for Go, with helpers for language models")
	fmt.Fprintln(w)
	for _, c := range commands() {
		if !c.hidden {
			fmt.Fprintf(w, "  %-40s %s\n", c.usage, c.doc)
		}
	}
}
