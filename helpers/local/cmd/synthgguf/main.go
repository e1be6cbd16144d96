// Command synthgguf writes synthetic GGUF models for tests and benchmarks (see package synth).
//
//	synthgguf -model tiny tiny.gguf                 # the tiny deterministic model (about 0.6 MB)
//	synthgguf -model embedder bert.gguf             # a tiny BERT embedding model (mean pooling)
//	synthgguf -model words words.gguf               # a word-level model for text-to-SQL fine-tuning (lesson 06)
//	synthgguf -model large -type Q8_0 large.gguf    # 0.4 B parameters of random weights (about 440 MB)
//	synthgguf -model large -width 4096 -layers 4 -ff 11008 big.gguf
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/golm-dev/golm/helpers/local/gguf"
	"github.com/golm-dev/golm/helpers/local/synth"
	"github.com/golm-dev/golm/helpers/textsql"
)

func main() {
	model := flag.String("model", "tiny", "which model: tiny, embedder, words or large")
	typ := flag.String("type", "", "weight type: F32, F16 or Q8_0 (default F32 for tiny, Q8_0 for large)")
	width := flag.Int("width", 0, "large: embedding width (default 2048)")
	layers := flag.Int("layers", 0, "large: number of layers (default 8)")
	ff := flag.Int("ff", 0, "large: feed-forward width (default 5632)")
	heads := flag.Int("heads", 0, "large: attention heads (default 32)")
	kv := flag.Int("kv", 0, "large: key/value heads (default 8)")
	seed := flag.Uint64("seed", 0, "random seed (default: fixed)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: synthgguf [flags] OUT.gguf\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *model, *typ, *width, *layers, *ff, *heads, *kv, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "synthgguf:", err)
		os.Exit(1)
	}
}

func run(out, model, typ string, width, layers, ff, heads, kv int, seed uint64) error {
	var t gguf.TensorType
	switch typ {
	case "", "F32":
		t = gguf.TensorF32
	case "F16":
		t = gguf.TensorF16
	case "Q8_0":
		t = gguf.TensorQ8_0
	default:
		return fmt.Errorf("unsupported type %q (use F32, F16 or Q8_0)", typ)
	}
	start := time.Now()
	switch model {
	case "tiny":
		if err := synth.WriteTiny(out, synth.TinyOptions{Type: t, Seed: seed}); err != nil {
			return err
		}
	case "embedder":
		if err := synth.WriteTinyEmbedder(out, synth.EmbedderOptions{Seed: seed}); err != nil {
			return err
		}
	case "words":
		if err := synth.WriteWords(out, synth.WordsOptions{Texts: sqlTexts(), Seed: seed}); err != nil {
			return err
		}
	case "large":
		if _, err := synth.WriteLarge(out, synth.LargeOptions{Width: width, Layers: layers, FeedForward: ff,
			Heads: heads, HeadsKV: kv, Type: t, Seed: seed}); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown model %q (use tiny, embedder, words or large)", model)
	}
	m, err := gguf.ReadMetadata(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "wrote %s in %v: %s parameters, %s, %.1f MB\n", out, time.Since(start).Round(time.Millisecond),
		m.ParameterLabel(), m.FileType, float64(m.FileSize)/1e6)
	return nil
}

// sqlTexts returns the words of the words model: the talk's prompt format and every question and answer of
// textsql's questions of one kind, counting rows by group (count-group), over all its tables.
func sqlTexts() []string {
	texts := []string{"USER: ASSISTANT:"}
	ds := textsql.Generate(textsql.Options{Kinds: []string{"count-group"}})
	for _, r := range ds.Rows {
		texts = append(texts, r["question"], r["answer"])
	}
	return texts
}
