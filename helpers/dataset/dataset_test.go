package dataset_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/golm-dev/golm/helpers/dataset"
	"github.com/golm-dev/golm/helpers/local/hf"
	"github.com/parquet-go/parquet-go"
)

const goodJSONL = `{"context": "CREATE TABLE farm_competition (Hosts VARCHAR, Theme VARCHAR)", "question": "hosts of competitions whose theme is not Aliens", "answer": "SELECT Hosts FROM farm_competition WHERE Theme <> 'Aliens'"}
{"context": "CREATE TABLE t (a INT)", "question": "how many?", "answer": "SELECT COUNT(*) FROM t", "n": 3, "ok": true, "tags": ["x"], "none": null}
`

func TestReadJSONL(t *testing.T) {
	ctx := context.Background()
	in := goodJSONL + "\n" + // a blank line is no row
		`{"context": "c", "question": "q"` + "\n" + // line 4: cut short
		`[1, 2]` + "\n" + // line 5: not an object
		`{"context": "c2", "question": "q2", "answer": "a2"} {"x": 1}` + "\n" + // line 6: two values
		`{"context": "c3", "question": "q3", "answer": "a3"}` // last line without a newline
	d, err := dataset.Read(ctx, strings.NewReader(in), dataset.Options{Format: "jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 3 {
		t.Fatalf("rows = %d, want 3: %v", d.Len(), d)
	}
	wantCols := []string{"context", "question", "answer", "n", "ok", "tags", "none"}
	if !reflect.DeepEqual(d.Columns, wantCols) {
		t.Errorf("columns = %v, want %v", d.Columns, wantCols)
	}
	r := d.Rows[1]
	if r["n"] != "3" || r["ok"] != "true" || r["tags"] != `["x"]` || r["none"] != "" {
		t.Errorf("values of row 1 = %v", r)
	}
	var lines []int
	for _, b := range d.Bad {
		lines = append(lines, b.Line)
	}
	if !reflect.DeepEqual(lines, []int{4, 5, 6}) {
		t.Errorf("bad lines = %v, want [4 5 6]: %v", lines, d.Err())
	}
	if err := d.Err(); err == nil || !strings.Contains(err.Error(), "line 5: not a JSON object") {
		t.Errorf("Err() = %v", err)
	}
	// Strict: the first bad row is the error, with its line.
	_, err = dataset.Read(ctx, strings.NewReader(in), dataset.Options{Format: "jsonl", Strict: true})
	if err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("strict error = %v, want one naming line 4", err)
	}
}

