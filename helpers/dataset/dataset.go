// Package dataset loads tables of examples for training and evaluation — JSON Lines, CSV or Parquet, from a
// file, a reader or a Hugging Face Hub data set repository — and splits, samples and shows them.
//
//	ds, err := dataset.Load(ctx, "train.jsonl")
//	train, val := ds.Split(0.1, 42)
//	display.Show(ds.Head(5))                                        // a table
//	plot.Histogram(ds.Lengths("question"), plot.Options{Bins: 30})  // lengths in characters
//
// Every value is text: JSON numbers and booleans keep their JSON spelling, nested JSON values are kept as
// JSON text, Parquet values are formatted. A row that cannot be read is not dropped silently: it is kept in
// Dataset.Bad with its line (or row number, for Parquet) and the reason, and Options.Strict makes the first
// one an error instead.
package dataset

import (
	"errors"
	"fmt"
	"html"
	"math/rand/v2"
	"strings"
	"unicode/utf8"
)

// Row is one example: column name → value.
type Row map[string]string

// BadRow is a row that could not be read.
type BadRow struct {
	// Line is the line of the file where the row starts (1-based); for Parquet, the row number (1-based).
	Line int
	// Text is the row as it was in the file (shortened to 200 bytes), empty for Parquet.
	Text string
	// Err says what is wrong.
	Err error
}

// Error reports the line and the reason.
func (b *BadRow) Error() string { return fmt.Sprintf("line %d: %v", b.Line, b.Err) }

// Unwrap returns the reason.
func (b *BadRow) Unwrap() error { return b.Err }

// Dataset is a table of rows with named columns.
type Dataset struct {
	// Name says where the rows came from (a file name, a repository and file, or "generated").
	Name string
	// Columns are the column names in the order of the file (for JSON Lines, in the order first seen).
	Columns []string
	// Rows are the rows read.
	Rows []Row
	// Bad are the rows that could not be read, with their line and the reason.
	Bad []BadRow
}

// New makes a data set from rows; the columns are those of the rows, in the order given, followed by any
// others in sorted order.
func New(name string, columns []string, rows []Row) *Dataset {
	d := &Dataset{Name: name, Columns: append([]string(nil), columns...), Rows: rows}
	seen := map[string]bool{}
	for _, c := range columns {
		seen[c] = true
	}
	var extra []string
	for _, r := range rows {
		for k := range r {
			if !seen[k] {
				seen[k] = true
				extra = append(extra, k)
			}
		}
	}
	sortStrings(extra)
	d.Columns = append(d.Columns, extra...)
	return d
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// Len returns the number of rows.
func (d *Dataset) Len() int { return len(d.Rows) }

// Column returns the values of one column, in row order ("" where a row lacks it).
func (d *Dataset) Column(name string) []string {
	out := make([]string, len(d.Rows))
	for i, r := range d.Rows {
		out[i] = r[name]
	}
	return out
}

// HasColumn reports whether the data set has a column.
func (d *Dataset) HasColumn(name string) bool {
	for _, c := range d.Columns {
		if c == name {
			return true
		}
	}
	return false
}

// Require returns an error naming the columns the data set lacks, or nil.
func (d *Dataset) Require(columns ...string) error {
	var missing []string
	for _, c := range columns {
		if !d.HasColumn(c) {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("dataset %s: no column %s (it has %s)", d.Name, strings.Join(missing, ", "),
			strings.Join(d.Columns, ", "))
	}
	return nil
}

func (d *Dataset) with(name string, rows []Row) *Dataset {
	return &Dataset{Name: name, Columns: append([]string(nil), d.Columns...), Rows: rows}
}

// Head returns a data set of the first n rows (all when there are fewer).
func (d *Dataset) Head(n int) *Dataset {
	n = max(0, min(n, len(d.Rows)))
	return d.with(d.Name, d.Rows[:n:n])
}

// Sample returns n rows drawn without replacement, the same ones for the same seed.
func (d *Dataset) Sample(n int, seed uint64) *Dataset {
	idx := perm(len(d.Rows), seed)
	n = max(0, min(n, len(idx)))
	rows := make([]Row, n)
	for i := range rows {
		rows[i] = d.Rows[idx[i]]
	}
	return d.with(d.Name, rows)
}

// Split shuffles the rows with seed and returns the training part and the validation part, which has the
// fraction validation of the rows (rounded, at least one row when validation > 0 and the data set has two
// rows or more). The same seed gives the same split.
func (d *Dataset) Split(validation float64, seed uint64) (train, val *Dataset) {
	n := len(d.Rows)
	k := int(float64(n)*validation + 0.5)
	if validation > 0 && k == 0 && n >= 2 {
		k = 1
	}
	k = max(0, min(k, n))
	idx := perm(n, seed)
	vr := make([]Row, k)
	tr := make([]Row, n-k)
	for i, j := range idx {
		if i < k {
			vr[i] = d.Rows[j]
		} else {
			tr[i-k] = d.Rows[j]
		}
	}
	return d.with(d.Name+" (train)", tr), d.with(d.Name+" (validation)", vr)
}

// perm returns a permutation of 0..n-1 that depends only on n and seed.
func perm(n int, seed uint64) []int {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)).Perm(n)
}

