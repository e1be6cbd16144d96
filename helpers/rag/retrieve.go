package rag

import (
	"context"
	"errors"
	"fmt"
	"html"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/golm-dev/golm/helpers/internal/options"
)

// Retriever finds the chunks that best match a text query, best first. Dense, BM25 and Hybrid are
// Retrievers.
type Retriever interface {
	// Search returns the k chunks that best match query, best first, among those the options' filters
	// accept (filters see the chunk's metadata as Dense stores it).
	Search(ctx context.Context, query string, k int, opts ...SearchOptions) (Hits, error)
}

// Hit is a chunk found by a retriever, with its score (cosine similarity for Dense, BM25 score for BM25,
// fused score for Hybrid: only the order is comparable between retrievers).
type Hit struct {
	// Chunk is the chunk found.
	Chunk Chunk
	// Score orders the hits of one search, higher first.
	Score float64
}

// Hits is a ranking of chunks; it renders as a table in a notebook.
type Hits []Hit

// IDs returns the chunk ids, in order.
func (hs Hits) IDs() []string {
	ids := make([]string, len(hs))
	for i, h := range hs {
		ids[i] = h.Chunk.ID
	}
	return ids
}

// String returns one line per hit: rank, score, citation and the start of the text.
func (hs Hits) String() string {
	var sb strings.Builder
	for i, h := range hs {
		fmt.Fprintf(&sb, "%d. %.4f %s: %s\n", i+1, h.Score, h.Chunk.Cite(), excerpt(h.Chunk.Text, 80))
	}
	return sb.String()
}

// HTML returns the hits as an HTML table: rank, score, source and text.
func (hs Hits) HTML() string {
	var sb strings.Builder
	sb.WriteString(`<table><thead><tr><th>#</th><th>score</th><th>source</th><th style="text-align:left">text</th></tr></thead><tbody>`)
	for i, h := range hs {
		fmt.Fprintf(&sb, `<tr><td>%d</td><td>%.4f</td><td>%s</td><td style="text-align:left">%s</td></tr>`,
			i+1, h.Score, html.EscapeString(h.Chunk.Cite()), html.EscapeString(excerpt(h.Chunk.Text, 300)))
	}
	sb.WriteString("</tbody></table>")
	return sb.String()
}

