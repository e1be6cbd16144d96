//go:build llama

package local

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/golm-dev/golm/helpers/local/synth"
	"github.com/golm-dev/golm/helpers/textsql"
)

// TestTrainSQL fine-tunes the word-level synthetic model (lesson 06's stand-in) on one narrow kind of
// text-to-SQL question (counting rows by group). That model is built to learn with its output head alone: its
// head, trained at lesson 06's rate, must raise execution accuracy on held-out questions. Every layer, at a
// tenth of that rate, must lower the training and validation loss and change layer 0. (It does not raise
// this model's accuracy in 30 epochs: the stand-in's feed-forward weights start at zero, where their gradients
// are zero, and its hand-set attention diverges at the head's rate. TestTrainSmolLM fine-tunes every layer
// of a real model; TestTrainGradient checks the gradients.)
func TestTrainSQL(t *testing.T) {
	ctx := context.Background()
	narrow := textsql.Generate(textsql.Options{Rows: 1000, Seed: 5, Kinds: []string{"count-group"}})
	trainDS, testDS := narrow.Split(0.2, 1)
	toExamples := func(ex []textsql.Example) []TrainExample {
		var out []TrainExample
		for _, e := range ex {
			out = append(out, TrainExample{Prompt: "USER: " + e.Question + "\nASSISTANT:", Completion: " " + e.Answer})
		}
		return out
	}
	trainEx, err := textsql.Examples(trainDS)
	if err != nil {
		t.Fatal(err)
	}
	heldOut, err := textsql.Examples(testDS)
	if err != nil {
		t.Fatal(err)
	}
	// The vocabulary: the words of every count-group question and answer (all tables), as synthgguf -model
	// words writes it for lesson 06.
	texts := []string{"USER: ASSISTANT:"}
	for _, r := range textsql.Generate(textsql.Options{Kinds: []string{"count-group"}}).Rows {
		texts = append(texts, r["question"], r["answer"])
	}
	path := filepath.Join(t.TempDir(), "words.gguf")
	if err := synth.WriteWords(path, synth.WordsOptions{Texts: texts}); err != nil {
		t.Fatal(err)
	}
	train, held := toExamples(trainEx), toExamples(heldOut)
	accuracyOf := func(t *testing.T, m *Model) float64 {
		t.Helper()
		return sqlReport(ctx, t, m, held, heldOut).Accuracy()
	}
	orig := tensorData(t, path)
	for _, c := range []struct {
		name   string
		layers int
		lr     float64
	}{{"head", 0, 1e-3}, {"all layers", AllLayers, 1e-4}} {
		t.Run(c.name, func(t *testing.T) {
			m, err := Load(ctx, path, Options{Threads: 2})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			before := accuracyOf(t, m)
			res, err := m.Train(ctx, train, TrainOptions{Epochs: 30, LearningRate: c.lr, Validation: held,
				Layers: c.layers})
			if err != nil {
				t.Fatal(err)
			}
			first, last := res.Steps[0], res.Steps[len(res.Steps)-1]
			t.Logf("%d train, %d held out: loss %.3f → %.3f, validation %.3f → %.3f, %d weights, %d steps, %v",
				len(train), len(held), first.Loss, last.Loss, res.InitialValidationLoss, last.ValidationLoss,
				res.Weights, len(res.Steps), res.Duration)
			after := accuracyOf(t, m)
			if c.layers == 0 {
				if after <= before {
					t.Errorf("execution accuracy %.2f before training, %.2f after", before, after)
				}
				return
			}
			if last.Loss > first.Loss/2 || last.ValidationLoss > res.InitialValidationLoss/2 {
				t.Errorf("the loss did not halve: training %.3f → %.3f, validation %.3f → %.3f", first.Loss,
					last.Loss, res.InitialValidationLoss, last.ValidationLoss)
			}
			saved := filepath.Join(t.TempDir(), "trained.gguf")
			if err := m.Save(saved); err != nil {
				t.Fatal(err)
			}
			if got := tensorData(t, saved)["blk.0.attn_v.weight"]; string(got) == string(orig["blk.0.attn_v.weight"]) {
				t.Error("full fine-tuning left layer 0's value weights as they were")
			}
		})
	}
}

// sqlReport has the model answer the held-out prompts (one line each) and evaluates the SQL it writes
// against the examples' databases.
func sqlReport(ctx context.Context, t *testing.T, m *Model, held []TrainExample, heldOut []textsql.Example) *textsql.Report {
	t.Helper()
	var pred []string
	for _, ex := range held {
		r, err := m.Complete(ctx, ex.Prompt, GenerateOptions{MaxTokens: 32, Stop: []string{"\n"}})
		if err != nil {
			t.Fatal(err)
		}
		pred = append(pred, textsql.ExtractSQL(r.Text))
	}
	rep, err := textsql.Evaluate(ctx, heldOut, pred)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v; first answer: %q", rep, pred[0])
	return rep
}
