package synth

import (
	"fmt"
	"math/rand/v2"

	"github.com/golm-dev/golm/helpers/local/gguf"
)

// EmbedderOptions adjusts WriteTinyEmbedder's model; the zero value gives mean pooling.
type EmbedderOptions struct {
	// Pooling is recorded as bert.pooling_type: "mean" (the default), "cls" or "none".
	Pooling string
	// Seed seeds the random weights (0 uses a fixed default).
	Seed uint64
}

// embedderWords are the whole words of the embedder's vocabulary (WordPiece, lower case).
var embedderWords = []string{"jeremy", "howard", "is", "a", "data", "scientist", "who", "co", "founded", "fast",
	"ai", "he", "was", "president", "of", "kaggle", "tony", "blair", "prime", "minister", "the", "united",
	"kingdom", "question", "what", "did", "planets", "mercury", "venus", "earth", "mars"}

// WriteTinyEmbedder writes a tiny BERT-architecture embedding model (2 layers, width 64, non-causal attention,
// a WordPiece vocabulary) with seeded random weights, shaped like bge-small or MiniLM, to test embeddings and
// pooling as the model's metadata sets them. Its vectors have no meaning beyond this: texts that share words
// get similar embeddings.
func WriteTinyEmbedder(path string, opts EmbedderOptions) error {
	if opts.Seed == 0 {
		opts.Seed = 5
	}
	pooling, ok := map[string]uint32{"": 1, "mean": 1, "cls": 2, "none": 0}[opts.Pooling]
	if !ok {
		return fmt.Errorf("synth: unknown pooling %q", opts.Pooling)
	}
	const (
		width  = 64
		layers = 2
		ff     = 128
		ctx    = 512
	)
	tokens := []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}
	types := []int32{tokenControl, tokenControl, tokenControl, tokenControl, tokenControl}
	seen := map[string]bool{}
	add := func(t string) {
		if seen[t] {
			return // llama.cpp aborts on duplicate tokens
		}
		seen[t] = true
		tokens = append(tokens, t)
		types = append(types, tokenNormal)
	}
	for _, w := range embedderWords {
		add("▁" + w)
	}
	for c := 'a'; c <= 'z'; c++ {
		add("▁" + string(c))
		add(string(c))
	}
	for _, p := range []string{".", ",", "?", "!", "'", "-", ":"} {
		add("▁" + p)
	}
	w := gguf.NewWriter()
	for _, kv := range []struct {
		k string
		v any
	}{
		{"general.architecture", "bert"},
		{"general.name", "golm tiny embedding model"},
		{"general.file_type", uint32(0)},
		{"bert.context_length", uint32(ctx)},
		{"bert.embedding_length", uint32(width)},
		{"bert.block_count", uint32(layers)},
		{"bert.feed_forward_length", uint32(ff)},
		{"bert.attention.head_count", uint32(4)},
		{"bert.attention.layer_norm_epsilon", float32(1e-12)},
		{"bert.attention.causal", false},
		{"bert.pooling_type", pooling},
		{"tokenizer.ggml.model", "bert"},
		{"tokenizer.ggml.tokens", tokens},
		{"tokenizer.ggml.token_type", types},
		{"tokenizer.ggml.token_type_count", uint32(2)},
		{"tokenizer.ggml.bos_token_id", uint32(2)},
		{"tokenizer.ggml.seperator_token_id", uint32(3)}, // llama.cpp's spelling
		{"tokenizer.ggml.padding_token_id", uint32(0)},
		{"tokenizer.ggml.unknown_token_id", uint32(1)},
		{"tokenizer.ggml.mask_token_id", uint32(4)},
	} {
		if err := w.Set(kv.k, kv.v); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 2))
	normal := func(n int, sd float64) []float32 {
		xs := make([]float32, n)
		for i := range xs {
			xs[i] = float32(rng.NormFloat64() * sd)
		}
		return xs
	}
	fill := func(n int, v float32) []float32 {
		xs := make([]float32, n)
		for i := range xs {
			xs[i] = v
		}
		return xs
	}
	tensor := func(name string, xs []float32, dims ...uint64) error {
		return w.AddTensor(name, gguf.TensorF32, dims, gguf.EncodeF32(xs))
	}
	nv := uint64(len(tokens))
	if err := tensor("token_embd.weight", normal(width*len(tokens), 1), width, nv); err != nil {
		return err
	}
	if err := tensor("token_types.weight", normal(width*2, 0.02), width, 2); err != nil {
		return err
	}
	if err := tensor("position_embd.weight", normal(width*ctx, 0.1), width, ctx); err != nil {
		return err
	}
	if err := tensor("token_embd_norm.weight", fill(width, 1), width); err != nil {
		return err
	}
	if err := tensor("token_embd_norm.bias", fill(width, 0), width); err != nil {
		return err
	}
	for l := 0; l < layers; l++ {
		p := fmt.Sprintf("blk.%d.", l)
		for _, t := range []struct {
			name string
			xs   []float32
			dims []uint64
		}{
			{"attn_q.weight", normal(width*width, 0.02), []uint64{width, width}},
			{"attn_q.bias", fill(width, 0), []uint64{width}},
			{"attn_k.weight", normal(width*width, 0.02), []uint64{width, width}},
			{"attn_k.bias", fill(width, 0), []uint64{width}},
			{"attn_v.weight", normal(width*width, 0.02), []uint64{width, width}},
			{"attn_v.bias", fill(width, 0), []uint64{width}},
			{"attn_output.weight", normal(width*width, 0.02), []uint64{width, width}},
			{"attn_output.bias", fill(width, 0), []uint64{width}},
			{"attn_output_norm.weight", fill(width, 1), []uint64{width}},
			{"attn_output_norm.bias", fill(width, 0), []uint64{width}},
			{"ffn_up.weight", normal(width*ff, 0.02), []uint64{width, ff}},
			{"ffn_up.bias", fill(ff, 0), []uint64{ff}},
			{"ffn_down.weight", normal(ff*width, 0.02), []uint64{ff, width}},
			{"ffn_down.bias", fill(width, 0), []uint64{width}},
			{"layer_output_norm.weight", fill(width, 1), []uint64{width}},
			{"layer_output_norm.bias", fill(width, 0), []uint64{width}},
		} {
			if err := w.AddTensor(p+t.name, gguf.TensorF32, t.dims, gguf.EncodeF32(t.xs)); err != nil {
				return err
			}
		}
	}
	if err := w.WriteFile(path); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}
