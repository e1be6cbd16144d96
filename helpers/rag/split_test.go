package rag

import (
	"errors"
	"strings"
	"testing"

	"github.com/golm-dev/golm/helpers/tokens"
)

const guide = `# Money

Money is a medium of exchange.

It is also a store of value.

## History

Barter came first.

` + "```go\n# not a heading\n\nfmt.Println(1)\n```" + `

### Coins

Coins were minted in Lydia.

# Banks

Banks lend money.
`

func TestSplitStructure(t *testing.T) {
	doc, err := NewDocument("guide.md", guide, Markdown)
	if err != nil {
		t.Fatal(err)
	}
	chunks, err := Split(doc, SplitOptions{MaxTokens: 1000})
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		id, headings, text string
		line, endLine      int
	}
	wants := []want{
		{"guide.md#1", "Money", "# Money\n\nMoney is a medium of exchange.\n\nIt is also a store of value.", 1, 5},
		{"guide.md#2", "Money/History", "## History\n\nBarter came first.\n\n```go\n# not a heading\n\nfmt.Println(1)\n```", 7, 15},
		{"guide.md#3", "Money/History/Coins", "### Coins\n\nCoins were minted in Lydia.", 17, 19},
		{"guide.md#4", "Banks", "# Banks\n\nBanks lend money.", 21, 23},
	}
	if len(chunks) != len(wants) {
		t.Fatalf("got %d chunks: %+v", len(chunks), chunks)
	}
	enc, _ := tokens.Get("o200k_base")
	for i, w := range wants {
		c := chunks[i]
		if c.ID != w.id || strings.Join(c.Headings, "/") != w.headings || c.Text != w.text ||
			c.Line != w.line || c.EndLine != w.endLine || c.Source != "guide.md" {
			t.Errorf("chunk %d = %+v, want %+v", i, c, w)
		}
		if doc.Text[c.Start:c.End] != c.Text || c.Tokens != enc.Count(c.Text) {
			t.Errorf("chunk %d: position or token count wrong: %+v", i, c)
		}
	}
	if got := chunks[2].Cite(); got != "guide.md:17-19 (Money › History › Coins)" {
		t.Errorf("Cite = %q", got)
	}
}

func TestSplitPacksAndWindows(t *testing.T) {
	enc, _ := tokens.Get("o200k_base")
	long := strings.Repeat("The quick brown fox jumps over the lazy dog. ", 40) // ~400 tokens
	text := "Short one.\n\nShort two.\n\n" + strings.TrimSpace(long) + "\n\nShort three."
	doc, _ := NewDocument("t.txt", text, Text)
	tests := []struct {
		name     string
		opts     SplitOptions
		minCount int
		overlap  bool
	}{
		{"structure, windows for the long paragraph", SplitOptions{MaxTokens: 50, Overlap: 10}, 9, true},
		{"structure, no overlap", SplitOptions{MaxTokens: 50}, 9, false},
		{"token windows", SplitOptions{MaxTokens: 64, Overlap: 16, Mode: ByTokens}, 7, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chunks, err := Split(doc, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(chunks) < tc.minCount {
				t.Errorf("%d chunks, want at least %d", len(chunks), tc.minCount)
			}
			overlapped := false
			for i, c := range chunks {
				if c.Tokens > tc.opts.MaxTokens || enc.Count(c.Text) != c.Tokens {
					t.Errorf("chunk %d has %d tokens (counted %d), max %d", i, c.Tokens, enc.Count(c.Text), tc.opts.MaxTokens)
				}
				if text[c.Start:c.End] != c.Text {
					t.Errorf("chunk %d text is not the document's bytes %d:%d", i, c.Start, c.End)
				}
				if i > 0 && c.Start < chunks[i-1].End {
					overlapped = true
				}
			}
			if overlapped != tc.overlap {
				t.Errorf("overlap = %v, want %v", overlapped, tc.overlap)
			}
			if tc.opts.Mode == ByStructure && (chunks[0].Text != "Short one.\n\nShort two." ||
				chunks[len(chunks)-1].Text != "Short three.") {
				t.Errorf("short paragraphs not packed: first %q, last %q", chunks[0].Text, chunks[len(chunks)-1].Text)
			}
			// Together the chunks cover the text's words.
			var all strings.Builder
			for _, c := range chunks {
				all.WriteString(c.Text + " ")
			}
			if !strings.Contains(all.String(), "Short three") || strings.Count(all.String(), "fox") < 40 {
				t.Error("chunks lost text")
			}
		})
	}
}

