package main

import (
	"fmt"
	"time"

	_ "github.com/asg017/sqlite-vec-go-bindings/ncruces" // SQLite with sqlite-vec, as WebAssembly
	"github.com/ncruces/go-sqlite3"
)

// wasmDB is a connection through github.com/ncruces/go-sqlite3 (wazero; no cgo).
type wasmDB struct {
	c      *sqlite3.Conn
	search *sqlite3.Stmt
}

func openWASM(path string) (vecDB, error) {
	c, err := sqlite3.Open(path)
	if err != nil {
		return nil, err
	}
	if err := c.BusyTimeout(time.Minute); err != nil {
		c.Close()
		return nil, err
	}
	return &wasmDB{c: c}, nil
}

func (d *wasmDB) exec(sql string) error { return d.c.Exec(sql) }

func (d *wasmDB) insert(first int, vecs [][]float32) error {
	if err := d.c.Exec("BEGIN"); err != nil {
		return err
	}
	st, _, err := d.c.Prepare("INSERT INTO vecs(rowid, embedding) VALUES (?, ?)")
	if err != nil {
		d.c.Exec("ROLLBACK")
		return err
	}
	defer st.Close()
	for i, v := range vecs {
		st.BindInt64(1, int64(first+i+1))
		st.BindBlob(2, blob(v))
		if err := st.Exec(); err != nil {
			d.c.Exec("ROLLBACK")
			return err
		}
	}
	return d.c.Exec("COMMIT")
}

func (d *wasmDB) knn(q []float32, k int) ([]int64, error) {
	if d.search == nil {
		st, _, err := d.c.Prepare(knnSQL)
		if err != nil {
			return nil, err
		}
		d.search = st
	}
	st := d.search
	defer st.Reset()
	if err := st.BindBlob(1, blob(q)); err != nil {
		return nil, err
	}
	if err := st.BindInt(2, k); err != nil {
		return nil, err
	}
	var ids []int64
	for st.Step() {
		ids = append(ids, st.ColumnInt64(0))
	}
	return ids, st.Err()
}

func (d *wasmDB) version() (string, string, error) {
	st, _, err := d.c.Prepare("SELECT sqlite_version(), vec_version()")
	if err != nil {
		return "", "", err
	}
	defer st.Close()
	if !st.Step() {
		return "", "", fmt.Errorf("no version row: %v", st.Err())
	}
	return st.ColumnText(0), st.ColumnText(1), nil
}

func (d *wasmDB) close() error {
	if d.search != nil {
		d.search.Close()
	}
	return d.c.Close()
}
