package history

import (
	"path/filepath"
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
