package rag_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"

	"github.com/golm-dev/golm/helpers/llm"
	"github.com/golm-dev/golm/helpers/llm/llmtest"
	"github.com/golm-dev/golm/helpers/rag"
)

const notes = `# Money

Money is a medium of exchange, a unit of account and a store of value.

## Banks

Banks take deposits and lend money to households and companies.

# Pets

Cats sleep most of the day; dogs need a walk.
`

// Splitting Markdown by headings: each chunk knows its source, heading path and lines, for citations.
func ExampleSplit() {
	doc, err := rag.NewDocument("notes.md", notes, rag.Markdown)
	if err != nil {
		fmt.Println(err)
		return
	}
	chunks, err := rag.Split(doc, rag.SplitOptions{MaxTokens: 100})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range chunks {
		fmt.Printf("%s  %s  %d tokens\n", c.ID, c.Cite(), c.Tokens)
	}
	// Output:
	// notes.md#1  notes.md:1-3 (Money)  20 tokens
	// notes.md#2  notes.md:5-7 (Money › Banks)  14 tokens
	// notes.md#3  notes.md:9-11 (Pets)  15 tokens
}

// Dense retrieval with OpenAI's embeddings API (here the fake server, whose embeddings reflect shared
// words), cached so that running the cell again sends nothing.
func ExampleNewDense() {
	srv := llmtest.NewServer()
	defer srv.Close()
	client, _ := llm.New(llm.Config{BaseURL: srv.URL})
	ctx := context.Background()

	doc, _ := rag.NewDocument("notes.md", notes, rag.Markdown)
	chunks, _ := rag.Split(doc)
	emb, err := rag.NewCache(rag.OpenAI(client, "text-embedding-3-small"))
	if err != nil {
		fmt.Println(err)
		return
	}
	dense, err := rag.NewDense(emb, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := dense.Add(ctx, chunks); err != nil {
		fmt.Println(err)
		return
	}
	hits, err := dense.Search(ctx, "Who lends money to companies?", 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(hits.IDs())
	dense.Add(ctx, chunks) // the same ids again: refused, and nothing was embedded twice
	fmt.Printf("%+v\n", emb.Stats())
	// Output:
	// [notes.md#2 notes.md#1]
	// {Hits:3 Misses:4}
}

// Lexical search finds exact words; hybrid search fuses it with dense search by reciprocal rank fusion.
func ExampleNewHybrid() {
	ctx := context.Background()
	doc, _ := rag.NewDocument("notes.md", notes, rag.Markdown)
	chunks, _ := rag.Split(doc)
	bm25, _ := rag.NewBM25(chunks)
	hits, _ := bm25.Search(ctx, "dogs", 3)
	fmt.Print(hits)

	srv := llmtest.NewServer()
	defer srv.Close()
	client, _ := llm.New(llm.Config{BaseURL: srv.URL})
	dense, _ := rag.NewDense(rag.OpenAI(client, ""), nil)
	dense.Add(ctx, chunks)
	hybrid, _ := rag.NewHybrid([]rag.Retriever{dense, bm25})
	hits, _ = hybrid.Search(ctx, "a store of value", 1)
	fmt.Println(hits.IDs())
	// Output:
	// 1. 1.0366 notes.md:9-11 (Pets): # Pets Cats sleep most of the day; dogs need a walk.
	// [notes.md#1]
}

// Measuring a retriever on questions whose answering chunks are known.
func ExampleEvaluate() {
	ctx := context.Background()
	doc, _ := rag.NewDocument("notes.md", notes, rag.Markdown)
	chunks, _ := rag.Split(doc)
	bm25, _ := rag.NewBM25(chunks)
	questions := []rag.Question{
		{Query: "What do banks do?", Relevant: []string{"notes.md#2"}},
		{Query: "What is a unit of account?", Relevant: []string{"notes.md#1"}},
		{Query: "Which animals want exercise?", Relevant: []string{"notes.md#3"}}, // no shared word
	}
	e, err := rag.Evaluate(ctx, bm25, questions, rag.EvalOptions{Name: "BM25", K: []int{1, 3}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(e) // in a notebook, display.Show(rag.Evaluations{e1, e2}) shows an HTML table
	// Output:
	// retriever    questions  recall@1  recall@3      MRR
	// BM25                 3     0.667     0.667    0.667
}

// A vector store on its own: exact search with a metadata filter, saved to a file and loaded back.
func ExampleNewIndex() {
	ctx := context.Background()
	x, _ := rag.NewIndex(rag.Options{Embedder: "toy"})
	err := x.Add(ctx, []rag.Item{
		{ID: "north", Vector: []float32{0, 1}, Metadata: map[string]string{"kind": "direction"}},
		{ID: "east", Vector: []float32{1, 0}, Metadata: map[string]string{"kind": "direction"}},
		{ID: "up-ish", Vector: []float32{0.1, 2}, Metadata: map[string]string{"kind": "other"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	rs, _ := x.Search(ctx, []float32{0.2, 1}, 2, rag.SearchOptions{Where: map[string]string{"kind": "direction"}})
	for _, r := range rs {
		fmt.Printf("%s %.3f\n", r.ID, r.Score)
	}
	dir, _ := os.MkdirTemp("", "rag")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "toy.rag")
	if err := x.Save(ctx, path); err != nil {
		fmt.Println(err)
		return
	}
	_, err = rag.Load(ctx, path, rag.Options{Embedder: "text-embedding-3-small"})
	fmt.Println(err != nil)
	s, _ := rag.Load(ctx, path, rag.Options{Embedder: "toy"})
	fmt.Println(s.Len())
	// Output:
	// north 0.981
	// east 0.196
	// true
	// 3
}

// Any embedding function fits the Embedder interface, such as a local model's Embed method.
func ExampleEmbedFunc() {
	lengths := rag.EmbedFunc("length", func(ctx context.Context, texts []string) ([][]float32, error) {
		out := make([][]float32, len(texts))
		for i, t := range texts {
			out[i] = []float32{float32(len(t)), 1}
		}
		return out, nil
	})
	vecs, _ := lengths.Embed(context.Background(), []string{"Go", "gopher"})
	fmt.Println(lengths.Name(), vecs)
	// Output: length [[2 1] [6 1]]
}

// Fetching a Wikipedia article as clean text. Here a local server stands in for Wikipedia (the base URL is an
// option, or the environment variable GOLM_WIKIPEDIA_URL); without one, the article comes from
// en.wikipedia.org, once: it is cached on disk.
func ExampleLoadWikipedia() {
	wiki := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<html><head><title>Gopher</title></head><body>
<section><p>The gopher is Go's mascot.<sup class="mw-ref reference">[1]</sup></p></section>
<section><h2>History</h2><p>It was drawn by Renée French.</p></section>
<section><h2>References</h2><ol class="references"><li>A source.</li></ol></section></body></html>`)
	}))
	defer wiki.Close()
	cache, _ := os.MkdirTemp("", "wiki")
	defer os.RemoveAll(cache)

	doc, err := rag.LoadWikipedia(context.Background(), "Gopher", rag.WikipediaOptions{BaseURL: wiki.URL, CacheDir: cache})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc.Title)
	fmt.Println(doc.Text)
	// Output:
	// Gopher
	// The gopher is Go's mascot.
	//
	// ## History
	//
	// It was drawn by Renée French.
}
