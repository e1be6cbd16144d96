package workermain

import (
	"reflect"
	"testing"
)

func TestNotebookPackagesArePreferred(t *testing.T) {
	extra := map[string]map[string]reflect.Value{
		"github.com/google/go-cmp/cmp/cmp": {},
		"github.com/fatih/color/color":     {},
		"example.com/dep/dep":              {}, // a table of a package the notebook did not ask for
	}
	pref := Preferred(extra, []string{"github.com/google/go-cmp/cmp", "github.com/fatih/color"})
	for name, want := range map[string]string{"cmp": "github.com/google/go-cmp/cmp", "color": "github.com/fatih/color", "json": "encoding/json"} {
		if pref[name] != want {
			t.Errorf("%s prefers %q, want %q", name, pref[name], want)
		}
	}
	if _, ok := pref["dep"]; ok {
		t.Error("a package the notebook did not ask for is preferred")
	}
	if got := Symbols(extra); got["github.com/fatih/color/color"] == nil || got["github.com/golm-dev/golm/helpers/plot/plot"] == nil {
		t.Error("Symbols lacks the extra or golm's tables")
	}
}
