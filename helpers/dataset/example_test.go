package dataset_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/golm-dev/golm/helpers/dataset"
)

func ExampleRead() {
	csv := "context,question,answer\n" +
		"\"CREATE TABLE farm_competition (Hosts VARCHAR, Theme VARCHAR)\",hosts of competitions whose theme is not Aliens,SELECT Hosts FROM farm_competition WHERE Theme <> 'Aliens'\n" +
		"a row,with too many,fields,here\n"
	ds, err := dataset.Read(context.Background(), strings.NewReader(csv), dataset.Options{Format: "csv", Name: "sql"})
	fmt.Println(ds, err)
	fmt.Println(ds.Rows[0]["answer"])
	fmt.Println(ds.Err())
	// Output:
	// sql: 1 rows, columns context, question, answer (1 bad rows: line 3: 4 fields, but the header has 3) <nil>
	// SELECT Hosts FROM farm_competition WHERE Theme <> 'Aliens'
	// dataset sql: 1 bad row(s):
	// line 3: 4 fields, but the header has 3
}

func ExampleDataset_Split() {
	rows := make([]dataset.Row, 10)
	for i := range rows {
		rows[i] = dataset.Row{"n": fmt.Sprint(i)}
	}
	train, val := dataset.New("numbers", []string{"n"}, rows).Split(0.2, 42)
	fmt.Println(train.Len(), val.Len())
	// Output: 8 2
}
