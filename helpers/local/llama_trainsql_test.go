//go:build llama

package local

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/golm-dev/golm/helpers/local/synth"
	"github.com/golm-dev/golm/helpers/textsql"
)

// TestTrainSQL fine-tunes the word-level synthetic model's head on one narrow kind of text-to-SQL question
// (counting rows by group) and checks that execution accuracy on held-out questions goes up.
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
	accuracy := func() float64 {
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
	before := accuracy()
	res, err := m.Train(ctx, train, TrainOptions{Epochs: 30, LearningRate: 1e-3, Validation: held})
	if err != nil {
		t.Fatal(err)
	}
	first, last := res.Steps[0], res.Steps[len(res.Steps)-1]
	t.Logf("loss %.3f → %.3f, validation %.3f → %.3f, %d weights, %d steps, %v", first.Loss, last.Loss,
		res.InitialValidationLoss, last.ValidationLoss, res.Weights, len(res.Steps), res.Duration)
	for _, s := range res.Steps {
		if s.ValidationLoss > 0 {
			t.Logf("epoch %d: loss %.3f validation %.3f", s.Epoch, s.Loss, s.ValidationLoss)
		}
	}
	after := accuracy()
	if after <= before {
		t.Errorf("execution accuracy %.2f before training, %.2f after", before, after)
	}
}
