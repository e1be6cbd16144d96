package tokens

// This file merges a piece that is not itself a token into tokens, as tiktoken's byte_pair_merge does:
// starting from single bytes, it merges the adjacent pair whose joined bytes have the lowest rank (the leftmost
// one on ties), until no adjacent pair is a token.

// part is a token of a piece being merged: where it starts, and the rank of it joined with the next part.
type part struct {
	start int
	rank  uint32
}

// heapMin is the piece length from which merging uses a heap, O(n log n), rather than tiktoken's scan for
// the lowest rank at each step, O(n²) but faster on short pieces.
const heapMin = 48

// merge appends the ids of the tokens of piece to ids. scratch is reused between calls.
func (v *vocab) merge(piece string, ids []int, scratch *mergeScratch) []int {
	if len(piece) >= heapMin {
		return v.mergeHeap(piece, ids, scratch)
	}
	parts := scratch.parts[:0]
	minRank, minAt := noRank, 0
	for i := range len(piece) - 1 {
		r := v.rank(piece[i : i+2])
		if r < minRank {
			minRank, minAt = r, i
		}
		parts = append(parts, part{i, r})
	}
	parts = append(parts, part{len(piece) - 1, noRank}, part{len(piece), noRank})
	for minRank != noRank {
		i := minAt
		if i > 0 {
			parts[i-1].rank = v.rankJoin(piece, parts, i-1)
		}
		parts[i].rank = v.rankJoin(piece, parts, i)
		parts = append(parts[:i+1], parts[i+2:]...)
		minRank = noRank
		for j, p := range parts[:len(parts)-1] {
			if p.rank < minRank {
				minRank, minAt = p.rank, j
			}
		}
	}
	for i := range len(parts) - 1 {
		ids = append(ids, int(v.rank(piece[parts[i].start:parts[i+1].start])))
	}
	scratch.parts = parts
	return ids
}

// rankJoin is the rank of part i, once merged with part i+1, joined with part i+2: the bytes from parts[i] to
// parts[i+3], before parts[i+1] is removed.
func (v *vocab) rankJoin(piece string, parts []part, i int) uint32 {
	if i+3 < len(parts) {
		return v.rank(piece[parts[i].start:parts[i+3].start])
	}
	return noRank
}

// mergeScratch holds buffers for merging, reused between pieces.
type mergeScratch struct {
	parts []part
	next  []int
	prev  []int
	ranks []uint32
	heap  mergeHeap
}

// mergeHeap gives the result of the scan in O(n log n): the parts are a linked list of byte offsets, and a
// min-heap of (rank, offset) holds the candidate merges, ordered so that among equal ranks the leftmost comes
// first. An entry whose rank no longer matches its part's is stale and skipped: a part's rank only changes
// when the part grows, and a longer token has another rank.
func (v *vocab) mergeHeap(piece string, ids []int, sc *mergeScratch) []int {
	n := len(piece)
	next := grow(sc.next, n+1) // next[i]: the offset where the part starting at i ends
	prev := grow(sc.prev, n+1)
	rank := grow(sc.ranks, n+1) // rank[i]: the rank of the part at i merged with the one after it
	for i := range next {
		next[i], prev[i], rank[i] = i+1, i-1, noRank
	}
	rankAt := func(i int) uint32 {
		if j := next[i]; j < n {
			return v.rank(piece[i:next[j]])
		}
		return noRank
	}
	h := sc.heap[:0]
	for i := 0; i < n-1; i++ {
		if rank[i] = rankAt(i); rank[i] != noRank {
			h = append(h, candidate{rank[i], i})
		}
	}
	h.init()
	for len(h) > 0 {
		c := h.pop()
		i := c.offset
		if rank[i] != c.rank {
			continue // stale
		}
		j := next[i] // merge the part at j into the one at i
		rank[j] = noRank
		next[i] = next[j]
		if next[i] <= n {
			prev[next[i]] = i
		}
		if rank[i] = rankAt(i); rank[i] != noRank {
			h.push(candidate{rank[i], i})
		}
		if b := prev[i]; b >= 0 {
			if rank[b] = rankAt(b); rank[b] != noRank {
				h.push(candidate{rank[b], b})
			}
		}
	}
	for i := 0; i < n; i = next[i] {
		ids = append(ids, int(v.rank(piece[i:next[i]])))
	}
	sc.next, sc.prev, sc.ranks, sc.heap = next, prev, rank, h
	return ids
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

type candidate struct {
	rank   uint32
	offset int
}

// mergeHeap is a binary min-heap of candidates by rank, then offset.
type mergeHeap []candidate

func (h mergeHeap) less(a, b int) bool {
	if h[a].rank != h[b].rank {
		return h[a].rank < h[b].rank
	}
	return h[a].offset < h[b].offset
}

func (h mergeHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *mergeHeap) push(c candidate) {
	*h = append(*h, c)
	for i := len(*h) - 1; i > 0; {
		parent := (i - 1) / 2
		if !h.less(i, parent) {
			break
		}
		(*h)[i], (*h)[parent] = (*h)[parent], (*h)[i]
		i = parent
	}
}

func (h *mergeHeap) pop() candidate {
	old := *h
	top := old[0]
	old[0] = old[len(old)-1]
	*h = old[:len(old)-1]
	h.down(0)
	return top
}

func (h mergeHeap) down(i int) {
	for {
		child := 2*i + 1
		if child >= len(h) {
			return
		}
		if right := child + 1; right < len(h) && h.less(right, child) {
			child = right
		}
		if !h.less(child, i) {
			return
		}
		h[i], h[child] = h[child], h[i]
		i = child
	}
}