func TestSplitErrors(t *testing.T) {
	doc, _ := NewDocument("d", "text", Text)
	tests := []struct {
		name string
		doc  Document
		opts []SplitOptions
	}{
		{"overlap not below max", doc, []SplitOptions{{MaxTokens: 10, Overlap: 10}}},
		{"negative max", doc, []SplitOptions{{MaxTokens: -1}}},
		{"unknown encoding", doc, []SplitOptions{{Encoding: "nope"}}},
		{"two options", doc, []SplitOptions{{}, {}}},
		{"empty document", Document{Source: "e", Text: "\n\n"}, nil},
	}
	for _, tc := range tests {
		if _, err := Split(tc.doc, tc.opts...); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
	if _, err := Split(Document{Source: "e"}); !errors.Is(err, ErrEmptyDocument) {
		t.Errorf("empty document: %v", err)
	}
}

func TestSplitMultibyteWindows(t *testing.T) {
	text := strings.Repeat("日本語のテキストと絵文字🦀を含む文章です。", 30)
	doc, _ := NewDocument("ja.txt", text, Text)
	chunks, err := Split(doc, SplitOptions{MaxTokens: 20, Overlap: 5})
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range chunks {
		if !strings.HasPrefix(text[c.Start:], c.Text) || !utf8Valid(c.Text) {
			t.Errorf("chunk %d cuts a character: %q", i, c.Text)
		}
		if c.Tokens > 20 {
			t.Errorf("chunk %d has %d tokens", i, c.Tokens)
		}
	}
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestSplitSetextHeadings(t *testing.T) {
	text := "Money\n=====\n\nMoney is a medium of exchange.\n\nHistory of\nmoney\n-------\n\nBarter came first.\n\n" +
		"- a list item\n---\n\nAfter a rule.\n\n    indented\n    ---\n"
	doc, err := NewDocument("setext.md", text, Markdown)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Title != "Money" {
		t.Errorf("title %q", doc.Title)
	}
	chunks, err := Split(doc, SplitOptions{MaxTokens: 1000})
	if err != nil {
		t.Fatal(err)
	}
	type want struct{ headings, start string }
	wants := []want{
		{"Money", "Money\n=====\n\nMoney is"},
		{"Money/History of money", "History of\nmoney\n-------\n\nBarter came first.\n\n- a list item\n---\n\nAfter a rule."},
	}
	if len(chunks) != len(wants) {
		t.Fatalf("got %d chunks: %+v", len(chunks), chunks)
	}
	for i, w := range wants {
		if got := strings.Join(chunks[i].Headings, "/"); got != w.headings || !strings.HasPrefix(chunks[i].Text, w.start) {
			t.Errorf("chunk %d: headings %q, text %q; want %q, %q", i, got, chunks[i].Text, w.headings, w.start)
		}
	}
	// In plain text the same underlines are only text.
	plain, _ := NewDocument("setext.txt", text, Text)
	pc, _ := Split(plain, SplitOptions{MaxTokens: 1000})
	if len(pc) != 1 || len(pc[0].Headings) != 0 {
		t.Errorf("plain text: %+v", pc)
	}
}

func TestSetextLevel(t *testing.T) {
	for line, want := range map[string]int{"===": 1, "=": 1, "---": 2, "  ---  ": 2, "    ---": 0, "-=-": 0,
		"": 0, "- -": 0, "***": 0} {
		if got := setextLevel(line); got != want {
			t.Errorf("setextLevel(%q) = %d, want %d", line, got, want)
		}
	}
}

func TestSplitHeadingUnderHeading(t *testing.T) {
	doc, _ := NewDocument("h.md", "# Career\n\n## Early companies\n\nFastMail.\n\n## Kaggle\n\nCompetitions.\n", Markdown)
	chunks, err := Split(doc, SplitOptions{MaxTokens: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 2 || chunks[0].Text != "# Career\n\n## Early companies\n\nFastMail." ||
		strings.Join(chunks[0].Headings, "/") != "Career/Early companies" || strings.Join(chunks[1].Headings, "/") != "Career/Kaggle" {
		t.Errorf("chunks %+v", chunks)
	}
}

func TestSplitDropsLoneHeadings(t *testing.T) {
	long := strings.TrimSpace(strings.Repeat("The quick brown fox jumps over the lazy dog. ", 10))
	doc, _ := NewDocument("h.md", "# Title\n\n## Part\n\n"+long+"\n\n## Empty\n", Markdown)
	chunks, err := Split(doc, SplitOptions{MaxTokens: 40})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		if strings.HasPrefix(c.Text, "#") || strings.Join(c.Headings, "/") != "Title/Part" {
			t.Errorf("chunk %+v", c)
		}
	}
	if len(chunks) < 2 {
		t.Errorf("%d chunks", len(chunks))
	}
}
