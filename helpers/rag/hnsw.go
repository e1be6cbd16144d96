package rag

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/golm-dev/golm/helpers/internal/options"
	"github.com/golm-dev/golm/helpers/rag/internal/vec"
)

// HNSW is an approximate vector store for large collections: a hierarchical navigable small-world graph
// (Malkov and Yashunin, 2016). A search walks the graph from a fixed entry point instead of comparing the
// query with every vector; SearchOptions.EfSearch (or Options.EfSearch) trades speed for recall. Items
// are inserted one by one in the order given, with levels drawn from a generator seeded by Options.Seed,
// so the same items in the same order give the same graph. Deleted items stay in the graph as waypoints and
// are never returned; Update deletes and inserts again. Safe for concurrent use (searches run in parallel,
// changes one at a time).
type HNSW struct {
	mu       sync.RWMutex
	name     string
	dim      int
	m, m0    int
	efC, efS int
	seed     uint64
	ml       float64
	rng      *rand.Rand

	ids     []string
	pos     map[string]int // live items only
	vecs    []float32
	meta    []map[string]string
	deleted []bool
	nDel    int
	l0      []uint32     // node i's bottom-layer links: l0[i*(m0+1)] is their count, then the links
	upper   [][][]uint32 // upper[i][l-1]: node i's links on layer l ≥ 1 (nil for level-0 nodes)
	entry   int          // -1 when empty
	top     int          // the entry point's level

	visited sync.Pool // *visitSet

	workers int          // goroutines inserting in parallel (Options.Workers)
	par     bool         // set while several goroutines insert: links are read and written under locks
	locks   []sync.Mutex // node i's links are guarded by locks[i%len(locks)] while par
	entryMu sync.Mutex   // guards entry and top while par
}

type visitSet struct {
	gen  uint32
	mark []uint32
}

// NewHNSW returns an empty HNSW index (see Options: Embedder, Dim, M, EfConstruction, EfSearch, Seed).
func NewHNSW(opts ...Options) (*HNSW, error) {
	o, err := options.One("rag: NewHNSW", opts)
	if err != nil {
		return nil, err
	}
	if o.M == 0 {
		o.M = 16
	}
	if o.EfConstruction == 0 {
		o.EfConstruction = 200
	}
	if o.EfSearch == 0 {
		o.EfSearch = 64
	}
	if o.M < 2 || o.M > 255 || o.EfConstruction < 1 || o.EfSearch < 1 || o.Dim < 0 {
		return nil, fmt.Errorf("rag: NewHNSW needs 2 ≤ M ≤ 255, EfConstruction ≥ 1, EfSearch ≥ 1, Dim ≥ 0; "+
			"got M %d, EfConstruction %d, EfSearch %d, Dim %d", o.M, o.EfConstruction, o.EfSearch, o.Dim)
	}
	h := &HNSW{name: o.Embedder, dim: o.Dim, m: o.M, m0: 2 * o.M, efC: o.EfConstruction, efS: o.EfSearch,
		seed: o.Seed, ml: 1 / math.Log(float64(o.M)), rng: rand.New(rand.NewPCG(o.Seed, 0x676f6c6d)),
		pos: map[string]int{}, entry: -1, workers: max(1, o.Workers)}
	if h.workers > 1 {
		h.locks = make([]sync.Mutex, 4096)
	}
	return h, nil
}

// Embedder returns the name of the embedder the index was made for ("" when not set).
func (h *HNSW) Embedder() string { return h.name }

// Dim returns the vectors' dimension (0 while the index is empty and was made without Options.Dim).
func (h *HNSW) Dim() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.dim
}

// Len returns the number of items (deleted ones not counted).
func (h *HNSW) Len() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.pos)
}

func (h *HNSW) has(id string) bool { _, ok := h.pos[id]; return ok }

func (h *HNSW) vector(i int) []float32 { return h.vecs[i*h.dim : (i+1)*h.dim] }

