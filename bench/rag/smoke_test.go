package main

import (
	"testing"
)

// TestSmoke runs every method on 2,000 vectors: the benchmark works, and its exact answers agree.
func TestSmoke(t *testing.T) {
	for _, set := range []string{"random", "clustered"} {
		b := &bench{n: 2000, dim: 64, k: 10, set: set, recalls: map[string]float64{}}
		b.generate(20, 1)
		b.run(map[string]bool{"naive": true, "exact": true, "int8": true, "hnsw": true, "chromem": true,
			"sqlitevec": true, "sqlitevec-wasm": true},
			[]int{32, 128}, 8, 64, 2, 1)
		naive := make([][]string, len(b.queries))
		for i, q := range b.queries {
			naive[i] = b.naive(q)
		}
		if r := b.recall(naive); r < 0.999 {
			t.Errorf("%s: the naive loop and the exact index disagree: recall %.4f", set, r)
		}
		names := []string{"sqlite-vec wasm"}
		if haveCgo {
			names = append(names, "sqlite-vec cgo")
		}
		for _, name := range names {
			if r, ok := b.recalls[name]; !ok || r < 0.999 {
				t.Errorf("%s: %s (exact search) did not run or disagrees with the exact index: recall %.4f", set, name, r)
			}
		}
	}
}
