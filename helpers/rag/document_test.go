package rag

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNewDocument(t *testing.T) {
	page := `<html><head><title>Money - Wiki</title><style>p{color:red}</style><script>var x = "hidden";</script></head>
<body><nav><a href="/">Home</a> | <a href="/about">About</a></nav>
<header>Site banner</header>
<main><h1>Money</h1><p>Money is a <b>medium</b> of
exchange.<sup class="reference">[1]</sup></p>
<h2>History <span class="mw-editsection">[edit]</span></h2><ul><li>Barter</li><li>Coins</li></ul>
<table><tr><th>Year</th><th>Event</th></tr><tr><td>1971</td><td>Nixon shock</td></tr></table>
<pre>code   stays
  as is</pre><div hidden>secret</div></main>
<footer>Copyright</footer></body></html>`
	tests := []struct {
		name, text string
		format     Format
		wantText   string
		wantTitle  string
		wantFormat Format
	}{
		{"plain", "Hello.\n\nWorld.", Text, "Hello.\n\nWorld.", "", Text},
		{"markdown", "intro\n# Title\nbody", Markdown, "intro\n# Title\nbody", "Title", Markdown},
		{"html", page, HTML, "# Money\n\nMoney is a medium of exchange.\n\n## History\n\n- Barter\n\n- Coins\n\n" +
			"Year | Event\n\n1971 | Nixon shock\n\n```\ncode   stays\n  as is\n```", "Money - Wiki", Markdown},
		{"html without main uses body", "<body><nav>menu</nav><p>Just this.</p><script>no()</script></body>", HTML,
			"Just this.", "", Markdown},
		{"single article", "<body><div>side</div><article><p>Story.</p></article></body>", HTML, "Story.", "", Markdown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewDocument("src", tc.text, tc.format)
			if err != nil {
				t.Fatal(err)
			}
			if d.Text != tc.wantText || d.Title != tc.wantTitle || d.Format != tc.wantFormat || d.Source != "src" {
				t.Errorf("got text %q title %q format %v, want %q %q %v", d.Text, d.Title, d.Format,
					tc.wantText, tc.wantTitle, tc.wantFormat)
			}
		})
	}
}

func TestNewDocumentErrors(t *testing.T) {
	tests := []struct {
		name, text string
		format     Format
		empty      bool
	}{
		{"blank text", " \n\t\n", Text, true},
		{"empty markdown", "", Markdown, true},
		{"html with only navigation", "<body><nav>Home</nav><script>x()</script></body>", HTML, true},
		{"unknown format", "text", Format(9), false},
	}
	for _, tc := range tests {
		_, err := NewDocument("x", tc.text, tc.format)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if errors.Is(err, ErrEmptyDocument) != tc.empty {
			t.Errorf("%s: error %v, want ErrEmptyDocument: %v", tc.name, err, tc.empty)
		}
	}
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"a.md":           "# A\ntext a",
		"sub/b.html":     "<p>text b</p>",
		"c.txt":          "text c",
		"empty.txt":      "  ",
		"skip.bin":       "binary",
		"sub/d.MARKDOWN": "## D",
	}
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	docs, err := LoadDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range docs {
		got = append(got, filepath.Base(d.Source)+":"+d.Format.String()+":"+d.Text)
	}
	want := "a.md:markdown:# A\ntext a|c.txt:text:text c|b.html:markdown:text b|d.MARKDOWN:markdown:## D"
	if strings.Join(got, "|") != want {
		t.Errorf("got %q, want %q", strings.Join(got, "|"), want)
	}
	if _, err := LoadDocument(context.Background(), filepath.Join(dir, "missing.md")); err == nil {
		t.Error("a missing file loaded")
	}
}
