package convert

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/golm-dev/golm/helpers/local/gguf"
)

// Options adjusts a conversion. The zero value keeps F32 weights and reads the pooling from the model folder.
type Options struct {
	// F16 stores the matrices as 16-bit floats: half the size, embeddings nearly identical.
	F16 bool
	// Pooling is "mean" or "cls"; empty reads it from 1_Pooling/config.json (sentence-transformers' layout).
	Pooling string
	// Name is the model's name in the GGUF metadata; empty uses the folder's name.
	Name string
}

// bertConfig is the part of a BERT config.json read here.
type bertConfig struct {
	ModelType        string   `json:"model_type"`
	Architectures    []string `json:"architectures"`
	Hidden           int      `json:"hidden_size"`
	Layers           int      `json:"num_hidden_layers"`
	Heads            int      `json:"num_attention_heads"`
	Intermediate     int      `json:"intermediate_size"`
	MaxPositions     int      `json:"max_position_embeddings"`
	TypeVocab        int      `json:"type_vocab_size"`
	VocabSize        int      `json:"vocab_size"`
	LayerNormEpsilon float64  `json:"layer_norm_eps"`
	Activation       string   `json:"hidden_act"`
}

// BERT converts the BERT embedding model in folder src to a GGUF file at dst, creating dst's folder if
// needed. The file is written to a temporary name beside dst and renamed when complete, so an interrupted
// or failed conversion leaves no half-written model.
func BERT(ctx context.Context, src, dst string, opts Options) error {
	if err := bert(ctx, src, dst, opts); err != nil {
		return fmt.Errorf("convert: %s: %w", src, err)
	}
	return nil
}

func bert(ctx context.Context, src, dst string, opts Options) error {
	var cfg bertConfig
	if err := readJSON(filepath.Join(src, "config.json"), &cfg); err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return err
	}
	vocab, err := readVocab(src)
	if err != nil {
		return err
	}
	if cfg.VocabSize != 0 && len(vocab) != cfg.VocabSize {
		return fmt.Errorf("the vocabulary has %d tokens, config.json says %d", len(vocab), cfg.VocabSize)
	}
	pooling, err := readPooling(src, opts.Pooling)
	if err != nil {
		return err
	}
	st, err := openSafetensors(filepath.Join(src, "model.safetensors"))
	if err != nil {
		return err
	}
	defer st.Close()

	w := gguf.NewWriter()
	name := opts.Name
	if name == "" {
		name = filepath.Base(filepath.Clean(src))
	}
	if err := setBERTMetadata(w, cfg, vocab, pooling, name, opts.F16); err != nil {
		return err
	}
	n, err := addBERTTensors(ctx, w, st, cfg, opts.F16)
	if err != nil {
		return err
	}
	if want := 5 + 16*cfg.Layers; n != want {
		return fmt.Errorf("found %d of the %d tensors of a %d-layer BERT model", n, want, cfg.Layers)
	}
	return writeAtomically(ctx, w, dst)
}

func (c bertConfig) check() error {
	switch {
	case c.ModelType != "" && c.ModelType != "bert":
		return fmt.Errorf("config.json: model_type %q: only BERT models are converted", c.ModelType)
	case c.Hidden <= 0 || c.Layers <= 0 || c.Heads <= 0 || c.Intermediate <= 0 || c.MaxPositions <= 0:
		return fmt.Errorf("config.json: hidden_size, num_hidden_layers, num_attention_heads, intermediate_size " +
			"and max_position_embeddings must be positive")
	case c.Hidden%c.Heads != 0:
		return fmt.Errorf("config.json: hidden_size %d is not a multiple of num_attention_heads %d", c.Hidden, c.Heads)
	case c.Activation != "" && c.Activation != "gelu":
		return fmt.Errorf("config.json: hidden_act %q: llama.cpp's BERT uses gelu", c.Activation)
	}
	return nil
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return nil
}

