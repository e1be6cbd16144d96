package finetune_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/golm-dev/golm/helpers/display/displaytest"
	"github.com/golm-dev/golm/helpers/llm/llmtest"
	"github.com/golm-dev/golm/symbols"
	"github.com/traefik/yaegi/interp"
)

// TestFromInterpretedCells runs lesson 06's data path the way notebook cells do, through the yaegi
// interpreter: generate a data set, split, format, validate, estimate, evaluate, and a hosted job.
func TestFromInterpretedCells(t *testing.T) {
	srv := llmtest.NewServer()
	defer srv.Close()
	displaytest.Install(t)
	var out bytes.Buffer
	i, err := symbols.NewInterpreter(interp.Options{Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	cells := []string{
		`import (
			"context"
			"fmt"
			"time"

			"github.com/golm-dev/golm/helpers/dataset"
			"github.com/golm-dev/golm/helpers/finetune"
			"github.com/golm-dev/golm/helpers/llm"
			"github.com/golm-dev/golm/helpers/textsql"
		)`,
		`ctx := context.Background()`,
		`ds := textsql.Generate(textsql.Options{Rows: 200, Seed: 3})
		train, val := ds.Split(0.1, 42)
		fmt.Println(ds.Len(), train.Len(), val.Len(), len(ds.Lengths("question")))`,
		`examples, err := finetune.FromDataset(train)
		check := finetune.Validate(examples, finetune.ValidateOptions{MaxTokens: 256})
		fmt.Println(len(examples), err, check.OK())`,
		`cost := finetune.Estimate(examples, finetune.EstimateOptions{Model: "gpt-4.1-mini"})
		fmt.Println(cost.Known, cost.Epochs)`,
		`held, _ := textsql.Examples(val)
		preds := []string{}
		for _, e := range held {
			preds = append(preds, e.Answer)
		}
		preds[0] = "SELEC nonsense"
		report, err := textsql.Evaluate(ctx, held, preds)
		fmt.Println(report.Correct, report.Errors, err)
		scores := []textsql.Score{report.Score("reference")}
		fmt.Println(scores[0].Questions)`,
		`local, err := dataset.Read(ctx, strings.NewReader("{\"context\": \"c\", \"question\": \"q\", \"answer\": \"a\"}\nnot json\n"), dataset.Options{Format: "jsonl"})
		fmt.Println(local.Len(), local.Bad[0].Line)`,
		`client, err := llm.New(llm.Config{BaseURL: "` + srv.URL + `", APIKey: "sk-test"})
		job, err := finetune.Run(ctx, client, examples[:20], finetune.JobOptions{Model: "gpt-4.1-mini", Poll: time.Millisecond, Live: true})
		fmt.Println(job.Status, len(job.Steps), err)`,
	}
	cells[0] = strings.Replace(cells[0], `"time"`, `"strings"
			"time"`, 1)
	for n, c := range cells {
		if _, err := i.Eval(c); err != nil {
			t.Fatalf("cell %d: %v\n%s\noutput so far:\n%s", n, err, c, out.String())
		}
	}
	want := "200 180 20 200\n180 <nil> true\ntrue 3\n19 1 <nil>\n20\n1 2\nsucceeded 5 <nil>\n"
	if out.String() != want {
		t.Errorf("output:\n%s\nwant:\n%s", out.String(), want)
	}
}
