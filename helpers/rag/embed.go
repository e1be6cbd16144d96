package rag

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/helpers/internal/options"
	"github.com/golm-dev/golm/helpers/llm"
	"github.com/golm-dev/golm/helpers/rag/internal/vec"
	"github.com/golm-dev/golm/helpers/tokens"
)

// Embedder turns texts into vectors, one per text, in order. Name identifies the model: vectors from
// embedders with different names must not be compared, and stores refuse them.
//
// llm.Client and local models have Embed methods with options, which do not satisfy this interface
// directly: adapt them with OpenAI or EmbedFunc.
type Embedder interface {
	// Embed returns one vector per text, in order.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// Name identifies the model, such as "text-embedding-3-small".
	Name() string
}

// openAIMaxTokens is the input limit of OpenAI's embedding models (text-embedding-3-*, ada-002), counted in
// their encoding, cl100k_base.
const openAIMaxTokens = 8191

// OpenAI returns an Embedder that calls client.Embed with the given model (empty means the client's
// embedding model, DefaultEmbeddingModel). Texts longer than the models' limit of 8191 tokens are refused
// before anything is sent, with an error that names the text.
func OpenAI(client *llm.Client, model string) Embedder {
	if model == "" && client != nil {
		model = client.DefaultEmbeddingModel()
	}
	return &openAIEmbedder{client: client, model: model}
}

type openAIEmbedder struct {
	client *llm.Client
	model  string
}

func (e *openAIEmbedder) Name() string { return e.model }

func (e *openAIEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if e.client == nil {
		return nil, errors.New("rag: OpenAI embedder without a client (pass the *llm.Client from llm.New)")
	}
	enc, err := tokens.Get(tokens.Cl100kBase)
	if err != nil {
		return nil, fmt.Errorf("rag: %w", err)
	}
	for i, t := range texts {
		if len(t) > openAIMaxTokens { // a token has at least one byte: shorter texts fit
			if n := enc.Count(t); n > openAIMaxTokens {
				return nil, fmt.Errorf("rag: text %d has %d tokens, more than %s accepts (%d): split it smaller "+
					"(SplitOptions.MaxTokens)", i, n, e.model, openAIMaxTokens)
			}
		}
	}
	return e.client.Embed(ctx, texts, llm.EmbedOptions{Model: e.model})
}

// EmbedFunc returns an Embedder that calls f, named name. It adapts any embedding function, such as a local
// model's:
//
//	rag.EmbedFunc("all-MiniLM-L6-v2", func(ctx context.Context, texts []string) ([][]float32, error) {
//		return m.Embed(ctx, texts)
//	})
func EmbedFunc(name string, f func(ctx context.Context, texts []string) ([][]float32, error)) Embedder {
	return funcEmbedder{name: name, f: f}
}

type funcEmbedder struct {
	name string
	f    func(ctx context.Context, texts []string) ([][]float32, error)
}

func (e funcEmbedder) Name() string { return e.name }

func (e funcEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if e.f == nil {
		return nil, fmt.Errorf("rag: EmbedFunc %q has a nil function", e.name)
	}
	return e.f(ctx, texts)
}

// CacheOptions are the settings of NewCache. The zero value caches in memory only, sends batches of 64
// texts and shows a progress bar when more than one batch is embedded.
type CacheOptions struct {
	// Dir is a directory for an on-disk cache (created if missing): vectors embedded once are read back by
	// any later Cache with the same Dir and embedder name. Empty means memory only.
	Dir string
	// BatchSize is the most texts sent to the embedder in one call; 0 means 64.
	BatchSize int
	// Quiet hides the progress bar.
	Quiet bool
}

// Cache is an Embedder that remembers: it embeds only the texts it has not seen (keyed by the embedder's
// name and a SHA-256 hash of the text), in batches, with a progress bar on long runs, and checks what the
// embedder returns (one vector per text, all of one dimension, finite numbers). Create it once, in its own
// cell, and reuse it; with CacheOptions.Dir, even a new Cache does not embed again. Safe for concurrent use.
type Cache struct {
	e     Embedder
	o     CacheOptions
	path  string // the on-disk cache file, "" for none
	mu    sync.Mutex
	mem   map[[32]byte][]float32
	dim   int
	stats CacheStats
}