// readVocab returns the WordPiece vocabulary in id order, from tokenizer.json or vocab.txt.
func readVocab(src string) ([]string, error) {
	var tj struct {
		Model struct {
			Type  string         `json:"type"`
			Vocab map[string]int `json:"vocab"`
		} `json:"model"`
	}
	switch err := readJSON(filepath.Join(src, "tokenizer.json"), &tj); {
	case err == nil:
		if tj.Model.Type != "WordPiece" {
			return nil, fmt.Errorf("tokenizer.json: a %q tokenizer, not WordPiece", tj.Model.Type)
		}
		vocab := make([]string, len(tj.Model.Vocab))
		for tok, id := range tj.Model.Vocab {
			if id < 0 || id >= len(vocab) || vocab[id] != "" {
				return nil, fmt.Errorf("tokenizer.json: token ids are not 0..%d, each once (%q has %d)", len(vocab)-1, tok, id)
			}
			vocab[id] = tok
		}
		return vocab, nil
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	f, err := os.Open(filepath.Join(src, "vocab.txt"))
	if err != nil {
		return nil, fmt.Errorf("no tokenizer.json or vocab.txt: %w", err)
	}
	defer f.Close()
	var vocab []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		vocab = append(vocab, strings.TrimRight(sc.Text(), "\r"))
	}
	return vocab, sc.Err()
}

// readPooling returns llama.cpp's pooling type: 1 for mean, 2 for CLS.
func readPooling(src, want string) (uint32, error) {
	switch want {
	case "mean":
		return 1, nil
	case "cls":
		return 2, nil
	case "":
	default:
		return 0, fmt.Errorf("pooling %q: use \"mean\" or \"cls\"", want)
	}
	var pc struct {
		CLS  bool `json:"pooling_mode_cls_token"`
		Mean bool `json:"pooling_mode_mean_tokens"`
	}
	if err := readJSON(filepath.Join(src, "1_Pooling", "config.json"), &pc); err != nil {
		return 0, fmt.Errorf("cannot tell how the model pools its tokens (%v): set Options.Pooling", err)
	}
	switch {
	case pc.Mean && !pc.CLS:
		return 1, nil
	case pc.CLS && !pc.Mean:
		return 2, nil
	}
	return 0, errors.New("1_Pooling/config.json asks for a pooling other than mean or CLS alone")
}

// phantom spells a WordPiece token the way llama.cpp's BERT tokenizer expects: a word start gets "▁", a
// continuation ("##ing") loses its marks, special tokens ("[CLS]") stay as they are.
func phantom(tok string) string {
	switch {
	case strings.HasPrefix(tok, "[") && strings.HasSuffix(tok, "]"):
		return tok
	case strings.HasPrefix(tok, "##"):
		return tok[2:]
	}
	return "▁" + tok
}

// Token types of llama.cpp's vocabulary.
const (
	tokenNormal  int32 = 1
	tokenControl int32 = 3
)

func setBERTMetadata(w *gguf.Writer, cfg bertConfig, vocab []string, pooling uint32, name string, f16 bool) error {
	tokens := make([]string, len(vocab))
	types := make([]int32, len(vocab))
	ids := map[string]int{}
	seen := map[string]int{}
	for i, t := range vocab {
		tokens[i] = phantom(t)
		if j, dup := seen[tokens[i]]; dup {
			return fmt.Errorf("tokens %d (%q) and %d (%q) have the same spelling in llama.cpp's vocabulary", j,
				vocab[j], i, t)
		}
		seen[tokens[i]] = i
		types[i] = tokenNormal
		switch t {
		case "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]":
			types[i] = tokenControl
			ids[t] = i
		}
	}
	for _, t := range []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]"} {
		if _, ok := ids[t]; !ok {
			return fmt.Errorf("the vocabulary has no %s token", t)
		}
	}
	eps := cfg.LayerNormEpsilon
	if eps == 0 {
		eps = 1e-12
	}
	typeVocab := cfg.TypeVocab
	if typeVocab == 0 {
		typeVocab = 2
	}
	fileType := uint32(0)
	if f16 {
		fileType = 1
	}
	kvs := []struct {
		k string
		v any
	}{
		{"general.architecture", "bert"},
		{"general.name", name},
		{"general.file_type", fileType},
		{"golm.convert.version", uint32(Version)},
		{"bert.context_length", uint32(cfg.MaxPositions)},
		{"bert.embedding_length", uint32(cfg.Hidden)},
		{"bert.block_count", uint32(cfg.Layers)},
		{"bert.feed_forward_length", uint32(cfg.Intermediate)},
		{"bert.attention.head_count", uint32(cfg.Heads)},
		{"bert.attention.layer_norm_epsilon", float32(eps)},
		{"bert.attention.causal", false},
		{"bert.pooling_type", pooling},
		{"tokenizer.ggml.model", "bert"},
		{"tokenizer.ggml.tokens", tokens},
		{"tokenizer.ggml.token_type", types},
		{"tokenizer.ggml.token_type_count", uint32(typeVocab)},
		{"tokenizer.ggml.bos_token_id", uint32(ids["[CLS]"])},
		{"tokenizer.ggml.seperator_token_id", uint32(ids["[SEP]"])}, // llama.cpp's spelling
		{"tokenizer.ggml.padding_token_id", uint32(ids["[PAD]"])},
		{"tokenizer.ggml.unknown_token_id", uint32(ids["[UNK]"])},
	}
	if m, ok := ids["[MASK]"]; ok {
		kvs = append(kvs, struct {
			k string
			v any
		}{"tokenizer.ggml.mask_token_id", uint32(m)})
	}
	for _, kv := range kvs {
		if err := w.Set(kv.k, kv.v); err != nil {
			return err
		}
	}
	return nil
}

