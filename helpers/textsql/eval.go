package textsql

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver, as "sqlite"
)

// EvalOptions configures Evaluate. The zero value gives each query 2 seconds and 10,000 rows.
type EvalOptions struct {
	// Timeout is the most time one query may take (default 2 s); a query that takes longer is interrupted
	// and counted as a failure.
	Timeout time.Duration
	// MaxRows is the most rows a query may return (default 10,000); more is a failure.
	MaxRows int
	// Setups are SQL scripts that build more databases, by name (an Example's DB).
	Setups map[string]string
}

// Result is the evaluation of one predicted query.
type Result struct {
	Question  string
	Reference string
	Predicted string
	// Exact is true when the predicted SQL equals the reference once both are normalised (case outside
	// quotes, spaces, a final semicolon).
	Exact bool
	// Correct is true when the predicted query returns the same rows as the reference (in the same order
	// when the reference has ORDER BY, in any order otherwise).
	Correct bool
	// Error says why the predicted query failed to run: a syntax error, an unknown column, a timeout.
	Error string
}

// Report is the evaluation of a set of predictions.
type Report struct {
	Results []Result
	// Correct, Exact, Errors and Timeouts count the results.
	Correct, Exact, Errors, Timeouts int
}

// Accuracy returns the execution accuracy: the fraction of predictions whose rows equal the reference's.
func (r *Report) Accuracy() float64 {
	if len(r.Results) == 0 {
		return 0
	}
	return float64(r.Correct) / float64(len(r.Results))
}

// ExactMatch returns the fraction of predictions equal to the reference after normalisation.
func (r *Report) ExactMatch() float64 {
	if len(r.Results) == 0 {
		return 0
	}
	return float64(r.Exact) / float64(len(r.Results))
}

// Score is a report's figures in one row, for a table that compares models.
type Score struct {
	Model             string
	Questions         int
	ExecutionAccuracy float64
	ExactMatch        float64
	Errors            int
	Timeouts          int
}

// Score returns the report's figures under a name.
func (r *Report) Score(model string) Score {
	return Score{Model: model, Questions: len(r.Results), ExecutionAccuracy: round3(r.Accuracy()),
		ExactMatch: round3(r.ExactMatch()), Errors: r.Errors, Timeouts: r.Timeouts}
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }

// String summarises the report in one line.
func (r *Report) String() string {
	return fmt.Sprintf("%d questions: execution accuracy %.1f%%, exact match %.1f%%, %d errors (%d timeouts)",
		len(r.Results), 100*r.Accuracy(), 100*r.ExactMatch(), r.Errors, r.Timeouts)
}

// HTML renders the summary and the first results.
func (r *Report) HTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, "<p>%s</p>\n<table>\n<thead><tr><th>question</th><th>reference</th><th>predicted</th><th>rows</th><th>exact</th></tr></thead>\n<tbody>\n",
		html.EscapeString(r.String()))
	for _, res := range r.Results[:min(len(r.Results), 10)] {
		rows := "✓"
		if !res.Correct {
			rows = "✗"
			if res.Error != "" {
				rows += " " + res.Error
			}
		}
		exact := ""
		if res.Exact {
			exact = "✓"
		}
		fmt.Fprintf(&b, "<tr><td>%s</td><td><code>%s</code></td><td><code>%s</code></td><td>%s</td><td>%s</td></tr>\n",
			html.EscapeString(res.Question), html.EscapeString(res.Reference), html.EscapeString(res.Predicted),
			html.EscapeString(rows), exact)
	}
	b.WriteString("</tbody>\n</table>")
	if len(r.Results) > 10 {
		fmt.Fprintf(&b, "\n<p>… %d more</p>", len(r.Results)-10)
	}
	return b.String()
}

// Pair is one question answered by two models.
type Pair struct {
	Question, Reference string
	Before, After       string
	BeforeOK, AfterOK   bool
}

