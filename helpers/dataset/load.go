package dataset

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/golm-dev/golm/helpers/local/hf"
)

// Formats Load and Read understand.
const (
	JSONL   = "jsonl"
	CSV     = "csv"
	Parquet = "parquet"
)

// Options configures Load, Read and LoadHub. The zero value guesses the format from the file name, skips
// bad rows (keeping them in Dataset.Bad) and reads every row.
type Options struct {
	// Format is JSONL, CSV or Parquet; by default it comes from the file name (.jsonl, .ndjson, .json,
	// .csv, .tsv, .parquet). Read needs it when it has no Name.
	Format string
	// Name names the data set read by Read (and gives its format when Format is empty).
	Name string
	// Strict makes the first bad row an error instead of skipping it.
	Strict bool
	// Limit reads at most this many rows (0: all).
	Limit int
	// Comma is the CSV field separator (default ',', or tab for .tsv).
	Comma rune
	// Hub configures the download of LoadHub (endpoint, revision, token, cache, quiet).
	Hub hf.Options
}

func optionsOf(fn string, opts []Options) (Options, error) {
	switch len(opts) {
	case 0:
		return Options{}, nil
	case 1:
		return opts[0], nil
	}
	return Options{}, fmt.Errorf("dataset.%s: pass at most one Options, got %d", fn, len(opts))
}

// formatOf returns the format named by o.Format, or the one the name's extension says.
func formatOf(o Options, name string) (string, error) {
	if f := strings.ToLower(strings.TrimPrefix(o.Format, ".")); f != "" {
		switch f {
		case JSONL, "json", "ndjson":
			return JSONL, nil
		case CSV, "tsv":
			return CSV, nil
		case Parquet:
			return Parquet, nil
		}
		return "", fmt.Errorf("unknown format %q (want jsonl, csv or parquet)", o.Format)
	}
	switch strings.ToLower(path.Ext(strings.TrimSuffix(filepath.ToSlash(name), ".gz"))) {
	case ".jsonl", ".ndjson", ".json":
		return JSONL, nil
	case ".csv", ".tsv":
		return CSV, nil
	case ".parquet":
		return Parquet, nil
	}
	return "", fmt.Errorf("cannot tell the format of %q from its name: set Options.Format to jsonl, csv or parquet", name)
}

// Load reads a data set from a file: JSON Lines, CSV or Parquet, by its extension or Options.Format.
func Load(ctx context.Context, file string, opts ...Options) (*Dataset, error) {
	o, err := optionsOf("Load", opts)
	if err != nil {
		return nil, err
	}
	if o.Name == "" {
		o.Name = filepath.Base(file)
	}
	if o.Format == "" {
		f, err := formatOf(o, file)
		if err != nil {
			return nil, fmt.Errorf("dataset.Load: %w", err)
		}
		o.Format = f
	}
	if o.Comma == 0 && strings.EqualFold(filepath.Ext(file), ".tsv") {
		o.Comma = '\t'
	}
	fh, err := os.Open(file)
	if err != nil {
		return nil, fmt.Errorf("dataset.Load: %w", err)
	}
	defer fh.Close()
	if o.Format == Parquet {
		st, err := fh.Stat()
		if err != nil {
			return nil, fmt.Errorf("dataset.Load: %w", err)
		}
		d, err := readParquet(ctx, fh, st.Size(), o)
		if err != nil {
			return nil, fmt.Errorf("dataset.Load %s: %w", file, err)
		}
		return d, nil
	}
	d, err := Read(ctx, fh, o)
	if err != nil {
		return nil, fmt.Errorf("dataset.Load %s: %w", file, err)
	}
	return d, nil
}

// Read reads a data set from r in the format of Options.Format (or of Options.Name's extension).
func Read(ctx context.Context, r io.Reader, opts ...Options) (*Dataset, error) {
	o, err := optionsOf("Read", opts)
	if err != nil {
		return nil, err
	}
	format, err := formatOf(o, o.Name)
	if err != nil {
		return nil, fmt.Errorf("dataset.Read: %w", err)
	}
	if o.Name == "" {
		o.Name = format + " data"
	}
	switch format {
	case JSONL:
		return readJSONL(ctx, r, o)
	case CSV:
		return readCSV(ctx, r, o)
	default:
		data, err := io.ReadAll(r)
		if err != nil {
			return nil, fmt.Errorf("dataset.Read: %w", err)
		}
		return readParquet(ctx, bytes.NewReader(data), int64(len(data)), o)
	}
}

// LoadHub downloads a file of a data set repository on the Hugging Face Hub (cached, resumable and
// checksummed, by hf.Download) and loads it. The Hub converts most data sets to Parquet under the revision
// "refs/convert/parquet" (files such as "default/train/0000.parquet"); set Options.Hub.Revision to read
// those.
//
//	ds, err := dataset.LoadHub(ctx, "knowrohit07/know_sql", "know_sql_val3{ign}.json", dataset.Options{})
func LoadHub(ctx context.Context, repo, file string, opts ...Options) (*Dataset, error) {
	o, err := optionsOf("LoadHub", opts)
	if err != nil {
		return nil, err
	}
	if o.Format == "" {
		f, err := formatOf(o, file)
		if err != nil {
			return nil, fmt.Errorf("dataset.LoadHub: %w", err)
		}
		o.Format = f
	}
	if o.Name == "" {
		o.Name = repo + "/" + file
	}
	// Data set repositories live under datasets/ on the Hub: {endpoint}/datasets/{repo}/resolve/{rev}/{file}.
	p, err := hf.Download(ctx, "datasets/"+strings.TrimPrefix(repo, "datasets/"), file, o.Hub)
	if err != nil {
		return nil, fmt.Errorf("dataset.LoadHub: %w", err)
	}
	return Load(ctx, p, o)
}