// CacheStats counts a Cache's lookups.
type CacheStats struct {
	// Hits is how many texts were found in the cache, Misses how many were embedded.
	Hits, Misses int
}

// NewCache wraps an embedder with a cache (see Cache). With CacheOptions.Dir, it reads the vectors cached on
// disk for the embedder's name; a damaged end of the cache file (an interrupted write) is dropped.
func NewCache(e Embedder, opts ...CacheOptions) (*Cache, error) {
	o, err := options.One("rag: NewCache", opts)
	if err != nil {
		return nil, err
	}
	if e == nil {
		return nil, errors.New("rag: NewCache needs an Embedder")
	}
	if e.Name() == "" {
		return nil, errors.New("rag: the embedder has no name; stores and caches tell models apart by name")
	}
	if o.BatchSize == 0 {
		o.BatchSize = 64
	}
	if o.BatchSize < 0 {
		return nil, fmt.Errorf("rag: CacheOptions.BatchSize %d is negative", o.BatchSize)
	}
	c := &Cache{e: e, o: o, mem: map[[32]byte][]float32{}}
	if o.Dir != "" {
		if err := os.MkdirAll(o.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("rag: embedding cache: %w", err)
		}
		h := sha256.Sum256([]byte(e.Name()))
		c.path = filepath.Join(o.Dir, fmt.Sprintf("%s-%x.vectors", safeName(e.Name()), h[:6]))
		if err := c.readDisk(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// safeName keeps the letters, digits, dots and dashes of a name, for a file name.
func safeName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 128 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return r
		}
		return '_'
	}, s)
	return s[:min(len(s), 64)]
}

// Name returns the wrapped embedder's name.
func (c *Cache) Name() string { return c.e.Name() }

// Stats returns how many texts were found in the cache and how many were embedded.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// Len returns the number of vectors in the cache.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.mem)
}

func (c *Cache) key(text string) [32]byte {
	h := sha256.New()
	h.Write([]byte(c.e.Name()))
	h.Write([]byte{0})
	h.Write([]byte(text))
	var k [32]byte
	h.Sum(k[:0])
	return k
}

// Embed returns the vectors of texts, embedding only those not in the cache. An empty text is an error.
// Batches already embedded when an error or a cancellation stops the run stay cached.
func (c *Cache) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	keys := make([][32]byte, len(texts))
	var todo []int // indexes of texts to embed, first occurrence of each key
	first := map[[32]byte]int{}
	c.mu.Lock()
	for i, t := range texts {
		if strings.TrimSpace(t) == "" {
			c.mu.Unlock()
			return nil, fmt.Errorf("rag: text %d is empty", i)
		}
		keys[i] = c.key(t)
		if v, ok := c.mem[keys[i]]; ok {
			out[i] = v
			c.stats.Hits++
		} else if _, ok := first[keys[i]]; !ok {
			first[keys[i]] = i
			todo = append(todo, i)
		}
	}
	c.mu.Unlock()
	var bar *display.Progress
	if len(todo) > c.o.BatchSize && !c.o.Quiet {
		bar = display.NewProgress("embedding with "+c.e.Name(), len(todo))
		defer bar.Done()
	}
	for start := 0; start < len(todo); start += c.o.BatchSize {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		idx := todo[start:min(start+c.o.BatchSize, len(todo))]
		batch := make([]string, len(idx))
		for j, i := range idx {
			batch[j] = texts[i]
		}
		vecs, err := c.e.Embed(ctx, batch)
		if err != nil {
			return nil, fmt.Errorf("rag: embedding with %s: %w", c.e.Name(), err)
		}
		if err := c.check(vecs, len(batch), start); err != nil {
			return nil, err
		}
		c.mu.Lock()
		for j, i := range idx {
			c.mem[keys[i]] = vecs[j]
			out[i] = vecs[j]
		}
		c.stats.Misses += len(idx)
		c.mu.Unlock()
		if c.path != "" {
			if err := c.appendDisk(keysOf(keys, idx), vecs); err != nil {
				return nil, err
			}
		}
		if bar != nil {
			bar.Add(len(idx))
		}
	}
	repeats := 0
	for i := range out {
		if out[i] == nil { // a repeated text embedded in this call
			out[i] = out[first[keys[i]]]
			repeats++
		}
	}
	c.mu.Lock()
	c.stats.Hits += repeats
	c.mu.Unlock()
	return out, nil
}