// SideBySide returns the first n questions of two reports of the same examples with both answers, the
// questions whose outcome changed first.
func SideBySide(before, after *Report, n int) []Pair {
	var changed, same []Pair
	for i := 0; i < len(before.Results) && i < len(after.Results); i++ {
		b, a := before.Results[i], after.Results[i]
		p := Pair{Question: b.Question, Reference: b.Reference, Before: b.Predicted, After: a.Predicted,
			BeforeOK: b.Correct, AfterOK: a.Correct}
		if b.Correct != a.Correct {
			changed = append(changed, p)
		} else {
			same = append(same, p)
		}
	}
	out := append(changed, same...)
	return out[:min(n, len(out))]
}

// Evaluate runs each predicted query and its example's reference query on the example's database, and
// compares their rows. A prediction that fails to run — bad SQL, an unknown table, a timeout, too many rows —
// is counted as wrong, never returned as an error; Evaluate's error is for what stops the whole evaluation: a
// different number of predictions and examples, a database that cannot be built, a cancelled context.
// Queries run read-only: a predicted DELETE or DROP changes nothing.
func Evaluate(ctx context.Context, examples []Example, predicted []string, opts ...EvalOptions) (*Report, error) {
	if len(opts) > 1 {
		return nil, fmt.Errorf("textsql.Evaluate: pass at most one EvalOptions, got %d", len(opts))
	}
	var o EvalOptions
	if len(opts) == 1 {
		o = opts[0]
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Second
	}
	if o.MaxRows <= 0 {
		o.MaxRows = 10000
	}
	if len(predicted) != len(examples) {
		return nil, fmt.Errorf("textsql.Evaluate: %d predictions for %d examples", len(predicted), len(examples))
	}
	dbs := map[string]*sql.DB{}
	defer func() {
		for _, db := range dbs {
			db.Close()
		}
	}()
	rep := &Report{Results: make([]Result, len(examples))}
	for i, ex := range examples {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		key, script := scriptFor(ex, o)
		db := dbs[key]
		if db == nil {
			var err error
			if db, err = openDB(ctx, script); err != nil {
				return nil, fmt.Errorf("textsql.Evaluate: example %d (%s): %w", i, ex.DB, err)
			}
			dbs[key] = db
		}
		res := Result{Question: ex.Question, Reference: ex.Answer, Predicted: predicted[i]}
		res.Exact = Normalize(ex.Answer) == Normalize(predicted[i]) && strings.TrimSpace(predicted[i]) != ""
		want, err := query(ctx, db, ex.Answer, o)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("textsql.Evaluate: example %d: the reference query fails: %w", i, err)
		}
		got, err := query(ctx, db, predicted[i], o)
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case err != nil:
			res.Error = err.Error()
			rep.Errors++
			if errors.Is(err, errTimeout) {
				rep.Timeouts++
			}
		default:
			res.Correct = sameRows(want, got, hasOrderBy(ex.Answer))
		}
		if res.Correct {
			rep.Correct++
		}
		if res.Exact {
			rep.Exact++
		}
		rep.Results[i] = res
	}
	return rep, nil
}

// scriptFor returns the key and script of an example's database.
func scriptFor(ex Example, o EvalOptions) (string, string) {
	if s, ok := o.Setups[ex.DB]; ok {
		return "setup:" + ex.DB, s
	}
	if s, ok := Setup(ex.DB); ok {
		return "db:" + ex.DB, s
	}
	return "context:" + ex.Context, ex.Context
}

// openDB makes an in-memory database from a script and makes it read-only.
func openDB(ctx context.Context, script string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1) // every connection to :memory: is a database of its own
	db.SetConnMaxLifetime(0)
	db.SetMaxIdleConns(1)
	for _, stmt := range splitStatements(script) {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			db.Close()
			return nil, fmt.Errorf("building the database: %s: %w", firstLine(stmt), err)
		}
	}
	if _, err := db.ExecContext(ctx, "PRAGMA query_only = ON"); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return s
}

