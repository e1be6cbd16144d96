// Package std holds the yaegi symbol tables of the names that Go's standard library gained after the Go
// release yaegi's own tables were made for (yaegi v0.16.1: Go 1.22): strings.Lines, iter, math/rand/v2's
// Uint, crypto/sha3, os.Root, unique, weak... They are generated from the Go toolchain that builds golm
// (go generate ./symbols), and add to yaegi's tables rather than replace them, which keeps yaegi's own
// versions of the names it restricts (os.Exit, log.Fatal...).
//
// Generic functions and types (errors.AsType, slices.Sorted, iter.Seq...) cannot be in a symbol table;
// Generic lists them.
package std

import "reflect"

// Symbols maps "import/path/name" to the names the package gained since yaegi's tables.
var Symbols = map[string]map[string]reflect.Value{}

// AddTo adds the tables' names to tables (yaegi's standard library tables, or a copy of them), package by
// package: a name tables already has is kept, and a package's table is copied before it is changed.
func AddTo(tables map[string]map[string]reflect.Value) {
	for key, names := range Symbols {
		merged := make(map[string]reflect.Value, len(tables[key])+len(names))
		for n, v := range names {
			merged[n] = v
		}
		for n, v := range tables[key] {
			merged[n] = v
		}
		tables[key] = merged
	}
}