// excerpt returns text on one line, cut to about n characters.
func excerpt(text string, n int) string {
	s := strings.Join(strings.Fields(text), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// The metadata keys under which Dense stores a chunk's fields (they override document metadata of the same
// names).
const (
	metaSource   = "source"
	metaText     = "text"
	metaHeadings = "headings"
	metaStart    = "start"
	metaEnd      = "end"
	metaLine     = "line"
	metaEndLine  = "end_line"
	metaTokens   = "tokens"
	metaPage     = "page"
	metaEndPage  = "end_page"
)

// chunkMeta returns the metadata Dense stores for a chunk: its document's metadata and its own fields.
func chunkMeta(c Chunk) map[string]string {
	m := make(map[string]string, len(c.Metadata)+8)
	for k, v := range c.Metadata {
		m[k] = v
	}
	m[metaSource], m[metaText] = c.Source, c.Text
	m[metaHeadings] = strings.Join(c.Headings, "\n")
	m[metaStart], m[metaEnd] = strconv.Itoa(c.Start), strconv.Itoa(c.End)
	m[metaLine], m[metaEndLine] = strconv.Itoa(c.Line), strconv.Itoa(c.EndLine)
	m[metaTokens] = strconv.Itoa(c.Tokens)
	if c.Page > 0 {
		m[metaPage], m[metaEndPage] = strconv.Itoa(c.Page), strconv.Itoa(c.EndPage)
	}
	return m
}

// chunkOf rebuilds a chunk from its id and stored metadata.
func chunkOf(id string, m map[string]string) Chunk {
	c := Chunk{ID: id, Source: m[metaSource], Text: m[metaText]}
	if h := m[metaHeadings]; h != "" {
		c.Headings = strings.Split(h, "\n")
	}
	c.Start, _ = strconv.Atoi(m[metaStart])
	c.End, _ = strconv.Atoi(m[metaEnd])
	c.Line, _ = strconv.Atoi(m[metaLine])
	c.EndLine, _ = strconv.Atoi(m[metaEndLine])
	c.Tokens, _ = strconv.Atoi(m[metaTokens])
	c.Page, _ = strconv.Atoi(m[metaPage])
	c.EndPage, _ = strconv.Atoi(m[metaEndPage])
	var rest map[string]string
	for k, v := range m {
		switch k {
		case metaSource, metaText, metaHeadings, metaStart, metaEnd, metaLine, metaEndLine, metaTokens, metaPage,
			metaEndPage:
		default:
			if rest == nil {
				rest = map[string]string{}
			}
			rest[k] = v
		}
	}
	c.Metadata = rest
	return c
}

// ErrEmptyQuery is a query without words.
var ErrEmptyQuery = errors.New("empty query")

// Dense is dense retrieval: chunks are embedded with an Embedder and their vectors kept in a Store, with
// the chunk's fields in the item's metadata (source, text, headings, start, end, line, end_line, tokens,
// and the document's metadata), so a saved store holds everything a search returns. SearchOptions.Where
// and Filter see that metadata.
type Dense struct {
	e Embedder
	s Store
}

// NewDense returns a dense retriever over a store; a nil store means a new exact Index for the embedder. A
// store made for another embedder (an Index or HNSW whose Options.Embedder differs from e.Name()) is an
// error wrapping ErrEmbedder.
func NewDense(e Embedder, s Store) (*Dense, error) {
	if e == nil {
		return nil, errors.New("rag: NewDense needs an Embedder")
	}
	if s == nil {
		x, err := NewIndex(Options{Embedder: e.Name()})
		if err != nil {
			return nil, err
		}
		s = x
	}
	if named, ok := s.(interface{ Embedder() string }); ok {
		if err := checkEmbedder(named.Embedder(), e.Name(), "the store"); err != nil {
			return nil, err
		}
	}
	return &Dense{e: e, s: s}, nil
}

// Store returns the store that holds the vectors.
func (d *Dense) Store() Store { return d.s }

// Add embeds the chunks and adds them to the store under their ids. Nothing is added when embedding fails
// or the store refuses an item.
func (d *Dense) Add(ctx context.Context, chunks []Chunk) error {
	texts := make([]string, len(chunks))
	for i, c := range chunks {
		texts[i] = c.Text
	}
	vecs, err := d.e.Embed(ctx, texts)
	if err != nil {
		return err
	}
	if len(vecs) != len(chunks) {
		return fmt.Errorf("rag: %s returned %d vectors for %d chunks", d.e.Name(), len(vecs), len(chunks))
	}
	items := make([]Item, len(chunks))
	for i, c := range chunks {
		items[i] = Item{ID: c.ID, Vector: vecs[i], Metadata: chunkMeta(c)}
	}
	return d.s.Add(ctx, items)
}

// Search embeds the query and returns the k chunks whose vectors are most similar, best first. A query
// without words is an error wrapping ErrEmptyQuery.
func (d *Dense) Search(ctx context.Context, query string, k int, opts ...SearchOptions) (Hits, error) {
	if strings.TrimSpace(query) == "" {
		return nil, fmt.Errorf("rag: %w", ErrEmptyQuery)
	}
	vecs, err := d.e.Embed(ctx, []string{query})
	if err != nil {
		return nil, err
	}
	if len(vecs) != 1 {
		return nil, fmt.Errorf("rag: %s returned %d vectors for one query", d.e.Name(), len(vecs))
	}
	rs, err := d.s.Search(ctx, vecs[0], k, opts...)
	if err != nil {
		return nil, err
	}
	hits := make(Hits, len(rs))
	for i, r := range rs {
		hits[i] = Hit{Chunk: chunkOf(r.ID, r.Metadata), Score: float64(r.Score)}
	}
	return hits, nil
}

// Words returns the words BM25 indexes in text: runs of letters and digits, lower-cased.
func Words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// BM25Options are the settings of NewBM25. The zero value means Okapi BM25's usual K1 1.2 and B 0.75.
type BM25Options struct {
	// K1 is how fast repeated words stop adding to the score; 0 means 1.2.
	K1 float64
	// B is how much long chunks are penalised, from 0 (not at all) to 1; 0 means 0.75 (use a tiny value
	// such as 1e-9 for none).
	B float64
}

// BM25 is lexical retrieval: chunks scored by the query words they contain (Okapi BM25, words as Words
// finds them, idf as in Lucene). It finds exact names and rare terms that embeddings blur.
type BM25 struct {
	chunks []Chunk
	meta   []map[string]string
	post   map[string][]posting
	length []int
	avg    float64
	k1, b  float64
}

type posting struct {
	doc int32
	tf  int32
}

// NewBM25 indexes chunks for lexical search. Chunk ids must be unique.
func NewBM25(chunks []Chunk, opts ...BM25Options) (*BM25, error) {
	o, err := options.One("rag: NewBM25", opts)
	if err != nil {
		return nil, err
	}
	if o.K1 == 0 {
		o.K1 = 1.2
	}
	if o.B == 0 {
		o.B = 0.75
	}
	if o.K1 < 0 || o.B < 0 || o.B > 1 {
		return nil, fmt.Errorf("rag: BM25 needs K1 ≥ 0 and 0 ≤ B ≤ 1, got K1 %g, B %g", o.K1, o.B)
	}
	b := &BM25{chunks: chunks, post: map[string][]posting{}, length: make([]int, len(chunks)),
		meta: make([]map[string]string, len(chunks)), k1: o.K1, b: o.B}
	seen := map[string]bool{}
	total := 0
	for i, c := range chunks {
		if seen[c.ID] {
			return nil, fmt.Errorf("rag: chunk %d: id %q: %w", i, c.ID, ErrDuplicate)
		}
		seen[c.ID] = true
		b.meta[i] = chunkMeta(c)
		tf := map[string]int32{}
		words := Words(c.Text)
		for _, w := range words {
			tf[w]++
		}
		for w, n := range tf {
			b.post[w] = append(b.post[w], posting{doc: int32(i), tf: n})
		}
		b.length[i] = len(words)
		total += len(words)
	}
	if len(chunks) > 0 {
		b.avg = float64(total) / float64(len(chunks))
	}
	return b, nil
}

// Len returns the number of chunks.
func (b *BM25) Len() int { return len(b.chunks) }

// Search returns the k chunks with the highest BM25 scores for the query's words, best first; chunks
// without any query word are not returned. A query without words is an error wrapping ErrEmptyQuery.
func (b *BM25) Search(ctx context.Context, query string, k int, opts ...SearchOptions) (Hits, error) {
	o, err := options.One("rag: Search", opts)
	if err != nil {
		return nil, err
	}
	if k < 1 {
		return nil, fmt.Errorf("rag: Search needs k ≥ 1, got %d", k)
	}
	words := Words(query)
	if len(words) == 0 {
		return nil, fmt.Errorf("rag: %w", ErrEmptyQuery)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	scores := map[int32]float64{}
	n := float64(len(b.chunks))
	done := map[string]bool{}
	for _, w := range words {
		if done[w] {
			continue
		}
		done[w] = true
		ps := b.post[w]
		if len(ps) == 0 {
			continue
		}
		df := float64(len(ps))
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for _, p := range ps {
			tf := float64(p.tf)
			norm := b.k1 * (1 - b.b + b.b*float64(b.length[p.doc])/b.avg)
			scores[p.doc] += idf * tf * (b.k1 + 1) / (tf + norm)
		}
	}
	hits := make(Hits, 0, len(scores))
	for doc, s := range scores {
		c := b.chunks[doc]
		if o.filtered() && !o.accepts(c.ID, b.meta[doc]) {
			continue
		}
		hits = append(hits, Hit{Chunk: c, Score: s})
	}
	sortHits(hits)
	return hits[:min(k, len(hits))], nil
}

func sortHits(hs Hits) {
	sort.Slice(hs, func(i, j int) bool {
		if hs[i].Score != hs[j].Score {
			return hs[i].Score > hs[j].Score
		}
		return hs[i].Chunk.ID < hs[j].Chunk.ID
	})
}

// HybridOptions are the settings of NewHybrid. The zero value fuses the top 50 of each retriever with
// reciprocal rank fusion's usual constant 60.
type HybridOptions struct {
	// K is reciprocal rank fusion's constant: a chunk ranked r by a retriever gets 1/(K+r); 0 means 60.
	K float64
	// Depth is how many results are asked of each retriever; 0 means max(50, k).
	Depth int
}

// Hybrid fuses the rankings of several retrievers (typically Dense and BM25) by reciprocal rank fusion: a
// chunk's score is the sum over retrievers of 1/(K + its rank there), so a chunk that both rank well comes
// first.
type Hybrid struct {
	rs []Retriever
	o  HybridOptions
}

// NewHybrid returns a retriever fusing the given ones (at least one).
func NewHybrid(retrievers []Retriever, opts ...HybridOptions) (*Hybrid, error) {
	o, err := options.One("rag: NewHybrid", opts)
	if err != nil {
		return nil, err
	}
	if len(retrievers) == 0 {
		return nil, errors.New("rag: NewHybrid needs at least one retriever")
	}
	for i, r := range retrievers {
		if r == nil {
			return nil, fmt.Errorf("rag: NewHybrid: retriever %d is nil", i)
		}
	}
	if o.K == 0 {
		o.K = 60
	}
	if o.K < 0 || o.Depth < 0 {
		return nil, fmt.Errorf("rag: NewHybrid needs K ≥ 0 and Depth ≥ 0, got K %g, Depth %d", o.K, o.Depth)
	}
	return &Hybrid{rs: append([]Retriever(nil), retrievers...), o: o}, nil
}

// Search asks every retriever for its best results and returns the k best by fused score (see Hybrid).
// The options are passed to every retriever.
func (h *Hybrid) Search(ctx context.Context, query string, k int, opts ...SearchOptions) (Hits, error) {
	if k < 1 {
		return nil, fmt.Errorf("rag: Search needs k ≥ 1, got %d", k)
	}
	depth := h.o.Depth
	if depth == 0 {
		depth = max(50, k)
	}
	fused := map[string]*Hit{}
	for i, r := range h.rs {
		hits, err := r.Search(ctx, query, depth, opts...)
		if err != nil {
			return nil, fmt.Errorf("rag: hybrid retriever %d: %w", i, err)
		}
		for rank, hit := range hits {
			f := fused[hit.Chunk.ID]
			if f == nil {
				f = &Hit{Chunk: hit.Chunk}
				fused[hit.Chunk.ID] = f
			}
			f.Score += 1 / (h.o.K + float64(rank+1))
		}
	}
	out := make(Hits, 0, len(fused))
	for _, f := range fused {
		out = append(out, *f)
	}
	sortHits(out)
	return out[:min(k, len(out))], nil
}
