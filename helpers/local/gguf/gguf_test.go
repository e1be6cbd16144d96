package gguf_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/golm-dev/golm/helpers/local/gguf"
	"github.com/golm-dev/golm/helpers/local/synth"
)

func TestRoundTrip(t *testing.T) {
	kvs := []struct {
		key  string
		val  any
		want any // the value read back, when different
	}{
		{"u8", uint8(7), nil},
		{"i8", int8(-7), nil},
		{"u16", uint16(65535), nil},
		{"i16", int16(-300), nil},
		{"u32", uint32(1 << 31), nil},
		{"i32", int32(-1 << 31), nil},
		{"int", 42, int32(42)},
		{"f32", float32(1.5), nil},
		{"bool", true, nil},
		{"str", "héllo ▁world", nil},
		{"empty", "", nil},
		{"u64", uint64(1 << 63), nil},
		{"i64", int64(-1 << 62), nil},
		{"f64", math.Pi, nil},
		{"strs", []string{"a", "", "<0x0A>"}, nil},
		{"f32s", []float32{0, -1, 2.5}, nil},
		{"i32s", []int32{1, -2}, nil},
		{"ints", []int{3, 4}, []int32{3, 4}},
		{"bools", []bool{true, false}, nil},
		{"u8s", []uint8{}, nil},
	}
	w := gguf.NewWriter()
	for _, kv := range kvs {
		if err := w.Set(kv.key, kv.val); err != nil {
			t.Fatalf("Set(%q): %v", kv.key, err)
		}
	}
	if err := w.Set("str", "replaced"); err != nil {
		t.Fatal(err)
	}
	f32 := gguf.EncodeF32([]float32{1, 2, 3, 4})
	f16 := gguf.EncodeF16(make([]float32, 64))
	q8, err := gguf.EncodeQ8_0(make([]float32, 64))
	if err != nil {
		t.Fatal(err)
	}
	tensors := []struct {
		name string
		typ  gguf.TensorType
		dims []uint64
		data []byte
	}{
		{"a", gguf.TensorF32, []uint64{4}, f32},
		{"b", gguf.TensorF16, []uint64{32, 2}, f16},
		{"c", gguf.TensorQ8_0, []uint64{64}, q8},
	}
	for _, tt := range tensors {
		if err := w.AddTensor(tt.name, tt.typ, tt.dims, tt.data); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	n, err := w.WriteTo(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Errorf("WriteTo returned %d, wrote %d", n, buf.Len())
	}
	f, err := gguf.Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if f.Version != gguf.Version {
		t.Errorf("version %d", f.Version)
	}
	for _, kv := range kvs {
		want := kv.val
		if kv.want != nil {
			want = kv.want
		}
		if kv.key == "str" {
			want = "replaced"
		}
		got, ok := f.Value(kv.key)
		if !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v (%v), want %#v", kv.key, got, ok, want)
		}
	}
	if len(f.KV) != len(kvs) {
		t.Errorf("%d keys, want %d", len(f.KV), len(kvs))
	}
	for i, tt := range tensors {
		info := f.Tensors[i]
		if info.Name != tt.name || info.Type != tt.typ || !reflect.DeepEqual(info.Dims, tt.dims) {
			t.Errorf("tensor %d = %+v", i, info)
		}
		if info.Offset%32 != 0 || f.DataOffset%32 != 0 {
			t.Errorf("tensor %s at %d+%d is not aligned", tt.name, f.DataOffset, info.Offset)
		}
		start := f.DataOffset + int64(info.Offset)
		if got := buf.Bytes()[start : start+int64(info.Size())]; !bytes.Equal(got, tt.data) {
			t.Errorf("tensor %s data differs", tt.name)
		}
	}
}

