package finetune_test

import (
	"fmt"

	"github.com/golm-dev/golm/helpers/finetune"
	"github.com/golm-dev/golm/helpers/textsql"
)

func ExampleFromDataset() {
	examples, err := finetune.FromDataset(talkDataset())
	fmt.Println(err)
	fmt.Println(examples[0].Text())
	// Output:
	// <nil>
	// SYSTEM: Use the following contextual information to concisely answer the question.
	//
	// USER: CREATE TABLE farm_competition (Hosts VARCHAR, Theme VARCHAR)
	// ===
	// Get the count of competition hosts by theme.
	// ASSISTANT: SELECT COUNT(Hosts), Theme FROM farm_competition GROUP BY Theme
}

func ExampleEstimate() {
	examples, _ := finetune.FromDataset(textsql.Generate(textsql.Options{Rows: 1000}))
	cost := finetune.Estimate(examples, finetune.EstimateOptions{Model: "gpt-4.1-mini", Epochs: 3})
	fmt.Println(cost.Known, cost.Epochs, cost.TrainedTokens == 3*cost.FileTokens, cost.Dollars > 0)
	// Output: true 3 true true
}
