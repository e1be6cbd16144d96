//go:build llama

package local

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/golm-dev/golm/helpers/finetune"
	"github.com/golm-dev/golm/helpers/textsql"
)

// peakMemory returns the process's peak resident memory as /proc/self/status says it (VmHWM), or "".
func peakMemory() string {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// TestTrainSmolLM fine-tunes every layer of a real small model, SmolLM2-135M-Instruct (llama architecture,
// tied embeddings: its output head alone would train nothing but the final norm), on lesson 06's narrow
// text-to-SQL task in lesson 06's format: two epochs over 56 questions at a rate of 1e-4. The validation loss
// must fall to less than a fifth and execution accuracy on the 14 held-out questions must rise (it goes from
// 0% to most of them). It takes a few minutes on two cores. make test sets GOLM_TEST_SMOLLM to the file
// scripts/models.sh prints as SMOLLM_GGUF.
func TestTrainSmolLM(t *testing.T) {
	path := os.Getenv("GOLM_TEST_SMOLLM")
	if path == "" {
		t.Skip("GOLM_TEST_SMOLLM is not set: make test sets it to the file scripts/models.sh prints")
	}
	ctx := context.Background()
	narrow := textsql.Generate(textsql.Options{Rows: 1000, Seed: 5, Kinds: []string{"count-group"}})
	trainDS, testDS := narrow.Split(0.2, 1)
	short := finetune.FormatOptions{System: "-", User: []string{"question"}}
	trainFT, err := finetune.FromDataset(trainDS, short)
	if err != nil {
		t.Fatal(err)
	}
	testFT, err := finetune.FromDataset(testDS, short)
	if err != nil {
		t.Fatal(err)
	}
	heldOut, err := textsql.Examples(testDS)
	if err != nil {
		t.Fatal(err)
	}
	var train, held []TrainExample
	for _, e := range trainFT {
		train = append(train, TrainExample{Prompt: e.Prompt(), Completion: e.Completion()})
	}
	for _, e := range testFT {
		held = append(held, TrainExample{Prompt: e.Prompt(), Completion: e.Completion()})
	}
	m, err := Load(ctx, path, Options{Threads: 2, ContextSize: 512})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	evaluate := func() *textsql.Report { return sqlReport(ctx, t, m, held, heldOut) }
	before := evaluate()
	res, err := m.Train(ctx, train, TrainOptions{Layers: AllLayers, Epochs: 2, LearningRate: 1e-4, Validation: held})
	if err != nil {
		t.Fatal(err)
	}
	first, last := res.Steps[0], res.Steps[len(res.Steps)-1]
	t.Logf("%d train, %d held out; loss %.3f → %.3f, validation %.3f → %.3f; %d weights, %d steps, %v "+
		"(%.0f s per epoch); peak memory %s", len(train), len(held), first.Loss, last.Loss,
		res.InitialValidationLoss, last.ValidationLoss, res.Weights, len(res.Steps), res.Duration,
		res.Duration.Seconds()/float64(res.Epochs), peakMemory())
	if last.ValidationLoss > res.InitialValidationLoss/5 {
		t.Errorf("the validation loss fell from %.3f to %.3f only", res.InitialValidationLoss, last.ValidationLoss)
	}
	if after := evaluate(); after.Accuracy() <= before.Accuracy() {
		t.Errorf("execution accuracy %.2f before training, %.2f after", before.Accuracy(), after.Accuracy())
	}
}