// links returns node i's links on layer l.
func (h *HNSW) links(i, l int) []uint32 {
	if l == 0 {
		b := i * (h.m0 + 1)
		return h.l0[b+1 : b+1+int(h.l0[b])]
	}
	return h.upper[i][l-1]
}

func (h *HNSW) setLinks(i, l int, ns []uint32) {
	if l == 0 {
		b := i * (h.m0 + 1)
		h.l0[b] = uint32(copy(h.l0[b+1:b+1+h.m0], ns))
		return
	}
	h.upper[i][l-1] = append(h.upper[i][l-1][:0], ns...)
}

// Add inserts new items (see Store.Add); nothing is added when an item is invalid. Items are inserted one
// by one in order, or by Options.Workers goroutines at once. When ctx is cancelled, insertion stops and
// the items inserted until then stay (the error says how many).
func (h *HNSW) Add(ctx context.Context, items []Item) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	vs, dim, err := prepare(items, h.dim, h.has, false)
	if err != nil {
		return err
	}
	h.dim = dim
	first := len(h.ids)
	h.ids = slices.Grow(h.ids, len(items))
	h.vecs = slices.Grow(h.vecs, len(items)*dim)
	h.l0 = slices.Grow(h.l0, len(items)*(h.m0+1))
	levels := make([]int, len(items))
	for i, it := range items {
		_, levels[i] = h.alloc(it.ID, vs[i], copyMeta(it.Metadata))
	}
	workers := min(h.workers, len(items)/64+1)
	// Every claimed item is connected, so the items connected are always a prefix: [0, next).
	var next atomic.Int64
	var stop atomic.Bool
	work := func() {
		for !stop.Load() {
			if ctx.Err() != nil {
				stop.Store(true)
				return
			}
			i := int(next.Add(1)) - 1
			if i >= len(items) {
				return
			}
			h.connect(first+i, levels[i])
		}
	}
	if workers <= 1 {
		work()
	} else {
		h.par = true
		var wg sync.WaitGroup
		for range workers {
			wg.Add(1)
			go func() { defer wg.Done(); work() }()
		}
		wg.Wait()
		h.par = false
	}
	if done := min(int(next.Load()), len(items)); done < len(items) {
		h.truncate(first + done)
		return fmt.Errorf("rag: HNSW.Add stopped after %d of %d items: %w", done, len(items), ctx.Err())
	}
	return nil
}

// Update replaces existing items: each is deleted and inserted again (see Store.Update).
func (h *HNSW) Update(ctx context.Context, items []Item) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	vs, _, err := prepare(items, h.dim, h.has, true)
	if err != nil {
		return err
	}
	for i, it := range items {
		h.remove(it.ID)
		h.insert(it.ID, vs[i], copyMeta(it.Metadata))
	}
	return nil
}

// Delete removes items by id (see Store.Delete); their nodes stay in the graph as waypoints.
func (h *HNSW) Delete(ctx context.Context, ids []string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := checkDelete(ids, h.has); err != nil {
		return err
	}
	for _, id := range ids {
		h.remove(id)
	}
	return nil
}

func (h *HNSW) remove(id string) {
	i := h.pos[id]
	delete(h.pos, id)
	h.deleted[i] = true
	h.meta[i] = nil
	h.nDel++
}

// alloc appends a node for an item, with its level drawn from the generator, not yet linked.
func (h *HNSW) alloc(id string, v []float32, meta map[string]string) (node, level int) {
	node = len(h.ids)
	level = min(int(-math.Log(1-h.rng.Float64())*h.ml), 32)
	h.ids = append(h.ids, id)
	h.pos[id] = node
	h.vecs = append(h.vecs, v...)
	h.meta = append(h.meta, meta)
	h.deleted = append(h.deleted, false)
	h.l0 = append(h.l0, make([]uint32, h.m0+1)...)
	var up [][]uint32
	if level > 0 {
		up = make([][]uint32, level)
	}
	h.upper = append(h.upper, up)
	return node, level
}

