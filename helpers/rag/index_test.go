package rag

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// randomItems returns n items with random vectors of dimension dim: uniform, or around a few centres
// when clusters > 0.
func randomItems(n, dim, clusters int, seed uint64) []Item {
	r := rand.New(rand.NewPCG(seed, 1))
	centres := make([][]float32, clusters)
	for c := range centres {
		centres[c] = make([]float32, dim)
		for j := range centres[c] {
			centres[c][j] = float32(r.NormFloat64())
		}
	}
	items := make([]Item, n)
	for i := range items {
		v := make([]float32, dim)
		for j := range v {
			v[j] = float32(r.NormFloat64())
			if clusters > 0 {
				v[j] = centres[i%clusters][j] + 0.5*v[j]
			}
		}
		items[i] = Item{ID: fmt.Sprintf("v%05d", i), Vector: v, Metadata: map[string]string{"parity": fmt.Sprint(i % 2)}}
	}
	return items
}

// bruteForce returns the ids of the k items most similar to q by cosine similarity, in float64.
func bruteForce(items []Item, q []float32, k int, keep func(Item) bool) []string {
	type scored struct {
		id string
		s  float64
	}
	var all []scored
	for _, it := range items {
		if keep != nil && !keep(it) {
			continue
		}
		var d, na, nb float64
		for j := range q {
			d += float64(q[j]) * float64(it.Vector[j])
			na += float64(q[j]) * float64(q[j])
			nb += float64(it.Vector[j]) * float64(it.Vector[j])
		}
		all = append(all, scored{it.ID, d / math.Sqrt(na*nb)})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].s > all[j].s })
	var ids []string
	for _, s := range all[:min(k, len(all))] {
		ids = append(ids, s.id)
	}
	return ids
}

func resultIDs(rs []Result) []string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}

func overlap(a, b []string) int {
	set := map[string]bool{}
	for _, x := range a {
		set[x] = true
	}
	n := 0
	for _, x := range b {
		if set[x] {
			n++
		}
	}
	return n
}

func TestIndexSearchIsExact(t *testing.T) {
	ctx := context.Background()
	items := randomItems(9000, 48, 0, 1) // more than minRowsPerWorker: searched in parallel
	queries := randomItems(20, 48, 0, 2)
	tests := []struct {
		name     string
		opts     Options
		minMatch int // of 10×20 results
	}{
		{"float32", Options{}, 200},
		{"int8 with rescoring", Options{Quantize: true}, 198},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, err := NewIndex(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := x.Add(ctx, items); err != nil {
				t.Fatal(err)
			}
			match := 0
			for _, q := range queries {
				rs, err := x.Search(ctx, q.Vector, 10)
				if err != nil {
					t.Fatal(err)
				}
				match += overlap(bruteForce(items, q.Vector, 10, nil), resultIDs(rs))
				for i := 1; i < len(rs); i++ {
					if rs[i].Score > rs[i-1].Score {
						t.Fatal("results not sorted")
					}
				}
			}
			if match < tc.minMatch {
				t.Errorf("%d of 200 nearest found, want ≥ %d", match, tc.minMatch)
			}
			// Filters: only even items.
			rs, err := x.Search(ctx, queries[0].Vector, 5, SearchOptions{Where: map[string]string{"parity": "0"}})
			if err != nil {
				t.Fatal(err)
			}
			want := bruteForce(items, queries[0].Vector, 5, func(it Item) bool { return it.Metadata["parity"] == "0" })
			if strings.Join(resultIDs(rs), ",") != strings.Join(want, ",") {
				t.Errorf("Where: got %v, want %v", resultIDs(rs), want)
			}
			rs, _ = x.Search(ctx, queries[0].Vector, 3, SearchOptions{Filter: func(id string, _ map[string]string) bool {
				return strings.HasSuffix(id, "7")
			}})
			for _, r := range rs {
				if !strings.HasSuffix(r.ID, "7") {
					t.Errorf("Filter let %s through", r.ID)
				}
			}
		})
	}
}

