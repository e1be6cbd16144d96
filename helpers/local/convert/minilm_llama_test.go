//go:build llama

package convert_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/golm-dev/golm/helpers/local"
	"github.com/golm-dev/golm/helpers/local/convert"
)

// TestMiniLM converts the real all-MiniLM-L6-v2 (from the Python package registry, fetched by
// scripts/models.sh; make test sets GOLM_TEST_MINILM) and checks llama.cpp's embeddings of it against the
// model's reference outputs (sentence-transformers, mean pooling, normalised) and real semantic behaviour.
func TestMiniLM(t *testing.T) {
	src := os.Getenv("GOLM_TEST_MINILM")
	if src == "" {
		t.Skip("GOLM_TEST_MINILM is not set: make test sets it to the folder scripts/models.sh prints as MINILM_DIR")
	}
	ctx := context.Background()
	dst := filepath.Join(t.TempDir(), "minilm.gguf")
	for _, f16 := range []bool{false, true} {
		if err := convert.BERT(ctx, src, dst, convert.Options{F16: f16}); err != nil {
			t.Fatal(err)
		}
		m, err := local.Load(ctx, dst)
		if err != nil {
			t.Fatal(err)
		}
		texts := []string{"hello world", "the cat sat on the mat", "a dog is playing",
			"Who founded fast.ai?", "Jeremy Howard co-founded fast.ai with Rachel Thomas.",
			"The recipe needs two eggs and a cup of flour."}
		vecs, err := m.Embed(ctx, texts)
		m.Close()
		if err != nil {
			t.Fatal(err)
		}
		tol := 2e-3
		if f16 {
			tol = 5e-3
		}
		want := []float32{-0.03448, 0.03102, 0.00673, 0.02611, -0.03936, -0.16030} // "hello world"
		if len(vecs[0]) != 384 {
			t.Fatalf("%d dimensions", len(vecs[0]))
		}
		for i, w := range want {
			if d := math.Abs(float64(vecs[0][i] - w)); d > tol {
				t.Errorf("f16=%v: dimension %d is %.5f, the reference %.5f", f16, i, vecs[0][i], w)
			}
		}
		if c := local.CosineSimilarity(vecs[1], vecs[2]); math.Abs(c-0.2685) > 0.01 {
			t.Errorf("f16=%v: cosine(cat, dog) %.4f, the reference 0.2685", f16, c)
		}
		relevant, unrelated := local.CosineSimilarity(vecs[3], vecs[4]), local.CosineSimilarity(vecs[3], vecs[5])
		if relevant <= unrelated+0.2 {
			t.Errorf("f16=%v: the answer scores %.3f, the recipe %.3f", f16, relevant, unrelated)
		}
	}
}
