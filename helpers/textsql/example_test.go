package textsql_test

import (
	"context"
	"fmt"

	"github.com/golm-dev/golm/helpers/textsql"
)

func ExampleEvaluate() {
	examples := []textsql.Example{
		{DB: "farm_competition", Question: "Get the count of competitions by theme.",
			Answer: "SELECT COUNT(*), Theme FROM farm_competition GROUP BY Theme"},
		{DB: "farm_competition", Question: "What are the hosts of competitions whose theme is Aliens?",
			Answer: "SELECT Hosts FROM farm_competition WHERE Theme = 'Aliens'"},
		{DB: "farm_competition", Question: "How many competitions have theme Aliens?",
			Answer: "SELECT COUNT(*) FROM farm_competition WHERE Theme = 'Aliens'"},
	}
	predicted := []string{
		"SELECT COUNT(Hosts), Theme FROM farm_competition GROUP BY Theme", // same rows, other text
		"SELECT Hosts FROM farm_competition WHERE Theme = 'Carnival'",     // runs, wrong rows
		"SELECT COUNT(*) FROM competitions WHERE Theme = 'Aliens'",        // no such table
	}
	report, err := textsql.Evaluate(context.Background(), examples, predicted)
	fmt.Println(report, err)
	fmt.Println(report.Results[2].Error)
	// Output:
	// 3 questions: execution accuracy 33.3%, exact match 0.0%, 1 errors (0 timeouts) <nil>
	// no such table: competitions
}

func ExampleGenerate() {
	ds := textsql.Generate(textsql.Options{Rows: 2, Seed: 1, Databases: []string{"farm_competition"}, Kinds: []string{"count-group"}})
	for _, r := range ds.Rows {
		fmt.Println(r["question"], "→", r["answer"])
	}
	// Output:
	// Get the count of competitions by theme. → SELECT COUNT(*), Theme FROM farm_competition GROUP BY Theme
	// For each theme, how many competitions are there? → SELECT COUNT(*), Theme FROM farm_competition GROUP BY Theme
}
