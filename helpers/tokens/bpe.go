package tokens

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/dlclark/regexp2/v2"
)

// This file holds a second, slower tokenizer used only for text that contains U+007F DELETE, which
// github.com/tiktoken-go/tokenizer v0.10.0 silently drops: the character classes of its generated regular
// expressions leave 0x7F out (their ASCII bitmaps stop at 0x7E), so no alternative matches it and it is
// skipped. This one splits text with tiktoken's patterns run by regexp2's interpreter (regexp2.Compile never
// uses the generated code) and merges each piece with tiktoken's byte-pair algorithm. The golden tests run it
// on every case too.

// patterns are tiktoken's pre-tokenization patterns (tiktoken_ext/openai_public.py).
var patterns = map[string]string{
	O200kBase: strings.Join([]string{
		`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?`,
		`[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?`,
		`\p{N}{1,3}`,
		` ?[^\s\p{L}\p{N}]+[\r\n/]*`,
		`\s*[\r\n]+`,
		`\s+(?!\S)`,
		`\s+`,
	}, "|"),
	Cl100kBase: `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
	P50kBase:   `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`,
	R50kBase:   `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`,
}

// slowTokenizer is the state of the second tokenizer of an encoding, made on first use.
type slowTokenizer struct {
	split *regexp2.Regexp
	ranks map[string]int // ordinary tokens' bytes to ids
}

func (e *Encoding) slow() *slowTokenizer {
	e.slowOnce.Do(func() {
		re, err := regexp2.Compile(patterns[e.name], regexp2.None)
		if err != nil {
			panic(fmt.Sprintf("tokens: %s: compiling the pattern: %v", e.name, err))
		}
		e.slowTok = &slowTokenizer{split: re, ranks: e.ranks()}
	})
	return e.slowTok
}

// ranks returns a new map of every ordinary token's bytes to its id.
func (e *Encoding) ranks() map[string]int {
	table := e.tokenTable()
	ranks := make(map[string]int, len(table))
	for id, b := range table {
		if b != "" && !e.isSpecial(id) {
			ranks[b] = id
		}
	}
	return ranks
}

// encodeSlow tokenizes text as Encode does, with the second tokenizer.
func (e *Encoding) encodeSlow(text string) (ids []int, raw []string) {
	s := e.slow()
	text = replaceInvalid(text)
	m, err := s.split.FindStringMatch(text)
	for ; m != nil && err == nil; m, err = s.split.FindNextMatch(m) {
		piece := m.String()
		if id, ok := s.ranks[piece]; ok {
			ids, raw = append(ids, id), append(raw, piece)
			continue
		}
		for _, tok := range bytePairMerge(piece, s.ranks) {
			ids, raw = append(ids, s.ranks[tok]), append(raw, tok)
		}
	}
	if err != nil {
		panic(internalError(e.name, err))
	}
	return ids, raw
}

// bytePairMerge splits piece into tokens as tiktoken's byte_pair_merge does: starting from single bytes, it
// merges the adjacent pair whose joined bytes have the lowest rank (the leftmost one on ties), until no
// adjacent pair is a token. Long pieces use a heap, which gives the same result faster.
func bytePairMerge(piece string, ranks map[string]int) []string {
	if len(piece) >= 64 {
		return bytePairMergeHeap(piece, ranks)
	}
	return bytePairMergeScan(piece, ranks)
}

// bytePairMergeScan finds each merge with a linear scan, as tiktoken does: O(n²) for a piece of n bytes.
func bytePairMergeScan(piece string, ranks map[string]int) []string {
	type part struct{ start, rank int }
	rankOf := func(parts []part, i int) int {
		// The rank of parts i and i+1 joined; parts[i+2] marks where i+1 ends.
		if i+2 < len(parts) {
			if r, ok := ranks[piece[parts[i].start:parts[i+2].start]]; ok {
				return r
			}
		}
		return math.MaxInt
	}
	parts := make([]part, len(piece)+1)
	for i := range parts {
		parts[i] = part{i, math.MaxInt}
	}
	for i := range len(parts) - 2 {
		parts[i].rank = rankOf(parts, i)
	}
	for len(parts) > 2 {
		best := 0
		for i := range len(parts) - 1 {
			if parts[i].rank < parts[best].rank {
				best = i
			}
		}
		if parts[best].rank == math.MaxInt {
			break
		}
		parts = append(parts[:best+1], parts[best+2:]...)
		parts[best].rank = rankOf(parts, best)
		if best > 0 {
			parts[best-1].rank = rankOf(parts, best-1)
		}
	}
	tokens := make([]string, len(parts)-1)
	for i := range tokens {
		tokens[i] = piece[parts[i].start:parts[i+1].start]
	}
	return tokens
}

// bytePairMergeHeap gives the result of bytePairMergeScan in O(n log n): the parts are a linked list of byte
// offsets, and a min-heap of (rank, offset) holds the candidate merges, ordered so that among equal ranks the
// leftmost comes first. An entry whose rank no longer matches its part's is stale and skipped: a part's rank
// only changes when the part grows, and a longer token has another rank.
func bytePairMergeHeap(piece string, ranks map[string]int) []string {
	n := len(piece)
	next := make([]int, n+1) // next[i]: the offset where the part starting at i ends; n+1 past the end
	prev := make([]int, n+1)
	rank := make([]int, n+1) // rank[i]: the rank of the part at i merged with the one after it
	for i := range next {
		next[i], prev[i], rank[i] = i+1, i-1, math.MaxInt
	}
	rankAt := func(i int) int {
		if j := next[i]; j < n {
			if r, ok := ranks[piece[i:next[j]]]; ok {
				return r
			}
		}
		return math.MaxInt
	}
	h := make(mergeHeap, 0, n)
	for i := 0; i < n-1; i++ {
		if rank[i] = rankAt(i); rank[i] != math.MaxInt {
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
		rank[j] = math.MaxInt
		next[i] = next[j]
		if next[i] <= n {
			prev[next[i]] = i
		}
		for _, b := range [2]int{i, prev[i]} {
			if b < 0 {
				continue
			}
			if rank[b] = rankAt(b); rank[b] != math.MaxInt {
				h.push(candidate{rank[b], b})
			}
		}
	}
	var tokens []string
	for i := 0; i < n; i = next[i] {
		tokens = append(tokens, piece[i:next[i]])
	}
	return tokens
}

type candidate struct{ rank, offset int }

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

// replaceInvalid replaces each maximal invalid UTF-8 subsequence of s (a byte that cannot start a character,
// or the longest start of a character that is cut short) with one U+FFFD, as the WHATWG UTF-8 decoder and
// Python's bytes.decode(errors="replace") do.
func replaceInvalid(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var sb strings.Builder
	sb.Grow(len(s) + 8)
	for len(s) > 0 {
		r, n := utf8.DecodeRuneInString(s)
		if r == utf8.RuneError && n == 1 {
			sb.WriteRune(utf8.RuneError)
			n = maximalSubpart(s)
		} else {
			sb.WriteString(s[:n])
		}
		s = s[n:]
	}
	return sb.String()
}

// maximalSubpart returns the length of the invalid sequence at the start of s: the lead byte and those
// continuation bytes that could still have completed a character (Unicode table 3-7).
func maximalSubpart(s string) int {
	need, lo, hi := 0, byte(0x80), byte(0xBF)
	switch c := s[0]; {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c == 0xED:
		need, hi = 2, 0x9F
	case c >= 0xE1 && c <= 0xEF:
		need = 2
	case c == 0xF0:
		need, lo = 3, 0x90
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	case c == 0xF4:
		need, hi = 3, 0x8F
	default:
		return 1
	}
	i := 1
	for ; i <= need && i < len(s); i++ {
		c := s[i]
		if i == 1 && (c < lo || c > hi) || i > 1 && (c < 0x80 || c > 0xBF) {
			break
		}
	}
	return i
}
