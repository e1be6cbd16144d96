package convert

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/golm-dev/golm/helpers/local/gguf"
)

// writeGGUF writes a header-only GGUF file with the metadata given.
func writeGGUF(t *testing.T, path string, kv map[string]any) {
	t.Helper()
	w := gguf.NewWriter()
	for k, v := range kv {
		if err := w.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := w.WriteTo(f); err != nil {
		t.Fatal(err)
	}
}

func TestCachedBERT(t *testing.T) {
	ctx := context.Background()
	src := tinyBERT(t, "mean")
	dir := filepath.Join(t.TempDir(), "cache") // made by CachedBERT
	path, err := CachedBERT(ctx, src, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(fmt.Sprintf(`^tiny-bert-[0-9a-f]{12}-c%d\.gguf$`, Version)).MatchString(filepath.Base(path)) {
		t.Errorf("cache name %s", filepath.Base(path))
	}
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := f.Uint("golm.convert.version"); !ok || v != Version {
		t.Errorf("golm.convert.version %d %v, want %d", v, ok, Version)
	}

	// Again: the same file, not converted again.
	st1, _ := os.Stat(path)
	again, err := CachedBERT(ctx, src, dir, Options{})
	st2, _ := os.Stat(again)
	if err != nil || again != path || !st2.ModTime().Equal(st1.ModTime()) {
		t.Errorf("second call: %s, %v, modified %v", again, err, !st2.ModTime().Equal(st1.ModTime()))
	}

	// Other options: another name, and the conversion with the old options is removed.
	f16, err := CachedBERT(ctx, src, dir, Options{F16: true})
	if err != nil || f16 == path {
		t.Fatalf("F16: %s, %v", f16, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the previous conversion %s is still there (%v)", path, err)
	}

	// A new release of the model (another configuration): another name, the stale file removed.
	patchJSON(t, src, "config.json", "layer_norm_eps", 1e-6)
	newer, err := CachedBERT(ctx, src, dir, Options{F16: true})
	if err != nil || newer == f16 {
		t.Fatalf("after the model changed: %s, %v (the stale %s)", newer, err, f16)
	}
	if _, err := os.Stat(f16); !os.IsNotExist(err) {
		t.Errorf("the stale conversion %s is still there (%v)", f16, err)
	}
}

func TestCachedBERTRemovesLegacy(t *testing.T) {
	ctx := context.Background()
	src := tinyBERT(t, "mean")
	dir := t.TempDir()
	legacy := filepath.Join(dir, "tiny-bert.gguf") // where lesson 05 converted to before the names had versions
	writeGGUF(t, legacy, map[string]any{"general.architecture": "bert", "general.name": "tiny-bert"})
	other := filepath.Join(dir, "other.gguf")
	writeGGUF(t, other, map[string]any{"general.architecture": "bert", "general.name": "other"})
	unrelated := filepath.Join(dir, "tiny-bert-notes.txt")
	os.WriteFile(unrelated, []byte("keep"), 0o644)
	if _, err := CachedBERT(ctx, src, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(legacy); !os.IsNotExist(err) {
		t.Errorf("the unversioned conversion is still there (%v)", err)
	}
	for _, keep := range []string{other, unrelated} {
		if _, err := os.Stat(keep); err != nil {
			t.Errorf("%s was removed: %v", keep, err)
		}
	}

	// A user's own GGUF named like the folder, but not a conversion of it, stays.
	dir2 := t.TempDir()
	mine := filepath.Join(dir2, "tiny-bert.gguf")
	writeGGUF(t, mine, map[string]any{"general.architecture": "llama", "general.name": "tiny-bert"})
	if _, err := CachedBERT(ctx, src, dir2, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(mine); err != nil {
		t.Errorf("a GGUF that is not a conversion was removed: %v", err)
	}
}

func TestCacheNameErrors(t *testing.T) {
	if _, err := CacheName(t.TempDir(), Options{}); err == nil {
		t.Error("a folder without model.safetensors has a cache name")
	}
	if _, err := CachedBERT(context.Background(), filepath.Join(t.TempDir(), "missing"), t.TempDir(), Options{}); err == nil {
		t.Error("a missing folder converts")
	}
}
