// Command gen writes the symbol tables of package symbols, and those of package symbols/std (run it with go
// generate in the symbols folder).
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
		fail(err)
	}
	write(".", files)
	std, err := extract.Std()
	if err != nil {
		fail(err)
	}
	write("std", std)
}

// write replaces the generated files (zz_*.go) of a folder.
func write(dir string, files map[string][]byte) {
	old, _ := filepath.Glob(filepath.Join(dir, "zz_*.go"))
	for _, f := range old {
		if _, keep := files[filepath.Base(f)]; !keep {
			os.Remove(f)
		}
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			fail(err)
		}
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
