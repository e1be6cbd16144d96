package display

import (
	"fmt"
	"html"
	"reflect"
	"sort"
	"strings"
)

// MaxTableRows is the most rows a table of data shows; the rest are counted below it.
const MaxTableRows = 50

// maxCell is the longest text of a table cell, in bytes.
const maxCell = 200

// tableHTML writes a table of data as an HTML table: a slice or array of structs (or pointers to structs)
// with a column per exported field, or a map with a row per key, sorted (a column per field when its
// values are structs). It reports false for other values.
func (f Formatter) tableHTML(v any) (string, bool) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() && rv.Elem().Kind() != reflect.Struct {
		rv = rv.Elem()
	}
	var (
		keys []reflect.Value // map keys, in order
		n    int
		elem func(i int) reflect.Value
	)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		n, elem = rv.Len(), rv.Index
	case reflect.Map:
		keys = rv.MapKeys()
		texts := make([]string, len(keys))
		for i, k := range keys {
			texts[i] = f.Format(k.Interface())
		}
		sort.Sort(byText{keys, texts})
		n, elem = len(keys), func(i int) reflect.Value { return rv.MapIndex(keys[i]) }
	default:
		return "", false
	}
	if n == 0 {
		return "", false
	}
	st := rv.Type().Elem()
	ptr := st.Kind() == reflect.Pointer
	if ptr {
		st = st.Elem()
	}
	var fields []int
	if st.Kind() == reflect.Struct {
		for i := 0; i < st.NumField(); i++ {
			if st.Field(i).IsExported() {
				fields = append(fields, i)
			}
		}
		if len(fields) == 0 {
			return "", false
		}
	} else if keys == nil {
		return "", false // a slice of plain values reads well as text
	}
	var b strings.Builder
	b.WriteString("<table>\n<thead><tr>")
	if keys != nil {
		b.WriteString("<th>key</th>")
	}
	for _, i := range fields {
		fmt.Fprintf(&b, "<th>%s</th>", html.EscapeString(st.Field(i).Name))
	}
	if fields == nil {
		b.WriteString("<th>value</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for r := 0; r < min(n, MaxTableRows); r++ {
		b.WriteString("<tr>")
		if keys != nil {
			fmt.Fprintf(&b, "<td>%s</td>", f.cell(keys[r]))
		}
		e := elem(r)
		for e.Kind() == reflect.Interface && !e.IsNil() {
			e = e.Elem()
		}
		switch {
		case fields == nil:
			fmt.Fprintf(&b, "<td>%s</td>", f.cell(e))
		case ptr && e.IsNil():
			fmt.Fprintf(&b, "<td colspan=\"%d\">nil</td>", len(fields))
		default:
			if ptr {
				e = e.Elem()
			}
			for _, i := range fields {
				fmt.Fprintf(&b, "<td>%s</td>", f.cell(e.Field(i)))
			}
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>")
	if n > MaxTableRows {
		fmt.Fprintf(&b, "\n<p>… %d more rows (%d in all)</p>", n-MaxTableRows, n)
	}
	return b.String(), true
}

// cell writes one value of a table: a string as it is, anything else in Go syntax, shortened and escaped.
func (f Formatter) cell(v reflect.Value) string {
	var s string
	switch {
	case !v.IsValid():
		s = "nil"
	case v.Kind() == reflect.String:
		s = v.String()
	case v.CanInterface():
		s = f.Format(v.Interface())
	default:
		s = f.Value(v)
	}
	if len(s) > maxCell {
		s = s[:maxCell] + "…"
	}
	return html.EscapeString(s)
}

type byText struct {
	keys  []reflect.Value
	texts []string
}

func (b byText) Len() int           { return len(b.keys) }
func (b byText) Less(i, j int) bool { return b.texts[i] < b.texts[j] }
func (b byText) Swap(i, j int) {
	b.keys[i], b.keys[j] = b.keys[j], b.keys[i]
	b.texts[i], b.texts[j] = b.texts[j], b.texts[i]
}
