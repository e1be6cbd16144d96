//go:build cgo

package main

import (
	"database/sql"
	"fmt"

	sqlitevec "github.com/asg017/sqlite-vec-go-bindings/cgo" // sqlite-vec compiled from C
	_ "github.com/mattn/go-sqlite3"                          // SQLite compiled from C
)

func init() { sqlitevec.Auto() }

// cgoDB is a connection through github.com/mattn/go-sqlite3 (cgo) with sqlite-vec compiled in. run.sh builds
// it with sqlite-vec's AVX distance functions where the processor has AVX, as sqlite-vec's own x86-64
// releases are.
type cgoDB struct {
	db     *sql.DB
	search *sql.Stmt
}

func openCgo(path string) (vecDB, error) {
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=60000")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // one connection per vecDB, as the WASM one
	return &cgoDB{db: db}, nil
}

func (d *cgoDB) exec(q string) error { _, err := d.db.Exec(q); return err }

func (d *cgoDB) insert(first int, vecs [][]float32) error {
	tx, err := d.db.Begin()
	if err != nil {
		return err
	}
	st, err := tx.Prepare("INSERT INTO vecs(rowid, embedding) VALUES (?, ?)")
	if err != nil {
		tx.Rollback()
		return err
	}
	for i, v := range vecs {
		if _, err := st.Exec(int64(first+i+1), blob(v)); err != nil {
			tx.Rollback()
			return err
		}
	}
	st.Close()
	return tx.Commit()
}

func (d *cgoDB) knn(q []float32, k int) ([]int64, error) {
	if d.search == nil {
		st, err := d.db.Prepare(knnSQL)
		if err != nil {
			return nil, err
		}
		d.search = st
	}
	rows, err := d.search.Query(blob(q), k)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func (d *cgoDB) version() (string, string, error) {
	var s, v string
	err := d.db.QueryRow("SELECT sqlite_version(), vec_version()").Scan(&s, &v)
	if err != nil {
		return "", "", fmt.Errorf("sqlite-vec: %w", err)
	}
	return s, v, nil
}

func (d *cgoDB) close() error {
	if d.search != nil {
		d.search.Close()
	}
	return d.db.Close()
}

// haveCgo says whether the cgo build of sqlite-vec is linked in.
const haveCgo = true
