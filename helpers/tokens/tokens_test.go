package tokens

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/golm-dev/golm/helpers/display"
)

func mustGet(t testing.TB, name string) *Encoding {
	t.Helper()
	e, err := Get(name)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestTalkExamples checks the examples of the talk that lesson 01 follows.
func TestTalkExamples(t *testing.T) {
	const text = "They are splashing"
	tests := []struct {
		model, encoding string
		ids             []int
		pieces          []string
	}{
		{"text-davinci-003", P50kBase, []int{2990, 389, 4328, 2140}, []string{"They", " are", " spl", "ashing"}},
		{"gpt-4", Cl100kBase, []int{7009, 527, 12786, 19587}, []string{"They", " are", " spl", "ashing"}},
		{"gpt-4o", O200kBase, []int{12280, 553, 15885, 33306}, []string{"They", " are", " spl", "ashing"}},
	}
	for _, tt := range tests {
		t.Run(tt.model, func(t *testing.T) {
			e, err := ForModel(tt.model)
			if err != nil {
				t.Fatal(err)
			}
			if e.Name() != tt.encoding || e.String() != tt.encoding {
				t.Errorf("encoding %s, want %s", e.Name(), tt.encoding)
			}
			if got := e.Encode(text); !slices.Equal(got, tt.ids) {
				t.Errorf("Encode = %v, want %v", got, tt.ids)
			}
			if got := e.Pieces(text); !slices.Equal(got, tt.pieces) {
				t.Errorf("Pieces = %q, want %q", got, tt.pieces)
			}
			if got := e.Count(text); got != len(tt.ids) {
				t.Errorf("Count = %d, want %d", got, len(tt.ids))
			}
			if got, err := e.Decode(tt.ids); err != nil || got != text {
				t.Errorf("Decode = %q, %v", got, err)
			}
		})
	}
}

func TestGet(t *testing.T) {
	tests := []struct {
		name, want string
	}{
		{"o200k_base", O200kBase},
		{"cl100k_base", Cl100kBase},
		{"p50k_base", P50kBase},
		{"r50k_base", R50kBase},
		{" CL100K_BASE ", Cl100kBase},
	}
	for _, tt := range tests {
		e, err := Get(tt.name)
		if err != nil || e.Name() != tt.want {
			t.Errorf("Get(%q) = %v, %v; want %s", tt.name, e, err, tt.want)
			continue
		}
		if again, _ := Get(tt.want); again != e {
			t.Errorf("Get(%q) made a second *Encoding", tt.name)
		}
	}
	for _, name := range []string{"", "gpt-4", "p50k_edit", "gpt2", "cl100k"} {
		e, err := Get(name)
		if e != nil || !errors.Is(err, ErrUnknownEncoding) {
			t.Errorf("Get(%q) = %v, %v; want ErrUnknownEncoding", name, e, err)
			continue
		}
		for _, want := range append(Encodings(), fmt.Sprintf("%q", name), "ForModel") {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Get(%q): error %q does not mention %s", name, err, want)
			}
		}
	}
}

