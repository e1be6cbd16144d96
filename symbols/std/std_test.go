package std

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/golm-dev/golm/symbols/internal/extract"
)

// TestTablesAreFresh fails when the installed Go's standard library has names the tables lack (a new Go
// release): run go generate ./symbols.
func TestTablesAreFresh(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the standard library; skipped with -short")
	}
	pkgs, err := extract.StdPackages()
	if err != nil {
		t.Fatal(err)
	}
	missing, generics, err := extract.Missing(pkgs)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]string{}
	for key, names := range Symbols {
		var list []string
		for n := range names {
			if !strings.HasPrefix(n, "_") { // interface wrappers
				list = append(list, n)
			}
		}
		slices.Sort(list)
		have[key[:strings.LastIndex(key, "/")]] = strings.Join(list, " ")
	}
	want := map[string]string{}
	for path, names := range missing {
		want[path] = strings.Join(names, " ")
	}
	if !reflect.DeepEqual(have, want) {
		t.Errorf("the tables are stale: run go generate ./symbols\nhave %v\nwant %v", have, want)
	}
	if !reflect.DeepEqual(Generic, generics) {
		t.Errorf("the list of generic names is stale: run go generate ./symbols")
	}
}

// TestAddTo checks that the tables add names and keep those the target has.
func TestAddTo(t *testing.T) {
	keep := reflect.ValueOf("yaegi's")
	tables := map[string]map[string]reflect.Value{"strings/strings": {"Lines": keep, "ToUpper": keep}}
	shared := tables["strings/strings"]
	AddTo(tables)
	got := tables["strings/strings"]
	if got["Lines"] != keep || got["ToUpper"] != keep || !got["SplitSeq"].IsValid() {
		t.Errorf("strings after AddTo: %v", got)
	}
	if _, changed := shared["SplitSeq"]; changed {
		t.Error("AddTo changed the table it was given instead of a copy")
	}
	if _, ok := tables["iter/iter"]; !ok {
		t.Error("no table for iter")
	}
}