var layerRE = regexp.MustCompile(`^encoder\.layer\.(\d+)\.(.+)$`)

// ggufName maps a Hugging Face BERT tensor name to llama.cpp's, "" for tensors llama.cpp does not use.
func ggufName(name string) string {
	name = strings.TrimPrefix(name, "bert.")
	suffix := ""
	for _, s := range []string{".weight", ".bias"} {
		if strings.HasSuffix(name, s) {
			name, suffix = strings.TrimSuffix(name, s), s
		}
	}
	if suffix == "" {
		return ""
	}
	top := map[string]string{
		"embeddings.word_embeddings":       "token_embd",
		"embeddings.position_embeddings":   "position_embd",
		"embeddings.token_type_embeddings": "token_types",
		"embeddings.LayerNorm":             "token_embd_norm",
	}
	if g, ok := top[name]; ok {
		return g + suffix
	}
	m := layerRE.FindStringSubmatch(name)
	if m == nil {
		return ""
	}
	block := map[string]string{
		"attention.self.query":       "attn_q",
		"attention.self.key":         "attn_k",
		"attention.self.value":       "attn_v",
		"attention.output.dense":     "attn_output",
		"attention.output.LayerNorm": "attn_output_norm",
		"intermediate.dense":         "ffn_up",
		"output.dense":               "ffn_down",
		"output.LayerNorm":           "layer_output_norm",
	}
	g, ok := block[m[2]]
	if !ok {
		return ""
	}
	return "blk." + m[1] + "." + g + suffix
}

// addBERTTensors adds the model's tensors under llama.cpp's names, their data read from st when the file is
// written. It returns how many it added.
func addBERTTensors(ctx context.Context, w *gguf.Writer, st *safetensors, cfg bertConfig, f16 bool) (int, error) {
	added := 0
	for _, name := range st.names() {
		g := ggufName(name)
		if g == "" {
			continue // position_ids, the pooler: llama.cpp does not use them
		}
		ti := st.tensors[name]
		dims := make([]uint64, len(ti.Shape))
		for i, d := range ti.Shape {
			dims[len(dims)-1-i] = d // row-major [rows, cols] is GGUF's [cols, rows]
		}
		typ := gguf.TensorF32
		if f16 && len(dims) == 2 && !strings.HasPrefix(g, "token_types") {
			typ = gguf.TensorF16
		}
		added++
		err := w.AddTensorFunc(g, typ, dims, func(out io.Writer) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			xs, err := st.floats(ti)
			if err != nil {
				return err
			}
			data := gguf.EncodeF32(xs)
			if typ == gguf.TensorF16 {
				data = gguf.EncodeF16(xs)
			}
			_, err = out.Write(data)
			return err
		})
		if err != nil {
			return 0, fmt.Errorf("tensor %s: %w", name, err)
		}
	}
	return added, nil
}

// writeAtomically writes w to a temporary file beside dst and renames it into place.
func writeAtomically(ctx context.Context, w *gguf.Writer, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil { // a cache folder on a fresh machine
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".*.part")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if _, err := w.WriteTo(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
