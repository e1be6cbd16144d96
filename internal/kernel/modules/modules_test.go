package modules

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// golmRoot is this checkout.
func golmRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func TestFirstError(t *testing.T) {
	cases := []struct{ out, want string }{
		{"go: downloading example.com/x v1.0.0\n# example.com/x\n./x.go:3:9: undefined: y\n./x.go:4:1: more\n", "example.com/x: ./x.go:3:9: undefined: y"},
		{"go: example.invalid/m@v1.0.0: unrecognized import path\n", "go: example.invalid/m@v1.0.0: unrecognized import path"},
		{"# runtime/cgo\ngcc: error: no such file\n", "runtime/cgo: gcc: error: no such file"},
		{"", ""},
	}
	for _, tc := range cases {
		if got := firstError(tc.out); got != tc.want {
			t.Errorf("firstError(%q) = %q, want %q", tc.out, got, tc.want)
		}
	}
}

func TestFindSourceFromThisCheckout(t *testing.T) {
	t.Setenv(SourceEnv, "")
	src, err := FindSource()
	if err != nil || src != golmRoot(t) {
		t.Fatalf("FindSource() = %q, %v; want %q", src, err, golmRoot(t))
	}
	t.Setenv(SourceEnv, t.TempDir())
	if _, err := FindSource(); err == nil || !strings.Contains(err.Error(), "is not golm's source tree") {
		t.Errorf("a GOLM_SOURCE without golm's go.mod: %v", err)
	}
}

func TestDefaultDirsPerNotebook(t *testing.T) {
	home := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	t.Setenv("XDG_CACHE_HOME", filepath.Join(home, "cache"))
	t.Setenv(WorkspaceEnv, "")
	t.Setenv("JPY_SESSION_NAME", "/course/05 RAG.ipynb")
	ws, cache, err := DefaultDirs()
	if err != nil {
		t.Fatal(err)
	}
	if cache != filepath.Join(home, "cache", "golm", "workers") {
		t.Errorf("cache %s", cache)
	}
	if dir, base := filepath.Split(ws); dir != filepath.Join(home, "config", "golm", "workspaces")+"/" || !strings.HasPrefix(base, "05_RAG-") {
		t.Errorf("workspace %s", ws)
	}
	t.Setenv("JPY_SESSION_NAME", "/course/06 tune.ipynb")
	if other, _, _ := DefaultDirs(); other == ws {
		t.Error("two notebooks share a workspace")
	}
	t.Setenv(WorkspaceEnv, "/somewhere")
	if ws, _, _ := DefaultDirs(); ws != "/somewhere" {
		t.Errorf("GOLM_WORKSPACE ignored: %s", ws)
	}
}

