package history

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func inputs(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Input)
	}
	return out
}

func TestStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h", "history.jsonl")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.Session() != 1 {
		t.Fatalf("first session %d", s.Session())
	}
	for i, in := range []string{"a := 1", "a + 1", "fmt.Println(a)", "a + 1"} {
		if err := s.Add(i+1, in, ""); err != nil {
			t.Fatal(err)
		}
	}
	s2, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if s2.Session() != 2 {
		t.Fatalf("second session %d", s2.Session())
	}
	_ = s2.Add(1, "b := 2", "")
	cases := []struct {
		name string
		got  []Entry
		want []string
	}{
		{"tail 2", s2.Tail(2), []string{"a + 1", "b := 2"}},
		{"range of session 1", s2.Range(1, 2, 4), []string{"a + 1", "fmt.Println(a)"}},
		{"range of previous session", s2.Range(-1, 1, 0), []string{"a := 1", "a + 1", "fmt.Println(a)", "a + 1"}},
		{"search", s2.Search("a*", 0, false), []string{"a := 1", "a + 1", "a + 1"}},
		{"search unique", s2.Search("a*", 0, true), []string{"a := 1", "a + 1"}},
		{"search n", s2.Search("*", 2, false), []string{"a + 1", "b := 2"}},
		{"search ?", s2.Search("? + 1", 0, true), []string{"a + 1"}},
	}
	for _, c := range cases {
		got := inputs(c.got)
		if len(got) != len(c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%s: %q, want %q", c.name, got, c.want)
				break
			}
		}
	}
}

func TestInMemory(t *testing.T) {
	s, err := Open("")
	if err != nil {
		t.Fatal(err)
	}
	_ = s.Add(1, "x", "1")
	if got := s.Tail(1); len(got) != 1 || got[0].Output != "1" {
		t.Fatalf("%+v", got)
	}
}

// TestFilePrivacy: the file is 0600 (an existing wider one is narrowed) and holds outputs only when asked.
func TestFilePrivacy(t *testing.T) {
	cases := []struct {
		name    string
		keep    bool
		prior   string      // file content before Open
		mode    os.FileMode // of the prior file
		outputs bool        // whether outputs may be on disk afterwards
	}{
		{"new file, inputs only", false, "", 0, false},
		{"new file, outputs asked for", true, "", 0, true},
		{"old file with outputs and wide permissions", false,
			`{"session":1,"line":1,"input":"key","output":"sk-secret"}` + "\n", 0o644, false},
		{"old file with outputs, outputs asked for", true,
			`{"session":1,"line":1,"input":"key","output":"sk-secret"}` + "\n", 0o644, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "golm", "history.jsonl")
			if c.prior != "" {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(c.prior), c.mode); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, c.mode); err != nil {
					t.Fatal(err)
				}
			}
			s, err := Open(path, KeepOutputs(c.keep))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Add(1, `fmt.Println(os.Getenv("KEY"))`, "sk-secret\n"); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("mode %v, want 0600", fi.Mode().Perm())
			}
			data, _ := os.ReadFile(path)
			if got := strings.Contains(string(data), "sk-secret"); got != c.outputs {
				t.Errorf("outputs on disk: %v, want %v:\n%s", got, c.outputs, data)
			}
			if !strings.Contains(string(data), `os.Getenv(\"KEY\")`) {
				t.Errorf("input missing from the file:\n%s", data)
			}
			// This session's outputs stay in memory for history requests.
			if got := s.Tail(1); got[0].Output != "sk-secret\n" {
				t.Errorf("in memory: %+v", got)
			}
			if c.prior != "" {
				if got := s.Range(1, 1, 0); len(got) != 1 || got[0].Output != "sk-secret" {
					t.Errorf("earlier session in memory: %+v", got)
				}
			}
		})
	}
}

// TestLongHistory: only the last MaxEntries lines are read, the session follows the last one, and a file
// of more than twice that is cut to those lines.
func TestLongHistory(t *testing.T) {
	line := func(session, n int) string {
		return fmt.Sprintf(`{"session":%d,"line":%d,"input":"cell %d"}`, session, n, n) + "\n"
	}
	cases := []struct {
		name      string
		lines     int
		extra     string // appended after the lines
		wantLast  string
		rewritten bool
	}{
		{"a few lines", 3, "", "cell 3", false},
		{"a few lines, the last without newline", 3, strings.TrimSuffix(line(9, 4), "\n"), "cell 4", false},
		{"blank lines among them", 3, "\n\n  \n", "cell 3", false},
		{"a little over the limit", MaxEntries + MaxEntries/5, "", fmt.Sprintf("cell %d", MaxEntries+MaxEntries/5), false},
		{"three times the limit", 3 * MaxEntries, "", fmt.Sprintf("cell %d", 3*MaxEntries), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "history.jsonl")
			var b strings.Builder
			for i := 1; i <= c.lines; i++ {
				b.WriteString(line(1+i/1000, i))
			}
			b.WriteString(c.extra)
			if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Err(); err != nil {
				t.Fatal(err)
			}
			all := s.Tail(0)
			wantN := min(c.lines, MaxEntries)
			if c.extra != "" && strings.TrimSpace(c.extra) != "" {
				wantN++
			}
			if len(all) != wantN || all[len(all)-1].Input != c.wantLast {
				t.Fatalf("%d entries ending with %q; want %d ending with %q", len(all), all[len(all)-1].Input, wantN, c.wantLast)
			}
			wantSession := 1 + c.lines/1000 + 1
			if c.extra != "" && strings.TrimSpace(c.extra) != "" {
				wantSession = 10
			}
			if s.Session() != wantSession {
				t.Errorf("session %d, want %d", s.Session(), wantSession)
			}
			data, _ := os.ReadFile(path)
			lines := strings.Count(string(data), "\n")
			if c.rewritten && lines != MaxEntries {
				t.Errorf("the file holds %d lines, want it cut to %d", lines, MaxEntries)
			}
			if !c.rewritten && len(data) != b.Len() {
				t.Errorf("the file was rewritten (%d bytes, was %d)", len(data), b.Len())
			}
			// A later session reads what this one adds after the kept lines.
			if err := s.Add(1, "next", ""); err != nil {
				t.Fatal(err)
			}
			s2, _ := Open(path)
			if got := s2.Tail(1); got[0].Input != "next" || got[0].Session != wantSession {
				t.Errorf("next session sees %+v", got)
			}
		})
	}
}

// TestReadWhenNeeded: Open does not read the file's entries (a kernel's start does not wait for them); the
// first use does.
func TestReadWhenNeeded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.jsonl")
	if err := os.WriteFile(path, []byte(`{"session":4,"line":1,"input":"old"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if s.file == nil || len(s.entries) != 0 {
		t.Fatalf("Open read the file: %d entries", len(s.entries))
	}
	if err := s.Add(1, "new", ""); err != nil {
		t.Fatal(err)
	}
	if got := inputs(s.Tail(0)); strings.Join(got, ",") != "old,new" || s.Session() != 5 {
		t.Fatalf("after the first use: %q, session %d", got, s.Session())
	}
}
