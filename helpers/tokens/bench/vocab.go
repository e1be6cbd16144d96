package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tiktoken-go/tokenizer"

	"github.com/golm-dev/golm/helpers/tokens"
)

// writeVocabularies writes each encoding's vocabulary, as compiled into helpers/tokens, into dir as tiktoken's
// cache would hold the file it downloads (named by the SHA-1 of its URL, in the .tiktoken format: a token in
// base64 and its rank on each line). With TIKTOKEN_CACHE_DIR=dir, the Python tiktoken then loads them, with
// no network, through its own tiktoken.get_encoding, which checks each file against the SHA-256 that OpenAI
// publishes: so the reference uses exactly OpenAI's vocabularies, split patterns and special tokens.
func writeVocabularies(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range tokens.Encodings() {
		// The ordinary tokens, from the data that helpers/tokens loads (its Decode adds the special ones).
		c, err := tokenizer.Get(tokenizer.Encoding(name))
		if err != nil {
			return err
		}
		var sb strings.Builder
		for id := range uint(200_100) {
			if b, err := c.Decode([]uint{id}); err == nil {
				fmt.Fprintf(&sb, "%s %d\n", base64.StdEncoding.EncodeToString([]byte(b)), id)
			}
		}
		url := "https://openaipublic.blob.core.windows.net/encodings/" + name + ".tiktoken"
		sum := sha1.Sum([]byte(url))
		if err := os.WriteFile(filepath.Join(dir, hex.EncodeToString(sum[:])), []byte(sb.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// writeData writes the vocabularies that helpers/tokens compiles in (see its data.go) into dir, from
// github.com/tiktoken-go/tokenizer's: for each id from 0 up, a length byte and the token's bytes, gzipped.
func writeCompiledData(dir string) error {
	for _, f := range []struct {
		name tokenizer.Encoding
		n    uint
	}{{tokenizer.O200kBase, 199998}, {tokenizer.Cl100kBase, 100256}, {tokenizer.P50kBase, 50281}} {
		c, err := tokenizer.Get(f.name)
		if err != nil {
			return err
		}
		var raw bytes.Buffer
		for id := range f.n {
			b, err := c.Decode([]uint{id})
			if err != nil || b == "<|endoftext|>" {
				b = ""
			}
			if len(b) > 255 {
				return fmt.Errorf("%s: token %d has %d bytes", f.name, id, len(b))
			}
			raw.WriteByte(byte(len(b)))
			raw.WriteString(b)
		}
		var z bytes.Buffer
		w, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
		w.Write(raw.Bytes())
		if err := w.Close(); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, string(f.name)+".gz"), z.Bytes(), 0o644); err != nil {
			return err
		}
	}
	return nil
}
