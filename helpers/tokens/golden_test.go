package tokens

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// golden is testdata/golden.json, written by testdata/golden.mjs with OpenAI's tokenizer (the npm package
// tiktoken).
type golden struct {
	TiktokenVersion string            `json:"tiktoken_version"`
	Encodings       []string          `json:"encodings"`
	Models          map[string]string `json:"models"`
	Vocabularies    map[string]struct {
		Tokens  int            `json:"tokens"`
		MaxID   int            `json:"max_id"`
		SHA256  string         `json:"sha256"`
		Special map[string]int `json:"special"`
	} `json:"vocabularies"`
	Cases []goldenCase `json:"cases"`
}

type goldenCase struct {
	Name string           `json:"name"`
	Text string           `json:"text"` // the text tiktoken encoded
	Hex  string           `json:"hex"`  // when set, the input bytes (not valid UTF-8); Text is what a decoder made of them
	IDs  map[string][]int `json:"ids"`  // by encoding
}

// input returns the Go string the case encodes.
func (c goldenCase) input(t testing.TB) string {
	if c.Hex == "" {
		return c.Text
	}
	b, err := hex.DecodeString(c.Hex)
	if err != nil {
		t.Fatalf("%s: bad hex: %v", c.Name, err)
	}
	return string(b)
}

var loadGolden = sync.OnceValues(func() (*golden, error) {
	data, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		return nil, err
	}
	var g golden
	if err := json.Unmarshal(data, &g); err != nil {
		return nil, fmt.Errorf("testdata/golden.json: %w", err)
	}
	return &g, nil
})