func TestForModel(t *testing.T) {
	tests := []struct{ model, want string }{
		{"gpt-4o", O200kBase},
		{"gpt-4o-mini", O200kBase},
		{"gpt-4o-2024-08-06", O200kBase},
		{"chatgpt-4o-latest", O200kBase},
		{"gpt-4.1", O200kBase},
		{"gpt-4.1-mini", O200kBase},
		{"gpt-4.1-nano-2025-04-14", O200kBase},
		{"gpt-4.5-preview", O200kBase},
		{"gpt-5", O200kBase},
		{"gpt-5-mini", O200kBase},
		{"gpt-5.1", O200kBase},
		{"o1", O200kBase},
		{"o1-mini", O200kBase},
		{"o1-pro", O200kBase},
		{"o3", O200kBase},
		{"o3-mini", O200kBase},
		{"o4-mini", O200kBase},
		{"o4-mini-2025-04-16", O200kBase},
		{"ft:gpt-4o-mini-2024-07-18:my-org::abc123", O200kBase},
		{"ft:gpt-4.1-mini-2025-04-14:my-org::abc123", O200kBase},
		{"gpt-4", Cl100kBase},
		{"gpt-4-turbo", Cl100kBase},
		{"gpt-4-32k-0613", Cl100kBase},
		{"gpt-3.5-turbo", Cl100kBase},
		{"gpt-3.5-turbo-0125", Cl100kBase},
		{"gpt-35-turbo", Cl100kBase},
		{"ft:gpt-3.5-turbo-0125:my-org::abc123", Cl100kBase},
		{"text-embedding-3-small", Cl100kBase},
		{"text-embedding-3-large", Cl100kBase},
		{"text-embedding-ada-002", Cl100kBase},
		{"davinci-002", Cl100kBase},
		{"text-davinci-003", P50kBase},
		{"text-davinci-002", P50kBase},
		{"code-davinci-002", P50kBase},
		{"text-davinci-001", R50kBase},
		{"davinci", R50kBase},
		{"curie", R50kBase},
		{"gpt2", R50kBase},
		{"  GPT-4o  ", O200kBase},
	}
	for _, tt := range tests {
		e, err := ForModel(tt.model)
		if err != nil || e.Name() != tt.want {
			t.Errorf("ForModel(%q) = %v, %v; want %s", tt.model, e, err, tt.want)
		}
	}
	for _, model := range []string{"", "claude-3-5-sonnet", "llama-3", "gpt", "o2", "cl100k_base", "text-davinci-edit-001"} {
		e, err := ForModel(model)
		if e != nil || !errors.Is(err, ErrUnknownModel) {
			t.Errorf("ForModel(%q) = %v, %v; want ErrUnknownModel", model, e, err)
			continue
		}
		for _, want := range []string{fmt.Sprintf("%q", model), "gpt-4o", "text-embedding-3-small", "gpt-4o-*", "o200k_base", "tokens.Get"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("ForModel(%q): error does not mention %s: %v", model, want, err)
			}
		}
	}
}

func TestModelsAndEncodings(t *testing.T) {
	if got := Encodings(); !slices.Equal(got, []string{"o200k_base", "cl100k_base", "p50k_base", "r50k_base"}) {
		t.Errorf("Encodings() = %v", got)
	}
	Encodings()[0] = "changed"
	if Encodings()[0] != O200kBase {
		t.Error("Encodings returns the package's own slice")
	}
	models := Models()
	if !slices.IsSorted(models) || len(models) != len(modelEncodings) {
		t.Errorf("Models() is not the sorted model table: %v", models)
	}
	for _, m := range models {
		if _, err := ForModel(m); err != nil {
			t.Errorf("ForModel(%q): %v", m, err)
		}
	}
}

// TestPartialCharacters checks how tokens that split a character are shown.
func TestPartialCharacters(t *testing.T) {
	tests := []struct {
		encoding, text string
		ids            []int
		pieces         []string
		raw            []string // each token's bytes, as Decode of its id alone gives them
	}{
		{Cl100kBase, "🦀", []int{9468, 99, 222}, []string{`\xf0\x9f`, `\xa6`, `\x80`}, []string{"\xf0\x9f", "\xa6", "\x80"}},
		{P50kBase, " 🦀!", []int{12520, 99, 222, 0}, []string{` \xf0\x9f`, `\xa6`, `\x80`, "!"}, []string{" \xf0\x9f", "\xa6", "\x80", "!"}},
		{O200kBase, "é", []int{377}, []string{"é"}, []string{"é"}},
		{R50kBase, "é", []int{2634}, []string{"é"}, []string{"é"}},
	}
	for _, tt := range tests {
		e := mustGet(t, tt.encoding)
		if got := e.Encode(tt.text); !slices.Equal(got, tt.ids) {
			t.Errorf("%s: Encode(%q) = %v, want %v", tt.encoding, tt.text, got, tt.ids)
			continue
		}
		if got := e.Pieces(tt.text); !slices.Equal(got, tt.pieces) {
			t.Errorf("%s: Pieces(%q) = %q, want %q", tt.encoding, tt.text, got, tt.pieces)
		}
		for i, id := range tt.ids {
			if got, err := e.Decode([]int{id}); err != nil || got != tt.raw[i] {
				t.Errorf("%s: Decode([%d]) = %q, %v; want %q", tt.encoding, id, got, err, tt.raw[i])
			}
		}
		// Decoding only some ids of a character gives invalid UTF-8, unchanged.
		if len(tt.ids) > 1 {
			part, err := e.Decode(tt.ids[:1])
			if err != nil || utf8.ValidString(part) || part != tt.raw[0] {
				t.Errorf("%s: Decode of a partial character = %q, %v", tt.encoding, part, err)
			}
		}
	}
}

