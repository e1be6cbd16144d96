package rag

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

var corpus = []Chunk{
	{ID: "c1", Source: "a.md", Text: "Money is a medium of exchange and a store of value.", Metadata: map[string]string{"lang": "en"}},
	{ID: "c2", Source: "a.md", Text: "Banks lend money to people and companies.", Headings: []string{"Banks", "Loans"}, Line: 3, EndLine: 4},
	{ID: "c3", Source: "b.md", Text: "The cat sleeps on the warm windowsill all afternoon."},
	{ID: "c4", Source: "b.md", Text: "Cats and dogs are popular pets in many homes."},
	{ID: "c5", Source: "c.md", Text: "Zyxomatic is the code name of the Go retrieval helper."},
}

// wordEmbedder embeds texts as bags of their words over a fixed vocabulary: a tiny, exact stand-in for a
// model.
func wordEmbedder() Embedder {
	vocab := map[string]int{}
	for _, c := range corpus {
		for _, w := range Words(c.Text) {
			if _, ok := vocab[w]; !ok {
				vocab[w] = len(vocab)
			}
		}
	}
	return EmbedFunc("words", func(ctx context.Context, texts []string) ([][]float32, error) {
		out := make([][]float32, len(texts))
		for i, t := range texts {
			v := make([]float32, len(vocab)+1)
			v[len(vocab)] = 0.01 // never all zero
			for _, w := range Words(t) {
				if j, ok := vocab[w]; ok {
					v[j]++
				}
			}
			out[i] = v
		}
		return out, nil
	})
}

func TestRetrievers(t *testing.T) {
	ctx := context.Background()
	dense, err := NewDense(wordEmbedder(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := dense.Add(ctx, corpus); err != nil {
		t.Fatal(err)
	}
	bm25, err := NewBM25(corpus)
	if err != nil {
		t.Fatal(err)
	}
	hybrid, err := NewHybrid([]Retriever{dense, bm25})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		query string
		top   string
		opts  []SearchOptions
	}{
		{"who lends money?", "c2", nil},
		{"the cat", "c3", nil},
		{"zyxomatic", "c5", nil},
		{"money", "c1", []SearchOptions{{Where: map[string]string{"lang": "en"}}}},
		{"money", "c2", []SearchOptions{{Where: map[string]string{"source": "a.md"}, Filter: func(id string, _ map[string]string) bool { return id != "c1" }}}},
	}
	for _, r := range []struct {
		name string
		r    Retriever
	}{{"dense", dense}, {"bm25", bm25}, {"hybrid", hybrid}} {
		for _, tc := range tests {
			hits, err := r.r.Search(ctx, tc.query, 3, tc.opts...)
			if err != nil {
				t.Fatalf("%s %q: %v", r.name, tc.query, err)
			}
			if len(hits) == 0 || hits[0].Chunk.ID != tc.top {
				t.Errorf("%s %q: got %v, want %s first", r.name, tc.query, hits.IDs(), tc.top)
			}
		}
		if _, err := r.r.Search(ctx, " \n ", 3); !errors.Is(err, ErrEmptyQuery) {
			t.Errorf("%s: empty query: %v", r.name, err)
		}
	}
	// Dense keeps the whole chunk in the store.
	hits, _ := dense.Search(ctx, "banks lend", 1)
	got := hits[0].Chunk
	if got.Source != "a.md" || got.Text != corpus[1].Text || strings.Join(got.Headings, "/") != "Banks/Loans" ||
		got.Line != 3 || got.EndLine != 4 || got.Metadata != nil {
		t.Errorf("chunk from the store: %+v", got)
	}
	if !strings.Contains(hits.HTML(), "<td>a.md:3-4 (Banks › Loans)</td>") || !strings.Contains(hits.String(), "1. ") {
		t.Errorf("rendering: %s", hits.HTML())
	}
	// BM25 returns only chunks with a query word.
	if hits, _ := bm25.Search(ctx, "windowsill", 5); len(hits) != 1 {
		t.Errorf("BM25 returned chunks without the word: %v", hits.IDs())
	}
	// A saved Dense store comes back with its chunks, for the same embedder only.
	path := filepath.Join(t.TempDir(), "dense.rag")
	if err := dense.Store().Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	s, err := Load(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	again, err := NewDense(wordEmbedder(), s)
	if err != nil {
		t.Fatal(err)
	}
	if hits, _ := again.Search(ctx, "the cat", 1); hits[0].Chunk.Text != corpus[2].Text {
		t.Errorf("loaded: %v", hits)
	}
	if _, err := NewDense(EmbedFunc("another-model", nil), s); !errors.Is(err, ErrEmbedder) {
		t.Errorf("another embedder's store: %v", err)
	}
	// Adding chunks with an id already there adds nothing.
	if err := dense.Add(ctx, []Chunk{{ID: "new", Text: "new text"}, corpus[0]}); !errors.Is(err, ErrDuplicate) ||
		dense.Store().Len() != 5 {
		t.Errorf("duplicate chunk: %v, len %d", err, dense.Store().Len())
	}
	if _, err := NewBM25([]Chunk{corpus[0], corpus[0]}); !errors.Is(err, ErrDuplicate) {
		t.Errorf("BM25 duplicate: %v", err)
	}
}

// fixed is a retriever with canned rankings.
type fixed map[string][]string

func (f fixed) Search(ctx context.Context, query string, k int, opts ...SearchOptions) (Hits, error) {
	var hs Hits
	for _, id := range f[query] {
		hs = append(hs, Hit{Chunk: Chunk{ID: id}})
	}
	return hs[:min(k, len(hs))], nil
}

func TestEvaluate(t *testing.T) {
	r := fixed{
		"q1": {"a", "b", "c", "d"},
		"q2": {"x", "y", "a", "b"},
		"q3": {"x", "y", "z"},
	}
	qs := []Question{{"q1", []string{"a"}}, {"q2", []string{"a", "b"}}, {"q3", []string{"w"}}}
	e, err := Evaluate(context.Background(), r, qs, EvalOptions{Name: "fixed", K: []int{1, 3, 4}})
	if err != nil {
		t.Fatal(err)
	}
	// recall@1: q1 1, q2 0, q3 0; @3: 1, 0.5, 0; @4: 1, 1, 0. MRR: (1 + 1/3 + 0)/3.
	want := []float64{1.0 / 3, 0.5, 2.0 / 3}
	for i := range want {
		if d := e.Recall[i] - want[i]; d > 1e-9 || d < -1e-9 {
			t.Errorf("recall@%d = %v, want %v", e.K[i], e.Recall[i], want[i])
		}
	}
	if d := e.MRR - 4.0/9; d > 1e-9 || d < -1e-9 || e.Questions != 3 {
		t.Errorf("MRR %v, questions %d", e.MRR, e.Questions)
	}
	html := Evaluations{e, e}.HTML()
	if strings.Count(html, "<tr>") != 3 || !strings.Contains(html, "<th>recall@4</th>") || !strings.Contains(html, "<td>0.444</td>") {
		t.Errorf("HTML: %s", html)
	}
	if !strings.Contains(e.String(), "fixed") {
		t.Errorf("String: %s", e)
	}
	bad := []struct {
		name string
		qs   []Question
		opts EvalOptions
	}{
		{"no relevant ids", []Question{{"q1", nil}}, EvalOptions{}},
		{"no questions", nil, EvalOptions{}},
		{"decreasing K", qs, EvalOptions{K: []int{5, 3}}},
	}
	for _, tc := range bad {
		if _, err := Evaluate(context.Background(), r, tc.qs, tc.opts); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}
