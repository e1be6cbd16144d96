package symbols

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/golm-dev/golm/symbols/internal/extract"
)

// TestTablesAreFresh fails when a helper's exported API changed without go generate ./symbols.
func TestTablesAreFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerating the tables type-checks every package from source; skipped with -short")
	}
	want, err := extract.All(Packages)
	if err != nil {
		t.Fatal(err)
	}
	have, _ := filepath.Glob("zz_*.go")
	if len(have) != len(want) {
		t.Errorf("%d generated files, want %d: run go generate ./symbols", len(have), len(want))
	}
	for name, data := range want {
		got, err := os.ReadFile(name)
		if err != nil || !bytes.Equal(got, data) {
			t.Errorf("%s is stale: run go generate ./symbols", name)
		}
	}
}

func TestEveryPackageHasATable(t *testing.T) {
	for _, p := range Packages {
		found := false
		for key := range Symbols {
			if filepath.Dir(key) == p {
				found = true
			}
		}
		if !found {
			t.Errorf("no symbol table for %s", p)
		}
	}
}
