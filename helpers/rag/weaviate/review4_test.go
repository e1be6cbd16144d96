package weaviate_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/golm-dev/golm/helpers/rag"
	"github.com/golm-dev/golm/helpers/rag/weaviate"
)

// TestOddIDsAndMetadata checks that ids, metadata keys and values with GraphQL and JSON syntax in them
// (quotes, braces, backslashes, newlines, NUL, non-ASCII) are stored, found, filtered and deleted as they
// are, and match nothing else.
func TestOddIDsAndMetadata(t *testing.T) {
	url := needServer(t)
	ctx := context.Background()
	c, err := weaviate.New(ctx, "OddNames", weaviate.Options{URL: url, Embedder: "toy", Recreate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Drop(ctx)
	odd := []string{`a"b`, `"}){Get{x}}#`, `back\slash\"`, "new\nline", "nul\x00byte", "émoji 😀", `{"k":"v"}`}
	var items []rag.Item
	for i, s := range odd {
		items = append(items, rag.Item{ID: s, Vector: []float32{1, float32(i) / 10, 0},
			Metadata: map[string]string{s: s, "plain": "x", `"`: `"}`}})
	}
	items = append(items, rag.Item{ID: "other", Vector: []float32{1, 0, 0}, Metadata: map[string]string{"plain": "x"}})
	if err := c.Add(ctx, items); err != nil {
		t.Fatal(err)
	}
	for _, s := range odd {
		rs, err := c.Search(ctx, []float32{1, 0, 0}, 10, rag.SearchOptions{Where: map[string]string{s: s}})
		if err != nil {
			t.Fatalf("where %q: %v", s, err)
		}
		if len(rs) != 1 || rs[0].ID != s || !reflect.DeepEqual(rs[0].Metadata, map[string]string{s: s, "plain": "x", `"`: `"}`}) {
			t.Fatalf("where %q: %+v", s, rs)
		}
	}
	rs, err := c.Search(ctx, []float32{1, 0, 0}, 20, rag.SearchOptions{Where: map[string]string{`"`: `"}`}})
	if err != nil || len(rs) != len(odd) {
		t.Fatalf("where quote: %d results, %v", len(rs), err)
	}
	if err := c.Update(ctx, []rag.Item{{ID: odd[1], Vector: []float32{0, 1, 0}}}); err != nil {
		t.Fatal(err)
	}
	if err := c.Delete(ctx, odd[:3]); err != nil {
		t.Fatal(err)
	}
	x, err := c.Export(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := c.Count(ctx); n != len(items)-3 || x.Len() != n {
		t.Fatalf("after deleting 3 of %d: Count %d, exported %d", len(items), n, x.Len())
	}
}