// splitStatements splits a script at semicolons outside quotes.
func splitStatements(script string) []string {
	var out []string
	var cur strings.Builder
	var quote byte
	for i := 0; i < len(script); i++ {
		c := script[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == ';':
			if s := strings.TrimSpace(cur.String()); s != "" {
				out = append(out, s)
			}
			cur.Reset()
			continue
		}
		cur.WriteByte(c)
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

var errTimeout = errors.New("timed out")

// query runs one query with the timeout and returns its rows as text.
func query(ctx context.Context, db *sql.DB, q string, o EvalOptions) ([]string, error) {
	stmts := splitStatements(q)
	switch len(stmts) {
	case 0:
		return nil, errors.New("no SQL")
	case 1:
	default:
		return nil, fmt.Errorf("%d statements (one query expected)", len(stmts))
	}
	qctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	rows, err := db.QueryContext(qctx, stmts[0])
	if err != nil {
		return nil, queryErr(qctx, err, o)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, queryErr(qctx, err, o)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out []string
	for rows.Next() {
		if len(out) == o.MaxRows {
			return nil, fmt.Errorf("more than %d rows", o.MaxRows)
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, queryErr(qctx, err, o)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = cellText(v)
		}
		out = append(out, strings.Join(parts, "\x1f"))
	}
	if err := rows.Err(); err != nil {
		return nil, queryErr(qctx, err, o)
	}
	return out, nil
}

func queryErr(qctx context.Context, err error, o EvalOptions) error {
	if errors.Is(qctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("%w after %v", errTimeout, o.Timeout)
	}
	msg := strings.TrimPrefix(err.Error(), "SQL logic error: ")
	if i := strings.LastIndex(msg, " ("); i > 0 && strings.HasSuffix(msg, ")") {
		if _, err := strconv.Atoi(msg[i+2 : len(msg)-1]); err == nil {
			msg = msg[:i] // SQLite's result code, which says nothing more
		}
	}
	return errors.New(msg)
}

// cellText formats a value so that equal values compare equal: 3 and 3.0 both read "3".
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e15 {
			return strconv.FormatInt(int64(x), 10)
		}
		return strconv.FormatFloat(x, 'g', 10, 64)
	case []byte:
		return string(x)
	case string:
		return x
	case bool:
		if x {
			return "1"
		}
		return "0"
	}
	return fmt.Sprint(v)
}

func sameRows(want, got []string, ordered bool) bool {
	if len(want) != len(got) {
		return false
	}
	if !ordered {
		want = append([]string(nil), want...)
		got = append([]string(nil), got...)
		sort.Strings(want)
		sort.Strings(got)
	}
	for i := range want {
		if want[i] != got[i] {
			return false
		}
	}
	return true
}

func hasOrderBy(q string) bool { return strings.Contains(Normalize(q), "order by") }

// Normalize returns SQL in a canonical spelling for exact-match comparison: lower case outside quotes, one
// space between words, none inside parentheses or before commas, no final semicolon.
func Normalize(q string) string {
	q = strings.TrimSpace(q)
	q = strings.TrimRight(q, "; \t\n")
	var b strings.Builder
	var quote byte
	space := false
	for i := 0; i < len(q); i++ {
		c := q[i]
		if quote != 0 {
			b.WriteByte(c)
			if c == quote {
				quote = 0
			}
			continue
		}
		switch {
		case c == '\'' || c == '"' || c == '`':
			if space {
				b.WriteByte(' ')
				space = false
			}
			quote = c
			b.WriteByte(c)
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			space = b.Len() > 0
		case c == ',' || c == ')' || c == '(':
			// Spaces are written only before a word, so none is pending here: "COUNT (*)" reads "count(*)".
			b.WriteByte(c)
			space = c == ','
			if c == '(' {
				for i+1 < len(q) && (q[i+1] == ' ' || q[i+1] == '\t' || q[i+1] == '\n' || q[i+1] == '\r') {
					i++
				}
			}
		default:
			if space {
				b.WriteByte(' ')
				space = false
			}
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}

// ExtractSQL takes the SQL out of a model's answer: the content of a ```sql block if there is one,
// otherwise the first line; then up to the first semicolon.
func ExtractSQL(answer string) string {
	s := answer
	if i := strings.Index(s, "```"); i >= 0 {
		rest := s[i+3:]
		if nl := strings.IndexByte(rest, '\n'); nl >= 0 && !strings.ContainsAny(rest[:nl], " ") {
			rest = rest[nl+1:] // the fence's language tag
		}
		if j := strings.Index(rest, "```"); j >= 0 {
			rest = rest[:j]
		}
		s = strings.Join(strings.Fields(rest), " ")
	} else {
		s = strings.TrimSpace(s)
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[:i]
		}
	}
	if i := strings.IndexByte(s, ';'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
