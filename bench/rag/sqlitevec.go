package main

import (
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// vecDB is one connection to a SQLite database with the sqlite-vec extension: the cgo build (mattn's driver
// and sqlite-vec compiled from C) or the WebAssembly build (ncruces' driver, SQLite and sqlite-vec compiled to
// WASM and run by wazero, no cgo).
type vecDB interface {
	exec(sql string) error
	// insert adds vectors with rowids first+1, first+2, … in one transaction.
	insert(first int, vecs [][]float32) error
	// knn returns the rowids of the k nearest vectors to q.
	knn(q []float32, k int) ([]int64, error)
	// version returns sqlite_version() and vec_version().
	version() (string, string, error)
	close() error
}

// blob is sqlite-vec's float32 vector format: the floats in little-endian order.
func blob(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

const knnSQL = "SELECT rowid FROM vecs WHERE embedding MATCH ? AND k = ? ORDER BY distance"

// sqliteVec builds a vec0 table of the benchmark's vectors in a database file with open, then measures
// top-k queries, each worker of the parallel run on a connection of its own. The distance is L2, which ranks
// unit vectors as cosine similarity does. It records the recall in b.recalls under name.
func (b *bench) sqliteVec(name string, open func(path string) (vecDB, error)) {
	dir, err := os.MkdirTemp("", "rag-bench-sqlite-vec")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "vec.db")
	db, err := open(path)
	if err != nil {
		fmt.Printf("%-26s skipped: %v\n", name, err)
		return
	}
	defer db.close()
	sv, vv, err := db.version()
	if err != nil {
		fail(fmt.Errorf("%s: %w", name, err))
	}
	t0 := time.Now()
	if err := db.exec(fmt.Sprintf("CREATE VIRTUAL TABLE vecs USING vec0(embedding float[%d])", b.dim)); err != nil {
		fail(fmt.Errorf("%s: %w", name, err))
	}
	const batch = 10_000
	for i := 0; i < len(b.vecs); i += batch {
		if err := db.insert(i, b.vecs[i:min(i+batch, len(b.vecs))]); err != nil {
			fail(fmt.Errorf("%s: insert: %w", name, err))
		}
	}
	build := time.Since(t0)
	size := int64(0)
	if st, err := os.Stat(path); err == nil {
		size = st.Size()
	}
	conns := []vecDB{db}
	for range runtime.GOMAXPROCS(0) - 1 {
		c, err := open(path)
		if err != nil {
			fail(fmt.Errorf("%s: %w", name, err))
		}
		defer c.close()
		conns = append(conns, c)
	}
	next := make(chan vecDB, len(conns))
	for _, c := range conns {
		next <- c
	}
	t, _ := b.measure(fmt.Sprintf("%s %s", name, vv), func(q []float32) []string {
		c := <-next
		defer func() { next <- c }()
		rows, err := c.knn(q, b.k)
		if err != nil {
			fail(fmt.Errorf("%s: %w", name, err))
		}
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = id(int(r - 1))
		}
		return ids
	})
	t.extra = fmt.Sprintf("(SQLite %s, added in %s, file %.0f MiB)", sv, build.Round(time.Millisecond),
		float64(size)/(1<<20))
	t.print()
	b.recalls[name] = t.recall
}
