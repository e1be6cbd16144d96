package rag

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/golm-dev/golm/helpers/internal/options"
	"github.com/golm-dev/golm/helpers/rag/internal/vec"
)

// The file format of Save, version 1, all integers little-endian:
//
//	magic "golmrag\n", version uint32, kind uint8 (1 Index, 2 HNSW), flags uint8 (1: quantized)
//	embedder name (string: uint32 length and bytes), dim uint32, count uint32
//	count items: id (string), dim float32s, metadata count uint32, then key and value strings
//	HNSW only: M, EfConstruction, EfSearch uint32, seed uint64, entry int32, top uint32, deleted count
//	uint32, then per node: deleted uint8, level uint8, the bottom layer's link count uint32 and links
//	(uint32 each), and for each upper layer the same
//	CRC-32 (Castagnoli) of everything before it, uint32
//
// HNSW's random generator is not saved: a loaded HNSW draws the levels of new items from a generator seeded
// with the seed and the number of nodes.

const (
	fileMagic   = "golmrag\n"
	fileVersion = 1
	kindIndex   = 1
	kindHNSW    = 2
)

// ErrFormat is a file that is not a rag store, is damaged, or has a version this package cannot read.
var ErrFormat = errors.New("not a valid rag store file")

type fileWriter struct {
	w   *bufio.Writer
	crc hash.Hash32
	err error
	buf [8]byte
}

func (f *fileWriter) bytes(b []byte) {
	if f.err == nil {
		f.crc.Write(b)
		_, f.err = f.w.Write(b)
	}
}
func (f *fileWriter) u8(v uint8)   { f.bytes([]byte{v}) }
func (f *fileWriter) u32(v uint32) { binary.LittleEndian.PutUint32(f.buf[:4], v); f.bytes(f.buf[:4]) }
func (f *fileWriter) u64(v uint64) { binary.LittleEndian.PutUint64(f.buf[:8], v); f.bytes(f.buf[:8]) }
func (f *fileWriter) str(s string) { f.u32(uint32(len(s))); f.bytes([]byte(s)) }
func (f *fileWriter) floats(v []float32) {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	f.bytes(b)
}

// writeFile writes a store file atomically: to a temporary file in the same directory, synced, then renamed
// over path.
func writeFile(ctx context.Context, path string, body func(*fileWriter)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("rag: save: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	fw := &fileWriter{w: bufio.NewWriterSize(tmp, 1<<20), crc: crc32.New(castagnoli)}
	body(fw)
	sum := fw.crc.Sum32()
	if fw.err == nil {
		binary.LittleEndian.PutUint32(fw.buf[:4], sum)
		_, fw.err = fw.w.Write(fw.buf[:4])
	}
	if fw.err == nil {
		fw.err = fw.w.Flush()
	}
	if fw.err == nil {
		fw.err = tmp.Sync()
	}
	if cerr := tmp.Close(); fw.err == nil {
		fw.err = cerr
	}
	if fw.err == nil {
		fw.err = ctx.Err()
	}
	if fw.err == nil {
		fw.err = os.Rename(tmp.Name(), path)
	}
	if fw.err != nil {
		return fmt.Errorf("rag: save %s: %w", path, fw.err)
	}
	return nil
}

func header(f *fileWriter, kind, flags uint8, name string, dim, count int) {
	f.bytes([]byte(fileMagic))
	f.u32(fileVersion)
	f.u8(kind)
	f.u8(flags)
	f.str(name)
	f.u32(uint32(dim))
	f.u32(uint32(count))
}

func item(f *fileWriter, id string, v []float32, meta map[string]string) {
	f.str(id)
	f.floats(v)
	f.u32(uint32(len(meta)))
	for _, k := range sortedKeys(meta) {
		f.str(k)
		f.str(meta[k])
	}
}

// Save writes the index to one file, atomically (see Store.Save).
func (x *Index) Save(ctx context.Context, path string) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var flags uint8
	if x.quant {
		flags = 1
	}
	return writeFile(ctx, path, func(f *fileWriter) {
		header(f, kindIndex, flags, x.name, x.dim, len(x.ids))
		for i, id := range x.ids {
			item(f, id, x.vecs[i*x.dim:(i+1)*x.dim], x.meta[i])
		}
	})
}

