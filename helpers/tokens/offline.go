package tokens

import (
	"fmt"
	"path"
	"strings"

	"github.com/pkoukk/tiktoken-go"
)

// InstallOfflineLoader makes github.com/pkoukk/tiktoken-go load its vocabularies from the data compiled into
// this package instead of downloading them, so that tiktoken.GetEncoding and tiktoken.EncodingForModel work
// without a network and give the same ids as this package. The golm kernel calls it at start-up; a program
// calls it once, before its first use of tiktoken-go (tiktoken-go keeps an encoding once loaded, and its
// loader setting is not safe to change while encodings load).
//
// The loader goes by the base name of the file tiktoken-go asks for (cl100k_base.tiktoken and so on): it
// serves o200k_base, cl100k_base, p50k_base (which tiktoken-go's p50k_edit also uses) and r50k_base, and for
// any other file returns an error rather than touching the network or the file system.
func InstallOfflineLoader() {
	tiktoken.SetBpeLoader(offlineLoader{})
}

// offlineLoader implements tiktoken.BpeLoader.
type offlineLoader struct{}

// LoadTiktokenBpe returns the ranks of the ordinary tokens of the encoding whose .tiktoken file tiktoken-go
// asks for, such as "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken": a new map
// of each token's bytes to its id, as the file would give.
func (offlineLoader) LoadTiktokenBpe(file string) (map[string]int, error) {
	name := strings.TrimSuffix(path.Base(file), ".tiktoken")
	e, err := Get(name)
	if err != nil {
		return nil, fmt.Errorf("tokens: offline loader for tiktoken-go: no vocabulary for %q compiled in "+
			"(it has %s), and it never downloads one: %w", file, strings.Join(encodingNames, ", "), err)
	}
	ranks := e.ranks()
	return ranks, nil
}
