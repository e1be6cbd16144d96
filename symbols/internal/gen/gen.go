// Command gen writes the symbol tables of package symbols (run it with go generate in that folder).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/golm-dev/golm/symbols"
	"github.com/golm-dev/golm/symbols/internal/extract"
)

func main() {
	files, err := extract.All(symbols.Packages)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	old, _ := filepath.Glob("zz_*.go")
	for _, f := range old {
		if _, keep := files[f]; !keep {
			os.Remove(f)
		}
	}
	for name, data := range files {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
