// Package synth writes synthetic GGUF models in pure Go, for tests and benchmarks that must not download
// anything.
//
// WriteTiny writes a tiny model (llama architecture, 2 layers, width 64, a SentencePiece vocabulary of a few
// hundred tokens with byte fallback and a ChatML chat template) whose weights are chosen so that greedy decoding
// follows a known text: "Jeremy Howard is " continues with TinyContinuation, a prompt ending in "A:" lists the
// planets (PlanetsContinuation), and chat answers say who Jeremy Howard is and end with <|im_end|>. Its layers
// carry small seeded random weights, so every part of the network is computed, without changing the argmax.
//
// WriteLarge writes a bigger model with random weights (by default about 440 MB of Q8_0) to measure
// generation speed.
package synth

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"

	"github.com/golm-dev/golm/helpers/local/gguf"
)

// Texts the tiny model produces with greedy decoding.
const (
	// TinyPrompt is the talk's prompt.
	TinyPrompt = "Jeremy Howard is "
	// TinyContinuation is what the tiny model writes after TinyPrompt before it emits <|im_end|>
	// (13 tokens).
	TinyContinuation = "a data scientist who co-founded fast.ai. He was president of Kaggle."
	// TinyAnswer is the tiny model's answer to any chat (ChatML ends the prompt with a newline).
	TinyAnswer = "Jeremy Howard is a data scientist who co-founded fast.ai. He was president of Kaggle."
	// PlanetsPrompt is lesson 07's prompt.
	PlanetsPrompt = "Q: Name the planets in the solar system? A:"
	// PlanetsContinuation is the start of what the tiny model writes after PlanetsPrompt; it then repeats
	// " Mercury, Venus, …" for ever, so generation needs a token limit or a stop sequence ("\n" or "Q:").
	PlanetsContinuation = " Mercury, Venus, Earth, Mars, Jupiter, Saturn, Uranus, Neptune.\nQ: Which planet has rings? A:"
	// TinyChatTemplate is the tiny model's chat template (ChatML, as a Jinja template).
	TinyChatTemplate = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

// Tiny model shape.
const (
	TinyWidth       = 64
	TinyLayers      = 2
	TinyHeads       = 4
	TinyHeadsKV     = 2
	TinyFeedForward = 128
	TinyContext     = 2048
)

// TinyOptions adjusts the tiny model; the zero value gives the standard one.
type TinyOptions struct {
	// Type is the type of the weight matrices: gguf.TensorF32 (the zero value), TensorF16 or TensorQ8_0.
	Type gguf.TensorType
	// Seed seeds the small random weights of the layers (0 uses a fixed default).
	Seed uint64
	// Pooling, when set ("mean", "cls", "last"), is recorded as llama.pooling_type, which marks an embedding
	// model: llama.cpp ignores it for the llama architecture, but package local then refuses to generate.
	Pooling string
	// Name is general.name (default "golm tiny test model").
	Name string
}

// WriteTiny writes the tiny deterministic model to path.
func WriteTiny(path string, opts TinyOptions) error {
	w, err := Tiny(opts)
	if err != nil {
		return err
	}
	if err := w.WriteFile(path); err != nil {
		return fmt.Errorf("synth: %w", err)
	}
	return nil
}

// Tiny returns a gguf.Writer holding the tiny deterministic model.
func Tiny(opts TinyOptions) (*gguf.Writer, error) {
	if opts.Seed == 0 {
		opts.Seed = 20230923
	}
	if opts.Name == "" {
		opts.Name = "golm tiny test model"
	}
	v := buildVocab()
	w := gguf.NewWriter()
	if err := setHeader(w, opts.Name, v, TinyWidth, TinyLayers, TinyHeads, TinyHeadsKV, TinyFeedForward,
		TinyContext, opts.Type); err != nil {
		return nil, err
	}
	if opts.Pooling != "" {
		p, ok := map[string]uint32{"none": 0, "mean": 1, "cls": 2, "last": 3}[opts.Pooling]
		if !ok {
			return nil, fmt.Errorf("synth: unknown pooling %q", opts.Pooling)
		}
		if err := w.Set("llama.pooling_type", p); err != nil {
			return nil, err
		}
	}
	n, nv := TinyWidth, len(v.tokens)

	// Each token with a fixed successor gets its own dimension (one-hot embedding); every other token gets a
	// distinct random positive vector in the remaining dimensions. The output matrix maps a token's dimension to
	// its successor's logit, and the remaining dimensions to the newline's.
	dim := map[int]int{}
	for i, p := range chain {
		dim[v.id[p[0]]] = i
	}
	free := len(chain)
	if free >= n {
		return nil, errors.New("synth: chain longer than the model width")
	}
	rng := rand.New(rand.NewPCG(opts.Seed, 1))
	embd := make([]float32, n*nv)
	for tok := 0; tok < nv; tok++ {
		row := embd[tok*n : (tok+1)*n]
		if d, ok := dim[tok]; ok {
			row[d] = 1
			continue
		}
		var norm float64
		for d := free; d < n; d++ {
			x := 0.5 + 0.5*rng.Float64()
			row[d] = float32(x)
			norm += x * x
		}
		for d := free; d < n; d++ {
			row[d] /= float32(math.Sqrt(norm))
		}
	}
	const scale = 2
	out := make([]float32, n*nv)
	for _, p := range chain {
		succ, ok := v.id[p[1]]
		if !ok {
			return nil, fmt.Errorf("synth: successor %q not in the vocabulary", p[1])
		}
		out[succ*n+dim[v.id[p[0]]]] = scale
	}
	nl := v.id[defaultSuccessor]
	for d := free; d < n; d++ {
		out[nl*n+d] = scale
	}

	ones := func(k int) []float32 {
		xs := make([]float32, k)
		for i := range xs {
			xs[i] = 1
		}
		return xs
	}
	noise := func(k int) []float32 {
		xs := make([]float32, k)
		for i := range xs {
			xs[i] = float32(rng.NormFloat64() * 0.02)
		}
		return xs
	}
	add := func(name string, dims []uint64, xs []float32, typ gguf.TensorType) error {
		data, err := encode(xs, typ)
		if err != nil {
			return fmt.Errorf("synth: %s: %w", name, err)
		}
		return w.AddTensor(name, typ, dims, data)
	}
	wt := opts.Type
	headDim := n / TinyHeads
	kv := headDim * TinyHeadsKV
	ff := TinyFeedForward
	// The embedding stays F32 for every Type: it is a lookup table, and exact one-hot rows keep the model
	// deterministic on every backend.
	if err := add("token_embd.weight", []uint64{uint64(n), uint64(nv)}, embd, gguf.TensorF32); err != nil {
		return nil, err
	}
	for l := 0; l < TinyLayers; l++ {
		p := fmt.Sprintf("blk.%d.", l)
		for _, t := range []struct {
			name string
			dims []uint64
			data []float32
			typ  gguf.TensorType
		}{
			{"attn_norm.weight", []uint64{uint64(n)}, ones(n), gguf.TensorF32},
			{"attn_q.weight", []uint64{uint64(n), uint64(n)}, noise(n * n), wt},
			{"attn_k.weight", []uint64{uint64(n), uint64(kv)}, noise(n * kv), wt},
			{"attn_v.weight", []uint64{uint64(n), uint64(kv)}, noise(n * kv), wt},
			{"attn_output.weight", []uint64{uint64(n), uint64(n)}, noise(n * n), wt},
			{"ffn_norm.weight", []uint64{uint64(n)}, ones(n), gguf.TensorF32},
			{"ffn_gate.weight", []uint64{uint64(n), uint64(ff)}, noise(n * ff), wt},
			{"ffn_up.weight", []uint64{uint64(n), uint64(ff)}, noise(n * ff), wt},
			{"ffn_down.weight", []uint64{uint64(ff), uint64(n)}, noise(ff * n), wt},
		} {
			if err := add(p+t.name, t.dims, t.data, t.typ); err != nil {
				return nil, err
			}
		}
	}
	if err := add("output_norm.weight", []uint64{uint64(n)}, ones(n), gguf.TensorF32); err != nil {
		return nil, err
	}
	if err := add("output.weight", []uint64{uint64(n), uint64(nv)}, out, wt); err != nil {
		return nil, err
	}
	return w, nil
}

func encode(xs []float32, typ gguf.TensorType) ([]byte, error) {
	switch typ {
	case gguf.TensorF32:
		return gguf.EncodeF32(xs), nil
	case gguf.TensorF16:
		return gguf.EncodeF16(xs), nil
	case gguf.TensorQ8_0:
		return gguf.EncodeQ8_0(xs)
	}
	return nil, fmt.Errorf("weight type %s not supported (use F32, F16 or Q8_0)", typ)
}

var fileTypes = map[gguf.TensorType]uint32{gguf.TensorF32: 0, gguf.TensorF16: 1, gguf.TensorQ8_0: 7}

// setHeader sets the architecture and tokenizer metadata llama.cpp needs.
func setHeader(w *gguf.Writer, name string, v *vocab, width, layers, heads, headsKV, ff, ctx int,
	typ gguf.TensorType) error {
	ft, ok := fileTypes[typ]
	if !ok {
		return fmt.Errorf("synth: weight type %s not supported (use F32, F16 or Q8_0)", typ)
	}
	for _, kv := range []struct {
		k string
		v any
	}{
		{"general.architecture", "llama"},
		{"general.name", name},
		{"general.file_type", ft},
		{"general.alignment", uint32(32)},
		{"llama.context_length", uint32(ctx)},
		{"llama.embedding_length", uint32(width)},
		{"llama.block_count", uint32(layers)},
		{"llama.feed_forward_length", uint32(ff)},
		{"llama.attention.head_count", uint32(heads)},
		{"llama.attention.head_count_kv", uint32(headsKV)},
		{"llama.rope.dimension_count", uint32(width / heads)},
		{"llama.rope.freq_base", float32(10000)},
		{"llama.attention.layer_norm_rms_epsilon", float32(1e-5)},
		{"llama.vocab_size", uint32(len(v.tokens))},
		{"tokenizer.ggml.model", "llama"},
		{"tokenizer.ggml.tokens", v.tokens},
		{"tokenizer.ggml.scores", v.scores},
		{"tokenizer.ggml.token_type", v.types},
		{"tokenizer.ggml.bos_token_id", uint32(BOS)},
		{"tokenizer.ggml.eos_token_id", uint32(EOS)},
		{"tokenizer.ggml.unknown_token_id", uint32(UNK)},
		{"tokenizer.ggml.add_bos_token", true},
		{"tokenizer.ggml.add_eos_token", false},
		{"tokenizer.chat_template", TinyChatTemplate},
	} {
		if err := w.Set(kv.k, kv.v); err != nil {
			return fmt.Errorf("synth: %w", err)
		}
	}
	return nil
}

// LargeOptions sets the shape of WriteLarge's model; zero fields take the defaults, which give a 0.4 B
// parameter llama-style model of about 440 MB in Q8_0.
type LargeOptions struct {
	Width       int             // default 2048
	Layers      int             // default 8
	FeedForward int             // default 5632
	Heads       int             // default 32
	HeadsKV     int             // default 8
	Context     int             // default 4096
	Type        gguf.TensorType // weight type: Q8_0 (the default; the zero value F32 also means Q8_0) or F16
	Seed        uint64          // random seed (0 uses a fixed default)
}

func (o *LargeOptions) defaults() {
	if o.Width == 0 {
		o.Width = 2048
	}
	if o.Layers == 0 {
		o.Layers = 8
	}
	if o.FeedForward == 0 {
		o.FeedForward = 5632
	}
	if o.Heads == 0 {
		o.Heads = 32
	}
	if o.HeadsKV == 0 {
		o.HeadsKV = 8
	}
	if o.Context == 0 {
		o.Context = 4096
	}
	if o.Type == gguf.TensorF32 {
		o.Type = gguf.TensorQ8_0
	}
	if o.Seed == 0 {
		o.Seed = 42
	}
}

// WriteLarge writes a llama-architecture model with random weights (scaled like a trained model's, so that
// activations stay finite) and the synthetic vocabulary, to measure speed. It returns the file size.
func WriteLarge(path string, opts LargeOptions) (int64, error) {
	opts.defaults()
	if opts.Width%opts.Heads != 0 || opts.Heads%opts.HeadsKV != 0 || opts.Width%32 != 0 ||
		opts.FeedForward%32 != 0 {
		return 0, fmt.Errorf("synth: bad shape %+v (width a multiple of 32 and of heads, heads of kv heads)", opts)
	}
	v := buildVocab()
	w := gguf.NewWriter()
	if err := setHeader(w, fmt.Sprintf("golm synthetic %dx%d", opts.Layers, opts.Width), v, opts.Width,
		opts.Layers, opts.Heads, opts.HeadsKV, opts.FeedForward, opts.Context, opts.Type); err != nil {
		return 0, err
	}
	n, ff, nv := opts.Width, opts.FeedForward, len(v.tokens)
	kv := n / opts.Heads * opts.HeadsKV
	std := 1 / math.Sqrt(float64(n))
	seq := uint64(0)
	random := func(name string, dims []uint64, typ gguf.TensorType, sd float64) error {
		seq++
		seed := seq
		return w.AddTensorFunc(name, typ, dims, func(out io.Writer) error {
			rng := rand.New(rand.NewPCG(opts.Seed, seed))
			rows := int(dims[1])
			row := make([]float32, dims[0])
			for r := 0; r < rows; r++ {
				for i := range row {
					row[i] = float32(rng.NormFloat64() * sd)
				}
				data, err := encode(row, typ)
				if err != nil {
					return err
				}
				if _, err := out.Write(data); err != nil {
					return err
				}
			}
			return nil
		})
	}
	ones := func(name string) error {
		xs := make([]float32, n)
		for i := range xs {
			xs[i] = 1
		}
		return w.AddTensor(name, gguf.TensorF32, []uint64{uint64(n)}, gguf.EncodeF32(xs))
	}
	u := func(x int) uint64 { return uint64(x) }
	if err := random("token_embd.weight", []uint64{u(n), u(nv)}, gguf.TensorF32, 1); err != nil {
		return 0, err
	}
	for l := 0; l < opts.Layers; l++ {
		p := fmt.Sprintf("blk.%d.", l)
		for _, err := range []error{
			ones(p + "attn_norm.weight"),
			random(p+"attn_q.weight", []uint64{u(n), u(n)}, opts.Type, std),
			random(p+"attn_k.weight", []uint64{u(n), u(kv)}, opts.Type, std),
			random(p+"attn_v.weight", []uint64{u(n), u(kv)}, opts.Type, std),
			random(p+"attn_output.weight", []uint64{u(n), u(n)}, opts.Type, std),
			ones(p + "ffn_norm.weight"),
			random(p+"ffn_gate.weight", []uint64{u(n), u(ff)}, opts.Type, std),
			random(p+"ffn_up.weight", []uint64{u(n), u(ff)}, opts.Type, std),
			random(p+"ffn_down.weight", []uint64{u(ff), u(n)}, opts.Type, 1/math.Sqrt(float64(ff))),
		} {
			if err != nil {
				return 0, err
			}
		}
	}
	if err := ones("output_norm.weight"); err != nil {
		return 0, err
	}
	if err := random("output.weight", []uint64{u(n), u(nv)}, opts.Type, std); err != nil {
		return 0, err
	}
	if err := w.WriteFile(path); err != nil {
		return 0, fmt.Errorf("synth: %w", err)
	}
	f, err := gguf.Open(path)
	if err != nil {
		return 0, err
	}
	return f.Size, nil
}
