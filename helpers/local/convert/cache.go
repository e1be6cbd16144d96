package convert

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"

	"github.com/golm-dev/golm/helpers/local/gguf"
)

// Version is the version of the files BERT writes (also in their metadata, as golm.convert.version). It goes
// up whenever BERT writes different bytes for the same model folder, so that CachedBERT never returns a file
// an older converter wrote.
const Version = 1

// sourceFiles are the files of a model folder that BERT reads (those missing are skipped).
var sourceFiles = []string{"config.json", "model.safetensors", "tokenizer.json", "vocab.txt", "1_Pooling/config.json"}

// CacheName returns the file name under which CachedBERT keeps the conversion of the model folder src with
// opts: the folder's name, 12 hex digits of a SHA-256 over the files BERT reads and the options, and the
// converter's Version, such as "all-MiniLM-L6-v2-5d1a0c3e9b7f-c1.gguf". Another release of the model (other
// weights, another vocabulary or configuration), other options or a new converter give another name.
func CacheName(src string, opts Options) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "golm convert.BERT v%d f16=%t pooling=%q name=%q\n", Version, opts.F16, opts.Pooling, opts.Name)
	found := false
	for _, name := range sourceFiles {
		f, err := os.Open(filepath.Join(src, filepath.FromSlash(name)))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("convert: %w", err)
		}
		fmt.Fprintf(h, "%s\n", name)
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", fmt.Errorf("convert: %w", err)
		}
		found = found || name == "model.safetensors"
	}
	if !found {
		return "", fmt.Errorf("convert: %s has no model.safetensors", src)
	}
	sum := hex.EncodeToString(h.Sum(nil))[:12]
	return fmt.Sprintf("%s-%s-c%d.gguf", baseName(src), sum, Version), nil
}

func baseName(src string) string { return filepath.Base(filepath.Clean(src)) }

// CachedBERT converts the BERT model in folder src (see BERT) into the folder dir, under CacheName, unless
// that file is already there, and returns its path. One conversion of a model folder of that name is kept in
// dir: the others are removed (files named by CacheName with another hash, that is another release of the
// model, other options or another converter Version), and so is a "<name>.gguf" that an older golm converter
// wrote there (a BERT GGUF of that name without golm.convert.version).
func CachedBERT(ctx context.Context, src, dir string, opts Options) (string, error) {
	name, err := CacheName(src, opts)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err != nil {
		if err := BERT(ctx, src, path, opts); err != nil {
			return "", err
		}
	}
	removeStale(dir, baseName(src), name)
	return path, nil
}

// removeStale removes the other conversions of the model folder named base in dir (keep is the current one's
// file name). Errors are ignored: a stale file left behind is only disk space.
func removeStale(dir, base, keep string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	re := regexp.MustCompile(`^` + regexp.QuoteMeta(base) + `-[0-9a-f]{12}-c[0-9]+\.gguf$`)
	for _, e := range entries {
		n := e.Name()
		switch {
		case n == keep || e.IsDir():
		case re.MatchString(n):
			os.Remove(filepath.Join(dir, n))
		case n == base+".gguf" && legacy(filepath.Join(dir, n), base):
			os.Remove(filepath.Join(dir, n))
		}
	}
}

// legacy reports whether the GGUF file at path is a conversion of the folder base by a converter that did not
// record its version.
func legacy(path, base string) bool {
	f, err := gguf.Open(path)
	if err != nil {
		return false
	}
	_, versioned := f.Uint("golm.convert.version")
	return !versioned && f.String("general.architecture") == "bert" && f.String("general.name") == base
}