func TestOpenWritesGoModAndKeepsRequirements(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(Options{Dir: dir, CacheDir: t.TempDir(), Source: golmRoot(t)})
	if err != nil {
		t.Fatal(err)
	}
	// As go get would leave it, with a requirement of the notebook's and an old replace of golm.
	gomod := "module " + modulePath + "\n\ngo 1.26\n\nrequire (\n\tgithub.com/google/uuid v1.6.0\n\texample.com/x v1.2.3 // indirect\n)\n\n" +
		"require " + GolmModule + " v0.0.0\n\nreplace " + GolmModule + " => /old/place\n"
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(gomod), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(Options{Dir: dir, CacheDir: t.TempDir(), Source: golmRoot(t)}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	if strings.Contains(string(data), "/old/place") || !strings.Contains(string(data), "replace "+GolmModule+" => "+golmRoot(t)) {
		t.Errorf("go.mod does not point at this checkout:\n%s", data)
	}
	mods, err := w.Modules()
	if err != nil {
		t.Fatal(err)
	}
	want := []Module{{Path: "example.com/x", Version: "v1.2.3", Indirect: true}, {Path: "github.com/google/uuid", Version: "v1.6.0"}}
	if !reflect.DeepEqual(mods, want) {
		t.Errorf("Modules() = %+v, want %+v", mods, want)
	}

	// Opening again leaves go.mod as it is: its bytes key the worker cache.
	before, _ := os.ReadFile(filepath.Join(dir, "go.mod"))
	if _, err := Open(Options{Dir: dir, CacheDir: t.TempDir(), Source: golmRoot(t)}); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(filepath.Join(dir, "go.mod")); !bytes.Equal(before, after) {
		t.Errorf("reopening changed go.mod:\n%s\nto\n%s", before, after)
	}

	// A module version of golm is required, not replaced.
	if _, err := Open(Options{Dir: dir, CacheDir: t.TempDir(), Source: "v0.3.0"}); err != nil {
		t.Fatal(err)
	}
	data, _ = os.ReadFile(filepath.Join(dir, "go.mod"))
	if strings.Contains(string(data), "replace "+GolmModule) || !strings.Contains(string(data), "require "+GolmModule+" v0.3.0") {
		t.Errorf("go.mod for a released golm:\n%s", data)
	}
}

func TestPackagesAndRemove(t *testing.T) {
	w, err := Open(Options{Dir: t.TempDir(), CacheDir: t.TempDir(), Source: golmRoot(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.setPackages([]string{"b.example/y", "a.example/x", "b.example/y"}); err != nil {
		t.Fatal(err)
	}
	if got := w.Packages(); !reflect.DeepEqual(got, []string{"a.example/x", "b.example/y"}) {
		t.Errorf("Packages() = %v", got)
	}
	if err := w.Remove([]string{"c.example/z"}); err == nil {
		t.Error("removing a package the workspace lacks succeeded")
	}
	if err := w.Remove([]string{"a.example/x"}); err != nil {
		t.Fatal(err)
	}
	if got := w.Packages(); !reflect.DeepEqual(got, []string{"b.example/y"}) {
		t.Errorf("after Remove: %v", got)
	}
	if _, ok := w.Cached(); ok {
		t.Error("a workspace never built has a cached worker")
	}
}

// TestBuildFailureNamesTheFirstErrorAndCgo builds a worker with a module (a local replace, so no network)
// whose package does not compile and uses cgo: the error carries the compiler's first error and names the
// cgo package.
func TestBuildFailureNamesTheFirstErrorAndCgo(t *testing.T) {
	dir := t.TempDir()
	w, err := Open(Options{Dir: dir, CacheDir: t.TempDir(), Source: golmRoot(t)})
	if err != nil {
		t.Fatal(err)
	}
	mod := filepath.Join(dir, "broken")
	files := map[string]string{
		"go.mod":    "module example.com/broken\n\ngo 1.22\n",
		"broken.go": "package broken\n\n// #include <stdlib.h>\nimport \"C\"\n\nfunc Half(x int) int { return x / undefinedTwo }\n",
	}
	if err := os.MkdirAll(mod, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(mod, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.OpenFile(filepath.Join(dir, "go.mod"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\nrequire example.com/broken v0.0.0\n\nreplace example.com/broken => ./broken\n")
	f.Close()
	ctx := context.Background()
	if err := w.setPackages([]string{"example.com/broken"}); err != nil { // what Get records
		t.Fatal(err)
	}
	var out bytes.Buffer
	_, err = w.Build(ctx, &out)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Build: %v, want an *Error\n%s", err, out.String())
	}
	t.Logf("the user sees: %s", e.Error())
	if !strings.Contains(e.First, "undefinedTwo") || !reflect.DeepEqual(e.Cgo, []string{"example.com/broken"}) {
		t.Errorf("error %q (cgo %v), want the first compiler error and the cgo package", e.Error(), e.Cgo)
	}
	if _, ok := w.Cached(); ok {
		t.Error("a failed build left a cached worker")
	}
}

func TestPruneKeepsRecentAndRecentlyUsed(t *testing.T) {
	cache := t.TempDir()
	now := time.Now()
	// 12 workers: the first 10 unused for two days, the last 2 used an hour ago.
	for i := 0; i < 12; i++ {
		dir := filepath.Join(cache, fmt.Sprintf("w%02d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		used := now.Add(-48*time.Hour + time.Duration(i)*time.Minute)
		if i >= 10 {
			used = now.Add(-time.Hour)
		}
		if err := os.Chtimes(dir, used, used); err != nil {
			t.Fatal(err)
		}
	}
	prune(cache, now)
	entries, _ := os.ReadDir(cache)
	var left []string
	for _, e := range entries {
		left = append(left, e.Name())
	}
	want := []string{"w04", "w05", "w06", "w07", "w08", "w09", "w10", "w11"}
	if !reflect.DeepEqual(left, want) {
		t.Errorf("after pruning: %v, want %v", left, want)
	}
}

func TestPointsAt(t *testing.T) {
	const m = "module " + modulePath + "\n\n"
	cases := []struct {
		gomod, source string
		want          bool
	}{
		{m + "require " + GolmModule + " v0.0.0\n\nreplace " + GolmModule + " => /src\n", "/src", true},
		{m + "require (\n\t" + GolmModule + " v0.0.0\n\tx.example/y v1.0.0\n)\n\nreplace " + GolmModule + " => /src\n", "/src", true},
		{m + "require " + GolmModule + " v0.0.0\n\nreplace " + GolmModule + " => /old\n", "/src", false},
		{m + "replace " + GolmModule + " => /src\n", "/src", false},
		{m + "require " + GolmModule + " v0.3.0\n", "v0.3.0", true},
		{m + "require " + GolmModule + " v0.3.0\n\nreplace " + GolmModule + " => /src\n", "v0.3.0", false},
		{m + "require " + GolmModule + " v0.2.0\n", "v0.3.0", false},
	}
	for i, tc := range cases {
		if got := pointsAt(tc.gomod, tc.source); got != tc.want {
			t.Errorf("case %d: pointsAt = %v, want %v\n%s", i, got, tc.want, tc.gomod)
		}
	}
}