// truncate drops the nodes from n on, which must not be linked yet.
func (h *HNSW) truncate(n int) {
	for _, id := range h.ids[n:] {
		delete(h.pos, id)
	}
	h.ids, h.vecs, h.meta, h.deleted = h.ids[:n], h.vecs[:n*h.dim], h.meta[:n], h.deleted[:n]
	h.l0, h.upper = h.l0[:n*(h.m0+1)], h.upper[:n]
}

// insert adds a node with a unit vector and links it.
func (h *HNSW) insert(id string, v []float32, meta map[string]string) {
	h.connect(h.alloc(id, v, meta))
}

// lock and unlock guard node i's links while several goroutines insert (Options.Workers > 1).
func (h *HNSW) lock(i int) {
	if h.par {
		h.locks[i%len(h.locks)].Lock()
	}
}

func (h *HNSW) unlock(i int) {
	if h.par {
		h.locks[i%len(h.locks)].Unlock()
	}
}

// readLinks returns node i's links on layer l: the links themselves, or a copy in buf while several
// goroutines insert.
func (h *HNSW) readLinks(i, l int, buf []uint32) []uint32 {
	if !h.par {
		return h.links(i, l)
	}
	h.lock(i)
	buf = append(buf[:0], h.links(i, l)...)
	h.unlock(i)
	return buf
}

// connect links an allocated node into the graph.
func (h *HNSW) connect(n, level int) {
	v := h.vector(n)
	h.entryMu.Lock()
	ep, top := h.entry, h.top
	if ep < 0 {
		h.entry, h.top = n, level
		h.entryMu.Unlock()
		return
	}
	h.entryMu.Unlock()
	var buf []uint32
	for l := top; l > level; l-- {
		ep = h.greedy(v, ep, l, &buf)
	}
	for l := min(level, top); l >= 0; l-- {
		cands := h.searchLayer(v, ep, h.efC, l, nil)
		ns := h.selectNeighbors(cands, h.m)
		h.lock(n)
		h.setLinks(n, l, ns)
		h.unlock(n)
		mmax := h.m
		if l == 0 {
			mmax = h.m0
		}
		for _, nb := range ns {
			h.link(int(nb), n, l, mmax)
		}
		ep = int(cands[0].row)
	}
	if level > top {
		h.entryMu.Lock()
		if level > h.top {
			h.entry, h.top = n, level
		}
		h.entryMu.Unlock()
	}
}

// link adds a link from node a to node b on layer l, pruning a's links with the heuristic when they exceed
// mmax.
func (h *HNSW) link(a, b, l, mmax int) {
	h.lock(a)
	defer h.unlock(a)
	cur := h.links(a, l)
	if len(cur) < mmax {
		h.setLinks(a, l, append(cur[:len(cur):len(cur)], uint32(b)))
		return
	}
	va := h.vector(a)
	cands := make([]candidate, 0, len(cur)+1)
	for _, c := range append(cur[:len(cur):len(cur)], uint32(b)) {
		cands = append(cands, candidate{score: vec.Dot(va, h.vector(int(c))), row: int32(c)})
	}
	sortCandidates(cands)
	h.setLinks(a, l, h.selectNeighbors(cands, mmax))
}

// selectNeighbors picks up to m of the candidates (sorted best first) with HNSW's heuristic: a candidate is
// kept when it is closer to the query than to every candidate kept so far, which spreads links over
// directions.
func (h *HNSW) selectNeighbors(cands []candidate, m int) []uint32 {
	out := make([]uint32, 0, m)
	for _, c := range cands {
		if len(out) == m {
			break
		}
		vc := h.vector(int(c.row))
		good := true
		for _, s := range out {
			if vec.Dot(vc, h.vector(int(s))) > c.score {
				good = false
				break
			}
		}
		if good {
			out = append(out, uint32(c.row))
		}
	}
	return out
}

// greedy walks layer l from ep to the node closest to q.
func (h *HNSW) greedy(q []float32, ep, l int, buf *[]uint32) int {
	best := vec.Dot(q, h.vector(ep))
	for changed := true; changed; {
		changed = false
		*buf = h.readLinks(ep, l, *buf)
		for _, nb := range *buf {
			if s := vec.Dot(q, h.vector(int(nb))); s > best {
				best, ep, changed = s, int(nb), true
			}
		}
	}
	return ep
}

