package tokens

import (
	"fmt"
	"math"
	"strings"
	"sync"

	"github.com/dlclark/regexp2/v2"
)

// This file holds the reference tokenizer that the tests compare the fast one with: tiktoken's split patterns
// run by a regular-expression engine (regexp2's backtracking interpreter, whose semantics are those of the
// fancy-regex crate that tiktoken uses), and tiktoken's byte-pair merge algorithm as written in its Rust code
// (a scan for the lowest rank at each step, over a map of the ranks). It is slow and plainly correct. (One
// difference from tiktoken's engine does not change any ids: regexp2's (?i) does not match ſ, U+017F, as s in
// a contraction, which tiktoken's does; in every vocabulary, ſ never merges with a neighbour.)

// patterns are tiktoken's pre-tokenization patterns (tiktoken_ext/openai_public.py of tiktoken 0.14.0), in
// the syntax of .NET that regexp2 reads: a possessive X++ or X?+ is written as the atomic group (?>X+), and
// $ as \z (.NET's $ also matches before a final line break).
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
	// '(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s
	Cl100kBase: `'(?i:[sdmt]|ll|ve|re)|(?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+)|(?>\p{N}{1,3})| ?(?>[^\s\p{L}\p{N}]+)(?>[\r\n]*)|(?>\s+)\z|\s*[\r\n]|\s+(?!\S)|\s`,
	// '(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s
	P50kBase: `'(?:[sdmt]|ll|ve|re)| ?(?>\p{L}+)| ?(?>\p{N}+)| ?(?>[^\s\p{L}\p{N}]+)|(?>\s+)\z|\s+(?!\S)|\s`,
	R50kBase: `'(?:[sdmt]|ll|ve|re)| ?(?>\p{L}+)| ?(?>\p{N}+)| ?(?>[^\s\p{L}\p{N}]+)|(?>\s+)\z|\s+(?!\S)|\s`,
}

// slowTokenizer is the reference tokenizer of an encoding.
type slowTokenizer struct {
	split *regexp2.Regexp
	ranks map[string]int // ordinary tokens' bytes to ids
}

var slowTokenizers sync.Map // encoding name → *slowTokenizer

func (e *Encoding) slow() *slowTokenizer {
	if s, ok := slowTokenizers.Load(e.name); ok {
		return s.(*slowTokenizer)
	}
	re, err := regexp2.Compile(patterns[e.name], regexp2.None)
	if err != nil {
		panic(fmt.Sprintf("tokens: %s: compiling the pattern: %v", e.name, err))
	}
	s, _ := slowTokenizers.LoadOrStore(e.name, &slowTokenizer{split: re, ranks: e.ranks()})
	return s.(*slowTokenizer)
}

// encodeSlow tokenizes text as Encode does, with the reference tokenizer.
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
		for _, tok := range bytePairMergeScan(piece, s.ranks) {
			ids, raw = append(ids, s.ranks[tok]), append(raw, tok)
		}
	}
	if err != nil {
		panic(fmt.Sprintf("tokens: %s: regexp2: %v", e.name, err))
	}
	return ids, raw
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
