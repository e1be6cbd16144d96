//go:build llama

package local

import (
	"context"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/golm-dev/golm/helpers/local/gguf"
)

// f32s decodes little-endian F32 tensor data.
func f32s(b []byte) []float64 {
	out := make([]float64, len(b)/4)
	for i := range out {
		out[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
	}
	return out
}

// perturbed writes a copy of the F32 GGUF file at src whose tensor name is w + eps·d, and returns its path.
func perturbed(t *testing.T, src, name string, d []float64, eps float64) string {
	t.Helper()
	f, err := gguf.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, ti := range f.Tensors {
		if ti.Name != name {
			continue
		}
		data := raw[uint64(f.DataOffset)+ti.Offset:][:ti.Size()]
		w := f32s(data)
		for i := range w {
			binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(float32(w[i]+eps*d[i])))
		}
		out := filepath.Join(t.TempDir(), "perturbed.gguf")
		if err := os.WriteFile(out, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		return out
	}
	t.Fatalf("no tensor %s in %s", name, src)
	return ""
}

// TestTrainGradient checks the gradients of full fine-tuning against finite differences of the loss. One step
// of plain SGD (Δw = −lr·g) on one window reads the gradient g of every weight off the saved model; then,
// for weights of every kind in both layers of the tiny model, the loss of the model with w ± ε·d, measured by
// the forward pass alone, must change as g predicts: (L(w+εd) − L(w−εd)) / 2ε = (n/count)·g·d, where n is
// the window's length (llama.cpp's cross-entropy is a mean over all positions) and count the number of
// completion tokens (Train's loss is their mean). d is the gradient itself and a random ±1 direction. This is
// the evidence that golm's llama.cpp patches compute the right gradients: attention that reads the window's own
// keys and values in training, and RMS norm built from simpler operations (before that patch, every gradient
// below a norm was wrong: along it the loss changed 8 to 1,500 times less than it predicted, or the other way).
func TestTrainGradient(t *testing.T) {
	ctx := context.Background()
	src := tinyPath(gguf.TensorF32)
	train, _ := whoExamples()
	const window, lr = 512, 100.0 // a large rate: the step is taken from the gradient at the start anyway
	stepLoss := func(path string, rate float64) (float64, *Model) {
		t.Helper()
		m, err := Load(ctx, path, Options{Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { m.Close() })
		res, err := m.train(ctx, train, TrainOptions{Epochs: 1, ContextLength: window, LearningRate: rate,
			Layers: AllLayers},
			trainHooks{step: func(TrainStep) {}, sgd: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Windows != 1 || len(res.Steps) != 1 {
			t.Fatalf("%d windows, %d steps; want one", res.Windows, len(res.Steps))
		}
		return res.Steps[0].Loss, m
	}
	_, m := stepLoss(src, lr)
	seqs, err := m.trainSeqs("example", train)
	if err != nil {
		t.Fatal(err)
	}
	count := 0
	for _, s := range seqs {
		count += len(s.toks) - s.start
	}
	saved := filepath.Join(t.TempDir(), "sgd.gguf")
	if err := m.Save(saved); err != nil {
		t.Fatal(err)
	}
	before, after := tensorData(t, src), tensorData(t, saved)
	rng := rand.New(rand.NewPCG(15, 15))
	for _, name := range []string{"blk.0.attn_norm.weight", "blk.0.attn_q.weight", "blk.0.attn_k.weight",
		"blk.0.attn_v.weight", "blk.0.attn_output.weight", "blk.0.ffn_norm.weight", "blk.0.ffn_gate.weight",
		"blk.0.ffn_up.weight", "blk.0.ffn_down.weight", "blk.1.attn_v.weight", "blk.1.ffn_down.weight",
		"output_norm.weight", "output.weight"} {
		w0, w1 := f32s(before[name]), f32s(after[name])
		g := make([]float64, len(w0))
		var gnorm float64
		for i := range g {
			g[i] = (w0[i] - w1[i]) / lr
			gnorm += g[i] * g[i]
		}
		gnorm = math.Sqrt(gnorm)
		random := make([]float64, len(g))
		for i := range random {
			random[i] = float64(1 - 2*rng.IntN(2))
		}
		for _, dir := range []struct {
			name string
			d    []float64
		}{{"gradient", g}, {"random", random}} {
			var dnorm, gd float64
			for i, x := range dir.d {
				dnorm += x * x
				gd += g[i] * x
			}
			dnorm = math.Sqrt(dnorm)
			if dnorm == 0 {
				t.Errorf("%s: the gradient is zero", name)
				continue
			}
			const eps = 1e-3 // a step of length eps in weight space
			d := make([]float64, len(dir.d))
			for i, x := range dir.d {
				d[i] = x / dnorm
			}
			plus, _ := stepLoss(perturbed(t, src, name, d, eps), 1e-9)
			minus, _ := stepLoss(perturbed(t, src, name, d, -eps), 1e-9)
			fd := (plus - minus) / (2 * eps)
			want := float64(window) / float64(count) * gd / dnorm
			scale := float64(window) / float64(count) * gnorm
			t.Logf("%-26s %-8s finite difference %+.6f, gradient %+.6f (|g| %.6f)", name, dir.name, fd, want, scale)
			if math.Abs(fd-want) > 0.02*scale+1e-4 {
				t.Errorf("%s along the %s: the loss changes by %.6f per unit step, the gradient says %.6f",
					name, dir.name, fd, want)
			}
		}
	}
}