// searchLayer returns up to ef nodes of layer l closest to q that accept allows (all when nil), best
// first, starting from ep. Nodes that accept refuses are still walked through.
func (h *HNSW) searchLayer(q []float32, ep, ef, l int, accept func(int) bool) []candidate {
	vs, _ := h.visited.Get().(*visitSet)
	if vs == nil {
		vs = &visitSet{}
	}
	defer h.visited.Put(vs)
	if len(vs.mark) < len(h.ids) {
		vs.mark = make([]uint32, len(h.ids)+len(h.ids)/4)
		vs.gen = 0
	}
	vs.gen++
	if vs.gen == 0 {
		clear(vs.mark)
		vs.gen = 1
	}
	gen := vs.gen

	// cands is a max-heap (best first) of nodes to expand; results a min-heap of the best accepted.
	var cands maxHeap
	results := &topK{k: ef, less: func(a, b candidate) bool { return a.score < b.score || a.score == b.score && a.row > b.row }}
	s := vec.Dot(q, h.vector(ep))
	vs.mark[ep] = gen
	cands.push(candidate{s, int32(ep)})
	if accept == nil || accept(ep) {
		results.push(candidate{s, int32(ep)})
	}
	var buf []uint32
	for len(cands) > 0 {
		c := cands.pop()
		if results.full() && c.score < results.h[0].score {
			break
		}
		buf = h.readLinks(int(c.row), l, buf)
		for _, nb := range buf {
			if vs.mark[nb] == gen {
				continue
			}
			vs.mark[nb] = gen
			s := vec.Dot(q, h.vector(int(nb)))
			if results.full() && s <= results.h[0].score {
				continue
			}
			cands.push(candidate{s, int32(nb)})
			if accept == nil || accept(int(nb)) {
				results.push(candidate{s, int32(nb)})
			}
		}
	}
	return results.sorted()
}

// Search returns the k items most similar to vector, approximately (see Store.Search and
// SearchOptions.EfSearch). With filters, nodes that do not match are walked through but not returned.
func (h *HNSW) Search(ctx context.Context, vector []float32, k int, opts ...SearchOptions) ([]Result, error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	q, o, err := searchArgs(vector, h.dim, k, opts)
	if err != nil || len(h.pos) == 0 {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	ef := o.EfSearch
	if ef == 0 {
		ef = h.efS
	}
	ef = max(ef, k)
	ep := h.entry
	var buf []uint32
	for l := h.top; l > 0; l-- {
		ep = h.greedy(q, ep, l, &buf)
	}
	accept := func(i int) bool { return !h.deleted[i] && o.accepts(h.ids[i], h.meta[i]) }
	if !o.filtered() && h.nDel == 0 {
		accept = nil
	}
	cands := h.searchLayer(q, ep, ef, 0, accept)
	out := make([]Result, 0, k)
	for _, c := range cands[:min(k, len(cands))] {
		out = append(out, Result{ID: h.ids[c.row], Score: c.score, Metadata: copyMeta(h.meta[c.row])})
	}
	return out, nil
}

// maxHeap is a max-heap of candidates by score.
type maxHeap []candidate

func (m *maxHeap) push(c candidate) {
	*m = append(*m, c)
	h := *m
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if h[p].score >= h[i].score {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (m *maxHeap) pop() candidate {
	h := *m
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		l, r, b := 2*i+1, 2*i+2, i
		if l < len(h) && h[l].score > h[b].score {
			b = l
		}
		if r < len(h) && h[r].score > h[b].score {
			b = r
		}
		if b == i {
			break
		}
		h[i], h[b] = h[b], h[i]
		i = b
	}
	*m = h
	return top
}

// sortCandidates sorts candidates best first (insertion sort: the lists are short).
func sortCandidates(c []candidate) {
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && (c[j].score > c[j-1].score || c[j].score == c[j-1].score && c[j].row < c[j-1].row); j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
}
