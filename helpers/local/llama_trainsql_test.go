//go:build llama

package local

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/golm-dev/golm/helpers/local/synth"
	"github.com/golm-dev/golm/helpers/textsql"
)

// TestTrainSQL fine-tunes the word-level synthetic model on one narrow kind of text-to-SQL question (counting
// rows by group), its head alone and then every layer, and checks that execution accuracy on held-out
// questions goes up, that full fine-tuning changes layer 0 and lowers the training loss further.
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
	m, err := Load(ctx, path, Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	train, held := toExamples(trainEx), toExamples(heldOut)
	ids, _ := m.Tokenize(held[0].Prompt+held[0].Completion, true)
	t.Logf("%d train, %d held out; %q", len(train), len(held), m.Pieces(ids))
	accuracyOf := func(m *Model) float64 {
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
		t.Logf("%v; first: %q", rep, pred[0])
		return rep.Accuracy()
	}
	accuracy := func() float64 { return accuracyOf(m) }
	before := accuracy()
	orig := tensorData(t, path)
	var finals []float64
	for _, c := range []struct {
		name   string
		layers int
	}{{"head", 0}, {"all layers", AllLayers}} {
		m, err := Load(ctx, path, Options{Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		defer m.Close()
		res, err := m.Train(ctx, train, TrainOptions{Epochs: 30, LearningRate: 1e-3, Validation: held, Layers: c.layers})
		if err != nil {
			t.Fatal(err)
		}
		first, last := res.Steps[0], res.Steps[len(res.Steps)-1]
		t.Logf("%s: loss %.3f → %.3f, validation %.3f → %.3f, %d weights, %d steps, %v", c.name, first.Loss, last.Loss,
			res.InitialValidationLoss, last.ValidationLoss, res.Weights, len(res.Steps), res.Duration)
		finals = append(finals, last.Loss)
		after := accuracyOf(m)
		if after <= before {
			t.Errorf("%s: execution accuracy %.2f before training, %.2f after", c.name, before, after)
		}
		if c.layers == AllLayers {
			saved := filepath.Join(t.TempDir(), "trained.gguf")
			if err := m.Save(saved); err != nil {
				t.Fatal(err)
			}
			if got := tensorData(t, saved)["blk.0.attn_k.weight"]; string(got) == string(orig["blk.0.attn_k.weight"]) {
				t.Error("full fine-tuning left layer 0's key weights as they were")
			}
		}
	}
	if finals[1] >= finals[0] {
		t.Errorf("the training loss fell less with every layer training (%.3f) than with the head alone (%.3f)",
			finals[1], finals[0])
	}
}