// Lengths returns the length in characters of each row: the sum over the columns given (all columns when
// none), ready for plot.Histogram.
func (d *Dataset) Lengths(columns ...string) []float64 {
	if len(columns) == 0 {
		columns = d.Columns
	}
	out := make([]float64, len(d.Rows))
	for i, r := range d.Rows {
		n := 0
		for _, c := range columns {
			n += utf8.RuneCountInString(r[c])
		}
		out[i] = float64(n)
	}
	return out
}

// Err returns the bad rows as one error (nil when there are none).
func (d *Dataset) Err() error {
	if len(d.Bad) == 0 {
		return nil
	}
	errs := make([]error, 0, min(len(d.Bad), 10))
	for i := range d.Bad[:min(len(d.Bad), 10)] {
		errs = append(errs, &d.Bad[i])
	}
	err := errors.Join(errs...)
	if len(d.Bad) > 10 {
		err = fmt.Errorf("%w\n… %d more bad rows", err, len(d.Bad)-10)
	}
	return fmt.Errorf("dataset %s: %d bad row(s):\n%w", d.Name, len(d.Bad), err)
}

// String summarises the data set: its name, size and columns.
func (d *Dataset) String() string {
	s := fmt.Sprintf("%s: %d rows, columns %s", d.Name, len(d.Rows), strings.Join(d.Columns, ", "))
	if len(d.Bad) > 0 {
		s += fmt.Sprintf(" (%d bad rows: %v)", len(d.Bad), &d.Bad[0])
	}
	return s
}

// maxRowsShown is how many rows HTML shows; maxCellShown is the longest text of a cell, in characters.
const (
	maxRowsShown = 20
	maxCellShown = 300
)

// HTML renders the data set as a table of its first rows (a cell's last value, or display.Show, uses it).
func (d *Dataset) HTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, "<p><b>%s</b>: %d rows</p>\n<table>\n<thead><tr><th></th>", html.EscapeString(d.Name), len(d.Rows))
	for _, c := range d.Columns {
		fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(c))
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for i, r := range d.Rows[:min(len(d.Rows), maxRowsShown)] {
		fmt.Fprintf(&b, "<tr><td>%d</td>", i)
		for _, c := range d.Columns {
			v := r[c]
			if utf8.RuneCountInString(v) > maxCellShown {
				v = string([]rune(v)[:maxCellShown]) + "…"
			}
			fmt.Fprintf(&b, "<td style=\"text-align:left;white-space:pre-wrap\">%s</td>", html.EscapeString(v))
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>")
	if len(d.Rows) > maxRowsShown {
		fmt.Fprintf(&b, "\n<p>… %d more rows</p>", len(d.Rows)-maxRowsShown)
	}
	if len(d.Bad) > 0 {
		fmt.Fprintf(&b, "\n<p>%d bad rows skipped, the first: %s</p>", len(d.Bad), html.EscapeString(d.Bad[0].Error()))
	}
	return b.String()
}
