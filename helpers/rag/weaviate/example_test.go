package weaviate_test

import (
	"context"
	"fmt"
	"os"

	"github.com/golm-dev/golm/helpers/rag"
	"github.com/golm-dev/golm/helpers/rag/weaviate"
)

const notes = `# Money

Money is a medium of exchange, a unit of account and a store of value.

# Pets

Cats sleep most of the day; dogs need a walk.
`

// Dense retrieval with the vectors in Weaviate: the store is the one argument that differs from an
// in-memory index (rag.NewDense(emb, nil)). GOLM_WEAVIATE_URL says where the server is (this package's tests
// start one and set it).
func ExampleNew() {
	ctx := context.Background()
	words := rag.EmbedFunc("vowels", func(ctx context.Context, texts []string) ([][]float32, error) {
		out := make([][]float32, len(texts))
		for i, t := range texts { // a toy embedding: how often each vowel occurs
			v := make([]float32, 5)
			for _, r := range t {
				for j, vowel := range "aeiou" {
					if r == vowel {
						v[j]++
					}
				}
			}
			out[i] = v
		}
		return out, nil
	})
	store, err := weaviate.New(ctx, "ExampleNotes", weaviate.Options{URL: os.Getenv("GOLM_WEAVIATE_URL"),
		Embedder: words.Name(), Recreate: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Drop(ctx)
	dense, _ := rag.NewDense(words, store)
	doc, _ := rag.NewDocument("notes.md", notes, rag.Markdown)
	chunks, _ := rag.Split(doc, rag.SplitOptions{MaxTokens: 50})
	if err := dense.Add(ctx, chunks); err != nil {
		fmt.Println(err)
		return
	}
	hits, err := dense.Search(ctx, "a unit of account", 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(store.Len(), "chunks in Weaviate; best:", hits[0].Chunk.Cite())
	// Output: 2 chunks in Weaviate; best: notes.md:1-3 (Money)
}
