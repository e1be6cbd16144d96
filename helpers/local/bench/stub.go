//go:build !llama

package main

import (
	"fmt"
	"os"

	"github.com/golm-dev/golm/helpers/local"
)

func main() {
	fmt.Fprintln(os.Stderr, "bench:", local.ErrNotBuilt)
	os.Exit(1)
}