func TestGetters(t *testing.T) {
	w := gguf.NewWriter()
	for k, v := range map[string]any{"u": uint32(5), "i": int32(-5), "f": float32(0.5), "s": "x",
		"b": false, "ss": []string{"a", "b"}, "big": uint64(math.MaxUint64)} {
		if err := w.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := f.Uint("u"); !ok || v != 5 {
		t.Errorf("Uint(u) = %d, %v", v, ok)
	}
	if _, ok := f.Uint("i"); ok {
		t.Error("Uint of a negative value succeeded")
	}
	if v, ok := f.Int("i"); !ok || v != -5 {
		t.Errorf("Int(i) = %d, %v", v, ok)
	}
	if _, ok := f.Int("big"); ok {
		t.Error("Int of MaxUint64 succeeded")
	}
	if v, ok := f.Float("u"); !ok || v != 5 {
		t.Errorf("Float(u) = %v, %v", v, ok)
	}
	if v, ok := f.Float("f"); !ok || v != 0.5 {
		t.Errorf("Float(f) = %v, %v", v, ok)
	}
	if v, ok := f.Bool("b"); !ok || v {
		t.Errorf("Bool(b) = %v, %v", v, ok)
	}
	if _, ok := f.Bool("s"); ok {
		t.Error("Bool of a string succeeded")
	}
	if f.String("s") != "x" || f.String("u") != "" || f.String("missing") != "" {
		t.Error("String")
	}
	if got := f.Strings("ss"); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("Strings = %v", got)
	}
	if f.ArrayLen("ss") != 2 || f.ArrayLen("s") != -1 || f.ArrayLen("missing") != -1 {
		t.Error("ArrayLen")
	}
	if got := f.Keys(); !reflect.DeepEqual(got, []string{"b", "big", "f", "i", "s", "ss", "u"}) {
		t.Errorf("Keys = %v", got)
	}
}

