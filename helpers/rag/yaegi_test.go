package rag_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/golm-dev/golm/helpers/display/displaytest"
	"github.com/golm-dev/golm/helpers/llm/llmtest"
	"github.com/golm-dev/golm/symbols"
	"github.com/traefik/yaegi/interp"
)

// TestFromInterpretedCells calls the package the way notebook cells do: through the yaegi interpreter, with
// an interpreted embedding function, an interpreted Embedder type, a filter closure and options structs.
func TestFromInterpretedCells(t *testing.T) {
	srv := llmtest.NewServer()
	defer srv.Close()
	wiki := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><head><title>Gopher</title></head><body><p>The gopher is Go's mascot.</p></body></html>`))
	}))
	defer wiki.Close()
	displaytest.Install(t)
	var out bytes.Buffer
	i, err := symbols.NewInterpreter(interp.Options{Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	cells := []string{
		`import (
			"context"
			"fmt"
			"strings"

			"github.com/golm-dev/golm/helpers/llm"
			"github.com/golm-dev/golm/helpers/rag"
		)`,
		`ctx := context.Background()`,
		`doc, err := rag.NewDocument("notes.md", "# Money\n\nMoney is a medium of exchange.\n\n# Pets\n\nCats sleep all day.", rag.Markdown)
		chunks, err := rag.Split(doc, rag.SplitOptions{MaxTokens: 50})
		fmt.Println(len(chunks), err)`,
		`letters := rag.EmbedFunc("letters", func(ctx context.Context, texts []string) ([][]float32, error) {
			out := [][]float32{}
			for _, t := range texts {
				v := make([]float32, 26)
				for _, r := range strings.ToLower(t) {
					if r >= 'a' && r <= 'z' {
						v[r-'a']++
					}
				}
				out = append(out, v)
			}
			return out, nil
		})
		emb, err := rag.NewCache(letters, rag.CacheOptions{Quiet: true})
		dense, err := rag.NewDense(emb, nil)
		fmt.Println(dense.Add(ctx, chunks))`,
		`hits, err := dense.Search(ctx, "money exchange", 1, rag.SearchOptions{Filter: func(id string, m map[string]string) bool { return m["source"] == "notes.md" }})
		fmt.Println(hits.IDs(), err)`,
		`type words struct{}
		func (words) Name() string { return "words" }
		func (words) Embed(ctx context.Context, texts []string) ([][]float32, error) {
			out := [][]float32{}
			for _, t := range texts {
				out = append(out, []float32{float32(len(t)), 1})
			}
			return out, nil
		}`,
		`c2, err := rag.NewCache(words{}, rag.CacheOptions{Quiet: true})
		v, err := c2.Embed(ctx, []string{"abc"})
		fmt.Println(v, err)`,
		`bm25, _ := rag.NewBM25(chunks)
		hy, err := rag.NewHybrid([]rag.Retriever{dense, bm25})
		e, err := rag.Evaluate(ctx, hy, []rag.Question{{Query: "cats", Relevant: []string{"notes.md#2"}}}, rag.EvalOptions{Name: "hybrid"})
		fmt.Println(e.MRR, err)`,
		`client, _ := llm.New(llm.Config{BaseURL: "` + srv.URL + `"})
		d2, _ := rag.NewDense(rag.OpenAI(client, ""), nil)
		fmt.Println(d2.Add(ctx, chunks), d2.Store().Len())`,
		`page, err := rag.LoadWikipedia(ctx, "Gopher", rag.WikipediaOptions{BaseURL: "` + wiki.URL + `", NoCache: true})
		fmt.Println(page.Title, page.Text, err)`,
	}
	for _, c := range cells {
		if _, err := i.Eval(c); err != nil {
			t.Fatalf("cell %q: %v\noutput: %s", c, err, out.String())
		}
	}
	want := "2 <nil>\n<nil>\n[notes.md#1] <nil>\n[[3 1]] <nil>\n1 <nil>\n<nil> 2\nGopher The gopher is Go's mascot. <nil>\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}
