package tokens

import (
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestParallelMatchesSequential encodes texts large enough to be shared among cores and checks that the ids
// and counts are those of encoding them on one core, and that the cuts fall where the pre-tokenizer cuts.
func TestParallelMatchesSequential(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	}
	g := readGolden(t)
	var sb strings.Builder
	for sb.Len() < 3*parallelMin {
		for _, c := range g.Cases {
			sb.WriteString(c.input(t))
			sb.WriteString("\n")
		}
	}
	texts := map[string]string{
		"golden cases":            sb.String(),
		"one line":                strings.Repeat("no line breaks at all, ", 3*parallelMin/20),
		"line breaks then spaces": strings.Repeat("\n  x", 3*parallelMin/4),
		// Paragraphs, Windows line ends and spaces before line breaks: r50k and p50k have no \s*[\r\n]
		// alternative, so a chunk must not end in a whitespace run longer than its last line break.
		"paragraphs": strings.Repeat("end.\n\nNext para \nLine two\r\nThree\t\nFour\n", 3*parallelMin/40),
	}
	for _, name := range Encodings() {
		e := mustGet(t, name)
		for what, text := range texts {
			chunks := e.chunks(text)
			if (what == "golden cases" || what == "paragraphs") && len(chunks) < 2 {
				t.Fatalf("%s: %d chunks", what, len(chunks))
			}
			// The cuts are where encoding from the start puts a piece boundary.
			at := 0
			cuts := map[int]bool{}
			for i := 0; i < len(text); i = e.split(text, i) {
				cuts[i] = true
			}
			for _, c := range chunks[:max(len(chunks)-1, 0)] {
				at += len(c)
				if !cuts[at] {
					t.Errorf("%s %s: a chunk ends at %d, inside a piece", name, what, at)
				}
			}
			st := new(encodeState)
			seq := e.encode(replaceInvalid(text), nil, st)
			if got := e.Encode(text); !slices.Equal(got, seq) {
				t.Errorf("%s %s: parallel Encode differs from sequential (%d ids, %d)", name, what, len(got), len(seq))
			}
			if n := e.Count(text); n != len(seq) {
				t.Errorf("%s %s: Count = %d, want %d", name, what, n, len(seq))
			}
		}
	}
}

// TestCacheAndLongPieces encodes the same text twice with one state (the second time from the cache of
// merged pieces) and a piece longer than the cache keeps, and compares with the reference.
func TestCacheAndLongPieces(t *testing.T) {
	texts := []string{
		"tokenization tokenizations untokenizable antidisestablishmentarianism",
		strings.Repeat("abcdefghij", 100),
		strings.Repeat("🦀", 200),
	}
	for _, name := range Encodings() {
		e := mustGet(t, name)
		st := new(encodeState)
		for _, text := range texts {
			want, _ := e.encodeSlow(text)
			for range 2 {
				if got := e.encode(text, nil, st); !slices.Equal(got, want) {
					t.Errorf("%s: %.20q…: %v, want %v", name, text, got, want)
				}
				if n := e.count(text, st); n != len(want) {
					t.Errorf("%s: count = %d, want %d", name, n, len(want))
				}
			}
		}
	}
}

// TestBatch checks EncodeBatch and CountBatch against Encode on the golden cases, with one text large enough
// to be shared among cores itself.
func TestBatch(t *testing.T) {
	g := readGolden(t)
	var texts []string
	for _, c := range g.Cases {
		texts = append(texts, c.input(t))
	}
	texts = append(texts, strings.Repeat("A line of text.\n", 3*parallelMin/16), "")
	for _, name := range Encodings() {
		e := mustGet(t, name)
		ids, counts := e.EncodeBatch(texts), e.CountBatch(texts)
		if len(ids) != len(texts) || len(counts) != len(texts) {
			t.Fatalf("%s: %d and %d results for %d texts", name, len(ids), len(counts), len(texts))
		}
		for i, text := range texts {
			want := e.Encode(text)
			if !slices.Equal(ids[i], want) || counts[i] != len(want) {
				t.Errorf("%s: text %d: EncodeBatch gives %d ids, CountBatch %d, Encode %d", name, i, len(ids[i]), counts[i], len(want))
			}
		}
	}
	if got := mustGet(t, O200kBase).EncodeBatch(nil); len(got) != 0 {
		t.Errorf("EncodeBatch(nil) = %v", got)
	}
}

// TestHugePiece encodes a piece longer than 64 KiB (one run of a letter) and checks that the state does not
// keep its scratch space, and that encoding it again gives the same ids; and that no token is empty.
func TestHugePiece(t *testing.T) {
	huge := strings.Repeat("a", 70<<10)
	for _, name := range Encodings() {
		e := mustGet(t, name)
		st := new(encodeState)
		first := slices.Clone(e.encode(huge, nil, st))
		if len(first) == 0 || len(first) >= len(huge) {
			t.Errorf("%s: %d ids for %d letters", name, len(first), len(huge))
		}
		if st.buf != nil || st.scratch.next != nil || st.scratch.ranks != nil {
			t.Errorf("%s: the state kept the scratch space of a %d-byte piece", name, len(huge))
		}
		if again := e.encode(huge, nil, st); !slices.Equal(again, first) {
			t.Errorf("%s: encoding the huge piece again gave other ids", name)
		}
		if n := e.count(huge, st); n != len(first) {
			t.Errorf("%s: count = %d, want %d", name, n, len(first))
		}
		if r := e.vocab.rank(""); r != noRank {
			t.Errorf("%s: the empty string has rank %d", name, r)
		}
	}
}
