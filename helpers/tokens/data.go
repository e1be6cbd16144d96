package tokens

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
)

// The vocabularies are compiled in from data/*.gz, written by `go run ./helpers/tokens/bench -write-data
// helpers/tokens/data` from github.com/tiktoken-go/tokenizer's (TestVocabularies checks them against a
// fingerprint of OpenAI's files, and the bench's tiktoken reference checks them against OpenAI's SHA-256).
// Each file holds, for each id from 0 up, a length byte (0 where the id is not an ordinary token) and the
// token's bytes, gzipped. r50k_base's tokens are the first 50256 of p50k_base's.
//
//go:embed data/*.gz
var data embed.FS

// dataFile names the file that holds an encoding's tokens, and how many ids it takes from it.
var dataFile = map[string]struct {
	file string
	n    int
}{
	O200kBase:  {"o200k_base.gz", 199998},
	Cl100kBase: {"cl100k_base.gz", 100256},
	P50kBase:   {"p50k_base.gz", 50281},
	R50kBase:   {"p50k_base.gz", 50256},
}

// loadVocab reads the ordinary tokens of an encoding and builds its vocab of nVocab ids, special tokens
// included.
func loadVocab(name string, nVocab int, special map[int]string) (*vocab, error) {
	df := dataFile[name]
	z, err := data.Open("data/" + df.file)
	if err != nil {
		return nil, fmt.Errorf("tokens: loading %s: %w", name, err)
	}
	defer z.Close()
	r, err := gzip.NewReader(z)
	if err != nil {
		return nil, fmt.Errorf("tokens: loading %s: %w", name, err)
	}
	var raw bytes.Buffer
	if _, err := io.Copy(&raw, r); err != nil {
		return nil, fmt.Errorf("tokens: loading %s: %w", name, err)
	}
	in := raw.Bytes()
	// The tokens' bytes one after the other, by id (the length bytes left out), and where each starts.
	blob := make([]byte, 0, len(in)+64)
	offs := make([]uint32, nVocab+1)
	ordinary := 0
	at := 0
	for id := range nVocab {
		offs[id] = uint32(len(blob))
		var t []byte
		if id < df.n {
			if at >= len(in) || at+1+int(in[at]) > len(in) {
				return nil, fmt.Errorf("tokens: loading %s: the data ends at id %d", name, id)
			}
			t = in[at+1 : at+1+int(in[at])]
			at += 1 + len(t)
		}
		if s, ok := special[id]; ok {
			blob = append(blob, s...)
		} else if len(t) > 0 {
			blob = append(blob, t...)
			ordinary++
		}
	}
	offs[nVocab] = uint32(len(blob))
	return newVocab(string(blob), offs, special, ordinary), nil
}