func TestIndexAddUpdateDelete(t *testing.T) {
	ctx := context.Background()
	x, _ := NewIndex(Options{Embedder: "m"})
	add := []Item{
		{ID: "a", Vector: []float32{1, 0, 0}, Metadata: map[string]string{"k": "a"}},
		{ID: "b", Vector: []float32{0, 2, 0}},
		{ID: "c", Vector: []float32{0, 0, 3}},
	}
	if err := x.Add(ctx, add); err != nil {
		t.Fatal(err)
	}
	top := func(q []float32) string {
		rs, err := x.Search(ctx, q, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) == 0 {
			return ""
		}
		return fmt.Sprintf("%s %.3f %v", rs[0].ID, rs[0].Score, rs[0].Metadata)
	}
	if got := top([]float32{0, 1, 0.1}); got != "b 0.995 map[]" {
		t.Errorf("top = %q (vectors normalised, score is the cosine)", got)
	}
	if err := x.Update(ctx, []Item{{ID: "a", Vector: []float32{0, 1, 0}, Metadata: map[string]string{"k": "new"}}}); err != nil {
		t.Fatal(err)
	}
	if err := x.Delete(ctx, []string{"b"}); err != nil {
		t.Fatal(err)
	}
	if got := top([]float32{0, 1, 0}); got != "a 1.000 map[k:new]" || x.Len() != 2 {
		t.Errorf("after update and delete: top %q, len %d", got, x.Len())
	}
	if got := top([]float32{0, 0, 1}); !strings.HasPrefix(got, "c 1.000") {
		t.Errorf("moved row lost: %q", got)
	}

	nan := float32(math.NaN())
	bad := []struct {
		name string
		op   func() error
		is   error
	}{
		{"wrong dimension", func() error { return x.Add(ctx, []Item{{ID: "d", Vector: []float32{1, 2}}}) }, ErrDimension},
		{"NaN", func() error { return x.Add(ctx, []Item{{ID: "d", Vector: []float32{1, nan, 0}}}) }, ErrBadVector},
		{"zero vector", func() error { return x.Add(ctx, []Item{{ID: "d", Vector: []float32{0, 0, 0}}}) }, ErrBadVector},
		{"existing id", func() error {
			return x.Add(ctx, []Item{{ID: "d", Vector: []float32{1, 1, 1}}, {ID: "c", Vector: []float32{1, 1, 1}}})
		}, ErrDuplicate},
		{"twice in a call", func() error {
			return x.Add(ctx, []Item{{ID: "d", Vector: []float32{1, 1, 1}}, {ID: "d", Vector: []float32{1, 1, 1}}})
		}, ErrDuplicate},
		{"update unknown", func() error { return x.Update(ctx, []Item{{ID: "zz", Vector: []float32{1, 1, 1}}}) }, ErrNotFound},
		{"delete unknown", func() error { return x.Delete(ctx, []string{"a", "zz"}) }, ErrNotFound},
		{"query dimension", func() error { _, err := x.Search(ctx, []float32{1}, 1); return err }, ErrDimension},
		{"query NaN", func() error { _, err := x.Search(ctx, []float32{nan, 0, 0}, 1); return err }, ErrBadVector},
		{"empty id", func() error { return x.Add(ctx, []Item{{Vector: []float32{1, 1, 1}}}) }, nil},
		{"k zero", func() error { _, err := x.Search(ctx, []float32{1, 0, 0}, 0); return err }, nil},
	}
	for _, tc := range bad {
		err := tc.op()
		if err == nil || (tc.is != nil && !errors.Is(err, tc.is)) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.is)
		}
	}
	if x.Len() != 2 {
		t.Errorf("a failed call changed the index: len %d", x.Len())
	}
	rs, _ := x.Search(ctx, []float32{0, 0, 1}, 5)
	if len(rs) != 2 {
		t.Errorf("k larger than the index: %d results", len(rs))
	}
}

func TestSaveLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	items := randomItems(500, 16, 5, 3)
	queries := randomItems(5, 16, 5, 4)
	stores := map[string]func() Store{
		"index":     func() Store { x, _ := NewIndex(Options{Embedder: "m"}); return x },
		"quantized": func() Store { x, _ := NewIndex(Options{Embedder: "m", Quantize: true}); return x },
		"hnsw":      func() Store { h, _ := NewHNSW(Options{Embedder: "m", M: 8, Seed: 7}); return h },
	}
	for name, mk := range stores {
		t.Run(name, func(t *testing.T) {
			s := mk()
			if err := s.Add(ctx, items); err != nil {
				t.Fatal(err)
			}
			if err := s.Delete(ctx, []string{"v00003", "v00100"}); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, name+".rag")
			if err := s.Save(ctx, path); err != nil {
				t.Fatal(err)
			}
			l, err := Load(ctx, path, Options{Embedder: "m", Dim: 16})
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprintf("%T", l) != fmt.Sprintf("%T", s) || l.Len() != s.Len() {
				t.Fatalf("loaded %T of %d, saved %T of %d", l, l.Len(), s, s.Len())
			}
			for _, q := range queries {
				a, _ := s.Search(ctx, q.Vector, 10, SearchOptions{Where: map[string]string{"parity": "1"}})
				b, _ := l.Search(ctx, q.Vector, 10, SearchOptions{Where: map[string]string{"parity": "1"}})
				if fmt.Sprint(a) != fmt.Sprint(b) {
					t.Errorf("loaded store answers differently:\n%v\n%v", a, b)
				}
			}
			// The loaded store keeps working.
			if err := l.Add(ctx, []Item{{ID: "v00003", Vector: items[3].Vector}}); err != nil {
				t.Fatal(err)
			}
			rs, _ := l.Search(ctx, items[3].Vector, 1)
			if len(rs) != 1 || rs[0].ID != "v00003" {
				t.Errorf("re-added item not found: %v", rs)
			}

			// Refusals.
			if _, err := Load(ctx, path, Options{Embedder: "other"}); !errors.Is(err, ErrEmbedder) {
				t.Errorf("other embedder: %v", err)
			}
			if _, err := Load(ctx, path, Options{Dim: 384}); !errors.Is(err, ErrDimension) {
				t.Errorf("other dimension: %v", err)
			}
			data, _ := os.ReadFile(path)
			for i, bad := range [][]byte{data[:len(data)/2], append([]byte("xx"), data...), flip(data, len(data)/3), flip(data, len(data)-1)} {
				p := filepath.Join(dir, fmt.Sprintf("bad%d", i))
				os.WriteFile(p, bad, 0o644)
				if _, err := Load(ctx, p); !errors.Is(err, ErrFormat) {
					t.Errorf("damaged file %d: %v", i, err)
				}
			}
		})
	}
}

func flip(b []byte, i int) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 0x40
	return c
}

func TestSaveIsAtomic(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "x.rag")
	x, _ := NewIndex()
	x.Add(ctx, []Item{{ID: "a", Vector: []float32{1, 2}}})
	if err := x.Save(ctx, path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	x.Add(ctx, []Item{{ID: "b", Vector: []float32{2, 1}}})
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := x.Save(cancelled, path); err == nil {
		t.Fatal("save with a cancelled context succeeded")
	}
	after, _ := os.ReadFile(path)
	entries, _ := os.ReadDir(dir)
	if string(before) != string(after) || len(entries) != 1 {
		t.Errorf("a failed save changed the file or left %d files", len(entries))
	}
	if err := x.Save(ctx, filepath.Join(dir, "missing", "x.rag")); err == nil {
		t.Error("save into a missing directory succeeded")
	}
}