// Save writes the index, graph included, to one file, atomically (see Store.Save).
func (h *HNSW) Save(ctx context.Context, path string) error {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return writeFile(ctx, path, func(f *fileWriter) {
		header(f, kindHNSW, 0, h.name, h.dim, len(h.ids))
		for i, id := range h.ids {
			item(f, id, h.vector(i), h.meta[i])
		}
		f.u32(uint32(h.m))
		f.u32(uint32(h.efC))
		f.u32(uint32(h.efS))
		f.u64(h.seed)
		f.u32(uint32(int32(h.entry)))
		f.u32(uint32(h.top))
		f.u32(uint32(h.nDel))
		for i := range h.ids {
			var d uint8
			if h.deleted[i] {
				d = 1
			}
			f.u8(d)
			f.u8(uint8(len(h.upper[i])))
			for l := 0; l <= len(h.upper[i]); l++ {
				ns := h.links(i, l)
				f.u32(uint32(len(ns)))
				for _, n := range ns {
					f.u32(n)
				}
			}
		}
	})
}

type fileReader struct {
	b   []byte
	err error
}

func (r *fileReader) take(n int) []byte {
	if r.err != nil || n < 0 || n > len(r.b) {
		if r.err == nil {
			r.err = fmt.Errorf("%w: truncated", ErrFormat)
		}
		return nil
	}
	out := r.b[:n]
	r.b = r.b[n:]
	return out
}

