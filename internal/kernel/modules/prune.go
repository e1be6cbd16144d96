package modules

import (
	"os"
	"path/filepath"
	"sort"
	"time"
)

// Keep bounds the worker cache: the workers used last are kept, and older ones are removed once unused
// for a while (a running kernel may still restart its worker from the cache).
const (
	keepWorkers = 8
	keepUnused  = 24 * time.Hour
)

// touch marks a cached worker as used now.
func touch(dir string) {
	now := time.Now()
	_ = os.Chtimes(dir, now, now)
}

// prune removes cached workers beyond the keepWorkers used last that have not been used for keepUnused.
func prune(cacheDir string, now time.Time) {
	entries, err := os.ReadDir(cacheDir)
	if err != nil {
		return
	}
	type worker struct {
		dir  string
		used time.Time
	}
	var ws []worker
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue
		}
		ws = append(ws, worker{filepath.Join(cacheDir, e.Name()), info.ModTime()})
	}
	sort.Slice(ws, func(i, j int) bool { return ws[i].used.After(ws[j].used) })
	for i, w := range ws {
		if i >= keepWorkers && now.Sub(w.used) > keepUnused {
			_ = os.RemoveAll(w.dir)
		}
	}
}