func readGolden(t testing.TB) *golden {
	t.Helper()
	g, err := loadGolden()
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGoldenCoversEveryEncoding(t *testing.T) {
	g := readGolden(t)
	if !slices.Equal(g.Encodings, Encodings()) {
		t.Fatalf("golden encodings %v, package encodings %v", g.Encodings, Encodings())
	}
	invalid := 0
	for _, c := range g.Cases {
		if c.Hex != "" {
			invalid++
			if utf8.ValidString(c.input(t)) {
				t.Errorf("%s: input is valid UTF-8; it belongs in text", c.Name)
			}
		}
	}
	if invalid == 0 || len(g.Cases) < 40 {
		t.Fatalf("golden file has %d cases, %d of invalid UTF-8: regenerate it", len(g.Cases), invalid)
	}
}

// TestGoldenIDs checks Encode, Count, Pieces and Decode against tiktoken's ids.
func TestGoldenIDs(t *testing.T) {
	g := readGolden(t)
	for _, name := range g.Encodings {
		enc, err := Get(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range g.Cases {
			t.Run(name+"/"+c.Name, func(t *testing.T) {
				in := c.input(t)
				want, ok := c.IDs[name]
				if !ok {
					t.Fatalf("no golden ids")
				}
				got := enc.Encode(in)
				if !slices.Equal(got, want) {
					i := 0
					for i < min(len(got), len(want)) && got[i] == want[i] {
						i++
					}
					t.Fatalf("Encode: %d ids, tiktoken %d; first difference at index %d:\n got %v\nwant %v",
						len(got), len(want), i, got[i:min(len(got), i+8)], want[i:min(len(want), i+8)])
				}
				if n := enc.Count(in); n != len(want) {
					t.Errorf("Count = %d, want %d", n, len(want))
				}
				text, err := enc.Decode(want)
				if err != nil {
					t.Fatalf("Decode: %v", err)
				}
				if text != c.Text {
					t.Errorf("Decode gives %q, want %q", text, c.Text)
				}
				if c.Hex == "" && text != in {
					t.Errorf("Decode(Encode(s)) != s for valid UTF-8")
				}
				pieces := enc.Pieces(in)
				if len(pieces) != len(want) {
					t.Fatalf("Pieces: %d, want %d", len(pieces), len(want))
				}
				// Joined, the pieces give the text back, once byte escapes are undone.
				var joined strings.Builder
				for i, id := range want {
					b, _ := enc.Decode([]int{id})
					if escapeInvalid(b) != pieces[i] {
						t.Fatalf("piece %d = %q, want %q", i, pieces[i], escapeInvalid(b))
					}
					joined.WriteString(b)
				}
				if joined.String() != c.Text {
					t.Errorf("pieces joined = %q, want %q", joined.String(), c.Text)
				}
			})
		}
	}
}

// TestVocabularies checks every token of each vocabulary against a fingerprint of tiktoken's.
func TestVocabularies(t *testing.T) {
	g := readGolden(t)
	for _, name := range g.Encodings {
		t.Run(name, func(t *testing.T) {
			want := g.Vocabularies[name]
			enc, err := Get(name)
			if err != nil {
				t.Fatal(err)
			}
			table := enc.tokenTable()
			h := sha256.New()
			count, maxID := 0, -1
			for id, b := range table {
				if b == "" || enc.isSpecial(id) {
					continue
				}
				fmt.Fprintf(h, "%d %d ", id, len(b))
				h.Write([]byte(b))
				count++
				maxID = id
			}
			if count != want.Tokens || maxID != want.MaxID {
				t.Errorf("%d ordinary tokens up to id %d, tiktoken has %d up to %d", count, maxID, want.Tokens, want.MaxID)
			}
			if got := hex.EncodeToString(h.Sum(nil)); got != want.SHA256 {
				t.Errorf("vocabulary fingerprint %s, tiktoken's %s", got, want.SHA256)
			}
			special := map[string]int{}
			for id, s := range enc.special {
				special[s] = id
			}
			if fmt.Sprint(special) != fmt.Sprint(want.Special) {
				t.Errorf("special tokens %v, tiktoken's %v", special, want.Special)
			}
			for s, id := range want.Special {
				if got, err := enc.Decode([]int{id}); err != nil || got != s {
					t.Errorf("Decode(%d) = %q, %v; want %q", id, got, err, s)
				}
			}
			if len(table) != largestID(want.Special, want.MaxID)+1 {
				t.Errorf("table has %d ids, want %d", len(table), largestID(want.Special, want.MaxID)+1)
			}
		})
	}
}

func largestID(special map[string]int, ordinary int) int {
	m := ordinary
	for _, id := range special {
		m = max(m, id)
	}
	return m
}

// TestModelsMatchTiktoken checks ForModel against the model table of the npm tiktoken package.
func TestModelsMatchTiktoken(t *testing.T) {
	g := readGolden(t)
	if len(g.Models) < 50 {
		t.Fatalf("golden file has %d models", len(g.Models))
	}
	for model, want := range g.Models {
		got, err := EncodingNameForModel(model)
		switch want {
		case "p50k_edit": // not provided
			if !errors.Is(err, ErrUnknownModel) {
				t.Errorf("EncodingNameForModel(%q) = %q, %v; want ErrUnknownModel", model, got, err)
			}
			continue
		case "gpt2": // identical to r50k_base
			want = R50kBase
		}
		if err != nil || got != want {
			t.Errorf("EncodingNameForModel(%q) = %q, %v; tiktoken says %q", model, got, err, want)
		}
	}
}

// TestGoldenSlowPath checks the reference tokenizer on every case.
func TestGoldenSlowPath(t *testing.T) {
	g := readGolden(t)
	for _, name := range g.Encodings {
		enc, err := Get(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range g.Cases {
			ids, raw := enc.encodeSlow(c.input(t))
			if want := c.IDs[name]; !slices.Equal(ids, want) {
				t.Errorf("%s/%s: encodeSlow gives %d ids, tiktoken %d", name, c.Name, len(ids), len(want))
			}
			if strings.Join(raw, "") != c.Text {
				t.Errorf("%s/%s: encodeSlow pieces do not join to the text", name, c.Name)
			}
		}
	}
}

// TestMergeMatchesReference compares both merge algorithms of the fast tokenizer (the scan and the heap) with
// the reference's on every golden text cut into pieces of many lengths, in every encoding.
func TestMergeMatchesReference(t *testing.T) {
	g := readGolden(t)
	var sc mergeScratch
	for _, name := range g.Encodings {
		e := mustGet(t, name)
		ranks := e.ranks()
		for _, c := range g.Cases {
			text := c.Text
			for _, size := range []int{2, 3, 7, 47, 64, 300} {
				for start := 0; start+size <= len(text); start += size * 5 {
					piece := text[start : start+size]
					var want []int
					for _, tok := range bytePairMergeScan(piece, ranks) {
						want = append(want, ranks[tok])
					}
					scan, heap := e.vocab.merge(piece, nil, &sc), e.vocab.mergeHeap(piece, nil, &sc)
					if !slices.Equal(scan, want) || !slices.Equal(heap, want) {
						t.Fatalf("%s %s: %q: scan %v, heap %v, reference %v", name, c.Name, piece, scan, heap, want)
					}
				}
			}
		}
	}
}