// TestInvalidUTF8 checks that Encode reads invalid UTF-8 as U+FFFD, one for each maximal invalid
// subsequence (the golden cases check the ids against tiktoken).
func TestInvalidUTF8(t *testing.T) {
	tests := []struct{ in, as string }{
		{"a\xffb", "a\uFFFDb"},
		{"\xff\xfe", "\uFFFD\uFFFD"},
		{"\xe4\xbd", "\uFFFD"},                 // a cut-short character is one sequence
		{"\xe4\xbdx", "\uFFFDx"},               // however it ends
		{"\xed\xa0\x80", "\uFFFD\uFFFD\uFFFD"}, // a surrogate is three
		{"\xf0\x9f\xa6 ok", "\uFFFD ok"},
		{"\xc0\xaf", "\uFFFD\uFFFD"}, // an overlong form too
	}
	for _, name := range Encodings() {
		e := mustGet(t, name)
		for _, tt := range tests {
			if got, want := e.Encode(tt.in), e.Encode(tt.as); !slices.Equal(got, want) {
				t.Errorf("%s: Encode(%q) = %v, want Encode(%q) = %v", name, tt.in, got, tt.as, want)
			}
			if got := replaceInvalid(tt.in); got != tt.as {
				t.Errorf("replaceInvalid(%q) = %q, want %q", tt.in, got, tt.as)
			}
			if got, _ := e.Decode(e.Encode(tt.in)); got != tt.as {
				t.Errorf("%s: Decode(Encode(%q)) = %q, want %q", name, tt.in, got, tt.as)
			}
			if n := e.Count(tt.in); n != len(e.Encode(tt.as)) {
				t.Errorf("%s: Count(%q) = %d", name, tt.in, n)
			}
		}
	}
}

// TestDelete checks U+007F, which github.com/tiktoken-go/tokenizer (this package's former tokenizer) drops.
func TestDelete(t *testing.T) {
	tests := []struct {
		encoding, text string
		ids            []int
	}{
		{Cl100kBase, "\x7f", []int{221}},
		{P50kBase, "\x7f", []int{221}},
		{O200kBase, "a\x7fb", []int{64, 221, 65}},
		{Cl100kBase, "!\x7f!", []int{0, 221, 0}},
	}
	for _, tt := range tests {
		e := mustGet(t, tt.encoding)
		if got := e.Encode(tt.text); !slices.Equal(got, tt.ids) {
			t.Errorf("%s: Encode(%q) = %v, want %v", tt.encoding, tt.text, got, tt.ids)
		}
		if got := e.Count(tt.text); got != len(tt.ids) {
			t.Errorf("%s: Count(%q) = %d, want %d", tt.encoding, tt.text, got, len(tt.ids))
		}
		if got := strings.Join(e.Pieces(tt.text), ""); got != tt.text {
			t.Errorf("%s: Pieces(%q) joined = %q", tt.encoding, tt.text, got)
		}
	}
}

