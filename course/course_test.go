package course

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

const sample = "# 99 — Sample\n\nSome *prose*.\n\n```go\nx := 1\nx + 1\n```\n\nMore prose with a JSON example:\n\n```json\n{\"a\": 1}\n```\n\n<!-- split -->\n\nAn exercise.\n\n```go {raises-exception}\npanic(\"on purpose\")\n```\n"

func TestParse(t *testing.T) {
	l, err := Parse("99-sample", sample)
	if err != nil {
		t.Fatal(err)
	}
	if l.Title != "99 — Sample" {
		t.Fatalf("title %q", l.Title)
	}
	var kinds []string
	for _, c := range l.Cells {
		kinds = append(kinds, c.Type)
	}
	if got := strings.Join(kinds, ","); got != "markdown,code,markdown,markdown,code" {
		t.Fatalf("cells %s", got)
	}
	if l.Cells[1].Source != "x := 1\nx + 1" || !strings.Contains(l.Cells[2].Source, "```json") {
		t.Fatalf("%+v", l.Cells)
	}
	if len(l.Cells[4].Tags) != 1 || l.Cells[4].Tags[0] != "raises-exception" {
		t.Fatalf("tags %v", l.Cells[4].Tags)
	}
}

func TestParseErrors(t *testing.T) {
	for _, src := range []string{"no title\n", "# T\n```go\nx := 1\n", "# T\n```go\n```\n"} {
		if _, err := Parse("x", src); err == nil {
			t.Errorf("accepted %q", src)
		}
	}
}

func TestNotebookIsDeterministicNBFormat(t *testing.T) {
	l, err := Parse("99-sample", sample)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := l.Notebook()
	b, _ := l.Notebook()
	if string(a) != string(b) {
		t.Fatal("two renderings differ")
	}
	var nb map[string]any
	if err := json.Unmarshal(a, &nb); err != nil {
		t.Fatal(err)
	}
	if nb["nbformat"].(float64) != 4 || nb["metadata"].(map[string]any)["kernelspec"].(map[string]any)["name"] != "golm" {
		t.Fatalf("metadata %v", nb["metadata"])
	}
	cells := nb["cells"].([]any)
	code := cells[1].(map[string]any)
	if code["execution_count"] != nil || len(code["outputs"].([]any)) != 0 || code["id"] != "99-sample-001" {
		t.Fatalf("code cell %v", code)
	}
	src := code["source"].([]any)
	if len(src) != 2 || src[0] != "x := 1\n" || src[1] != "x + 1" {
		t.Fatalf("source %q", src)
	}
	if !strings.HasPrefix(string(a), "{\n \"cells\": [") {
		t.Fatalf("not in Jupyter's layout: %.40s", a)
	}
}

// TestNotebooksAreUpToDate fails when notebooks/ differs from what lessons/ generates: run
// go run ./cmd/golm lessons build.
func TestNotebooksAreUpToDate(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(file))
	problems, err := Check(filepath.Join(root, "lessons"), filepath.Join(root, "notebooks"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p + ": run `go run ./cmd/golm lessons build`")
	}
	if ls, _ := Lessons(filepath.Join(root, "lessons")); len(ls) == 0 {
		if _, err := os.Stat(filepath.Join(root, "lessons")); err == nil {
			t.Log("no lessons yet")
		}
	}
}
