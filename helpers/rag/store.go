package rag

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/golm-dev/golm/helpers/internal/options"
	"github.com/golm-dev/golm/helpers/rag/internal/vec"
)

// Store holds vectors by id, with string metadata, and finds those nearest to a query vector. Index
// (exact) and HNSW (approximate) are Stores kept in memory and saved to one file; a distributed vector
// database can implement the same interface. Scores are cosine similarities: 1 for the same direction.
type Store interface {
	// Add inserts new items; an id already in the store is an error and nothing is added.
	Add(ctx context.Context, items []Item) error
	// Update replaces the vectors and metadata of items already in the store; an unknown id is an error
	// and nothing is changed.
	Update(ctx context.Context, items []Item) error
	// Delete removes items by id; an unknown id is an error and nothing is removed.
	Delete(ctx context.Context, ids []string) error
	// Search returns the k items most similar to vector, best first, among those the options' filters
	// accept.
	Search(ctx context.Context, vector []float32, k int, opts ...SearchOptions) ([]Result, error)
	// Len returns the number of items.
	Len() int
	// Save writes the store to one file, atomically (a failed save leaves the old file as it was).
	Save(ctx context.Context, path string) error
}

// Item is a vector with its id and metadata.
type Item struct {
	// ID identifies the item; it must not be empty.
	ID string
	// Vector is the embedding; stores keep a normalised copy.
	Vector []float32
	// Metadata is free string metadata, returned with results and matched by SearchOptions.Where.
	Metadata map[string]string
}

// Result is one item found by a search.
type Result struct {
	// ID is the item's id.
	ID string
	// Score is the cosine similarity of the item's vector and the query.
	Score float32
	// Metadata is a copy of the item's metadata.
	Metadata map[string]string
}

// SearchOptions are the settings of a search. The zero value searches everything with the store's
// defaults.
type SearchOptions struct {
	// Where keeps only items whose metadata has all these key/value pairs.
	Where map[string]string
	// Filter, when set, keeps only items for which it returns true (after Where). It runs once per item
	// considered, possibly from several goroutines at once, so it must be safe for concurrent use; a slow
	// function slows the search.
	Filter func(id string, metadata map[string]string) bool
	// EfSearch is HNSW's candidate list size for this search (larger is slower and finds more of the true
	// nearest); 0 means the index's Options.EfSearch. Other stores ignore it.
	EfSearch int
	// Rescore is how many candidates a quantized Index re-scores with exact dot products; 0 means
	// max(10k, 100). Other stores ignore it.
	Rescore int
}

// Options are the settings of NewIndex, NewHNSW and Load. The zero value makes an exact float32 index whose
// dimension is set by the first vector added.
type Options struct {
	// Embedder names the model whose vectors the store holds; Load refuses a file made for another one, and
	// NewDense refuses an embedder of another name. Empty means not checked.
	Embedder string
	// Dim is the vectors' dimension; 0 means the dimension of the first vector added. Load refuses a file of
	// another dimension when it is set.
	Dim int
	// Quantize makes an Index also keep int8 copies of its vectors, scan those (four times less memory
	// traffic) and re-score the best candidates exactly.
	Quantize bool
	// M is HNSW's number of links per node and layer (twice that on the bottom layer); 0 means 16.
	M int
	// EfConstruction is HNSW's candidate list size while inserting; 0 means 200.
	EfConstruction int
	// EfSearch is HNSW's default candidate list size while searching; 0 means 64.
	EfSearch int
	// Seed seeds HNSW's random layer assignment: with one worker, the same items added in the same order
	// give the same graph.
	Seed uint64
	// Workers is how many goroutines insert into an HNSW at once; 0 or 1 means one, in order
	// (deterministic). More build faster on several cores, but the graph then depends on scheduling.
	Workers int
}

// Errors that stores wrap, for errors.Is.
var (
	// ErrDimension is a vector of the wrong dimension.
	ErrDimension = errors.New("vector of the wrong dimension")
	// ErrBadVector is a vector with NaN or infinite values, or of length zero.
	ErrBadVector = errors.New("vector with NaN, infinite or only zero values")
	// ErrEmbedder is a store and an embedder of different models.
	ErrEmbedder = errors.New("vectors of another embedder")
	// ErrNotFound is an id that is not in the store.
	ErrNotFound = errors.New("no item with this id")
	// ErrDuplicate is an id that is already in the store, or twice in one call.
	ErrDuplicate = errors.New("id already present")
)