func (r *fileReader) u8() uint8 {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *fileReader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (r *fileReader) u64() uint64 {
	if b := r.take(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (r *fileReader) str() string { return string(r.take(int(r.u32()))) }

func (r *fileReader) floats(dst []float32) {
	b := r.take(4 * len(dst))
	if b == nil {
		return
	}
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
}

// Load reads a store saved by Index.Save or HNSW.Save: an *Index or an *HNSW. With Options.Embedder or
// Options.Dim set, a file made for another embedder or dimension is refused (errors wrapping ErrEmbedder or
// ErrDimension). Options.Quantize turns on int8 scanning for a loaded Index, Options.Workers sets a loaded
// HNSW's insertion goroutines; the other options are ignored.
// A damaged file is an error wrapping ErrFormat.
func Load(ctx context.Context, path string, opts ...Options) (Store, error) {
	o, err := options.One("rag: Load", opts)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("rag: %w", err)
	}
	s, err := decode(data, o)
	if err != nil {
		return nil, fmt.Errorf("rag: load %s: %w", path, err)
	}
	return s, nil
}

func decode(data []byte, o Options) (Store, error) {
	if len(data) < len(fileMagic)+4 || string(data[:len(fileMagic)]) != fileMagic {
		return nil, fmt.Errorf("%w: no golmrag header", ErrFormat)
	}
	body := data[:len(data)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		return nil, fmt.Errorf("%w: checksum mismatch (the file is damaged or was cut short)", ErrFormat)
	}
	r := &fileReader{b: body[len(fileMagic):]}
	if v := r.u32(); v != fileVersion {
		return nil, fmt.Errorf("%w: version %d, this package reads version %d", ErrFormat, v, fileVersion)
	}
	kind, flags := r.u8(), r.u8()
	name := r.str()
	dim, count := int(r.u32()), int(r.u32())
	if r.err != nil {
		return nil, r.err
	}
	if err := checkEmbedder(name, o.Embedder, "the file"); err != nil {
		return nil, err
	}
	if o.Dim != 0 && o.Dim != dim {
		return nil, fmt.Errorf("%w: the file holds vectors of dimension %d, not %d", ErrDimension, dim, o.Dim)
	}
	if dim > 1<<20 || count > len(r.b)/max(1, 4*dim) {
		return nil, fmt.Errorf("%w: implausible dimension %d or count %d", ErrFormat, dim, count)
	}
	ids := make([]string, count)
	vecs := make([]float32, count*dim)
	meta := make([]map[string]string, count)
	for i := range count {
		ids[i] = r.str()
		r.floats(vecs[i*dim : (i+1)*dim])
		nm := int(r.u32())
		if nm > len(r.b) {
			return nil, fmt.Errorf("%w: implausible metadata count", ErrFormat)
		}
		if nm > 0 {
			meta[i] = make(map[string]string, nm)
			for range nm {
				k := r.str()
				meta[i][k] = r.str()
			}
		}
		if r.err != nil {
			return nil, r.err
		}
	}
	switch kind {
	case kindIndex:
		x := &Index{name: name, dim: dim, quant: flags&1 != 0 || o.Quantize, ids: ids, vecs: vecs, meta: meta,
			pos: make(map[string]int, count)}
		for i, id := range ids {
			if _, dup := x.pos[id]; dup || id == "" {
				return nil, fmt.Errorf("%w: id %q is empty or repeated", ErrFormat, id)
			}
			x.pos[id] = i
		}
		if x.quant {
			x.q8, x.scales = make([]int8, count*dim), make([]float32, count)
			for i := range count {
				x.scales[i] = vec.Quantize(x.q8[i*dim:(i+1)*dim], vecs[i*dim:(i+1)*dim])
			}
		}
		if len(r.b) != 0 {
			return nil, fmt.Errorf("%w: %d bytes after the items", ErrFormat, len(r.b))
		}
		return x, nil
	case kindHNSW:
		return decodeHNSW(r, name, dim, ids, vecs, meta, o.Workers)
	}
	return nil, fmt.Errorf("%w: unknown store kind %d", ErrFormat, kind)
}

func decodeHNSW(r *fileReader, name string, dim int, ids []string, vecs []float32, meta []map[string]string, workers int) (*HNSW, error) {
	m, efC, efS := int(r.u32()), int(r.u32()), int(r.u32())
	seed := r.u64()
	entry, top, nDel := int(int32(r.u32())), int(r.u32()), int(r.u32())
	if r.err != nil {
		return nil, r.err
	}
	h, err := NewHNSW(Options{Embedder: name, Dim: dim, M: m, EfConstruction: efC, EfSearch: efS, Seed: seed,
		Workers: workers})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrFormat, err)
	}
	n := len(ids)
	h.rng = rand.New(rand.NewPCG(seed, uint64(n)))
	h.ids, h.vecs, h.meta = ids, vecs, meta
	h.deleted = make([]bool, n)
	h.l0 = make([]uint32, n*(h.m0+1))
	h.upper = make([][][]uint32, n)
	h.entry, h.top, h.nDel = entry, top, nDel
	if (n == 0) != (entry < 0) || entry >= n {
		return nil, fmt.Errorf("%w: entry point %d of %d nodes", ErrFormat, entry, n)
	}
	dels := 0
	for i := range n {
		h.deleted[i] = r.u8() == 1
		level := int(r.u8())
		if level > 0 {
			h.upper[i] = make([][]uint32, level)
		}
		for l := 0; l <= level; l++ {
			c := int(r.u32())
			if (l == 0 && c > h.m0) || (l > 0 && c > h.m) {
				return nil, fmt.Errorf("%w: node %d has %d links on layer %d", ErrFormat, i, c, l)
			}
			ns := make([]uint32, c)
			for j := range ns {
				ns[j] = r.u32()
				if int(ns[j]) >= n {
					return nil, fmt.Errorf("%w: node %d links to %d of %d nodes", ErrFormat, i, ns[j], n)
				}
			}
			h.setLinks(i, l, ns)
		}
		if r.err != nil {
			return nil, r.err
		}
		if h.deleted[i] {
			dels++
			continue
		}
		if _, dup := h.pos[ids[i]]; dup || ids[i] == "" {
			return nil, fmt.Errorf("%w: id %q is empty or repeated", ErrFormat, ids[i])
		}
		h.pos[ids[i]] = i
	}
	if dels != nDel || len(r.b) != 0 {
		return nil, fmt.Errorf("%w: inconsistent graph", ErrFormat)
	}
	if entry >= 0 && len(h.upper[entry]) != top {
		return nil, fmt.Errorf("%w: entry point level", ErrFormat)
	}
	return h, nil
}
