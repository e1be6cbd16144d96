//go:build llama

package local

import (
	"io"
	"os"
	"strings"
	"testing"
)

// TestNoticeOnce: loading several models with GPU layers on a machine without a GPU says so once, on
// standard output, not once per model in red.
func TestNoticeOnce(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout := os.Stdout
	os.Stdout = w
	for range 3 {
		noticeOnce("golm: test notice A")
	}
	noticeOnce("golm: test notice B")
	os.Stdout = stdout
	w.Close()
	out, _ := io.ReadAll(r)
	if got := string(out); strings.Count(got, "notice A") != 1 || strings.Count(got, "notice B") != 1 {
		t.Errorf("printed %q", got)
	}
}