// prepare checks items for Add (mustExist false) or Update (true) against a store of dimension dim (0: not
// yet set) and returns their normalised vectors and the dimension. Nothing is changed on error.
func prepare(items []Item, dim int, has func(string) bool, mustExist bool) ([][]float32, int, error) {
	seen := make(map[string]bool, len(items))
	out := make([][]float32, len(items))
	for i, it := range items {
		switch {
		case it.ID == "":
			return nil, 0, fmt.Errorf("rag: item %d has an empty id", i)
		case seen[it.ID]:
			return nil, 0, fmt.Errorf("rag: item %d: %q: %w (twice in this call)", i, it.ID, ErrDuplicate)
		case mustExist && !has(it.ID):
			return nil, 0, fmt.Errorf("rag: item %d: %q: %w", i, it.ID, ErrNotFound)
		case !mustExist && has(it.ID):
			return nil, 0, fmt.Errorf("rag: item %d: %q: %w (use Update to replace it)", i, it.ID, ErrDuplicate)
		}
		seen[it.ID] = true
		if dim == 0 {
			dim = len(it.Vector)
		}
		v, err := normalized(it.Vector, dim)
		if err != nil {
			return nil, 0, fmt.Errorf("rag: item %d (%q): %w", i, it.ID, err)
		}
		out[i] = v
	}
	return out, dim, nil
}

// normalized checks a vector and returns a unit-length copy.
func normalized(v []float32, dim int) ([]float32, error) {
	if len(v) != dim || dim == 0 {
		return nil, fmt.Errorf("%w: %d, the store's is %d", ErrDimension, len(v), dim)
	}
	out, ok := vec.Unit(v)
	if !ok {
		return nil, ErrBadVector
	}
	return out, nil
}

// checkDelete checks that every id exists, once.
func checkDelete(ids []string, has func(string) bool) error {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !has(id) {
			return fmt.Errorf("rag: delete %q: %w", id, ErrNotFound)
		}
		if seen[id] {
			return fmt.Errorf("rag: delete %q: twice in one call", id)
		}
		seen[id] = true
	}
	return nil
}

// searchArgs checks a search's arguments and returns the normalised query and the options.
func searchArgs(vector []float32, dim, k int, opts []SearchOptions) ([]float32, SearchOptions, error) {
	o, err := options.One("rag: Search", opts)
	if err != nil {
		return nil, o, err
	}
	if k < 1 {
		return nil, o, fmt.Errorf("rag: Search needs k ≥ 1, got %d", k)
	}
	if dim == 0 { // an empty store: any query is fine, nothing is found
		if len(vector) == 0 || !vec.Finite(vector) {
			return nil, o, fmt.Errorf("rag: query: %w", ErrBadVector)
		}
		return nil, o, nil
	}
	q, err := normalized(vector, dim)
	if err != nil {
		return nil, o, fmt.Errorf("rag: query: %w", err)
	}
	return q, o, nil
}

// accepts reports whether an item passes the options' filters.
func (o *SearchOptions) accepts(id string, meta map[string]string) bool {
	for k, v := range o.Where {
		if got, ok := meta[k]; !ok || got != v {
			return false
		}
	}
	return o.Filter == nil || o.Filter(id, meta)
}

func (o *SearchOptions) filtered() bool { return len(o.Where) > 0 || o.Filter != nil }

// candidate is a row and its score.
type candidate struct {
	score float32
	row   int32
}

// topK keeps the k best candidates in a min-heap (the worst at the root).
type topK struct {
	k    int
	h    []candidate
	less func(a, b candidate) bool // a is worse than b
}

func newTopK(k int, ids []string) *topK {
	return &topK{k: k, h: make([]candidate, 0, k), less: func(a, b candidate) bool {
		if a.score != b.score {
			return a.score < b.score
		}
		return ids[a.row] > ids[b.row] // on equal scores the smaller id wins
	}}
}

// worst returns the score a candidate must beat, or -Inf while the heap is not full.
func (t *topK) full() bool { return len(t.h) == t.k }

func (t *topK) push(c candidate) {
	if len(t.h) < t.k {
		t.h = append(t.h, c)
		for i := len(t.h) - 1; i > 0; {
			p := (i - 1) / 2
			if !t.less(t.h[i], t.h[p]) {
				break
			}
			t.h[i], t.h[p] = t.h[p], t.h[i]
			i = p
		}
		return
	}
	if !t.less(t.h[0], c) {
		return
	}
	t.h[0] = c
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(t.h) && t.less(t.h[l], t.h[m]) {
			m = l
		}
		if r < len(t.h) && t.less(t.h[r], t.h[m]) {
			m = r
		}
		if m == i {
			break
		}
		t.h[i], t.h[m] = t.h[m], t.h[i]
		i = m
	}
}

// sorted returns the candidates best first.
func (t *topK) sorted() []candidate {
	out := append([]candidate(nil), t.h...)
	sort.Slice(out, func(i, j int) bool { return t.less(out[j], out[i]) })
	return out
}

// copyMeta returns a copy of a metadata map (nil for none).
func copyMeta(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// checkEmbedder compares a store's embedder name with another.
func checkEmbedder(store, other, what string) error {
	if store != "" && other != "" && store != other {
		return fmt.Errorf("rag: %s holds vectors of %q, not %q: %w", what, store, other, ErrEmbedder)
	}
	return nil
}

// sortedKeys returns a map's keys in order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
