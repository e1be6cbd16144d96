package rag

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/golm-dev/golm/helpers/internal/options"
	"github.com/golm-dev/golm/helpers/rag/internal/vec"
)

// Index is an exact vector store: a search compares the query with every vector, split over all cores
// (GOMAXPROCS), with AVX2 dot products where the processor has them. With Options.Quantize it scans int8
// copies of the vectors and re-scores the best candidates with exact dot products. Safe for concurrent use.
type Index struct {
	mu     sync.RWMutex
	name   string
	dim    int
	quant  bool
	ids    []string
	pos    map[string]int
	vecs   []float32 // row i is vecs[i*dim:(i+1)*dim], unit length
	meta   []map[string]string
	q8     []int8    // int8 rows when quantized
	scales []float32 // row i ≈ scales[i] * q8 row i
}

// NewIndex returns an empty exact index (see Options: Embedder, Dim, Quantize; the HNSW settings are
// ignored).
func NewIndex(opts ...Options) (*Index, error) {
	o, err := options.One("rag: NewIndex", opts)
	if err != nil {
		return nil, err
	}
	if o.Dim < 0 {
		return nil, fmt.Errorf("rag: Options.Dim %d is negative", o.Dim)
	}
	return &Index{name: o.Embedder, dim: o.Dim, quant: o.Quantize, pos: map[string]int{}}, nil
}

// Embedder returns the name of the embedder the index was made for ("" when not set).
func (x *Index) Embedder() string { return x.name }

// Dim returns the vectors' dimension (0 while the index is empty and was made without Options.Dim).
func (x *Index) Dim() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return x.dim
}

// Len returns the number of items.
func (x *Index) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.ids)
}

func (x *Index) has(id string) bool { _, ok := x.pos[id]; return ok }

// Add inserts new items (see Store.Add). Vectors are normalised; a vector of another dimension, with NaN or
// infinite values or of length zero is an error, and nothing is added.
func (x *Index) Add(ctx context.Context, items []Item) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	vs, dim, err := prepare(items, x.dim, x.has, false)
	if err != nil {
		return err
	}
	x.dim = dim
	x.vecs = slices.Grow(x.vecs, len(items)*dim)
	if x.quant {
		x.q8 = slices.Grow(x.q8, len(items)*dim)
	}
	for i, it := range items {
		x.pos[it.ID] = len(x.ids)
		x.ids = append(x.ids, it.ID)
		x.meta = append(x.meta, copyMeta(it.Metadata))
		x.vecs = append(x.vecs, vs[i]...)
		if x.quant {
			x.q8 = x.q8[:len(x.q8)+dim]
			x.scales = append(x.scales, vec.Quantize(x.q8[len(x.q8)-dim:], vs[i]))
		}
	}
	return nil
}

// Update replaces the vectors and metadata of existing items (see Store.Update).
func (x *Index) Update(ctx context.Context, items []Item) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	vs, _, err := prepare(items, x.dim, x.has, true)
	if err != nil {
		return err
	}
	for i, it := range items {
		r := x.pos[it.ID]
		copy(x.vecs[r*x.dim:], vs[i])
		x.meta[r] = copyMeta(it.Metadata)
		if x.quant {
			x.scales[r] = vec.Quantize(x.q8[r*x.dim:(r+1)*x.dim], vs[i])
		}
	}
	return nil
}

// Delete removes items by id (see Store.Delete). The last row moves into the freed one, so the order of
// rows changes.
func (x *Index) Delete(ctx context.Context, ids []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := checkDelete(ids, x.has); err != nil {
		return err
	}
	d := x.dim
	for _, id := range ids {
		r, last := x.pos[id], len(x.ids)-1
		if r != last {
			x.ids[r], x.meta[r] = x.ids[last], x.meta[last]
			copy(x.vecs[r*d:(r+1)*d], x.vecs[last*d:])
			if x.quant {
				copy(x.q8[r*d:(r+1)*d], x.q8[last*d:])
				x.scales[r] = x.scales[last]
			}
			x.pos[x.ids[r]] = r
		}
		delete(x.pos, id)
		x.ids, x.meta, x.vecs = x.ids[:last], x.meta[:last], x.vecs[:last*d]
		if x.quant {
			x.q8, x.scales = x.q8[:last*d], x.scales[:last]
		}
	}
	return nil
}

// minRowsPerWorker keeps small searches on one goroutine.
const minRowsPerWorker = 4096

// Search returns the k items most similar to vector (see Store.Search). A vector of another dimension or
// with NaN values is an error.
func (x *Index) Search(ctx context.Context, vector []float32, k int, opts ...SearchOptions) ([]Result, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	q, o, err := searchArgs(vector, x.dim, k, opts)
	if err != nil || len(x.ids) == 0 {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var best []candidate
	if x.quant {
		r := o.Rescore
		if r == 0 {
			r = max(10*k, 100)
		}
		r = max(r, k)
		q8 := make([]int8, x.dim)
		qs := vec.Quantize(q8, q)
		cands := x.scan(r, &o, func(row int) float32 {
			return qs * x.scales[row] * float32(vec.DotInt8(q8, x.q8[row*x.dim:(row+1)*x.dim]))
		})
		top := newTopK(k, x.ids)
		for _, c := range cands {
			top.push(candidate{score: vec.Dot(q, x.vecs[int(c.row)*x.dim:]), row: c.row})
		}
		best = top.sorted()
	} else {
		best = x.scan(k, &o, func(row int) float32 { return vec.Dot(q, x.vecs[row*x.dim:]) })
	}
	out := make([]Result, len(best))
	for i, c := range best {
		out[i] = Result{ID: x.ids[c.row], Score: c.score, Metadata: copyMeta(x.meta[c.row])}
	}
	return out, nil
}

// scan scores every row accepted by the options and returns the k best, split over GOMAXPROCS goroutines.
func (x *Index) scan(k int, o *SearchOptions, score func(row int) float32) []candidate {
	n := len(x.ids)
	workers := max(1, min(runtime.GOMAXPROCS(0), n/minRowsPerWorker))
	tops := make([]*topK, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*n/workers, (w+1)*n/workers
		tops[w] = newTopK(k, x.ids)
		wg.Add(1)
		go func(t *topK) {
			defer wg.Done()
			filtered := o.filtered()
			for row := lo; row < hi; row++ {
				if filtered && !o.accepts(x.ids[row], x.meta[row]) {
					continue
				}
				s := score(row)
				if t.full() && s < t.h[0].score {
					continue
				}
				t.push(candidate{score: s, row: int32(row)})
			}
		}(tops[w])
	}
	wg.Wait()
	all := tops[0]
	for _, t := range tops[1:] {
		for _, c := range t.h {
			all.push(c)
		}
	}
	return all.sorted()
}
