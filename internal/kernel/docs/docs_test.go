package docs

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/golm-dev/golm/internal/kernel/docs/internal/build"
)

func TestLookup(t *testing.T) {
	cases := []struct{ pkg, name, want string }{
		{"strings", "Repeat", "func Repeat(s string, count int) string"},
		{"strings", "Builder.WriteString", "func (b *Builder) WriteString(s string) (int, error)"},
		{"fmt", "", "Package fmt implements formatted I/O"},
		{"github.com/golm-dev/golm/helpers/display", "HTML", "func HTML(html string) error"},
	}
	for _, c := range cases {
		got, ok := Lookup(c.pkg, c.name)
		if !ok || !strings.Contains(got, c.want) {
			t.Errorf("Lookup(%q, %q) = %q, %v; want it to contain %q", c.pkg, c.name, got, ok, c.want)
		}
	}
	if _, ok := Lookup("strings", "NoSuchThing"); ok {
		t.Error("found a name that does not exist")
	}
}

func TestIndexIsFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("regenerating the index parses every package; skipped with -short")
	}
	want, err := build.Compressed()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("docs.json.gz")
	if err != nil || !bytes.Equal(got, want) {
		t.Fatal("docs.json.gz is stale: run go generate ./internal/kernel/docs")
	}
}
