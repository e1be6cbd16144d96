package textsql_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golm-dev/golm/helpers/textsql"
)

func TestGenerateDeterministicAndRuns(t *testing.T) {
	ds := textsql.Generate(textsql.Options{Rows: 3000, Seed: 7})
	if ds.Len() != 3000 {
		t.Fatalf("rows = %d, want 3000", ds.Len())
	}
	again := textsql.Generate(textsql.Options{Rows: 3000, Seed: 7})
	if !reflect.DeepEqual(ds.Rows, again.Rows) {
		t.Fatal("the same seed gave another data set")
	}
	other := textsql.Generate(textsql.Options{Rows: 3000, Seed: 8})
	if reflect.DeepEqual(ds.Rows[:20], other.Rows[:20]) {
		t.Fatal("another seed gave the same data set")
	}
	ex, err := textsql.Examples(ds)
	if err != nil {
		t.Fatal(err)
	}
	// Every answer runs, and is exactly right when compared with itself; every kind and database occurs;
	// questions do not repeat.
	answers := make([]string, len(ex))
	kinds, dbs, questions := map[string]int{}, map[string]int{}, map[string]bool{}
	for i, e := range ex {
		answers[i] = e.Answer
		dbs[e.DB]++
		if questions[e.DB+e.Question] {
			t.Errorf("question repeated: %s", e.Question)
		}
		questions[e.DB+e.Question] = true
		if !strings.HasPrefix(e.Context, "CREATE TABLE "+e.DB+" (") {
			t.Errorf("context %q for db %s", e.Context, e.DB)
		}
		kinds[strings.Fields(e.Answer)[1]]++
	}
	rep, err := textsql.Evaluate(context.Background(), ex, answers)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Correct != len(ex) || rep.Exact != len(ex) || rep.Errors != 0 {
		for _, r := range rep.Results {
			if !r.Correct {
				t.Errorf("%s: %s: %s", r.Question, r.Reference, r.Error)
				break
			}
		}
		t.Fatalf("the answers against themselves: %v", rep)
	}
	if len(dbs) != len(textsql.Databases()) {
		t.Errorf("databases used: %v", dbs)
	}
	for _, db := range textsql.Databases() {
		setup, _ := textsql.Setup(db)
		if strings.Count(setup, "INSERT INTO") < 15 {
			t.Errorf("database %s has fewer than 15 rows", db)
		}
	}
	t.Logf("kinds by first SELECT word: %v; databases: %v", kinds, dbs)
}

func TestGenerateOptions(t *testing.T) {
	ds := textsql.Generate(textsql.Options{Rows: 200, Seed: 3, Databases: []string{"farm_competition"},
		Kinds: []string{"count-group", "select-not"}})
	if ds.Len() == 0 {
		t.Fatal("no rows")
	}
	for _, r := range ds.Rows {
		if r["db"] != "farm_competition" || !(strings.Contains(r["answer"], "GROUP BY") || strings.Contains(r["answer"], "<>")) {
			t.Fatalf("row outside the options: %v", r)
		}
	}
	if ds.Len() >= 200 {
		t.Errorf("two kinds on one table made %d different questions; expected fewer than asked", ds.Len())
	}
	if len(textsql.Kinds()) < 10 {
		t.Errorf("kinds: %v", textsql.Kinds())
	}
}

