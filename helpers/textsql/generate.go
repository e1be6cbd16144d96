// Package textsql is a text-to-SQL task for fine-tuning: a data set the project generates itself (small
// databases, questions in varied wording, SQL answers that run) and an evaluator that runs the SQL a model
// writes against SQLite and compares the rows with the reference answer's.
//
//	ds := textsql.Generate(textsql.Options{Rows: 3000, Seed: 1}) // columns db, context, question, answer
//	examples, _ := textsql.Examples(ds)
//	report, _ := textsql.Evaluate(ctx, examples, predictions)
//	report.Accuracy() // execution accuracy
//
// The data set has the shape of knowrohit07/know_sql (and b-mc2/sql-create-context): a context that is a
// CREATE TABLE statement, a question, and the SQL answer; the extra column db names the database the
// evaluator runs the answers on, with rows in it, so that comparing results means something.
package textsql

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/golm-dev/golm/helpers/dataset"
)

// Example is one text-to-SQL example.
type Example struct {
	// DB names the database the SQL runs on (one of Databases(), or a name in EvalOptions.Setups); when it is
	// unknown, the evaluator runs the SQL on empty tables made from Context.
	DB string
	// Context is the schema the model sees: CREATE TABLE statements.
	Context string
	// Question is the question in English.
	Question string
	// Answer is the reference SQL.
	Answer string
}

// Options configures Generate. The zero value makes 3000 rows from seed 1 over every database and every
// kind of question.
type Options struct {
	// Rows is how many examples to make (default 3000). Fewer come back when the databases and kinds chosen
	// cannot make that many different questions.
	Rows int
	// Seed chooses the questions; the same seed gives the same data set.
	Seed uint64
	// Databases limits the examples to these databases (default: all of Databases()).
	Databases []string
	// Kinds limits the examples to these kinds of question (default: all of Kinds()).
	Kinds []string
}

// Databases returns the names of the generated data set's databases.
func Databases() []string {
	var out []string
	for _, t := range tables() {
		out = append(out, t.name)
	}
	return out
}

// Setup returns the SQL script (CREATE TABLE and INSERT statements) that builds a database, and whether the
// database exists.
func Setup(db string) (string, bool) {
	for _, t := range tables() {
		if t.name == db {
			return t.setup(), true
		}
	}
	return "", false
}

// template makes one question and its SQL for a table, or ok=false when the table does not fit.
type template struct {
	kind string
	make func(t *table, rng *rand.Rand) (q, sql string, ok bool)
}

// Kinds returns the kinds of question Generate makes.
func Kinds() []string {
	var out []string
	for _, tp := range templates() {
		out = append(out, tp.kind)
	}
	return out
}

func oneOf(rng *rand.Rand, s ...string) string { return s[rng.IntN(len(s))] }

func colPick(rng *rand.Rand, t *table, idx []int) column { return t.cols[idx[rng.IntN(len(idx))]] }

// valueOf returns a value of column c from a random row, as it reads in a question and as SQL.
func valueOf(rng *rand.Rand, t *table, c column) (text, lit string) {
	for i, tc := range t.cols {
		if tc.name == c.name {
			v := t.rows[rng.IntN(len(t.rows))][i]
			return fmt.Sprint(v), sqlValue(v)
		}
	}
	return "", ""
}

// threshold returns a number between the smallest and largest values of a numeric column.
func threshold(rng *rand.Rand, t *table, c column) string {
	a, _ := valueOf(rng, t, c)
	return a
}

// fill replaces {t} (one row), {T} (rows), {l} and {L} (the label column, singular and plural) in a wording.
func fill(t *table, s string) string {
	return strings.NewReplacer("{t}", t.one, "{T}", t.many, "{l}", t.cols[t.labelCol].phrase, "{L}", t.labels).Replace(s)
}

