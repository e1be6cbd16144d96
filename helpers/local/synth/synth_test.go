package synth

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golm-dev/golm/helpers/local/gguf"
)

func TestVocab(t *testing.T) {
	v := buildVocab()
	if v.tokens[UNK] != "<unk>" || v.tokens[BOS] != "<s>" || v.tokens[EOS] != "</s>" ||
		v.tokens[IMStart] != "<|im_start|>" || v.tokens[IMEnd] != "<|im_end|>" {
		t.Errorf("special tokens %q", v.tokens[:5])
	}
	for b := 0; b < 256; b++ {
		id := 5 + b
		if v.types[id] != tokenByte || v.tokens[id] != fmt.Sprintf("<0x%02X>", b) {
			t.Fatalf("byte token %d = %q", b, v.tokens[id])
		}
	}
	seen := map[string]bool{}
	for i, tok := range v.tokens {
		if seen[tok] {
			t.Errorf("duplicate token %q", tok)
		}
		seen[tok] = true
		if v.id[tok] != i {
			t.Errorf("id of %q is %d, want %d", tok, v.id[tok], i)
		}
	}
	// Every word can be built by SentencePiece merges: each of its prefixes is a token.
	for _, p := range chain {
		for _, w := range p {
			if _, ok := v.id[w]; !ok {
				t.Errorf("%q not in the vocabulary", w)
			}
			if strings.HasPrefix(w, "<0x") || strings.HasPrefix(w, "<|") {
				continue
			}
			r := []rune(w)
			for n := 2; n < len(r); n++ {
				if _, ok := v.id[string(r[:n])]; !ok {
					t.Errorf("prefix %q of %q missing", string(r[:n]), w)
				}
			}
		}
	}
	// Each token has at most one fixed successor.
	succ := map[string]string{}
	for _, p := range chain {
		if s, ok := succ[p[0]]; ok {
			t.Errorf("%q has two successors: %q and %q", p[0], s, p[1])
		}
		succ[p[0]] = p[1]
	}
}

func TestTiny(t *testing.T) {
	for _, typ := range []gguf.TensorType{gguf.TensorF32, gguf.TensorF16, gguf.TensorQ8_0} {
		path := filepath.Join(t.TempDir(), "tiny.gguf")
		if err := WriteTiny(path, TinyOptions{Type: typ}); err != nil {
			t.Fatal(err)
		}
		f, err := gguf.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		// token_embd, 9 tensors per layer, output_norm, output.
		if len(f.Tensors) != 3+9*TinyLayers {
			t.Errorf("%d tensors", len(f.Tensors))
		}
		q, ok := f.Tensor("blk.1.attn_q.weight")
		if !ok || q.Type != typ {
			t.Errorf("attn_q %+v", q)
		}
		if e, _ := f.Tensor("token_embd.weight"); e.Type != gguf.TensorF32 {
			t.Errorf("embedding type %s", e.Type)
		}
		if f.String("tokenizer.ggml.model") != "llama" || f.ArrayLen("tokenizer.ggml.scores") != f.ArrayLen("tokenizer.ggml.tokens") {
			t.Error("tokenizer metadata")
		}
	}
	if _, err := Tiny(TinyOptions{Type: gguf.TensorQ4_K}); err == nil {
		t.Error("Q4_K accepted")
	}
	if _, err := Tiny(TinyOptions{Pooling: "max"}); err == nil {
		t.Error("pooling max accepted")
	}
	// The same options give the same bytes.
	a, b := filepath.Join(t.TempDir(), "a.gguf"), filepath.Join(t.TempDir(), "b.gguf")
	_ = WriteTiny(a, TinyOptions{})
	_ = WriteTiny(b, TinyOptions{})
	fa, _ := gguf.Open(a)
	fb, _ := gguf.Open(b)
	if fa.Size != fb.Size {
		t.Error("not deterministic")
	}
}

func TestLarge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "large.gguf")
	size, err := WriteLarge(path, LargeOptions{Width: 256, Layers: 2, FeedForward: 512, Heads: 4, HeadsKV: 2})
	if err != nil {
		t.Fatal(err)
	}
	m, err := gguf.ReadMetadata(path)
	if err != nil {
		t.Fatal(err)
	}
	nv := uint64(m.VocabSize)
	perLayer := uint64(256*256*2 + 256*128*2 + 256*512*3 + 256*2)
	want := 2*256*nv + 2*perLayer + 256
	if m.Parameters != want || m.FileType != "Q8_0" || m.FileSize != size || m.BlockCount != 2 {
		t.Errorf("parameters %d (want %d), type %s, size %d/%d", m.Parameters, want, m.FileType, m.FileSize, size)
	}
	if _, err := WriteLarge(path, LargeOptions{Width: 100}); err == nil {
		t.Error("width 100 accepted")
	}
}

func TestTinyEmbedder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bert.gguf")
	if err := WriteTinyEmbedder(path, EmbedderOptions{Pooling: "cls"}); err != nil {
		t.Fatal(err)
	}
	m, err := gguf.ReadMetadata(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.Architecture != "bert" || m.Pooling != "cls" || m.TokenizerModel != "bert" || m.EmbeddingLength != 64 {
		t.Errorf("metadata %+v", m)
	}
	f, _ := gguf.Open(path)
	seen := map[string]bool{}
	for _, tok := range f.Strings("tokenizer.ggml.tokens") {
		if seen[tok] {
			t.Errorf("duplicate token %q", tok)
		}
		seen[tok] = true
	}
	if err := WriteTinyEmbedder(path, EmbedderOptions{Pooling: "max"}); err == nil {
		t.Error("pooling max accepted")
	}
}
