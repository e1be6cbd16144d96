package rag

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
)

func TestHNSWRecall(t *testing.T) {
	ctx := context.Background()
	items := randomItems(2000, 32, 20, 11)
	queries := randomItems(50, 32, 20, 12)
	h, err := NewHNSW(Options{M: 12, EfConstruction: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Add(ctx, items); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ef         int
		wantRecall float64
	}{{16, 0.70}, {64, 0.95}, {256, 0.99}}
	for _, tc := range tests {
		found := 0
		for _, q := range queries {
			rs, err := h.Search(ctx, q.Vector, 10, SearchOptions{EfSearch: tc.ef})
			if err != nil {
				t.Fatal(err)
			}
			found += overlap(bruteForce(items, q.Vector, 10, nil), resultIDs(rs))
		}
		if r := float64(found) / float64(10*len(queries)); r < tc.wantRecall {
			t.Errorf("efSearch %d: recall@10 %.3f, want ≥ %.2f", tc.ef, r, tc.wantRecall)
		}
	}
}

func TestHNSWDeterministicAndMutable(t *testing.T) {
	ctx := context.Background()
	items := randomItems(600, 16, 0, 21)
	build := func(seed uint64) *HNSW {
		h, _ := NewHNSW(Options{M: 6, EfConstruction: 40, EfSearch: 20, Seed: seed})
		if err := h.Add(ctx, items); err != nil {
			t.Fatal(err)
		}
		return h
	}
	a, b := build(5), build(5)
	q := items[42].Vector
	ra, _ := a.Search(ctx, q, 10)
	rb, _ := b.Search(ctx, q, 10)
	if fmt.Sprint(ra) != fmt.Sprint(rb) || fmt.Sprint(a.l0) != fmt.Sprint(b.l0) {
		t.Error("the same seed gave different graphs")
	}
	if ra[0].ID != "v00042" || ra[0].Score < 0.9999 {
		t.Errorf("an item is not its own nearest neighbour: %v", ra[0])
	}

	// Delete: never returned, still walked through.
	if err := a.Delete(ctx, []string{"v00042"}); err != nil {
		t.Fatal(err)
	}
	ra, _ = a.Search(ctx, q, 10)
	for _, r := range ra {
		if r.ID == "v00042" {
			t.Error("deleted item returned")
		}
	}
	if a.Len() != 599 || len(ra) != 10 {
		t.Errorf("len %d, %d results", a.Len(), len(ra))
	}
	// Update moves an item.
	if err := a.Update(ctx, []Item{{ID: "v00007", Vector: q}}); err != nil {
		t.Fatal(err)
	}
	ra, _ = a.Search(ctx, q, 1)
	if ra[0].ID != "v00007" || a.Len() != 599 {
		t.Errorf("after update: %v, len %d", ra, a.Len())
	}
	// A filter that matches few items still finds them.
	rs, err := a.Search(ctx, q, 3, SearchOptions{Where: map[string]string{"parity": "1"}, Filter: func(id string, _ map[string]string) bool {
		return id == "v00001" || id == "v00301" || id == "v00002"
	}})
	if err != nil || len(rs) != 2 {
		t.Errorf("selective filter: %v, %v", rs, err)
	}
	if _, err := NewHNSW(Options{M: 1}); err == nil {
		t.Error("M 1 accepted")
	}
	empty, _ := NewHNSW()
	if rs, err := empty.Search(ctx, []float32{1, 2}, 3); err != nil || len(rs) != 0 {
		t.Errorf("empty index: %v %v", rs, err)
	}
}

// cancelAfter is a context whose Err turns to context.Canceled after n calls.
type cancelAfter struct {
	context.Context
	n atomic.Int64
}

func (c *cancelAfter) Err() error {
	if c.n.Add(-1) < 0 {
		return context.Canceled
	}
	return nil
}

func TestHNSWParallelAndCancel(t *testing.T) {
	items := randomItems(3000, 32, 30, 31)
	queries := randomItems(30, 32, 30, 32)
	for _, workers := range []int{1, 4} {
		t.Run(fmt.Sprint("workers ", workers), func(t *testing.T) {
			h, _ := NewHNSW(Options{M: 12, EfConstruction: 80, Seed: 3, Workers: workers})
			if err := h.Add(context.Background(), items[:2000]); err != nil {
				t.Fatal(err)
			}
			// Cancelled after about 500 more: a prefix of the items is inserted, the rest is not.
			ctx := &cancelAfter{Context: context.Background()}
			ctx.n.Store(500)
			err := h.Add(ctx, items[2000:])
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("cancelled Add: %v", err)
			}
			n := h.Len()
			if n <= 2000 || n >= 3000 || !strings.Contains(err.Error(), fmt.Sprintf("after %d of 1000", n-2000)) {
				t.Fatalf("len %d after cancel: %v", n, err)
			}
			if err := h.Add(context.Background(), items[n:]); err != nil {
				t.Fatalf("adding the rest: %v", err)
			}
			found := 0
			for _, q := range queries {
				rs, err := h.Search(context.Background(), q.Vector, 10, SearchOptions{EfSearch: 200})
				if err != nil {
					t.Fatal(err)
				}
				found += overlap(bruteForce(items, q.Vector, 10, nil), resultIDs(rs))
			}
			if r := float64(found) / 300; r < 0.97 || h.Len() != 3000 {
				t.Errorf("recall@10 %.3f, len %d", r, h.Len())
			}
		})
	}
}
