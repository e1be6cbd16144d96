// Package docs holds the documentation of the packages cells can use (the standard library and the
// packages of package symbols), so that inspect requests (Shift+Tab in Jupyter, or "?strings.Repeat") show
// signatures and doc comments without a Go installation. The index is generated with go generate
// ./internal/kernel/docs; a test fails when it is stale.
package docs

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"io"
	"sync"
)

//go:generate go run ./internal/gen

//go:embed docs.json.gz
var compressed []byte

// Index maps an import path to its members' documentation; the key "" holds the package's own doc.
type Index map[string]map[string]string

var load = sync.OnceValue(func() Index {
	var idx Index
	r, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return Index{}
	}
	data, err := io.ReadAll(r)
	if err != nil || json.Unmarshal(data, &idx) != nil {
		return Index{}
	}
	return idx
})

// Lookup returns the documentation of a package member ("strings", "Repeat"), of a method ("strings",
// "Builder.WriteString"), or of the package itself (name "").
func Lookup(pkgPath, name string) (string, bool) {
	doc, ok := load()[pkgPath][name]
	return doc, ok
}