func TestReadCSV(t *testing.T) {
	in := "context,question,answer\n" +
		"\"CREATE TABLE t (a INT, b VARCHAR)\",\"how many, in all?\",SELECT COUNT(*) FROM t\n" +
		"only,two\n" + // line 3: too few fields
		"\"multi\nline\",q,a\n" + // lines 4-5: one row
		"x,\"bad \"quote\",a\n" + // line 6: a bare quote
		"c,q,a\n"
	d, err := dataset.Read(context.Background(), strings.NewReader(in), dataset.Options{Name: "x.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 3 || d.Rows[0]["question"] != "how many, in all?" || d.Rows[1]["context"] != "multi\nline" {
		t.Fatalf("rows = %v", d.Rows)
	}
	if len(d.Bad) != 2 || d.Bad[0].Line != 3 || d.Bad[1].Line != 6 {
		t.Fatalf("bad rows = %v", d.Err())
	}
	if !strings.Contains(d.Bad[0].Error(), "2 fields, but the header has 3") {
		t.Errorf("bad[0] = %v", &d.Bad[0])
	}
	if _, err := dataset.Read(context.Background(), strings.NewReader(""), dataset.Options{Format: "csv"}); err == nil {
		t.Error("an empty CSV file read without error")
	}
}

type sqlRow struct {
	Context  string `parquet:"context"`
	Question string `parquet:"question"`
	Answer   string `parquet:"answer"`
	Level    int64  `parquet:"level"`
}

func writeParquet(t *testing.T, n int) []byte {
	t.Helper()
	rows := make([]sqlRow, n)
	for i := range rows {
		rows[i] = sqlRow{Context: "CREATE TABLE t (a INT)", Question: "q" + string(rune('a'+i%26)),
			Answer: "SELECT a FROM t", Level: int64(i)}
	}
	var buf bytes.Buffer
	if err := parquet.Write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestLoadFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	files := map[string][]byte{
		"a.jsonl":   []byte(goodJSONL),
		"a.csv":     []byte("context,question,answer\nc,q,a\nc2,q2,a2\n"),
		"a.tsv":     []byte("context\tquestion\tanswer\nc,1\tq\ta\n"),
		"a.parquet": writeParquet(t, 300),
	}
	want := map[string]int{"a.jsonl": 2, "a.csv": 2, "a.tsv": 1, "a.parquet": 300}
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := dataset.Load(ctx, p)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if d.Len() != want[name] || len(d.Bad) != 0 || d.Name != name {
			t.Errorf("%s: %v", name, d)
		}
		if err := d.Require("context", "question", "answer"); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	d, _ := dataset.Load(ctx, filepath.Join(dir, "a.parquet"), dataset.Options{Limit: 10})
	if d.Len() != 10 || d.Rows[9]["level"] != "9" || d.Rows[0]["question"] != "qa" {
		t.Errorf("parquet rows: %v", d.Head(10).Rows)
	}
	// From a reader.
	d, err := dataset.Read(ctx, bytes.NewReader(files["a.parquet"]), dataset.Options{Format: "parquet"})
	if err != nil || d.Len() != 300 {
		t.Errorf("parquet from a reader: %v, %v", d, err)
	}
	if _, err := dataset.Read(ctx, strings.NewReader("PAR1 not really"), dataset.Options{Format: "parquet"}); err == nil {
		t.Error("a broken Parquet file read without error")
	}
	if _, err := dataset.Load(ctx, filepath.Join(dir, "a.txt")); err == nil || !strings.Contains(err.Error(), "Options.Format") {
		t.Errorf("unknown extension: %v", err)
	}
	if _, err := dataset.Load(ctx, filepath.Join(dir, "missing.csv")); err == nil {
		t.Error("a missing file loaded")
	}
	if _, err := dataset.Load(ctx, "x.csv", dataset.Options{}, dataset.Options{}); err == nil {
		t.Error("two Options accepted")
	}
}

func TestLoadHub(t *testing.T) {
	data := writeParquet(t, 40)
	sum := sha256.Sum256(data)
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.EscapedPath())
		if r.URL.EscapedPath() != "/datasets/someone/sql/resolve/refs%2Fconvert%2Fparquet/default/train/0000.parquet" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("X-Linked-Etag", `"`+hex.EncodeToString(sum[:])+`"`)
		http.ServeContent(w, r, "0000.parquet", time.Time{}, bytes.NewReader(data))
	}))
	defer srv.Close()
	opts := dataset.Options{Hub: hf.Options{Endpoint: srv.URL, Revision: "refs/convert/parquet", CacheDir: t.TempDir(), Quiet: true}}
	d, err := dataset.LoadHub(context.Background(), "someone/sql", "default/train/0000.parquet", opts)
	if err != nil {
		t.Fatalf("%v (requests %v)", err, paths)
	}
	if d.Len() != 40 || d.Name != "someone/sql/default/train/0000.parquet" {
		t.Errorf("%v", d)
	}
	if _, err := dataset.LoadHub(context.Background(), "someone/other", "x.jsonl", opts); err == nil {
		t.Error("a missing repository loaded")
	}
}

func TestSplitSampleLengths(t *testing.T) {
	rows := make([]dataset.Row, 100)
	for i := range rows {
		rows[i] = dataset.Row{"id": string(rune('A' + i%26)), "n": strings.Repeat("x", i)}
	}
	d := dataset.New("d", []string{"n"}, rows)
	if !reflect.DeepEqual(d.Columns, []string{"n", "id"}) {
		t.Errorf("columns %v", d.Columns)
	}
	tr, va := d.Split(0.2, 7)
	tr2, va2 := d.Split(0.2, 7)
	_, va3 := d.Split(0.2, 8)
	if tr.Len() != 80 || va.Len() != 20 {
		t.Fatalf("split %d/%d", tr.Len(), va.Len())
	}
	if !reflect.DeepEqual(va.Rows, va2.Rows) || !reflect.DeepEqual(tr.Rows, tr2.Rows) {
		t.Error("the same seed gave another split")
	}
	if reflect.DeepEqual(va.Rows, va3.Rows) {
		t.Error("another seed gave the same split")
	}
	seen := map[string]bool{}
	for _, r := range append(append([]dataset.Row{}, tr.Rows...), va.Rows...) {
		seen[r["n"]] = true
	}
	if len(seen) != 100 {
		t.Errorf("split lost or repeated rows: %d distinct", len(seen))
	}
	if _, v := dataset.New("one", nil, rows[:2]).Split(0.01, 1); v.Len() != 1 {
		t.Error("a tiny validation fraction gave no validation row")
	}
	if s := d.Sample(5, 3); s.Len() != 5 || !reflect.DeepEqual(s.Rows, d.Sample(5, 3).Rows) {
		t.Error("Sample is not deterministic")
	}
	l := d.Lengths("n")
	if l[0] != 0 || l[99] != 99 {
		t.Errorf("lengths %v…", l[:3])
	}
	h := d.Head(3).HTML()
	if !strings.Contains(h, "<th>n</th>") || strings.Count(h, "<tr>") != 4 {
		t.Errorf("HTML:\n%s", h)
	}
}