func templates() []template {
	return []template{
		{"select-where", func(t *table, rng *rand.Rand) (string, string, bool) {
			c := colPick(rng, t, t.catCols)
			v, lit := valueOf(rng, t, c)
			q := oneOf(rng,
				"What are the {L} of {T} whose %[1]s is %[2]s?",
				"List the {L} of every {t} with %[1]s %[2]s.",
				"Which {T} have %[1]s %[2]s? Give their {L}.",
				"Show the {L} for {T} where the %[1]s equals %[2]s.",
				"{L} of {T} whose %[1]s is %[2]s")
			return fmt.Sprintf(fill(t, q), c.phrase, v),
				fmt.Sprintf("SELECT %s FROM %s WHERE %s = %s", t.cols[t.labelCol].name, t.name, c.name, lit), true
		}},
		{"select-not", func(t *table, rng *rand.Rand) (string, string, bool) {
			c := colPick(rng, t, t.catCols)
			v, lit := valueOf(rng, t, c)
			q := oneOf(rng,
				"{L} of {T} whose %[1]s is not %[2]s",
				"List the {L} of {T} with %[1]s other than %[2]s.",
				"Which {T} do not have %[1]s %[2]s? Show their {L}.",
				"What are the {L} of the {T} whose %[1]s is different from %[2]s?")
			return fmt.Sprintf(fill(t, q), c.phrase, v),
				fmt.Sprintf("SELECT %s FROM %s WHERE %s <> %s", t.cols[t.labelCol].name, t.name, c.name, lit), true
		}},
		{"count-where", func(t *table, rng *rand.Rand) (string, string, bool) {
			c := colPick(rng, t, t.catCols)
			v, lit := valueOf(rng, t, c)
			q := oneOf(rng,
				"How many {T} have %[1]s %[2]s?",
				"Count the {T} whose %[1]s is %[2]s.",
				"What is the number of {T} with %[1]s %[2]s?",
				"Number of {T} where the %[1]s is %[2]s")
			return fmt.Sprintf(fill(t, q), c.phrase, v),
				fmt.Sprintf("SELECT COUNT(*) FROM %s WHERE %s = %s", t.name, c.name, lit), true
		}},
		{"count-group", func(t *table, rng *rand.Rand) (string, string, bool) {
			c := colPick(rng, t, t.catCols)
			q := oneOf(rng,
				"Get the count of {T} by %[1]s.",
				"How many {T} are there for each %[1]s?",
				"Count the {T} per %[1]s.",
				"For each %[1]s, how many {T} are there?",
				"Show each %[1]s with its number of {T}.")
			return fmt.Sprintf(fill(t, q), c.phrase),
				fmt.Sprintf("SELECT COUNT(*), %s FROM %s GROUP BY %s", c.name, t.name, c.name), true
		}},
		{"aggregate", func(t *table, rng *rand.Rand) (string, string, bool) {
			c := colPick(rng, t, t.numCols)
			fns := []struct{ fn, words string }{
				{"MAX", "highest|maximum|largest"}, {"MIN", "lowest|minimum|smallest"}, // MAX and MIN first: isYear picks from them
				{"AVG", "average|mean"}, {"SUM", "total"},
			}
			f := fns[rng.IntN(len(fns))]
			if isYear(c) && (f.fn == "SUM" || f.fn == "AVG") {
				f = fns[rng.IntN(2)] // a total of years means nothing
			}
			word := oneOf(rng, strings.Split(f.words, "|")...)
			q := oneOf(rng,
				"What is the %[1]s %[2]s of all {T}?",
				"Find the %[1]s %[2]s.",
				"Give the %[1]s %[2]s among the {T}.",
				"%[1]s %[2]s of {T}")
			return fmt.Sprintf(fill(t, q), word, c.phrase),
				fmt.Sprintf("SELECT %s(%s) FROM %s", f.fn, c.name, t.name), true
		}},
		{"aggregate-where", func(t *table, rng *rand.Rand) (string, string, bool) {
			c := colPick(rng, t, t.numCols)
			w := colPick(rng, t, t.catCols)
			v, lit := valueOf(rng, t, w)
			fns := []struct{ fn, words string }{
				{"MAX", "highest|maximum"}, {"MIN", "lowest|minimum"}, {"AVG", "average"}, {"SUM", "total"},
			}
			f := fns[rng.IntN(len(fns))]
			if isYear(c) && (f.fn == "SUM" || f.fn == "AVG") {
				f = fns[rng.IntN(2)]
			}
			word := oneOf(rng, strings.Split(f.words, "|")...)
			q := oneOf(rng,
				"What is the %[1]s %[2]s of {T} whose %[3]s is %[4]s?",
				"Find the %[1]s %[2]s for {T} with %[3]s %[4]s.",
				"Among {T} with %[3]s %[4]s, what is the %[1]s %[2]s?")
			return fmt.Sprintf(fill(t, q), word, c.phrase, w.phrase, v),
				fmt.Sprintf("SELECT %s(%s) FROM %s WHERE %s = %s", f.fn, c.name, t.name, w.name, lit), true
		}},
		{"compare", func(t *table, rng *rand.Rand) (string, string, bool) {
			c := colPick(rng, t, t.numCols)
			n := threshold(rng, t, c)
			more := rng.IntN(2) == 0
			op, words := "<", []string{"less than", "below", "under", "smaller than"}
			if more {
				op, words = ">", []string{"greater than", "above", "more than", "over"}
			}
			word := oneOf(rng, words...)
			q := oneOf(rng,
				"Which {T} have %[1]s %[2]s %[3]s? Give their {L}.",
				"List the {L} of {T} with %[1]s %[2]s %[3]s.",
				"{L} of {T} whose %[1]s is %[2]s %[3]s",
				"Show the {L} of all {T} where the %[1]s is %[2]s %[3]s.")
			return fmt.Sprintf(fill(t, q), c.phrase, word, n),
				fmt.Sprintf("SELECT %s FROM %s WHERE %s %s %s", t.cols[t.labelCol].name, t.name, c.name, op, n), true
		}},
		{"between", func(t *table, rng *rand.Rand) (string, string, bool) {
			c := colPick(rng, t, t.numCols)
			a, b := threshold(rng, t, c), threshold(rng, t, c)
			for tries := 0; a == b && tries < 10; tries++ {
				b = threshold(rng, t, c)
			}
			if a == b {
				return "", "", false
			}
			var fa, fb float64
			fmt.Sscan(a, &fa)
			fmt.Sscan(b, &fb)
			if fa > fb {
				a, b = b, a
			}
			q := oneOf(rng,
				"List the {L} of {T} with %[1]s between %[2]s and %[3]s.",
				"Which {T} have %[1]s from %[2]s to %[3]s? Show their {L}.",
				"{L} of {T} whose %[1]s is between %[2]s and %[3]s")
			return fmt.Sprintf(fill(t, q), c.phrase, a, b),
				fmt.Sprintf("SELECT %s FROM %s WHERE %s BETWEEN %s AND %s", t.cols[t.labelCol].name, t.name, c.name, a, b), true
		}},
		{"top", func(t *table, rng *rand.Rand) (string, string, bool) {
			c := colPick(rng, t, t.numCols)
			k := 1 + rng.IntN(5)
			desc := rng.IntN(2) == 0
			dir, words := "ASC", []string{"lowest", "smallest"}
			if desc {
				dir, words = "DESC", []string{"highest", "largest"}
			}
			word := oneOf(rng, words...)
			var q string
			if k == 1 {
				q = oneOf(rng,
					"Which {t} has the %[1]s %[2]s? Give its {l}.",
					"What is the {l} of the {t} with the %[1]s %[2]s?",
					"{l} of the {t} with the %[1]s %[2]s")
			} else {
				q = oneOf(rng,
					"What are the {L} of the %[3]d {T} with the %[1]s %[2]s?",
					"List the {L} of the %[3]d {T} with the %[1]s %[2]s.",
					"Top %[3]d {T} by %[1]s %[2]s: show their {L}.")
			}
			return fmt.Sprintf(fill(t, q), word, c.phrase, k),
				fmt.Sprintf("SELECT %s FROM %s ORDER BY %s %s LIMIT %d", t.cols[t.labelCol].name, t.name, c.name, dir, k), true
		}},
		{"order", func(t *table, rng *rand.Rand) (string, string, bool) {
			c := colPick(rng, t, t.numCols)
			desc := rng.IntN(2) == 0
			var q, dir string
			if desc {
				dir = " DESC"
				q = oneOf(rng,
					"List the {L} of all {T} in descending order of %[1]s.",
					"Show the {L} of the {T}, sorted by %[1]s from highest to lowest.",
					"{L} of {T} ordered by %[1]s descending")
			} else {
				q = oneOf(rng,
					"List the {L} of all {T} ordered by %[1]s.",
					"Show the {L} of the {T} sorted by %[1]s in ascending order.",
					"{L} of {T} ordered by %[1]s")
			}
			return fmt.Sprintf(fill(t, q), c.phrase),
				fmt.Sprintf("SELECT %s FROM %s ORDER BY %s%s", t.cols[t.labelCol].name, t.name, c.name, dir), true
		}},
		{"distinct", func(t *table, rng *rand.Rand) (string, string, bool) {
			c := colPick(rng, t, t.catCols)
			q := oneOf(rng,
				"What are the different %[1]s values of the {T}?",
				"List the distinct %[1]s of all {T}.",
				"Show every %[1]s, without repeats.",
				"Which %[1]s values appear among the {T}?")
			return fmt.Sprintf(fill(t, q), c.phrase),
				fmt.Sprintf("SELECT DISTINCT %s FROM %s", c.name, t.name), true
		}},
		{"count-distinct", func(t *table, rng *rand.Rand) (string, string, bool) {
			c := colPick(rng, t, t.catCols)
			q := oneOf(rng,
				"How many different %[1]s values do the {T} have?",
				"Count the distinct %[1]s of {T}.",
				"What is the number of distinct %[1]s among the {T}?")
			return fmt.Sprintf(fill(t, q), c.phrase),
				fmt.Sprintf("SELECT COUNT(DISTINCT %s) FROM %s", c.name, t.name), true
		}},
		{"lookup", func(t *table, rng *rand.Rand) (string, string, bool) {
			c := colPick(rng, t, append(append([]int{}, t.numCols...), t.catCols...))
			v, lit := valueOf(rng, t, t.cols[t.labelCol])
			q := oneOf(rng,
				"What is the %[1]s of the {t} whose {l} is %[2]s?",
				"Give the %[1]s of %[2]s.",
				"Find the %[1]s for the {t} with {l} %[2]s.",
				"%[1]s of %[2]s")
			return fmt.Sprintf(fill(t, q), c.phrase, v),
				fmt.Sprintf("SELECT %s FROM %s WHERE %s = %s", c.name, t.name, t.cols[t.labelCol].name, lit), true
		}},
	}
}

