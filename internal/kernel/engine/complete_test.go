package engine

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/golm-dev/golm/helpers/display"
)

func TestComplete(t *testing.T) {
	s, _, _ := newSession(t)
	for _, cell := range []string{
		"type Card struct{ Title string; Words int }\nfunc (c Card) Summary() string { return c.Title }",
		"myCard := Card{Title: \"x\"}\nvar builder strings.Builder\nmessage := \"hi\"",
	} {
		if _, err := s.Execute(context.Background(), cell); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		code      string
		has, hasn []string
		start     int
	}{
		{code: "strings.Rep", has: []string{"Repeat", "Replace", "ReplaceAll"}, start: 8},
		{code: "fmt.Sprin", has: []string{"Sprint", "Sprintf", "Sprintln"}},
		{code: "myC", has: []string{"myCard"}, start: 0},
		{code: "myCard.", has: []string{"Title", "Words", "Summary"}},
		{code: "builder.Wr", has: []string{"WriteString", "WriteByte"}},
		{code: "mess", has: []string{"message"}},
		{code: "slices.So", has: []string{"Sort", "SortFunc"}},
		{code: "x := str", has: []string{"strings", "strconv", "string"}},
		{code: "fu", has: []string{"func"}},
		{code: "__go", hasn: []string{"__golm_r0"}},
		{code: "mi", has: []string{"min"}},
		{code: "%ti", has: []string{"time"}},
	}
	for _, c := range cases {
		matches, start, end := s.Complete(c.code, len(c.code))
		for _, h := range c.has {
			if !slices.Contains(matches, h) {
				t.Errorf("Complete(%q) = %v, missing %s", c.code, matches, h)
			}
		}
		for _, h := range c.hasn {
			if slices.Contains(matches, h) {
				t.Errorf("Complete(%q) = %v, should not offer %s", c.code, matches, h)
			}
		}
		if end != len(c.code) || (c.start != 0 && start != c.start) {
			t.Errorf("Complete(%q) range %d-%d", c.code, start, end)
		}
	}
}

func TestInspect(t *testing.T) {
	docs := map[string]string{"strings.Repeat": "func Repeat(s string, count int) string\n\nRepeat returns..."}
	s, err := New(Options{Docs: func(pkg, name string) (string, bool) {
		d, ok := docs[pkg+"."+name]
		return d, ok
	}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Execute(context.Background(), "// Greet says hello.\nfunc Greet(name string) string { return \"hi \" + name }\ncount := 42"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		code   string
		cursor int
		want   string
	}{
		{"strings.Repeat", -1, "Repeat returns"},
		{"x := strings.Repeat(\"a\", ", -1, "func Repeat"},
		{"Greet", -1, "Greet says hello"},
		{"Greet(\"bob\")", 2, "func Greet(name string) string"},
		{"count", -1, "count: int = 42"},
		{"len", -1, "func len"},
		{"slices.Sort", -1, "sorts a slice"},
		{"fmt.Sprintf", -1, "func fmt.Sprintf(string, ...interface {}) string"},
	}
	for _, c := range cases {
		cur := c.cursor
		if cur < 0 {
			cur = len(c.code)
		}
		b, found := s.Inspect(c.code, cur, 0)
		text, _ := b.Data[display.MIMEText].(string)
		if !found || !strings.Contains(text, c.want) {
			t.Errorf("Inspect(%q, %d) = %q, %v; want %q", c.code, cur, text, found, c.want)
		}
	}
	if _, found := s.Inspect("nothingHere", 11, 0); found {
		t.Error("found help for an undefined name")
	}
}

func TestHelpQueryGivesAPage(t *testing.T) {
	s, _, _ := newSession(t)
	res, err := s.Execute(context.Background(), "?len")
	if err != nil || res.Page == nil || !strings.Contains(res.Page.Data[display.MIMEText].(string), "func len") {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestMagics(t *testing.T) {
	s, out, _ := newSession(t)
	cases := []struct {
		code, out, result, err string
	}{
		{code: "!echo from-the-shell", out: "from-the-shell\n"},
		{code: "%env GOLM_MAGIC_TEST=42", out: "env: GOLM_MAGIC_TEST=42"},
		{code: "os.Getenv(\"GOLM_MAGIC_TEST\")", result: `"42"`},
		{code: "%env OPENAI_API_KEY=sk-secret-value", out: "<hidden: 15 characters>"},
		{code: "%env OPENAI_API_KEY", result: "<hidden: 15 characters>"},
		{code: "%env GOLM_NEVER_SET_ANYWHERE", result: "GOLM_NEVER_SET_ANYWHERE is not set (set it with %env"},
		{code: "%time x := 2", out: "Wall time:"},
		{code: "%%time\ny := x + 1\ny", out: "Wall time:", result: "3"},
		{code: "%who", result: "var    x"},
		{code: "%help", result: "golm: Go in a notebook"},
		{code: "%nosuch", err: "unknown magic"},
		{code: "!exit 3", err: "exit status 3"},
		{code: "%reset\nx := 1", err: "alone in its cell"},
	}
	for _, c := range cases {
		out.Reset()
		res, err := s.Execute(context.Background(), c.code)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want %q", c.code, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", c.code, err)
			continue
		}
		if !strings.Contains(out.String(), c.out) {
			t.Errorf("%q: output %q, want %q", c.code, out.String(), c.out)
		}
		if c.result != "" && !strings.Contains(text(res), c.result) {
			t.Errorf("%q: result %q, want %q", c.code, text(res), c.result)
		}
		if strings.Contains(out.String()+text(res), "sk-secret-value") {
			t.Errorf("%q: the secret was shown", c.code)
		}
	}
}

func TestShellInterrupt(t *testing.T) {
	s, _, _ := newSession(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { <-make(chan struct{}) }()
	done := make(chan error, 1)
	go func() {
		_, err := s.Execute(ctx, "!sleep 30")
		done <- err
	}()
	cancel()
	if err := <-done; err == nil || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("err = %v", err)
	}
}