func TestWriterErrors(t *testing.T) {
	w := gguf.NewWriter()
	tests := []struct {
		name string
		err  error
	}{
		{"empty key", w.Set("", 1)},
		{"unsupported type", w.Set("k", struct{}{})},
		{"int too big", w.Set("k", 1<<40)},
		{"bad alignment", w.Set("general.alignment", uint32(3))},
		{"wrong data size", w.AddTensor("t", gguf.TensorF32, []uint64{4}, make([]byte, 15))},
		{"partial block", w.AddTensor("t", gguf.TensorQ8_0, []uint64{31}, make([]byte, 34))},
		{"zero dim", w.AddTensor("t", gguf.TensorF32, []uint64{0}, nil)},
		{"no dims", w.AddTensor("t", gguf.TensorF32, nil, nil)},
		{"unknown type", w.AddTensor("t", gguf.TensorType(99), []uint64{1}, make([]byte, 4))},
		{"nil func", w.AddTensorFunc("t", gguf.TensorF32, []uint64{1}, nil)},
	}
	for _, tt := range tests {
		if tt.err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
	if err := w.AddTensor("dup", gguf.TensorF32, []uint64{1}, make([]byte, 4)); err != nil {
		t.Fatal(err)
	}
	if err := w.AddTensor("dup", gguf.TensorF32, []uint64{1}, make([]byte, 4)); err == nil {
		t.Error("duplicate tensor accepted")
	}
	// A tensor function that writes the wrong amount fails the write.
	w2 := gguf.NewWriter()
	if err := w2.AddTensorFunc("t", gguf.TensorF32, []uint64{2}, func(out io.Writer) error {
		_, err := out.Write(make([]byte, 4))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := w2.WriteTo(io.Discard); err == nil || !strings.Contains(err.Error(), "wrote 4 bytes, want 8") {
		t.Errorf("short tensor: %v", err)
	}
}

func header(version uint32, nTensors, nKV uint64) []byte {
	b := []byte(gguf.Magic)
	b = binary.LittleEndian.AppendUint32(b, version)
	b = binary.LittleEndian.AppendUint64(b, nTensors)
	return binary.LittleEndian.AppendUint64(b, nKV)
}

func TestReadErrors(t *testing.T) {
	good := header(3, 0, 1)
	good = binary.LittleEndian.AppendUint64(good, 1)
	good = append(good, 'k')
	good = binary.LittleEndian.AppendUint32(good, uint32(gguf.TypeUint32))
	good = binary.LittleEndian.AppendUint32(good, 9)
	if _, err := gguf.Read(bytes.NewReader(good)); err != nil {
		t.Fatalf("valid header: %v", err)
	}
	hugeString := header(3, 0, 1)
	hugeString = binary.LittleEndian.AppendUint64(hugeString, 1<<40)
	badType := header(3, 0, 1)
	badType = binary.LittleEndian.AppendUint64(badType, 1)
	badType = append(badType, 'k')
	badType = binary.LittleEndian.AppendUint32(badType, 77)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "magic"},
		{"not gguf", []byte("PK\x03\x04 a zip file"), "not a GGUF file"},
		{"version 1", header(1, 0, 0), "unsupported GGUF version 1"},
		{"truncated", good[:len(good)-2], "unexpected EOF"},
		{"huge string", hugeString, "string length"},
		{"bad type", badType, "unknown value type 77"},
		{"huge kv count", header(3, 0, 1<<40), "metadata count"},
	}
	for _, tt := range tests {
		_, err := gguf.Read(bytes.NewReader(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := gguf.Read(bytes.NewReader([]byte("nope"))); !errors.Is(err, gguf.ErrNotGGUF) {
		t.Errorf("not GGUF: %v", err)
	}
}

func TestTruncatedFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "tiny.gguf")
	if err := synth.WriteTiny(path, synth.TinyOptions{}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.gguf")
	if err := os.WriteFile(cut, data[:len(data)-100], 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := gguf.Open(cut); err == nil || !strings.Contains(err.Error(), "truncated download?") {
		t.Errorf("truncated model: %v", err)
	}
	if !gguf.Exists(path) || gguf.Exists(filepath.Join(dir, "missing")) {
		t.Error("Exists")
	}
}

func TestFloat16(t *testing.T) {
	tests := []struct {
		f float32
		h uint16
	}{
		{0, 0x0000},
		{float32(math.Copysign(0, -1)), 0x8000},
		{1, 0x3c00},
		{-2, 0xc000},
		{0.5, 0x3800},
		{65504, 0x7bff},             // largest half
		{65520, 0x7c00},             // rounds to infinity
		{1e9, 0x7c00},               // overflow
		{6.103515625e-05, 0x0400},   // smallest normal
		{5.960464477539063e-08, 1},  // smallest subnormal
		{2.9802322387695312e-08, 0}, // half of it: ties to even, 0
		{1e-9, 0},
		{1 + 1.0/2048, 0x3c00}, // halfway between 1 and the next half: to even
		{1 + 3.0/2048, 0x3c02}, // halfway, rounds up to even
		{float32(math.Inf(1)), 0x7c00},
		{float32(math.Inf(-1)), 0xfc00},
	}
	for _, tt := range tests {
		if got := gguf.Float16(tt.f); got != tt.h {
			t.Errorf("Float16(%v) = %#04x, want %#04x", tt.f, got, tt.h)
		}
	}
	if h := gguf.Float16(float32(math.NaN())); h&0x7c00 != 0x7c00 || h&0x3ff == 0 {
		t.Errorf("Float16(NaN) = %#04x", h)
	}
	// Every half value survives a round trip through float32.
	for h := 0; h < 1<<16; h++ {
		f := gguf.Float32(uint16(h))
		if f != f { // NaN
			continue
		}
		if back := gguf.Float16(f); back != uint16(h) {
			t.Fatalf("Float16(Float32(%#04x) = %v) = %#04x", h, f, back)
		}
	}
}

func TestQ8_0(t *testing.T) {
	xs := make([]float32, 96)
	for i := range xs {
		xs[i] = float32(math.Sin(float64(i))) * float32(i%7+1)
	}
	data, err := gguf.EncodeQ8_0(xs)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := gguf.TensorQ8_0.RowSize(96); uint64(len(data)) != want {
		t.Fatalf("%d bytes, want %d", len(data), want)
	}
	back, err := gguf.DecodeQ8_0(data)
	if err != nil {
		t.Fatal(err)
	}
	for b := 0; b < len(xs); b += 32 {
		var amax float64
		for _, x := range xs[b : b+32] {
			amax = math.Max(amax, math.Abs(float64(x)))
		}
		tol := amax/127/2 + amax*1e-3 // half a step, plus the F16 rounding of the scale
		for i := b; i < b+32; i++ {
			if d := math.Abs(float64(back[i] - xs[i])); d > tol {
				t.Errorf("value %d: %v → %v (error %v > %v)", i, xs[i], back[i], d, tol)
			}
		}
	}
	if _, err := gguf.EncodeQ8_0(make([]float32, 33)); err == nil {
		t.Error("33 values accepted")
	}
	if _, err := gguf.DecodeQ8_0(make([]byte, 35)); err == nil {
		t.Error("35 bytes accepted")
	}
}

func TestTensorTypes(t *testing.T) {
	tests := []struct {
		typ  gguf.TensorType
		name string
		bpw  float64
	}{
		{gguf.TensorF32, "F32", 32},
		{gguf.TensorF16, "F16", 16},
		{gguf.TensorQ8_0, "Q8_0", 8.5},
		{gguf.TensorQ4_0, "Q4_0", 4.5},
		{gguf.TensorQ4_K, "Q4_K", 4.5},
		{gguf.TensorQ6_K, "Q6_K", 6.5625},
		{gguf.TensorType(4), "TensorType(4)", 0},
	}
	for _, tt := range tests {
		if tt.typ.String() != tt.name || tt.typ.BitsPerWeight() != tt.bpw {
			t.Errorf("%d: %s %v, want %s %v", tt.typ, tt.typ, tt.typ.BitsPerWeight(), tt.name, tt.bpw)
		}
	}
	if ft, ok := gguf.FileTypeOf("Q4_K_M"); !ok || ft != 15 || ft.String() != "Q4_K_M" {
		t.Errorf("FileTypeOf(Q4_K_M) = %v, %v", ft, ok)
	}
}

func TestMetadata(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tiny.gguf")
	if err := synth.WriteTiny(path, synth.TinyOptions{Type: gguf.TensorQ8_0, Pooling: "mean"}); err != nil {
		t.Fatal(err)
	}
	m, err := gguf.ReadMetadata(path)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"architecture", m.Architecture, "llama"},
		{"name", m.Name, "golm tiny test model"},
		{"file type", m.FileType, "Q8_0"},
		{"context", m.ContextLength, uint64(synth.TinyContext)},
		{"width", m.EmbeddingLength, uint64(synth.TinyWidth)},
		{"layers", m.BlockCount, uint64(synth.TinyLayers)},
		{"heads", m.HeadCount, uint64(synth.TinyHeads)},
		{"kv heads", m.HeadCountKV, uint64(synth.TinyHeadsKV)},
		{"pooling", m.Pooling, "mean"},
		{"template", m.ChatTemplate, synth.TinyChatTemplate},
		{"tokenizer", m.TokenizerModel, "llama"},
		{"bos", m.BOS, int64(synth.BOS)},
		{"eos", m.EOS, int64(synth.EOS)},
		{"pad", m.PAD, int64(-1)},
		{"types", m.SortedTensorTypes(), []string{"Q8_0", "F32"}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
	if m.VocabSize < 300 || m.Parameters < 100000 || m.AddBOS == nil || !*m.AddBOS {
		t.Errorf("vocab %d, parameters %d, add BOS %v", m.VocabSize, m.Parameters, m.AddBOS)
	}
	if !strings.Contains(m.String(), "quantization:     Q8_0") || !strings.Contains(m.HTML(), "<table>") {
		t.Errorf("summary:\n%s", m.String())
	}
}

func ExampleReadMetadata() {
	path := filepath.Join(os.TempDir(), "golm-example-tiny.gguf")
	if err := synth.WriteTiny(path, synth.TinyOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	defer os.Remove(path)
	m, err := gguf.ReadMetadata(path)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Architecture, m.ParameterLabel(), m.FileType, m.ContextLength, m.TokenizerModel)
	// Output: llama 156K F32 2048 llama
}

func ExampleWriter() {
	w := gguf.NewWriter()
	_ = w.Set("general.architecture", "llama")
	_ = w.AddTensor("weights", gguf.TensorF32, []uint64{2}, gguf.EncodeF32([]float32{1, 2}))
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		fmt.Println(err)
		return
	}
	f, _ := gguf.Read(&buf)
	fmt.Println(f.String("general.architecture"), f.Tensors[0].Name, f.Tensors[0].Type, f.Tensors[0].Elements())
	// Output: llama weights F32 2
}

// FuzzRead checks that no input makes the reader panic or allocate without bound.
func FuzzRead(f *testing.F) {
	w, err := synth.Tiny(synth.TinyOptions{})
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		f.Fatal(err)
	}
	tiny := buf.Bytes()
	f.Add(tiny[:4096])
	f.Add(tiny[14900:16400]) // the tensor descriptions
	f.Add(header(3, 1, 1))
	f.Add([]byte("GGUF\x03\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := gguf.Read(bytes.NewReader(data))
		if err == nil {
			_ = file.Metadata()
			_ = file.Check()
			for _, tensor := range file.Tensors {
				_ = tensor.Size()
			}
		}
	})
}

func TestCheck(t *testing.T) {
	tokens := []string{"<unk>", "<s>", "</s>", "a"}
	cases := []struct {
		name string
		kv   map[string]any
		want string // "" means the check passes
	}{
		{"no vocabulary at all", map[string]any{}, ""},
		{"a tensor with a dimension of 0", map[string]any{}, `tensor "output.weight" has a dimension of 0 ([4 0])`},
		{"complete", map[string]any{"tokenizer.ggml.tokens": tokens, "tokenizer.ggml.scores": []float32{0, 0, 0, 1},
			"tokenizer.ggml.token_type": []int32{2, 3, 3, 1}, "tokenizer.ggml.merges": []string{"a a"}}, ""},
		{"tokens only", map[string]any{"tokenizer.ggml.tokens": tokens}, ""},
		{"good epsilon", map[string]any{"general.architecture": "llama", "llama.attention.layer_norm_rms_epsilon": float32(1e-5)}, ""},
		{"negative epsilon", map[string]any{"general.architecture": "llama", "llama.attention.layer_norm_rms_epsilon": float32(-0.5)},
			"llama.attention.layer_norm_rms_epsilon is -0.5; it must be a small positive number"},
		{"epsilon not a number", map[string]any{"general.architecture": "bert", "bert.attention.layer_norm_epsilon": float32(math.NaN())},
			"bert.attention.layer_norm_epsilon is NaN"},
		{"epsilon as an integer", map[string]any{"general.architecture": "llama", "llama.attention.layer_norm_rms_epsilon": uint32(1)},
			"llama.attention.layer_norm_rms_epsilon is a uint32, not a float32"},
		{"empty vocabulary", map[string]any{"tokenizer.ggml.tokens": []string{}}, "tokenizer.ggml.tokens is empty"},
		{"tokens not strings", map[string]any{"tokenizer.ggml.tokens": []int32{1, 2}},
			"tokenizer.ggml.tokens is an array of int32, not an array of strings"},
		{"short scores", map[string]any{"tokenizer.ggml.tokens": tokens, "tokenizer.ggml.scores": []float32{1, 2, 3}},
			"tokenizer.ggml.scores has 3 entries for 4 tokens"},
		{"long token types", map[string]any{"tokenizer.ggml.tokens": tokens, "tokenizer.ggml.token_type": []int32{1, 1, 1, 1, 1}},
			"tokenizer.ggml.token_type has 5 entries for 4 tokens"},
		{"token types of bytes", map[string]any{"tokenizer.ggml.tokens": tokens, "tokenizer.ggml.token_type": []int8{1, 1, 1, 1}},
			"tokenizer.ggml.token_type is an array of int8, not an array of int32"},
		{"scores as a number", map[string]any{"tokenizer.ggml.tokens": tokens, "tokenizer.ggml.scores": float32(1)},
			"tokenizer.ggml.scores is a float32, not an array of float32"},
		{"merges not strings", map[string]any{"tokenizer.ggml.tokens": tokens, "tokenizer.ggml.merges": []uint32{1}},
			"tokenizer.ggml.merges is an array of uint32, not an array of strings"},
	}
	for _, c := range cases {
		w := gguf.NewWriter()
		if err := w.AddTensor("output.weight", gguf.TensorF32, []uint64{4, 2}, make([]byte, 4*4*2)); err != nil {
			t.Fatal(err)
		}
		for k, v := range c.kv {
			if err := w.Set(k, v); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
		}
		var buf bytes.Buffer
		if _, err := w.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		data := buf.Bytes()
		if c.name == "a tensor with a dimension of 0" {
			// The writer refuses such a tensor: patch its second dimension (after the name, the count and the
			// first dimension) to 0.
			name := []byte("output.weight")
			off := bytes.Index(data, name) + len(name) + 4 + 8
			binary.LittleEndian.PutUint64(data[off:], 0)
		}
		f, err := gguf.Read(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		err = f.Check()
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
}
