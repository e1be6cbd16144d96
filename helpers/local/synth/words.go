package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"unicode"

	"github.com/golm-dev/golm/helpers/local/gguf"
)

// Word model shape: the first half of the residual stream holds the current token's embedding, the second
// half the mean of the embeddings of the tokens so far (the context).
const (
	WordsWidth   = 256
	wordsHeads   = 4
	wordsHeadsKV = 2
	wordsFF      = 64
	wordsLayers  = 1
)

// WordsOptions sets the vocabulary of WriteWords's model.
type WordsOptions struct {
	// Texts are split into words (runs of letters, digits and _) and single punctuation characters; every
	// word becomes one token, with and without a leading space.
	Texts []string
	// Seed seeds the random embeddings and the random output head (0 uses a fixed default).
	Seed uint64
	// Name is general.name (default "golm word-level test model").
	Name string
}

// WriteWords writes a small model whose tokens are whole words, made to be fine-tuned by training its output
// head only (local.Model.Train): each token has a random embedding; one attention layer with constant scores
// adds the mean of the embeddings so far (times 4) to the residual stream, so the last hidden state holds the current
// token and a bag of the earlier ones, which a linear head can read. Its head starts random: before training it
// writes nonsense.
func WriteWords(path string, opts WordsOptions) error {
	w, err := Words(opts)
	if err != nil {
		return err
	}
	if err := w.WriteFile(path); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

// splitWords returns the words of s (runs of letters, digits and _).
func splitWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_')
	})
}

// Words returns a gguf.Writer holding WriteWords's model.
func Words(opts WordsOptions) (*gguf.Writer, error) {
	if opts.Seed == 0 {
		opts.Seed = 20240101
	}
	if opts.Name == "" {
		opts.Name = "golm word-level test model"
	}
	var words []string
	for _, t := range opts.Texts {
		words = append(words, splitWords(t)...)
	}
	if len(words) == 0 {
		return nil, fmt.Errorf("synth: no words in WordsOptions.Texts")
	}
	v := buildVocabWords(words)
	w := gguf.NewWriter()
	n, nv := WordsWidth, len(v.tokens)
	if err := setHeader(w, opts.Name, v, n, wordsLayers, wordsHeads, wordsHeadsKV, wordsFF, TinyContext,
		gguf.TensorF32); err != nil {
		return nil, err
	}
	half := n / 2
	rng := rand.New(rand.NewPCG(opts.Seed, 2))
	embd := make([]float32, n*nv)
	for tok := 0; tok < nv; tok++ {
		row := embd[tok*n : tok*n+half]
		var norm float64
		for d := range row {
			x := rng.NormFloat64()
			row[d] = float32(x)
			norm += x * x
		}
		for d := range row {
			row[d] /= float32(math.Sqrt(norm))
		}
	}
	headDim := n / wordsHeads
	kv := headDim * wordsHeadsKV // = half
	// attn_norm scales a unit embedding (rms 1/sqrt(n)) up by sqrt(n); V scales it back down, so the context
	// half has the size of a mean of unit vectors.
	vw := make([]float32, n*kv)
	for i := 0; i < kv; i++ {
		vw[i*n+i] = float32(4 / math.Sqrt(float64(half)))
	}
	// Each query head h reads key/value head h/2; its output goes, halved, into the context half at the place
	// of its value head, so both heads of a group add up to the mean.
	ow := make([]float32, n*n)
	for h := 0; h < wordsHeads; h++ {
		g := h / (wordsHeads / wordsHeadsKV)
		for i := 0; i < headDim; i++ {
			ow[(half+g*headDim+i)*n+h*headDim+i] = 0.5
		}
	}
	out := make([]float32, n*nv)
	for i := range out {
		out[i] = float32(rng.NormFloat64() * 0.02)
	}
	ones := func(k int) []float32 {
		xs := make([]float32, k)
		for i := range xs {
			xs[i] = 1
		}
		return xs
	}
	add := func(name string, dims []uint64, xs []float32) error {
		return w.AddTensor(name, gguf.TensorF32, dims, gguf.EncodeF32(xs))
	}
	u := func(x int) uint64 { return uint64(x) }
	for _, t := range []struct {
		name string
		dims []uint64
		data []float32
	}{
		{"token_embd.weight", []uint64{u(n), u(nv)}, embd},
		{"blk.0.attn_norm.weight", []uint64{u(n)}, ones(n)},
		{"blk.0.attn_q.weight", []uint64{u(n), u(n)}, make([]float32, n*n)},
		{"blk.0.attn_k.weight", []uint64{u(n), u(kv)}, make([]float32, n*kv)},
		{"blk.0.attn_v.weight", []uint64{u(n), u(kv)}, vw},
		{"blk.0.attn_output.weight", []uint64{u(n), u(n)}, ow},
		{"blk.0.ffn_norm.weight", []uint64{u(n)}, ones(n)},
		{"blk.0.ffn_gate.weight", []uint64{u(n), u(wordsFF)}, make([]float32, n*wordsFF)},
		{"blk.0.ffn_up.weight", []uint64{u(n), u(wordsFF)}, make([]float32, n*wordsFF)},
		{"blk.0.ffn_down.weight", []uint64{u(wordsFF), u(n)}, make([]float32, wordsFF*n)},
		{"output_norm.weight", []uint64{u(n)}, ones(n)},
		{"output.weight", []uint64{u(n), u(nv)}, out},
	} {
		if err := add(t.name, t.dims, t.data); err != nil {
			return nil, fmt.Errorf("synth: %s: %w", t.name, err)
		}
	}
	return w, nil
}

// buildVocabWords returns a SentencePiece vocabulary like buildVocab's, with the given words (each with and
// without ▁) in place of the tiny model's.
func buildVocabWords(words []string) *vocab {
	v := baseVocab()
	seen := map[string]bool{}
	var pieces []string
	for _, w := range words {
		for _, form := range []string{w, "▁" + w} {
			r := []rune(form)
			for k := 2; k <= len(r); k++ {
				if p := string(r[:k]); !seen[p] {
					seen[p] = true
					pieces = append(pieces, p)
				}
			}
		}
	}
	v.addPieces(pieces)
	return v
}
