package tokens

import (
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
)

// Encode returns the token ids of text, exactly as OpenAI's tiktoken does (encode_ordinary). Text that looks
// like a special token, such as "<|endoftext|>", is encoded as ordinary text. Invalid UTF-8 is read as
// U+FFFD replacement characters (see the package documentation). A large text is encoded on all cores, in
// pieces cut where the pre-tokenizer is sure to cut, so the ids are those of encoding it in one go.
func (e *Encoding) Encode(text string) []int {
	text = replaceInvalid(text)
	if chunks := e.chunks(text); len(chunks) > 1 {
		parts := make([][]int, len(chunks))
		e.parallel(len(chunks), func(i int, st *encodeState) {
			parts[i] = e.encode(chunks[i], make([]int, 0, len(chunks[i])/3+4), st)
		})
		n := 0
		for _, p := range parts {
			n += len(p)
		}
		ids := make([]int, 0, n)
		for _, p := range parts {
			ids = append(ids, p...)
		}
		return ids
	}
	st := e.states.Get().(*encodeState)
	defer e.states.Put(st)
	return e.encode(text, make([]int, 0, len(text)/3+4), st)
}

// Count returns the number of tokens in text: len(e.Encode(text)), without building the slice. A large text
// is counted on all cores.
func (e *Encoding) Count(text string) int {
	text = replaceInvalid(text)
	if chunks := e.chunks(text); len(chunks) > 1 {
		counts := make([]int, len(chunks))
		e.parallel(len(chunks), func(i int, st *encodeState) { counts[i] = e.count(chunks[i], st) })
		n := 0
		for _, c := range counts {
			n += c
		}
		return n
	}
	st := e.states.Get().(*encodeState)
	defer e.states.Put(st)
	return e.count(text, st)
}

// EncodeBatch returns the token ids of each text, as Encode would, encoding the texts on all cores (tiktoken's
// encode_ordinary_batch).
func (e *Encoding) EncodeBatch(texts []string) [][]int {
	out := make([][]int, len(texts))
	e.batch(texts, func(i int, text string, st *encodeState) {
		out[i] = e.encode(text, make([]int, 0, len(text)/3+4), st)
	}, func(i int, text string) { out[i] = e.Encode(text) })
	return out
}

// CountBatch returns the number of tokens of each text, as Count would, counting the texts on all cores.
func (e *Encoding) CountBatch(texts []string) []int {
	out := make([]int, len(texts))
	e.batch(texts, func(i int, text string, st *encodeState) { out[i] = e.count(text, st) },
		func(i int, text string) { out[i] = e.Count(text) })
	return out
}

// batch calls small for each text (valid UTF-8 by then) on all cores, and large one by one for the texts
// that Encode and Count share among cores themselves.
func (e *Encoding) batch(texts []string, small func(int, string, *encodeState), large func(int, string)) {
	var idx []int
	for i, t := range texts {
		if len(t) >= 2*parallelMin {
			large(i, t)
		} else {
			idx = append(idx, i)
		}
	}
	e.parallel(len(idx), func(k int, st *encodeState) {
		small(idx[k], replaceInvalid(texts[idx[k]]), st)
	})
}

// encodeState is what one goroutine needs to encode: merge buffers and a cache of the ids of the pieces that
// are not tokens themselves (words that take several tokens), so that each is merged once. Encodings keep
// their states in a sync.Pool.
type encodeState struct {
	scratch mergeScratch
	cache   map[string]span
	ids     []int // the cached ids, spans of it
	buf     []int
}

// span is where the ids of a piece are in encodeState.ids.
type span struct{ start, end int32 }

// cacheMax bounds the pieces an encodeState remembers (with the ids' bound in merged, at most about 18 MB
// per goroutine and encoding in use); when full, it starts afresh. 4 MB of Go
// source has 16 000 to 26 000 distinct pieces that take several tokens, English prose a few hundred.
const cacheMax = 1 << 15

// encode appends the ids of text (valid UTF-8) to ids.
func (e *Encoding) encode(text string, ids []int, st *encodeState) []int {
	v, split := e.vocab, e.split
	for i := 0; i < len(text); {
		j := split(text, i)
		piece := text[i:j]
		i = j
		if r := v.rank(piece); r != noRank {
			ids = append(ids, int(r))
			continue
		}
		ids = append(ids, st.merged(v, piece)...)
	}
	return ids
}