func keysOf(keys [][32]byte, idx []int) [][32]byte {
	out := make([][32]byte, len(idx))
	for j, i := range idx {
		out[j] = keys[i]
	}
	return out
}

// check verifies what an embedder returned for n texts (the first numbered from).
func (c *Cache) check(vecs [][]float32, n, from int) error {
	if len(vecs) != n {
		return fmt.Errorf("rag: %s returned %d vectors for %d texts", c.e.Name(), len(vecs), n)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for j, v := range vecs {
		if len(v) == 0 {
			return fmt.Errorf("rag: %s returned an empty vector for text %d", c.e.Name(), from+j)
		}
		if c.dim == 0 {
			c.dim = len(v)
		}
		if len(v) != c.dim {
			return fmt.Errorf("rag: %s returned a vector of dimension %d for text %d, others have %d",
				c.e.Name(), len(v), from+j, c.dim)
		}
		if !vec.Finite(v) {
			return fmt.Errorf("rag: %s returned a vector with NaN or infinite values for text %d", c.e.Name(), from+j)
		}
	}
	return nil
}

// The on-disk cache is a file of records, each: the 32-byte key, the dimension (uint32, little-endian), the
// vector (float32s, little-endian) and a CRC-32 (Castagnoli) of all that. Records are appended; a damaged
// or partial last record is cut off when the file is read.

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const maxCacheDim = 1 << 16

func (c *Cache) readDisk() error {
	f, err := os.Open(c.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("rag: embedding cache: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	good := int64(0)
	var head [36]byte
	for {
		if _, err := io.ReadFull(r, head[:]); err != nil {
			break
		}
		dim := int(binary.LittleEndian.Uint32(head[32:]))
		if dim == 0 || dim > maxCacheDim {
			break
		}
		body := make([]byte, 4*dim+4)
		if _, err := io.ReadFull(r, body); err != nil {
			break
		}
		crc := crc32.Update(crc32.Checksum(head[:], castagnoli), castagnoli, body[:4*dim])
		if crc != binary.LittleEndian.Uint32(body[4*dim:]) {
			break
		}
		v := make([]float32, dim)
		for i := range v {
			v[i] = math.Float32frombits(binary.LittleEndian.Uint32(body[4*i:]))
		}
		var k [32]byte
		copy(k[:], head[:32])
		c.mem[k] = v
		good += int64(36 + len(body))
	}
	if st, err := f.Stat(); err == nil && st.Size() > good {
		if err := os.Truncate(c.path, good); err != nil {
			return fmt.Errorf("rag: embedding cache: cutting a damaged end: %w", err)
		}
	}
	return nil
}

func (c *Cache) appendDisk(keys [][32]byte, vecs [][]float32) error {
	var buf []byte
	for j, v := range vecs {
		rec := make([]byte, 36, 36+4*len(v)+4)
		copy(rec, keys[j][:])
		binary.LittleEndian.PutUint32(rec[32:], uint32(len(v)))
		for _, x := range v {
			rec = binary.LittleEndian.AppendUint32(rec, math.Float32bits(x))
		}
		rec = binary.LittleEndian.AppendUint32(rec, crc32.Checksum(rec, castagnoli))
		buf = append(buf, rec...)
	}
	f, err := os.OpenFile(c.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("rag: embedding cache: %w", err)
	}
	_, err = f.Write(buf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("rag: embedding cache: %w", err)
	}
	return nil
}