func TestSpecialTokens(t *testing.T) {
	e := mustGet(t, Cl100kBase)
	ids := e.Encode("<|endoftext|>")
	if len(ids) < 2 || slices.Contains(ids, 100257) {
		t.Errorf("Encode(<|endoftext|>) = %v: special-token text must be ordinary text", ids)
	}
	got, err := e.Decode([]int{9906, 100257, 100276})
	if err != nil || got != "Hello<|endoftext|><|endofprompt|>" {
		t.Errorf("Decode with special ids = %q, %v", got, err)
	}
	if got, err := mustGet(t, P50kBase).Decode([]int{50256, 50280}); err != nil || got != "<|endoftext|>"+strings.Repeat(" ", 25) {
		t.Errorf("p50k_base: Decode = %q, %v", got, err)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		encoding string
		ids      []int
		bad      string
	}{
		{Cl100kBase, []int{9906, -1}, "id -1 (at index 1)"},
		{Cl100kBase, []int{100256}, "id 100256 (at index 0)"}, // a gap between ordinary and special ids
		{Cl100kBase, []int{100261}, "id 100261"},
		{Cl100kBase, []int{100277}, "id 100277"},
		{O200kBase, []int{0, 1, 199998}, "id 199998 (at index 2)"},
		{P50kBase, []int{50281}, "id 50281"},
		{R50kBase, []int{50257}, "id 50257"},
		{R50kBase, []int{1 << 40}, "id 1099511627776"},
	}
	for _, tt := range tests {
		got, err := mustGet(t, tt.encoding).Decode(tt.ids)
		if err == nil || got != "" || !strings.Contains(err.Error(), tt.bad) || !strings.Contains(err.Error(), tt.encoding) {
			t.Errorf("%s: Decode(%v) = %q, %v; want an error about %s", tt.encoding, tt.ids, got, err, tt.bad)
		}
	}
	if got, err := mustGet(t, O200kBase).Decode(nil); got != "" || err != nil {
		t.Errorf("Decode(nil) = %q, %v", got, err)
	}
}

func TestEmpty(t *testing.T) {
	for _, name := range Encodings() {
		e := mustGet(t, name)
		if ids := e.Encode(""); len(ids) != 0 {
			t.Errorf("%s: Encode(\"\") = %v", name, ids)
		}
		if n := e.Count(""); n != 0 {
			t.Errorf("%s: Count(\"\") = %d", name, n)
		}
		if p := e.Pieces(""); len(p) != 0 {
			t.Errorf("%s: Pieces(\"\") = %q", name, p)
		}
	}
}

func TestShowString(t *testing.T) {
	tests := []struct {
		encoding, text, want string
	}{
		{P50kBase, "They are splashing", "p50k_base: 4 tokens, 18 characters\n\"They\" \" are\" \" spl\" \"ashing\"\n[2990 389 4328 2140]"},
		{Cl100kBase, "🦀", "cl100k_base: 3 tokens, 1 character\n\"\\xf0\\x9f\" \"\\xa6\" \"\\x80\"\n[9468 99 222]"},
		{Cl100kBase, "a\n\tb", "cl100k_base: 3 tokens, 4 characters\n\"a\" \"\\n\" \"\\tb\"\n[64 198 2282]"},
		{O200kBase, "", "o200k_base: 0 tokens, 0 characters\n\n[]"},
		{R50kBase, "!", "r50k_base: 1 token, 1 character\n\"!\"\n[0]"},
	}
	for _, tt := range tests {
		s := mustGet(t, tt.encoding).Tokenize(tt.text)
		if got := s.String(); got != tt.want {
			t.Errorf("%s: Show(%q).String() =\n%s\nwant\n%s", tt.encoding, tt.text, got, tt.want)
		}
		if s.Len() != len(s.IDs) || len(s.Pieces) != len(s.IDs) || s.Text != tt.text || s.Encoding != tt.encoding {
			t.Errorf("%s: Show(%q) = %+v", tt.encoding, tt.text, s)
		}
	}
}

func TestShowHTML(t *testing.T) {
	e := mustGet(t, Cl100kBase)
	h := e.Show("They are <b>splashing</b> & 🦀\n\ta\u200bb").HTML()
	for _, want := range []string{
		`<span title="7009 &#34;They&#34;" style="color: #111; border-radius: 3px; background: #c7d2fe">They</span>`,
		`background: #bbf7d0">` + `<span style="color: #6b7280">·</span>are</span>`, // the next colour; a visible space
		`&lt;`, `&amp;`, // text is escaped
		`<span style="color: #9f1239; font-style: italic">\xf0</span>`, // partial characters as escapes
		`title="222 &#34;\x80&#34;"`,
		`<span style="color: #6b7280">↵</span>` + "\n", // a visible line break that still breaks
		`<span style="color: #6b7280">→</span>`,
		`<span style="color: #9f1239; font-style: italic">\u200b</span>`, // an invisible character
		`cl100k_base: `,
		`[7009, 527, `,
	} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %s:\n%s", want, h)
		}
	}
	if strings.Contains(h, "<b>") {
		t.Errorf("HTML contains the text's markup unescaped")
	}
	if n := strings.Count(h, "<span title="); n != e.Count("They are <b>splashing</b> & 🦀\n\ta\u200bb") {
		t.Errorf("HTML has %d token spans", n)
	}

	// A long text is cut in both forms, but the fields hold every token.
	long := e.Show(strings.Repeat(" word", MaxShown+10))
	if long.Len() != MaxShown+10 {
		t.Fatalf("Len = %d", long.Len())
	}
	if h := long.HTML(); strings.Count(h, "<span title=") != MaxShown || !strings.Contains(h, "and 10 more tokens") {
		t.Errorf("long HTML not cut at MaxShown")
	}
	if s := long.String(); !strings.Contains(s, "… (10 more)") || !strings.HasSuffix(s, " …]") {
		t.Errorf("long String not cut at MaxShown: ...%s", s[len(s)-80:])
	}
}