// count returns the number of tokens of text (valid UTF-8).
func (e *Encoding) count(text string, st *encodeState) int {
	v, split := e.vocab, e.split
	n := 0
	for i := 0; i < len(text); {
		j := split(text, i)
		piece := text[i:j]
		i = j
		if v.rank(piece) != noRank {
			n++
			continue
		}
		n += len(st.merged(v, piece))
	}
	return n
}

// merged returns the ids of a piece that is not a token, from the cache or by merging. The slice is valid
// until the next call.
func (st *encodeState) merged(v *vocab, piece string) []int {
	if sp, ok := st.cache[piece]; ok {
		return st.ids[sp.start:sp.end]
	}
	if len(piece) > 256 { // rare and long: not worth remembering
		st.buf = v.merge(piece, st.buf[:0], &st.scratch)
		out := st.buf
		if len(piece) > 64<<10 {
			// A huge piece (a run of one letter, of spaces, of digits) needs scratch space of about 40
			// bytes per byte: let it go with this call rather than keep it in the pooled state.
			st.scratch, st.buf = mergeScratch{}, nil
		}
		return out
	}
	if st.cache == nil || len(st.cache) >= cacheMax || len(st.ids) > 1<<20 {
		st.cache = make(map[string]span, 1024)
		st.ids = st.ids[:0]
	}
	start := len(st.ids)
	st.ids = v.merge(piece, st.ids, &st.scratch)
	st.cache[strings.Clone(piece)] = span{int32(start), int32(len(st.ids))}
	return st.ids[start:]
}

// parallelMin is the size from which Encode and Count share a text among cores, and the smallest piece each
// core takes.
const parallelMin = 256 << 10

// chunks cuts a large text into pieces for the cores, or returns nil. It cuts only after a line break that an
// ASCII letter or digit follows: every split pattern ends a piece there (no alternative matches a line break
// followed by a letter or digit), and the pieces after it depend only on the text from where they start. The
// piece before the cut must also be the same whether or not the text goes on: o200k and cl100k end a
// whitespace run with \s*[\r\n] either way, but r50k and p50k have no such alternative ("\n\n" is one
// piece at the end of a text, two before a letter), so for them the cut must follow a single line break
// after a visible ASCII character. Encoding the chunks one by one then gives the ids of the whole.
func (e *Encoding) chunks(text string) []string {
	procs := runtime.GOMAXPROCS(0)
	if procs < 2 || len(text) < 2*parallelMin {
		return nil
	}
	n := min(len(text)/parallelMin, 4*procs)
	var chunks []string
	start := 0
	for k := 1; k < n; k++ {
		at := max(start+parallelMin, len(text)*k/n)
		if at >= len(text) {
			break
		}
		cut := cutAfter(text, at, e.name == R50kBase || e.name == P50kBase)
		if cut < 0 {
			break
		}
		chunks = append(chunks, text[start:cut])
		start = cut
	}
	return append(chunks, text[start:])
}

// cutAfter returns the first offset from at just after a line break that precedes an ASCII letter or digit
// (and, when single, follows a visible ASCII character), or -1.
func cutAfter(text string, at int, single bool) int {
	for {
		i := strings.IndexByte(text[at:], '\n')
		if i < 0 {
			return -1
		}
		at += i + 1
		if at >= len(text) || at < 2 {
			continue
		}
		c, before := text[at], text[at-2]
		if ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') && (!single || '!' <= before && before <= '~') {
			return at
		}
	}
}

// parallel calls f for i from 0 to n-1 on up to GOMAXPROCS goroutines, each with its own state.
func (e *Encoding) parallel(n int, f func(i int, st *encodeState)) {
	if n == 1 || runtime.GOMAXPROCS(0) == 1 {
		st := e.states.Get().(*encodeState)
		defer e.states.Put(st)
		for i := range n {
			f(i, st)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := e.states.Get().(*encodeState)
			defer e.states.Put(st)
			for {
				k := int(next.Add(1) - 1)
				if k >= n {
					return
				}
				f(k, st)
			}
		}()
	}
	wg.Wait()
}
