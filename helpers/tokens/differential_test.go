package tokens

import (
	"compress/gzip"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// tiktokenCases is testdata/tiktoken.json.gz: random and adversarial texts (long runs of one character, long
// words, mixed scripts, white space, contractions, emoji, invalid UTF-8) with the ids that OpenAI's tiktoken
// (the Python package, its Rust code) gives them, written by bench/tiktoken_ref.py (make tokens-reference).
type tiktokenCases struct {
	TiktokenVersion string       `json:"tiktoken_version"`
	Cases           []goldenCase `json:"cases"`
}

var loadTiktokenCases = sync.OnceValues(func() (*tiktokenCases, error) {
	f, err := os.Open("testdata/tiktoken.json.gz")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	var c tiktokenCases
	if err := json.NewDecoder(z).Decode(&c); err != nil {
		return nil, err
	}
	return &c, nil
})

func readTiktokenCases(t testing.TB) *tiktokenCases {
	t.Helper()
	c, err := loadTiktokenCases()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Cases) < 500 {
		t.Fatalf("testdata/tiktoken.json.gz has %d cases", len(c.Cases))
	}
	return c
}

// TestTiktokenCases checks Encode and Count against tiktoken's ids on the differential corpus, in every
// encoding, and the reference tokenizer too.
func TestTiktokenCases(t *testing.T) {
	tc := readTiktokenCases(t)
	for _, name := range Encodings() {
		e := mustGet(t, name)
		for _, c := range tc.Cases {
			in := c.input(t)
			want, ok := c.IDs[name]
			if !ok {
				t.Fatalf("%s: no ids for %s", c.Name, name)
			}
			if got := e.Encode(in); !slices.Equal(got, want) {
				t.Errorf("%s %s: Encode(%q) =\n%v\ntiktoken %s:\n%v", name, c.Name, trim(in), trimIDs(got),
					tc.TiktokenVersion, trimIDs(want))
				continue
			}
			if n := e.Count(in); n != len(want) {
				t.Errorf("%s %s: Count = %d, want %d", name, c.Name, n, len(want))
			}
			if ids, _ := e.encodeSlow(in); !slices.Equal(ids, want) && goUnicodeAgrees(in) {
				t.Errorf("%s %s: the reference tokenizer differs from tiktoken", name, c.Name)
			}
		}
	}
}

// goUnicodeAgrees reports whether every character of s has the same classes in Go's Unicode tables, which the
// reference's regexp2 uses, as in tiktoken's (which are newer).
func goUnicodeAgrees(s string) bool {
	for _, r := range s {
		if computeClass(r) != classOf(r) {
			return false
		}
	}
	return true
}

func trim(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func trimIDs(ids []int) []int { return ids[:min(len(ids), 20)] }

// FuzzEncode compares the tokenizer with the reference (tiktoken's patterns run by a regular-expression
// engine and tiktoken's merge algorithm) on any input, in every encoding, but for characters that Go's
// Unicode tables do not know yet (TestTiktokenCases checks those against tiktoken):
//
//	go test -fuzz FuzzEncode ./helpers/tokens
func FuzzEncode(f *testing.F) {
	if g, err := loadGolden(); err == nil {
		for _, c := range g.Cases {
			f.Add(c.input(f))
		}
	}
	if tc, err := loadTiktokenCases(); err == nil {
		for _, c := range tc.Cases {
			if in := c.input(f); len(in) < 300 {
				f.Add(in)
			}
		}
	}
	encs := make([]*Encoding, 0, 4)
	for _, name := range Encodings() {
		encs = append(encs, mustGet(f, name))
	}
	f.Fuzz(func(t *testing.T, in string) {
		if !goUnicodeAgrees(in) {
			t.Skip("characters newer than Go's Unicode tables, which the reference uses")
		}
		for _, e := range encs {
			want, raw := e.encodeSlow(in)
			got := e.Encode(in)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: Encode(%q) = %v, reference %v", e.name, in, got, want)
			}
			if n := e.Count(in); n != len(want) {
				t.Fatalf("%s: Count(%q) = %d, want %d", e.name, in, n, len(want))
			}
			text, err := e.Decode(got)
			if err != nil || text != strings.Join(raw, "") {
				t.Fatalf("%s: Decode = %q, %v", e.name, text, err)
			}
			if utf8.ValidString(in) && text != in {
				t.Fatalf("%s: Decode(Encode(%q)) = %q", e.name, in, text)
			}
		}
	})
}