// collector gathers rows and bad rows.
type collector struct {
	d    *Dataset
	o    Options
	seen map[string]bool
}

func newCollector(o Options) *collector {
	return &collector{d: &Dataset{Name: o.Name}, o: o, seen: map[string]bool{}}
}

func (c *collector) full() bool { return c.o.Limit > 0 && len(c.d.Rows) >= c.o.Limit }

func (c *collector) column(name string) {
	if !c.seen[name] {
		c.seen[name] = true
		c.d.Columns = append(c.d.Columns, name)
	}
}

// bad records a bad row; in strict mode it returns it as the error.
func (c *collector) bad(line int, text string, err error) error {
	if len(text) > 200 {
		text = text[:200] + "…"
	}
	b := BadRow{Line: line, Text: text, Err: err}
	if c.o.Strict {
		return fmt.Errorf("%s: %w", c.d.Name, &b)
	}
	c.d.Bad = append(c.d.Bad, b)
	return nil
}

func readJSONL(ctx context.Context, r io.Reader, o Options) (*Dataset, error) {
	c := newCollector(o)
	br := bufio.NewReaderSize(r, 1<<16)
	for line := 1; !c.full(); line++ {
		if line%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		text, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s line %d: %w", o.Name, line, err)
		}
		eof := err != nil
		t := bytes.TrimSpace(text)
		if line == 1 {
			t = bytes.TrimPrefix(t, []byte("\xef\xbb\xbf"))
		}
		if len(t) > 0 {
			row, names, perr := parseJSONObject(t)
			if perr != nil {
				if err := c.bad(line, string(t), perr); err != nil {
					return nil, err
				}
			} else {
				for _, n := range names {
					c.column(n)
				}
				c.d.Rows = append(c.d.Rows, row)
			}
		}
		if eof {
			break
		}
	}
	return c.d, nil
}

// parseJSONObject reads one JSON object into a row, keeping the order of its keys.
func parseJSONObject(t []byte) (Row, []string, error) {
	dec := json.NewDecoder(bytes.NewReader(t))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, fmt.Errorf("not JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, fmt.Errorf("not a JSON object (each line must be one {...})")
	}
	row := Row{}
	var names []string
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, nil, fmt.Errorf("not JSON: %w", err)
		}
		key, _ := kt.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, nil, fmt.Errorf("not JSON: %w", err)
		}
		if _, dup := row[key]; !dup {
			names = append(names, key)
		}
		row[key] = jsonText(raw)
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, fmt.Errorf("not JSON: %w", err)
	}
	if dec.More() {
		return nil, nil, fmt.Errorf("more than one JSON value on the line")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, nil, fmt.Errorf("more than one JSON value on the line")
	}
	return row, names, nil
}

// jsonText turns a JSON value into a cell: strings unquoted, null empty, anything else as JSON.
func jsonText(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	switch {
	case len(t) > 0 && t[0] == '"':
		var s string
		if json.Unmarshal(t, &s) == nil {
			return s
		}
	case string(t) == "null":
		return ""
	}
	return string(t)
}

func readCSV(ctx context.Context, r io.Reader, o Options) (*Dataset, error) {
	c := newCollector(o)
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	if o.Comma != 0 {
		cr.Comma = o.Comma
	}
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty CSV file (the first line must name the columns)", o.Name)
		}
		return nil, fmt.Errorf("%s: reading the header: %w", o.Name, err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\xef\xbb\xbf")
	}
	for i, h := range header {
		if c.seen[h] {
			return nil, fmt.Errorf("%s: column %q appears twice in the header", o.Name, h)
		}
		if h == "" {
			header[i] = "column" + strconv.Itoa(i+1)
		}
		c.column(header[i])
	}
	for n := 0; !c.full(); n++ {
		if n%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if !errors.As(err, &pe) {
				return nil, fmt.Errorf("%s: %w", o.Name, err) // the reader failed, not the row
			}
			if err := c.bad(pe.StartLine, strings.Join(rec, string(cr.Comma)), pe.Err); err != nil {
				return nil, err
			}
			continue
		}
		line, _ := cr.FieldPos(0) // a record read without error has at least one field
		if len(rec) != len(header) {
			if err := c.bad(line, strings.Join(rec, string(cr.Comma)),
				fmt.Errorf("%d fields, but the header has %d", len(rec), len(header))); err != nil {
				return nil, err
			}
			continue
		}
		row := make(Row, len(rec))
		for i, v := range rec {
			row[header[i]] = v
		}
		c.d.Rows = append(c.d.Rows, row)
	}
	return c.d, nil
}
