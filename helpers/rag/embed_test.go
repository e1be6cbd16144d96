package rag

import (
	"context"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/golm-dev/golm/helpers/llm"
	"github.com/golm-dev/golm/helpers/llm/llmtest"
)

// countingEmbedder embeds a text as (length, vowel count, 1) and records the batches it was called with.
type countingEmbedder struct {
	mu      sync.Mutex
	batches [][]string
	name    string
	fail    func(batch int) ([][]float32, error)
}

func (c *countingEmbedder) embed(ctx context.Context, texts []string) ([][]float32, error) {
	c.mu.Lock()
	c.batches = append(c.batches, append([]string(nil), texts...))
	n := len(c.batches)
	c.mu.Unlock()
	if c.fail != nil {
		if v, err := c.fail(n); v != nil || err != nil {
			return v, err
		}
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		out[i] = []float32{float32(len(t)), float32(strings.Count(t, "a")), 1}
	}
	return out, nil
}

func (c *countingEmbedder) embedder() Embedder {
	name := c.name
	if name == "" {
		name = "counting"
	}
	return EmbedFunc(name, c.embed)
}

func (c *countingEmbedder) sent() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, b := range c.batches {
		n += len(b)
	}
	return n
}

func TestCacheEmbedsOnce(t *testing.T) {
	ctx := context.Background()
	ce := &countingEmbedder{}
	c, err := NewCache(ce.embedder(), CacheOptions{BatchSize: 2, Quiet: true})
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Embed(ctx, []string{"aa", "b", "aa", "ccc", "dddd", "e"})
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != 6 || v[0][0] != 2 || v[0][1] != 2 || v[2][0] != 2 || v[5][0] != 1 {
		t.Errorf("vectors %v", v)
	}
	if len(ce.batches) != 3 || ce.sent() != 5 { // "aa" once; batches of 2, 2, 1
		t.Errorf("batches %v", ce.batches)
	}
	if _, err := c.Embed(ctx, []string{"b", "aa", "new"}); err != nil {
		t.Fatal(err)
	}
	if ce.sent() != 6 {
		t.Errorf("sent %d texts, want 6 (only \"new\" again)", ce.sent())
	}
	if st := c.Stats(); st.Hits != 3 || st.Misses != 6 || c.Len() != 6 {
		t.Errorf("stats %+v, len %d", st, c.Len())
	}
	// Another embedder name does not share vectors.
	other, _ := NewCache((&countingEmbedder{name: "other"}).embedder(), CacheOptions{Quiet: true})
	if other.key("aa") == c.key("aa") {
		t.Error("keys do not depend on the embedder's name")
	}
}