// isYear reports whether a column holds years, which have a latest and an earliest but no total.
func isYear(c column) bool { return strings.Contains(c.phrase, "year") }

// capitalise makes a question start with a capital letter.
func capitalise(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Generate makes a text-to-SQL data set with the columns db, context, question and answer: the same rows
// for the same options. Every answer runs on its database (a test checks it) and no question repeats.
func Generate(opts ...Options) *dataset.Dataset {
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Rows <= 0 {
		o.Rows = 3000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	name := fmt.Sprintf("textsql (seed %d)", o.Seed)
	var ts []*table
	for _, t := range tables() {
		if len(o.Databases) == 0 || contains(o.Databases, t.name) {
			ts = append(ts, t)
		}
	}
	var tps []template
	for _, tp := range templates() {
		if len(o.Kinds) == 0 || contains(o.Kinds, tp.kind) {
			tps = append(tps, tp)
		}
	}
	cols := []string{"db", "context", "question", "answer"}
	if len(ts) == 0 || len(tps) == 0 {
		return dataset.New(name, cols, nil)
	}
	rng := rand.New(rand.NewPCG(o.Seed, 0x5eed))
	seen := map[string]bool{}
	var rows []dataset.Row
	for tries := 0; len(rows) < o.Rows && tries < o.Rows*50; tries++ {
		t := ts[rng.IntN(len(ts))]
		tp := tps[rng.IntN(len(tps))]
		q, sql, ok := tp.make(t, rng)
		if !ok {
			continue
		}
		q = capitalise(q)
		key := t.name + "\x00" + q
		if seen[key] {
			continue
		}
		seen[key] = true
		rows = append(rows, dataset.Row{"db": t.name, "context": t.create(), "question": q, "answer": sql})
	}
	return dataset.New(name, cols, rows)
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Examples reads the examples of a data set with the columns context, question and answer (and db, when
// present): the generated one, or one loaded such as knowrohit07/know_sql.
func Examples(ds *dataset.Dataset) ([]Example, error) {
	if err := ds.Require("context", "question", "answer"); err != nil {
		return nil, fmt.Errorf("textsql.Examples: %w", err)
	}
	out := make([]Example, len(ds.Rows))
	for i, r := range ds.Rows {
		out[i] = Example{DB: r["db"], Context: r["context"], Question: r["question"], Answer: r["answer"]}
	}
	return out, nil
}
