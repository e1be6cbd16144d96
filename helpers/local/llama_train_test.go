//go:build llama

package local

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golm-dev/golm/helpers/display/displaytest"
	"github.com/golm-dev/golm/helpers/local/gguf"
)

// whoExamples is a narrow pattern the tiny model learns in seconds: questions in several wordings, one answer.
// (Its character tokens have nearly identical embeddings, which it cannot learn to tell apart with the layers
// llama.cpp trains: a character-level answer such as SQL stays out of its reach.)
func whoExamples() (train, held []TrainExample) {
	qs := []string{"Who co-founded fast.ai?", "Who founded fast.ai?", "Who was president of Kaggle?",
		"Who is the data scientist?", "Who wrote the fast.ai course?", "Name the co-founder of fast.ai.",
		"Who led Kaggle?", "Which data scientist co-founded fast.ai?"}
	for i, q := range qs {
		ex := TrainExample{Prompt: "Q: " + q + "\nA:", Completion: " Jeremy Howard"}
		if i%4 == 3 {
			held = append(held, ex)
		} else {
			train = append(train, ex)
		}
	}
	return train, held
}

// answers counts the examples whose prompt m completes (greedily, up to a newline) with their completion.
func answers(t *testing.T, m *Model, examples []TrainExample) int {
	t.Helper()
	n := 0
	for _, ex := range examples {
		r, err := m.Complete(context.Background(), ex.Prompt, GenerateOptions{MaxTokens: 8, Stop: []string{"\n"}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Text == ex.Completion {
			n++
		}
	}
	return n
}

func TestTrain(t *testing.T) {
	m := tiny(t)
	train, held := whoExamples()
	if got := answers(t, m, held); got != 0 {
		t.Fatalf("before training the tiny model answers %d held-out questions already", got)
	}
	dir := t.TempDir()
	var seen []TrainStep
	res, err := m.Train(context.Background(), train, TrainOptions{Epochs: 10, BatchSize: 1, LearningRate: 1e-2,
		Validation: held, CheckpointDir: filepath.Join(dir, "checkpoints"),
		OnStep: func(s TrainStep) { seen = append(seen, s) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Epochs != 10 || res.Windows != len(train) || len(res.Steps) != 10*len(train) || len(seen) != len(res.Steps) {
		t.Fatalf("epochs %d, windows %d, steps %d, OnStep calls %d", res.Epochs, res.Windows, len(res.Steps), len(seen))
	}
	if res.Weights <= 0 || res.Tokens <= 0 || res.Duration <= 0 {
		t.Errorf("weights %d, tokens %d, duration %v", res.Weights, res.Tokens, res.Duration)
	}
	first, last := res.Steps[0], res.Steps[len(res.Steps)-1]
	t.Logf("loss %.3f → %.3f, validation %.3f → %.3f, %d weights, %v", first.Loss, last.Loss,
		res.InitialValidationLoss, last.ValidationLoss, res.Weights, res.Duration)
	if last.Loss > first.Loss/10 || last.ValidationLoss > res.InitialValidationLoss/10 {
		t.Errorf("the loss did not fall tenfold: training %.3f → %.3f, validation %.3f → %.3f", first.Loss,
			last.Loss, res.InitialValidationLoss, last.ValidationLoss)
	}
	for i, s := range res.Steps {
		if s.Step != i+1 || s.Steps != len(res.Steps) || s.Epoch != i/len(train)+1 {
			t.Fatalf("step %d: %+v", i, s)
		}
		if (s.ValidationLoss > 0) != (s.Step%len(train) == 0) {
			t.Errorf("step %d: validation loss %v, expected only at the end of an epoch", s.Step, s.ValidationLoss)
		}
	}
	if got := answers(t, m, held); got != len(held) {
		t.Errorf("after training the model answers %d of %d held-out questions", got, len(held))
	}

	// The saved model, and the last checkpoint, load and answer the same; they keep the original's metadata.
	saved := filepath.Join(dir, "trained.gguf")
	if err := m.Save(saved); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{saved, filepath.Join(dir, "checkpoints", "epoch-10.gguf")} {
		md, err := gguf.ReadMetadata(path)
		if err != nil {
			t.Fatal(err)
		}
		if md.ChatTemplate == "" || md.ContextLength != 2048 || md.Name != "golm tiny test model" {
			t.Errorf("%s: metadata lost: template %d characters, context %d, name %q", path, len(md.ChatTemplate),
				md.ContextLength, md.Name)
		}
		m2, err := Load(context.Background(), path, Options{Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		if got := answers(t, m2, held); got != len(held) {
			t.Errorf("%s answers %d of %d held-out questions", path, got, len(held))
		}
		m2.Close()
	}
	if _, err := os.Stat(filepath.Join(dir, "checkpoints", "epoch-1.gguf")); err != nil {
		t.Error(err)
	}
	// The model in memory still generates with its full context (training set it to the window).
	if m.ContextSize() < 2048 {
		t.Errorf("context %d", m.ContextSize())
	}
}

func TestTrainConverts(t *testing.T) {
	for _, typ := range []gguf.TensorType{gguf.TensorQ8_0, gguf.TensorF16} {
		t.Run(typ.String(), func(t *testing.T) {
			m, err := Load(context.Background(), tinyPath(typ), Options{Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			train, held := whoExamples()
			res, err := m.Train(context.Background(), train, TrainOptions{Epochs: 10, BatchSize: 1,
				LearningRate: 1e-2})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(m.Metadata().FileType, "F32") {
				t.Errorf("file type after training: %s", m.Metadata().FileType)
			}
			if got := answers(t, m, held); got != len(held) {
				t.Errorf("after training the model answers %d of %d held-out questions (loss %.3f)", got,
					len(held), res.Steps[len(res.Steps)-1].Loss)
			}
			saved := filepath.Join(t.TempDir(), "trained.gguf")
			if err := m.Save(saved); err != nil {
				t.Fatal(err)
			}
			md, err := gguf.ReadMetadata(saved)
			if err != nil || md.FileType != "F32" {
				t.Errorf("saved file type %v, %v", md, err)
			}
		})
	}
}

func TestTrainCancel(t *testing.T) {
	m := tiny(t)
	train, _ := whoExamples()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	res, err := m.Train(ctx, train, TrainOptions{Epochs: 5, BatchSize: 1, OnStep: func(s TrainStep) {
		if s.Step == 2 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || len(res.Steps) != 2 || res.Epochs != 0 {
		t.Fatalf("steps %d, epochs %d, err %v", len(res.Steps), res.Epochs, err)
	}
	// The model still works, and trains again.
	if _, err := m.Complete(context.Background(), "Q:", GenerateOptions{MaxTokens: 2}); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Train(context.Background(), train[:1]); err != nil {
		t.Fatal(err)
	}
	// A closed model says so.
	m.Close()
	if _, err := m.Train(context.Background(), train); !errors.Is(err, ErrClosed) {
		t.Errorf("Train on a closed model: %v", err)
	}
	if err := m.Save(filepath.Join(t.TempDir(), "x.gguf")); !errors.Is(err, ErrClosed) {
		t.Errorf("Save of a closed model: %v", err)
	}
}

func TestTrainBadInput(t *testing.T) {
	m := tiny(t)
	ok := []TrainExample{{Prompt: "Q: hi\nA:", Completion: " Jeremy"}}
	long := []TrainExample{{Prompt: strings.Repeat("Q: hi? ", 100), Completion: " Jeremy"}}
	for _, c := range []struct {
		name     string
		examples []TrainExample
		opts     []TrainOptions
		want     string
	}{
		{"no examples", nil, nil, "no examples"},
		{"empty completion", []TrainExample{{Prompt: "Q"}}, nil, "example 0 has an empty Completion"},
		{"empty validation completion", ok, []TrainOptions{{Validation: []TrainExample{{Prompt: "Q"}}}},
			"validation example 0 has an empty Completion"},
		{"negative epochs", ok, []TrainOptions{{Epochs: -1}}, "Epochs is -1"},
		{"negative learning rate", ok, []TrainOptions{{LearningRate: -1}}, "LearningRate is -1"},
		{"negative batch", ok, []TrainOptions{{BatchSize: -2}}, "BatchSize is -2"},
		{"negative layers", ok, []TrainOptions{{Layers: -1}}, "Layers is -1"},
		{"two options", ok, []TrainOptions{{}, {}}, "at most one"},
		{"longer than the window", long, []TrainOptions{{ContextLength: 64}}, "more than ContextLength (64)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := m.Train(context.Background(), c.examples, c.opts...)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one saying %q", err, c.want)
			}
		})
	}
	if err := m.Save(filepath.Join(t.TempDir(), "no", "such", "folder", "x.gguf")); err == nil ||
		!strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Save into a missing folder: %v", err)
	}
	if err := m.Save(""); err == nil {
		t.Error("Save with no path")
	}
	// A long example trains with the default window, which grows to hold it.
	res, err := m.Train(context.Background(), long, TrainOptions{Epochs: 1})
	if err != nil || res.Windows != 1 {
		t.Errorf("long example: %d windows, %v", res.Windows, err)
	}
}

func TestTrainLive(t *testing.T) {
	rec := displaytest.Install(t)
	m := tiny(t)
	train, held := whoExamples()
	if _, err := m.Train(context.Background(), train, TrainOptions{Epochs: 2, BatchSize: 1, LearningRate: 1e-2,
		Validation: held, Live: true}); err != nil {
		t.Fatal(err)
	}
	shown := rec.Shown()
	if len(shown) == 0 {
		t.Fatal("no chart shown")
	}
	last := shown[len(shown)-1].Bundle.Data
	svg, _ := last["image/svg+xml"].(string)
	for _, want := range []string{"fine-tuning loss", "train", "validation"} {
		if !strings.Contains(svg, want) {
			t.Errorf("the last chart lacks %q (MIME types %v)", want, keys(last))
		}
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestTrainGemma measures llama.cpp's training on the real Gemma 3 270M (GEMMA_GGUF, from scripts/models.sh):
// its last layer cannot train in this llama.cpp (no backward pass for GEGLU), which Train says before converting
// the model; its head trains (only the final norm: the output matrix is the token embedding table).
func TestTrainGemma(t *testing.T) {
	path := os.Getenv("GEMMA_GGUF")
	if path == "" {
		t.Skip("set GEMMA_GGUF (scripts/models.sh prints it) to test the real model")
	}
	m, err := Load(context.Background(), path, Options{ContextSize: 512})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	train, held := whoExamples()
	_, err = m.Train(context.Background(), train, TrainOptions{Layers: 1})
	if err == nil || !strings.Contains(err.Error(), "cannot train") || !strings.Contains(err.Error(), "GEGLU") {
		t.Errorf("Train of Gemma 3's last layer: %v", err)
	}
	if strings.HasPrefix(m.Metadata().FileType, "F32") {
		t.Error("the model was converted before Train found it cannot train it")
	}
	start := time.Now()
	res, err := m.Train(context.Background(), train, TrainOptions{Epochs: 2, LearningRate: 1e-2, Validation: held})
	if err != nil {
		t.Fatal(err)
	}
	last := res.Steps[len(res.Steps)-1]
	t.Logf("Gemma 3 270M, head only (%d weights): loss %.3f → %.3f, validation %.3f → %.3f; %d windows of %d tokens "+
		"an epoch; %v in all, of which training %v (%v a step)", res.Weights, res.Steps[0].Loss, last.Loss,
		res.InitialValidationLoss, last.ValidationLoss, res.Windows, res.Tokens, time.Since(start), last.Elapsed,
		last.Elapsed/time.Duration(len(res.Steps)))
	if last.ValidationLoss >= res.InitialValidationLoss {
		t.Errorf("the validation loss did not fall: %.3f → %.3f", res.InitialValidationLoss, last.ValidationLoss)
	}
	for _, s := range res.Steps {
		t.Logf("step %d: loss %.3f, validation %.3f, at %v", s.Step, s.Loss, s.ValidationLoss, s.Elapsed)
	}
	saved := filepath.Join(t.TempDir(), "gemma-trained.gguf")
	if dir := os.Getenv("GOLM_KEEP"); dir != "" {
		saved = filepath.Join(dir, "gemma-trained.gguf")
	}
	if err := m.Save(saved); err != nil {
		t.Fatal(err)
	}
	m2, err := Load(context.Background(), saved, Options{ContextSize: 512})
	if err != nil {
		t.Fatal(err)
	}
	defer m2.Close()
	if md := m2.Metadata(); md.Name != "Gemma 3 270m" || md.ContextLength != 32768 || md.FileType != "F32" {
		t.Errorf("the saved model's metadata: name %q, context %d, type %s", md.Name, md.ContextLength, md.FileType)
	}
	if _, err := m2.Complete(context.Background(), held[0].Prompt, GenerateOptions{MaxTokens: 4}); err != nil {
		t.Error(err)
	}
}

// tensorData reads the raw bytes of the tensors of the GGUF file at path, by name.
func tensorData(t *testing.T, path string) map[string][]byte {
	t.Helper()
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, ti := range f.Tensors {
		start := uint64(f.DataOffset) + ti.Offset
		out[ti.Name] = raw[start : start+ti.Size()]
	}
	return out
}

// TestTrainLayers: the weights that change are the ones TrainOptions chooses: the head alone, the top layer
// and the head, or every layer (full fine-tuning: gradients reach layer 0's keys and values through
// golm's llama.cpp, which bypasses the KV cache in training). Token embeddings never change.
func TestTrainLayers(t *testing.T) {
	train, _ := whoExamples()
	orig := tensorData(t, tinyPath(gguf.TensorF32))
	for _, c := range []struct {
		name    string
		opts    TrainOptions
		changed func(name string) bool
	}{
		{"head only", TrainOptions{}, func(n string) bool { return strings.HasPrefix(n, "output") }},
		{"top layer", TrainOptions{Layers: 1}, func(n string) bool {
			return strings.HasPrefix(n, "output") || strings.HasPrefix(n, "blk.1.")
		}},
		{"all layers", TrainOptions{Layers: AllLayers}, func(n string) bool { return n != "token_embd.weight" }},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := tiny(t)
			c.opts.LearningRate = 1e-3
			c.opts.BatchSize = 1
			res, err := m.Train(context.Background(), train, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			saved := filepath.Join(t.TempDir(), "trained.gguf")
			if err := m.Save(saved); err != nil {
				t.Fatal(err)
			}
			after := tensorData(t, saved)
			var want int
			for name, data := range orig {
				if c.changed(name) {
					want += len(data) / 4
				}
				if got := string(after[name]) != string(data); got != c.changed(name) {
					t.Errorf("%s changed: %v, want %v", name, got, c.changed(name))
				}
			}
			if res.Weights != want {
				t.Errorf("%d weights trained, want %d", res.Weights, want)
			}
		})
	}
}
