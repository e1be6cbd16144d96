// Command bench measures the throughput of helpers/tokens on a corpus file and, for comparison, of the
// libraries beside it: github.com/tiktoken-go/tokenizer used directly, and github.com/pkoukk/tiktoken-go
// (with the offline loader). run.sh runs it together with the same measurement of the npm package tiktoken.
//
//	go run ./helpers/tokens/bench -corpus corpus.txt -encodings o200k_base,cl100k_base -runs 3
//
// For each implementation and encoding it encodes the whole corpus as one string several times and prints
// one line: the median speed in MB/s (10^6 bytes of UTF-8 input per second), the number of tokens and an
// FNV-1a hash of the ids, which must be the same for every implementation.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/pkoukk/tiktoken-go"
	"github.com/tiktoken-go/tokenizer"

	"github.com/golm-dev/golm/helpers/tokens"
)

func main() {
	corpus := flag.String("corpus", "", "the corpus file (UTF-8 text)")
	encodings := flag.String("encodings", "o200k_base,cl100k_base", "comma-separated encodings")
	runs := flag.Int("runs", 3, "timed runs per implementation and encoding (the median is shown)")
	impls := flag.String("impls", "golm,tokenizer,pkoukk", "comma-separated implementations to measure")
	flag.Parse()
	data, err := os.ReadFile(*corpus)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(2)
	}
	text := string(data)
	tokens.InstallOfflineLoader()
	for _, name := range strings.Split(*encodings, ",") {
		for _, impl := range strings.Split(*impls, ",") {
			encode, err := encoder(impl, name)
			if err != nil {
				fmt.Fprintln(os.Stderr, "bench:", err)
				os.Exit(1)
			}
			report(impl, name, text, encode, *runs)
		}
	}
}

// encoder returns a function that encodes text with the implementation, after loading the encoding (so
// that loading is not timed).
func encoder(impl, name string) (func(string) []int, error) {
	switch impl {
	case "golm":
		e, err := tokens.Get(name)
		if err != nil {
			return nil, err
		}
		e.Encode("warm up")
		return e.Encode, nil
	case "tokenizer":
		c, err := tokenizer.Get(tokenizer.Encoding(name))
		if err != nil {
			return nil, err
		}
		return func(s string) []int {
			ids, _, err := c.Encode(s)
			if err != nil {
				panic(err)
			}
			out := make([]int, len(ids))
			for i, id := range ids {
				out[i] = int(id)
			}
			return out
		}, nil
	case "pkoukk":
		t, err := tiktoken.GetEncoding(name)
		if err != nil {
			return nil, err
		}
		return t.EncodeOrdinary, nil
	}
	return nil, fmt.Errorf("unknown implementation %q (golm, tokenizer, pkoukk)", impl)
}

func report(impl, name, text string, encode func(string) []int, runs int) {
	var ids []int
	speeds := make([]float64, runs)
	for i := range speeds {
		start := time.Now()
		ids = encode(text)
		speeds[i] = float64(len(text)) / 1e6 / time.Since(start).Seconds()
	}
	slices.Sort(speeds)
	fmt.Printf("%-22s %-12s %7.2f MB/s  %9d tokens  ids fnv1a %016x  (%d runs, %.2f-%.2f MB/s)\n",
		"go "+impl, name, speeds[len(speeds)/2], len(ids), hashIDs(ids), runs, speeds[0], speeds[len(speeds)-1])
}

// hashIDs returns the FNV-1a hash of the ids as little-endian uint32s (bench.mjs computes the same).
func hashIDs(ids []int) uint64 {
	h := fnv.New64a()
	var b [4]byte
	for _, id := range ids {
		binary.LittleEndian.PutUint32(b[:], uint32(id))
		h.Write(b[:])
	}
	return h.Sum64()
}
