// Package course turns the lessons of A Gopher's Guide to Language Models, written as Markdown with fenced
// go blocks (lessons/NN-name.md), into Jupyter notebooks (notebooks/NN-name.ipynb) for the golm kernel.
//
// Each fenced block whose info string is go becomes a code cell; the text between code blocks becomes a
// Markdown cell, split further where a line holds only <!-- split -->. A code block may carry cell tags
// in braces, for example ```go {raises-exception} for a cell that fails on purpose. Other fenced blocks
// (```json, ```text) stay in the Markdown. Notebooks are written deterministically, in the form Jupyter
// itself writes (one-space indent, sorted keys), so regenerating them gives no diff.
package course

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Cell is a notebook cell.
type Cell struct {
	Type   string   // "markdown" or "code"
	Source string   // the cell's text, without a trailing newline
	Tags   []string // cell tags (metadata.tags)
}

// Lesson is a parsed lesson source.
type Lesson struct {
	Name  string // file name without extension, e.g. "01-tokens"
	Title string // the first level-1 heading
	Cells []Cell
}

var fenceRE = regexp.MustCompile("^(```+|~~~+)\\s*([A-Za-z0-9_+-]*)\\s*(\\{([^}]*)\\})?\\s*$")

// Parse parses a lesson's Markdown source.
func Parse(name, src string) (*Lesson, error) {
	l := &Lesson{Name: name}
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var md []string
	flushMD := func() {
		text := strings.Trim(strings.Join(md, "\n"), "\n")
		md = md[:0]
		if strings.TrimSpace(text) != "" {
			l.Cells = append(l.Cells, Cell{Type: "markdown", Source: text})
		}
	}
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if l.Title == "" && strings.HasPrefix(line, "# ") {
			l.Title = strings.TrimSpace(line[2:])
		}
		if strings.TrimSpace(line) == "<!-- split -->" {
			flushMD()
			continue
		}
		m := fenceRE.FindStringSubmatch(line)
		if m == nil {
			md = append(md, line)
			continue
		}
		// A fenced block: find its end.
		fence, lang := m[1], m[2]
		end := -1
		for j := i + 1; j < len(lines); j++ {
			if strings.TrimSpace(lines[j]) == fence {
				end = j
				break
			}
		}
		if end < 0 {
			return nil, fmt.Errorf("%s:%d: unclosed %s block", name, i+1, fence)
		}
		if lang != "go" {
			md = append(md, lines[i:end+1]...)
			i = end
			continue
		}
		flushMD()
		code := strings.Join(lines[i+1:end], "\n")
		if strings.TrimSpace(code) == "" {
			return nil, fmt.Errorf("%s:%d: empty go block", name, i+1)
		}
		var tags []string
		for _, t := range strings.FieldsFunc(m[4], func(r rune) bool { return r == ',' || r == ' ' }) {
			tags = append(tags, t)
		}
		l.Cells = append(l.Cells, Cell{Type: "code", Source: strings.Trim(code, "\n"), Tags: tags})
		i = end
	}
	flushMD()
	if l.Title == "" {
		return nil, fmt.Errorf("%s: no title (a line starting with \"# \")", name)
	}
	return l, nil
}

// notebook is the nbformat 4.5 document.
type notebook struct {
	Cells         []map[string]any `json:"cells"`
	Metadata      map[string]any   `json:"metadata"`
	NBFormat      int              `json:"nbformat"`
	NBFormatMinor int              `json:"nbformat_minor"`
}

// Notebook renders a lesson as notebook JSON.
func (l *Lesson) Notebook() ([]byte, error) {
	nb := notebook{
		Metadata: map[string]any{
			"kernelspec": map[string]any{"display_name": "Go (golm)", "language": "go", "name": "golm"},
			"language_info": map[string]any{
				"codemirror_mode": "go", "file_extension": ".go", "mimetype": "text/x-go", "name": "go",
				"nbconvert_exporter": "script", "pygments_lexer": "go",
			},
		},
		NBFormat:      4,
		NBFormatMinor: 5,
	}
	for i, c := range l.Cells {
		meta := map[string]any{}
		if len(c.Tags) > 0 {
			meta["tags"] = c.Tags
		}
		cell := map[string]any{
			"cell_type": c.Type,
			"id":        fmt.Sprintf("%s-%03d", l.Name, i),
			"metadata":  meta,
			"source":    sourceLines(c.Source),
		}
		if c.Type == "code" {
			cell["execution_count"] = nil
			cell["outputs"] = []any{}
		}
		nb.Cells = append(nb.Cells, cell)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(nb); err != nil {
		return nil, err
	}
	return sortKeys(buf.Bytes())
}

// sortKeys re-encodes JSON with sorted keys (maps are sorted by encoding/json; the struct is not).
func sortKeys(data []byte) ([]byte, error) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sourceLines splits a cell's source the way nbformat stores it: lines keeping their newline.
func sourceLines(s string) []string {
	if s == "" {
		return []string{}
	}
	parts := strings.SplitAfter(s, "\n")
	return parts
}

// Lessons reads and parses every lessons/NN-name.md in a folder, in order.
func Lessons(dir string) ([]*Lesson, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "[0-9][0-9]-*.md"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var out []*Lesson
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		l, err := Parse(strings.TrimSuffix(filepath.Base(p), ".md"), string(src))
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// Build writes the notebook of each lesson in lessonsDir to notebooksDir and returns the files written.
func Build(lessonsDir, notebooksDir string) ([]string, error) {
	ls, err := Lessons(lessonsDir)
	if err != nil {
		return nil, err
	}
	var written []string
	for _, l := range ls {
		data, err := l.Notebook()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.Name, err)
		}
		path := filepath.Join(notebooksDir, l.Name+".ipynb")
		if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, data) {
			continue
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return nil, err
		}
		written = append(written, path)
	}
	return written, nil
}

// Check reports the notebooks that are missing or differ from their lessons, and notebooks without a
// lesson.
func Check(lessonsDir, notebooksDir string) ([]string, error) {
	ls, err := Lessons(lessonsDir)
	if err != nil {
		return nil, err
	}
	var problems []string
	want := map[string]bool{}
	for _, l := range ls {
		data, err := l.Notebook()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", l.Name, err)
		}
		path := filepath.Join(notebooksDir, l.Name+".ipynb")
		want[filepath.Base(path)] = true
		old, err := os.ReadFile(path)
		switch {
		case err != nil:
			problems = append(problems, path+" is missing")
		case !bytes.Equal(old, data):
			problems = append(problems, path+" is out of date")
		}
	}
	nbs, _ := filepath.Glob(filepath.Join(notebooksDir, "*.ipynb"))
	for _, nb := range nbs {
		if !want[filepath.Base(nb)] {
			problems = append(problems, nb+" has no lesson in "+lessonsDir)
		}
	}
	return problems, nil
}
