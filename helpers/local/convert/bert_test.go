package convert

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/golm-dev/golm/helpers/local/gguf"
)

// writeSafetensors writes F32 tensors (and an I64 position_ids, as Hugging Face saves it) in the
// safetensors layout.
func writeSafetensors(t *testing.T, path string, tensors map[string][]uint64) {
	t.Helper()
	names := make([]string, 0, len(tensors))
	for n := range tensors {
		names = append(names, n)
	}
	sort.Strings(names)
	header := map[string]any{"__metadata__": map[string]string{"format": "pt"}}
	var data []byte
	for i, n := range names {
		count := uint64(1)
		for _, d := range tensors[n] {
			count *= d
		}
		begin := len(data)
		for j := uint64(0); j < count; j++ {
			data = binary.LittleEndian.AppendUint32(data, math.Float32bits(float32(i)+float32(j)/1000))
		}
		header[n] = map[string]any{"dtype": "F32", "shape": tensors[n], "data_offsets": []int{begin, len(data)}}
	}
	begin := len(data)
	data = append(data, make([]byte, 8*4)...)
	header["embeddings.position_ids"] = map[string]any{"dtype": "I64", "shape": []int{1, 4}, "data_offsets": []int{begin, len(data)}}
	h, _ := json.Marshal(header)
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
	out = append(append(out, h...), data...)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// tinyBERT writes a 1-layer BERT folder in sentence-transformers' layout and returns its path.
func tinyBERT(t *testing.T, pooling string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tiny-bert")
	if err := os.MkdirAll(filepath.Join(dir, "1_Pooling"), 0o755); err != nil {
		t.Fatal(err)
	}
	const hidden, ff, ctx, layers = 8, 16, 4, 1
	vocab := []string{"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##s"}
	cfg := map[string]any{"model_type": "bert", "hidden_size": hidden, "num_hidden_layers": layers,
		"num_attention_heads": 2, "intermediate_size": ff, "max_position_embeddings": ctx, "type_vocab_size": 2,
		"vocab_size": len(vocab), "layer_norm_eps": 1e-12, "hidden_act": "gelu"}
	tok := map[string]any{"model": map[string]any{"type": "WordPiece", "vocab": func() map[string]int {
		m := map[string]int{}
		for i, v := range vocab {
			m[v] = i
		}
		return m
	}()}}
	pool := map[string]bool{"pooling_mode_mean_tokens": pooling == "mean", "pooling_mode_cls_token": pooling == "cls"}
	for name, v := range map[string]any{"config.json": cfg, "tokenizer.json": tok, "1_Pooling/config.json": pool} {
		data, _ := json.Marshal(v)
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tensors := map[string][]uint64{
		"embeddings.word_embeddings.weight":       {uint64(len(vocab)), hidden},
		"embeddings.position_embeddings.weight":   {ctx, hidden},
		"embeddings.token_type_embeddings.weight": {2, hidden},
		"embeddings.LayerNorm.weight":             {hidden},
		"embeddings.LayerNorm.bias":               {hidden},
		"pooler.dense.weight":                     {hidden, hidden},
		"pooler.dense.bias":                       {hidden},
	}
	for _, p := range []struct {
		name  string
		shape []uint64
	}{
		{"attention.self.query", []uint64{hidden, hidden}}, {"attention.self.key", []uint64{hidden, hidden}},
		{"attention.self.value", []uint64{hidden, hidden}}, {"attention.output.dense", []uint64{hidden, hidden}},
		{"attention.output.LayerNorm", []uint64{hidden}}, {"intermediate.dense", []uint64{ff, hidden}},
		{"output.dense", []uint64{hidden, ff}}, {"output.LayerNorm", []uint64{hidden}},
	} {
		rows := p.shape[0]
		tensors["encoder.layer.0."+p.name+".weight"] = p.shape
		tensors["encoder.layer.0."+p.name+".bias"] = []uint64{rows}
	}
	writeSafetensors(t, filepath.Join(dir, "model.safetensors"), tensors)
	return dir
}

func TestBERT(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		pooling string
		f16     bool
		want    uint64
	}{{"mean", false, 1}, {"cls", true, 2}} {
		src := tinyBERT(t, tt.pooling)
		dst := filepath.Join(t.TempDir(), "cache", "models", "tiny.gguf") // folders that do not exist yet
		if err := BERT(ctx, src, dst, Options{F16: tt.f16}); err != nil {
			t.Fatal(err)
		}
		f, err := gguf.Open(dst)
		if err != nil {
			t.Fatal(err)
		}
		if f.String("general.architecture") != "bert" || f.String("general.name") != "tiny-bert" {
			t.Errorf("architecture %q name %q", f.String("general.architecture"), f.String("general.name"))
		}
		if p, _ := f.Uint("bert.pooling_type"); p != tt.want {
			t.Errorf("pooling %d, want %d", p, tt.want)
		}
		if got := strings.Join(f.Strings("tokenizer.ggml.tokens"), " "); got != "[PAD] [UNK] [CLS] [SEP] [MASK] ▁hello ▁world s" {
			t.Errorf("tokens %s", got)
		}
		if b, _ := f.Uint("tokenizer.ggml.bos_token_id"); b != 2 {
			t.Errorf("bos %d", b)
		}
		byName := map[string]gguf.TensorInfo{}
		for _, ti := range f.Tensors {
			byName[ti.Name] = ti
		}
		if len(f.Tensors) != 5+16 {
			t.Errorf("%d tensors", len(f.Tensors))
		}
		for name, dims := range map[string][]uint64{"token_embd.weight": {8, 8}, "blk.0.ffn_up.weight": {8, 16},
			"blk.0.ffn_down.weight": {16, 8}, "blk.0.ffn_up.bias": {16}, "token_embd_norm.bias": {8}} {
			ti, ok := byName[name]
			if !ok || len(ti.Dims) != len(dims) || ti.Dims[0] != dims[0] || (len(dims) == 2 && ti.Dims[1] != dims[1]) {
				t.Errorf("%s: %+v, want dims %v", name, ti, dims)
			}
		}
		wantType := gguf.TensorF32
		if tt.f16 {
			wantType = gguf.TensorF16
		}
		if byName["blk.0.attn_q.weight"].Type != wantType || byName["blk.0.attn_q.bias"].Type != gguf.TensorF32 {
			t.Errorf("types %v %v", byName["blk.0.attn_q.weight"].Type, byName["blk.0.attn_q.bias"].Type)
		}
		for _, gone := range []string{"pooler.dense.weight", "embeddings.position_ids"} {
			for n := range byName {
				if strings.Contains(n, "pooler") || strings.Contains(n, "position_ids") {
					t.Errorf("%s kept as %s", gone, n)
				}
			}
		}
	}
}

func TestBERTBadInput(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		spoil func(dir string)
		opts  Options
		want  string
	}{
		{"no safetensors", func(d string) { os.Remove(filepath.Join(d, "model.safetensors")) }, Options{}, "model.safetensors"},
		{"not BERT", func(d string) { patchJSON(t, d, "config.json", "model_type", "roberta") }, Options{}, "only BERT"},
		{"no pooling", func(d string) { os.RemoveAll(filepath.Join(d, "1_Pooling")) }, Options{}, "set Options.Pooling"},
		{"bad pooling option", func(string) {}, Options{Pooling: "max"}, "mean"},
		{"vocabulary size", func(d string) { patchJSON(t, d, "config.json", "vocab_size", 99) }, Options{}, "says 99"},
		{"truncated data", func(d string) {
			p := filepath.Join(d, "model.safetensors")
			data, _ := os.ReadFile(p)
			os.WriteFile(p, data[:len(data)-100], 0o644)
		}, Options{}, "do not fit"},
		{"header length", func(d string) {
			os.WriteFile(filepath.Join(d, "model.safetensors"), []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, '{', '}'}, 0o644)
		}, Options{}, "not a safetensors file"},
		{"missing layer", func(d string) {
			patchJSON(t, d, "config.json", "num_hidden_layers", 2)
		}, Options{}, "found 21 of the 37 tensors"},
	}
	for _, tt := range tests {
		src := tinyBERT(t, "mean")
		tt.spoil(src)
		dst := filepath.Join(t.TempDir(), "out.gguf")
		err := BERT(ctx, src, dst, tt.opts)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want it to mention %q", tt.name, err, tt.want)
		}
		if entries, _ := os.ReadDir(filepath.Dir(dst)); len(entries) != 0 {
			t.Errorf("%s: left %d files behind", tt.name, len(entries))
		}
	}
	// A cancelled conversion writes nothing either.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	dst := filepath.Join(t.TempDir(), "out.gguf")
	if err := BERT(cctx, tinyBERT(t, "mean"), dst, Options{}); err == nil {
		t.Error("cancelled conversion: no error")
	}
	if _, err := os.Stat(dst); err == nil {
		t.Error("cancelled conversion left a file")
	}
}

func patchJSON(t *testing.T, dir, name, key string, value any) {
	t.Helper()
	p := filepath.Join(dir, name)
	var m map[string]any
	data, _ := os.ReadFile(p)
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	m[key] = value
	data, _ = json.Marshal(m)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPhantom(t *testing.T) {
	for in, want := range map[string]string{"[CLS]": "[CLS]", "##ing": "ing", "hello": "▁hello", "[unused3]": "[unused3]"} {
		if got := phantom(in); got != want {
			t.Errorf("phantom(%q) = %q, want %q", in, got, want)
		}
	}
}