func TestCacheOnDisk(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ce := &countingEmbedder{}
	c1, err := NewCache(ce.embedder(), CacheOptions{Dir: dir, Quiet: true})
	if err != nil {
		t.Fatal(err)
	}
	want, err := c1.Embed(ctx, []string{"alpha", "beta", "gamma"})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := NewCache(ce.embedder(), CacheOptions{Dir: dir, Quiet: true})
	if err != nil {
		t.Fatal(err)
	}
	got, err := c2.Embed(ctx, []string{"gamma", "alpha"})
	if err != nil {
		t.Fatal(err)
	}
	if ce.sent() != 3 || got[0][0] != want[2][0] || got[1][1] != want[0][1] {
		t.Errorf("disk cache not used: sent %d, got %v", ce.sent(), got)
	}
	// A damaged end (an interrupted append) is cut off; earlier records survive and appends work again.
	files, _ := filepath.Glob(filepath.Join(dir, "counting-*.vectors"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	f, _ := os.OpenFile(files[0], os.O_APPEND|os.O_WRONLY, 0)
	f.Write([]byte("partial record"))
	f.Close()
	c3, err := NewCache(ce.embedder(), CacheOptions{Dir: dir, Quiet: true})
	if err != nil {
		t.Fatal(err)
	}
	if c3.Len() != 3 {
		t.Errorf("after damage: %d vectors, want 3", c3.Len())
	}
	if _, err := c3.Embed(ctx, []string{"delta"}); err != nil {
		t.Fatal(err)
	}
	c4, _ := NewCache(ce.embedder(), CacheOptions{Dir: dir, Quiet: true})
	if c4.Len() != 4 {
		t.Errorf("after repair and append: %d vectors, want 4", c4.Len())
	}
}

func TestCacheErrors(t *testing.T) {
	ctx := context.Background()
	nan := float32(math.NaN())
	tests := []struct {
		name  string
		texts []string
		fail  func(int) ([][]float32, error)
		want  string
	}{
		{"empty text", []string{"a", " "}, nil, "text 1 is empty"},
		{"embedder error", []string{"a"}, func(int) ([][]float32, error) { return nil, errors.New("boom") }, "boom"},
		{"too few vectors", []string{"a", "b"}, func(int) ([][]float32, error) { return [][]float32{{1}}, nil }, "returned 1 vectors for 2 texts"},
		{"mixed dimensions", []string{"a", "b"}, func(int) ([][]float32, error) { return [][]float32{{1, 2}, {1}}, nil }, "dimension 1 for text 1"},
		{"NaN", []string{"a"}, func(int) ([][]float32, error) { return [][]float32{{nan}}, nil }, "NaN"},
		{"empty vector", []string{"a"}, func(int) ([][]float32, error) { return [][]float32{{}}, nil }, "empty vector"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ce := &countingEmbedder{fail: tc.fail}
			c, _ := NewCache(ce.embedder(), CacheOptions{Quiet: true})
			_, err := c.Embed(ctx, tc.texts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if c.Len() != 0 {
				t.Errorf("%d vectors cached after an error", c.Len())
			}
		})
	}
	if _, err := NewCache(EmbedFunc("", nil)); err == nil {
		t.Error("an embedder without a name was accepted")
	}
	if _, err := NewCache(EmbedFunc("x", nil), CacheOptions{}, CacheOptions{}); err == nil {
		t.Error("two options were accepted")
	}
}

func TestCacheCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	ce := &countingEmbedder{}
	ce.fail = func(batch int) ([][]float32, error) {
		if batch == 2 {
			cancel()
		}
		return nil, nil
	}
	c, _ := NewCache(ce.embedder(), CacheOptions{BatchSize: 1, Quiet: true})
	_, err := c.Embed(ctx, []string{"a", "b", "c", "d"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v", err)
	}
	if len(ce.batches) != 2 || c.Len() != 2 {
		t.Errorf("%d batches sent, %d cached; want 2 and 2 (finished batches stay)", len(ce.batches), c.Len())
	}
}

func TestOpenAIEmbedder(t *testing.T) {
	srv := llmtest.NewServerConfig(llmtest.Config{EmbeddingDim: 64})
	defer srv.Close()
	client, err := llm.New(llm.Config{BaseURL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	e := OpenAI(client, "")
	if e.Name() != client.DefaultEmbeddingModel() || OpenAI(client, "m").Name() != "m" {
		t.Errorf("names %q", e.Name())
	}
	vs, err := e.Embed(context.Background(), []string{"money and banks", "banks lend money", "a cat sleeps"})
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 3 || len(vs[0]) != 64 {
		t.Fatalf("shape %d×%d", len(vs), len(vs[0]))
	}
	if dot(vs[0], vs[1]) <= dot(vs[0], vs[2]) {
		t.Error("related texts are not closer than unrelated ones")
	}
	long := strings.Repeat("money ", 9000)
	if _, err := e.Embed(context.Background(), []string{"ok", long}); err == nil ||
		!strings.Contains(err.Error(), "text 1 has 900") {
		t.Errorf("too long text: %v", err)
	}
	if _, err := OpenAI(nil, "m").Embed(context.Background(), []string{"x"}); err == nil {
		t.Error("nil client accepted")
	}
}

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}