// TestShowRenders checks that the notebook renderer picks up both forms without this package importing it.
func TestShowRenders(t *testing.T) {
	s := mustGet(t, P50kBase).Show("They are splashing")
	b := display.Render(s)
	if b.Data[display.MIMEHTML] != s.HTML() || b.Text() != s.String() {
		t.Errorf("display.Render(Show(...)) = %v", b.Data)
	}
	c, err := Compare("They are splashing", nil)
	if err != nil {
		t.Fatal(err)
	}
	b = display.Render(c)
	if b.Data[display.MIMEHTML] != c.HTML() || b.Text() != c.String() {
		t.Errorf("display.Render(Compare(...)) = %v", b.Data)
	}
}

func TestCompare(t *testing.T) {
	const text = "They are splashing"
	c, err := Compare(text, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "encoding     tokens  chars/token  used by\n" +
		"o200k_base        4         4.50  gpt-4o, gpt-4.1, gpt-5, o1, o3, o4-mini\n" +
		"cl100k_base       4         4.50  gpt-4, gpt-3.5-turbo, text-embedding-3-*\n" +
		"p50k_base         4         4.50  text-davinci-003, code-davinci-002\n" +
		"r50k_base         4         4.50  davinci (GPT-3), gpt2"
	if got := c.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	h := c.HTML()
	for _, want := range []string{"<table", "<th", `<code>o200k_base</code>`, `<td style="text-align: right">4</td>`, "4.50", "</table>"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %s: %s", want, h)
		}
	}
	if n := strings.Count(h, "<tr>"); n != 5 {
		t.Errorf("HTML has %d rows, want 5", n)
	}

	tests := []struct {
		text      string
		encodings []string
		names     []string
	}{
		{"", []string{}, Encodings()},
		{"x", []string{"r50k_base", "O200K_BASE"}, []string{"r50k_base", "o200k_base"}},
		{"print('hello world')\n    x = 1", []string{"cl100k_base", "p50k_base"}, []string{"cl100k_base", "p50k_base"}},
	}
	for _, tt := range tests {
		c, err := Compare(tt.text, tt.encodings)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, r := range c.Rows {
			names = append(names, r.Encoding)
			if r.Tokens != mustGet(t, r.Encoding).Count(tt.text) {
				t.Errorf("Compare(%q): %s has %d tokens", tt.text, r.Encoding, r.Tokens)
			}
		}
		if !slices.Equal(names, tt.names) {
			t.Errorf("Compare(%q, %v) rows %v", tt.text, tt.encodings, names)
		}
		if tt.text == "" && !strings.Contains(c.String(), " -  ") {
			t.Errorf("no tokens: chars/token should be -: %s", c.String())
		}
	}
	if _, err := Compare(text, []string{"cl100k_base", "gpt-4"}); !errors.Is(err, ErrUnknownEncoding) {
		t.Errorf("Compare with an unknown encoding: err = %v", err)
	}
}

// TestConcurrentUse encodes and decodes from many goroutines while the encodings load (run with -race).
func TestConcurrentUse(t *testing.T) {
	g := readGolden(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := Encodings()[i%4]
			e, err := Get(name)
			if err != nil {
				t.Error(err)
				return
			}
			for _, c := range g.Cases[i%3:] {
				ids := e.Encode(c.input(t))
				if !slices.Equal(ids, c.IDs[name]) {
					t.Errorf("%s %s: ids differ under concurrent use", name, c.Name)
				}
				if _, err := e.Decode(ids); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
}