func TestEvaluate(t *testing.T) {
	ex := []textsql.Example{
		{DB: "farm_competition", Question: "hosts not Aliens", Answer: "SELECT Hosts FROM farm_competition WHERE Theme <> 'Aliens'"},
		{DB: "farm_competition", Question: "count by theme", Answer: "SELECT COUNT(*), Theme FROM farm_competition GROUP BY Theme"},
		{DB: "employee", Question: "top 3", Answer: "SELECT Name FROM employee ORDER BY Salary DESC LIMIT 3"},
		{DB: "employee", Question: "avg", Answer: "SELECT AVG(Salary) FROM employee"},
		{DB: "employee", Question: "wrong", Answer: "SELECT Name FROM employee WHERE Department = 'Sales'"},
		{DB: "employee", Question: "error", Answer: "SELECT Name FROM employee"},
		{DB: "employee", Question: "forever", Answer: "SELECT Name FROM employee"},
		{DB: "employee", Question: "write", Answer: "SELECT COUNT(*) FROM employee"},
		{DB: "employee", Question: "two statements", Answer: "SELECT COUNT(*) FROM employee"},
		{Context: "CREATE TABLE t (a VARCHAR, b VARCHAR)", Question: "from the context", Answer: "SELECT a FROM t"},
		{DB: "employee", Question: "empty", Answer: "SELECT Name FROM employee"},
		{DB: "employee", Question: "endless rows", Answer: "SELECT Name FROM employee"},
	}
	pred := []string{
		"select hosts from farm_competition where theme != 'Aliens';",                          // same rows, not exact
		"SELECT COUNT(Hosts), Theme FROM farm_competition GROUP BY Theme",                      // same rows (no NULL hosts), the talk's answer
		"SELECT Name FROM employee ORDER BY Salary ASC LIMIT 3",                                // ordered, wrong order
		"select  avg( Salary )  from employee",                                                 // exact after normalisation
		"SELECT Name FROM employee WHERE Department = 'Support'",                               // runs, wrong rows
		"SELEC Name FROM employee",                                                             // syntax error
		"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c", // never ends
		"DELETE FROM employee",                                                                 // read-only
		"SELECT 1; SELECT 2",
		"SELECT a FROM t",
		"",
		"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT x FROM c", // rows without end
	}
	start := time.Now()
	rep, err := textsql.Evaluate(context.Background(), ex, pred, textsql.EvalOptions{Timeout: 300 * time.Millisecond, MaxRows: 1000})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("evaluation took %v: the endless query was not interrupted", el)
	}
	type want struct {
		correct, exact bool
		err            string
	}
	wants := []want{
		{true, false, ""}, {true, false, ""}, {false, false, ""}, {true, true, ""}, {false, false, ""},
		{false, false, "syntax error"}, {false, false, "timed out"}, {false, false, "readonly"},
		{false, false, "2 statements"}, {true, true, ""}, {false, false, "no SQL"}, {false, false, "more than 1000 rows"},
	}
	for i, w := range wants {
		r := rep.Results[i]
		if r.Correct != w.correct || r.Exact != w.exact || (w.err == "") != (r.Error == "") || !strings.Contains(strings.ToLower(r.Error), strings.ToLower(w.err)) {
			t.Errorf("%d %s: correct %v exact %v error %q; want %+v", i, ex[i].Question, r.Correct, r.Exact, r.Error, w)
		}
	}
	if rep.Timeouts != 1 || rep.Errors != 6 || rep.Correct != 4 {
		t.Errorf("counts: %v", rep)
	}
	// The database is unchanged after the DELETE: the next evaluation of the same DB sees every row.
	rep2, _ := textsql.Evaluate(context.Background(), ex[7:8], []string{"SELECT COUNT(*) FROM employee"})
	if rep2.Correct != 1 {
		t.Error(rep2.Results[0])
	}
	if _, err := textsql.Evaluate(context.Background(), ex, pred[:3]); err == nil {
		t.Error("a length mismatch was not an error")
	}
	s := rep.Score("base")
	if s.Questions != 12 || s.ExecutionAccuracy != 0.333 || s.ExactMatch != round(2.0/12) {
		t.Errorf("score %+v", s)
	}
	if h := rep.HTML(); !strings.Contains(h, "execution accuracy 33.3%") {
		t.Errorf("HTML: %s", h[:200])
	}
	pairs := textsql.SideBySide(rep, rep2, 3)
	if len(pairs) != 1 {
		t.Errorf("pairs %v", pairs)
	}
	// A cancelled context stops the evaluation with its error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := textsql.Evaluate(ctx, ex, pred); err == nil {
		t.Error("a cancelled context was not an error")
	}
}

func round(x float64) float64 { return float64(int(x*1000+0.5)) / 1000 }

func TestNormalizeAndExtract(t *testing.T) {
	for _, c := range [][2]string{
		{"SELECT  COUNT( * ) FROM t ;", "select count(*) from t"},
		{"select Hosts from T where Theme <> 'Aliens'", "select hosts from t where theme <> 'Aliens'"},
		{"SELECT a ,b FROM t", "select a, b from t"},
	} {
		if got := textsql.Normalize(c[0]); got != c[1] {
			t.Errorf("Normalize(%q) = %q, want %q", c[0], got, c[1])
		}
	}
	for _, c := range [][2]string{
		{" SELECT a FROM t;\nUSER: more", "SELECT a FROM t"},
		{"Here it is:\n```sql\nSELECT a\nFROM t;\n```\nDone.", "SELECT a FROM t"},
		{"SELECT a FROM t\nASSISTANT: again", "SELECT a FROM t"},
	} {
		if got := textsql.ExtractSQL(c[0]); got != c[1] {
			t.Errorf("ExtractSQL(%q) = %q, want %q", c[0], got, c[1])
		}
	}
}
