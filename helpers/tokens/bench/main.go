// Command bench measures the throughput of helpers/tokens on corpus files and, for comparison, of the Go
// libraries beside it: github.com/tiktoken-go/tokenizer and github.com/pkoukk/tiktoken-go (with the offline
// loader). run.sh runs it together with the same measurement of the Python tiktoken (OpenAI's Rust code) and
// of the npm package tiktoken (its WASM build).
//
//	go run ./helpers/tokens/bench -corpus go.txt,prose.txt -encodings o200k_base,cl100k_base -runs 5
//	go run ./helpers/tokens/bench -write-prose prose.txt -size 4000000   # the English prose corpus
//	go run ./helpers/tokens/bench -write-vocab DIR                         # the vocabularies for tiktoken
//	go run ./helpers/tokens/bench -write-data helpers/tokens/data          # the vocabularies compiled in
//	go run ./helpers/tokens/bench -mem                                     # resident memory per encoding
//
// For each corpus, encoding and implementation it encodes the whole corpus as one string several times and
// prints one line: the median speed in MB/s (10^6 bytes of UTF-8 input per second of wall-clock time), the
// number of tokens and an FNV-1a hash of the ids, which must be the same for every implementation, and the
// median speed per second of CPU time that the process used (steadier than wall-clock time on a busy
// machine; on several cores, it counts the time of each). The
// implementation "golm" runs on one core (GOMAXPROCS=1, so Encode does not share the text among cores);
// "golm-all" runs with every core.
package main

import (
	"encoding/binary"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/pkoukk/tiktoken-go"
	"github.com/tiktoken-go/tokenizer"

	"github.com/golm-dev/golm/helpers/tokens"
)

func main() {
	corpora := flag.String("corpus", "", "comma-separated corpus files (UTF-8 text)")
	encodings := flag.String("encodings", "o200k_base,cl100k_base", "comma-separated encodings")
	runs := flag.Int("runs", 5, "timed runs per implementation and encoding (the median is shown)")
	impls := flag.String("impls", "golm,golm-all,tokenizer,pkoukk", "comma-separated implementations to measure")
	writeProse := flag.String("write-prose", "", "write the English prose corpus to this file and exit")
	size := flag.Int("size", 4_000_000, "the size of the prose corpus in bytes")
	writeData := flag.String("write-data", "", "write helpers/tokens' compiled-in vocabularies into this folder and exit")
	writeVocab := flag.String("write-vocab", "", "write the vocabularies as tiktoken's cache into this folder and exit")
	mem := flag.Bool("mem", false, "report the memory each encoding takes once loaded, and exit")
	flag.Parse()
	if *writeData != "" {
		if err := writeCompiledData(*writeData); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*corpora, *encodings, *impls, *runs, *writeProse, *size, *writeVocab, *mem); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(corpora, encodings, impls string, runs int, writeProse string, size int, writeVocab string, mem bool) error {
	switch {
	case writeProse != "":
		return os.WriteFile(writeProse, []byte(prose(size, 1)), 0o644)
	case writeVocab != "":
		return writeVocabularies(writeVocab)
	case mem:
		return memory(strings.Split(encodings, ","))
	}
	tokens.InstallOfflineLoader()
	for _, file := range strings.Split(corpora, ",") {
		data, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		text := string(data)
		for _, name := range strings.Split(encodings, ",") {
			for _, impl := range strings.Split(impls, ",") {
				encode, procs, err := encoder(impl, name)
				if err != nil {
					return err
				}
				old := runtime.GOMAXPROCS(procs)
				report(impl, filepath.Base(file), name, text, encode, runs)
				runtime.GOMAXPROCS(old)
			}
		}
	}
	return nil
}

// encoder returns a function that encodes text with the implementation, after loading the encoding (so
// that loading is not timed), and the number of cores it runs on.
func encoder(impl, name string) (func(string) []int, int, error) {
	switch impl {
	case "golm", "golm-all":
		e, err := tokens.Get(name)
		if err != nil {
			return nil, 0, err
		}
		e.Encode("warm up")
		if impl == "golm-all" {
			return e.Encode, runtime.NumCPU(), nil
		}
		return e.Encode, 1, nil
	case "tokenizer":
		c, err := tokenizer.Get(tokenizer.Encoding(name))
		if err != nil {
			return nil, 0, err
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
		}, 1, nil
	case "pkoukk":
		t, err := tiktoken.GetEncoding(name)
		if err != nil {
			return nil, 0, err
		}
		return t.EncodeOrdinary, 1, nil
	}
	return nil, 0, fmt.Errorf("unknown implementation %q (golm, golm-all, tokenizer, pkoukk)", impl)
}

func report(impl, corpus, name, text string, encode func(string) []int, runs int) {
	var ids []int
	speeds := make([]float64, runs)
	cpuSpeeds := make([]float64, runs)
	for i := range speeds {
		runtime.GC()
		start, cpuStart := time.Now(), cpuTime()
		ids = encode(text)
		speeds[i] = float64(len(text)) / 1e6 / time.Since(start).Seconds()
		cpuSpeeds[i] = float64(len(text)) / 1e6 / (cpuTime() - cpuStart).Seconds()
	}
	slices.Sort(speeds)
	slices.Sort(cpuSpeeds)
	label := "go " + impl
	if impl == "golm-all" {
		label = fmt.Sprintf("go golm, %d cores", runtime.GOMAXPROCS(0))
	}
	fmt.Printf("%-22s %-10s %-12s %7.2f MB/s  %9d tokens  ids fnv1a %016x  (%d runs, %.2f-%.2f MB/s; per CPU second %.2f MB/s)\n",
		label, corpus, name, speeds[len(speeds)/2], len(ids), hashIDs(ids), runs, speeds[0], speeds[len(speeds)-1],
		cpuSpeeds[len(cpuSpeeds)/2])
}

// cpuTime returns the CPU time the process has used (user and system), or 0 where it cannot be read.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// hashIDs returns the FNV-1a hash of the ids as little-endian uint32s (tiktoken.py and bench.mjs compute the same).
func hashIDs(ids []int) uint64 {
	h := fnv.New64a()
	var b [4]byte
	for _, id := range ids {
		binary.LittleEndian.PutUint32(b[:], uint32(id))
		h.Write(b[:])
	}
	return h.Sum64()
}

// memory prints the heap that each encoding holds once loaded and used (the Go heap in use after a garbage
// collection, before and after), and the resident memory of the process at the end.
func memory(names []string) error {
	debug.SetGCPercent(-1)
	inUse := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	for _, name := range names {
		before := inUse()
		start := time.Now()
		e, err := tokens.Get(name)
		if err != nil {
			return err
		}
		load := time.Since(start)
		e.Encode("Hello, world! Let's count the tokens of a short text.")
		fmt.Printf("%-12s loaded in %4d ms, heap %6.1f MB\n", name, load.Milliseconds(), float64(inUse()-before)/1e6)
	}
	if status, err := os.ReadFile("/proc/self/status"); err == nil {
		for _, line := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(line, "VmRSS:") {
				fmt.Println("process resident memory:", strings.Join(strings.Fields(line)[1:], " "))
			}
		}
	}
	return nil
}
