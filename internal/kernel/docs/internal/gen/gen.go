// Command gen writes docs.json.gz, the documentation index of package docs (run it with go generate in
// that folder).
package main

import (
	"fmt"
	"os"

	"github.com/golm-dev/golm/internal/kernel/docs/internal/build"
)

func main() {
	data, err := build.Compressed()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile("docs.json.gz", data, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
