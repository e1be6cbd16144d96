package display_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/golm-dev/golm/helpers/display"
)

type result struct {
	Model  string
	Recall float64
	notes  string
}

type shown struct{ X int }

func (shown) Markdown() string { return "*x*" }

func TestTablesOfData(t *testing.T) {
	many := make([]result, 120)
	for i := range many {
		many[i] = result{Model: fmt.Sprint("m", i), Recall: float64(i) / 100}
	}
	cases := []struct {
		name string
		v    any
		want []string // in the HTML, in order
		not  []string
	}{
		{"slice of structs", []result{{"bm25", 0.61, "x"}, {"vectors", 0.72, ""}},
			[]string{"<th>Model</th><th>Recall</th></tr>", "<td>bm25</td><td>0.61</td>", "<td>vectors</td><td>0.72</td>"}, []string{"notes"}},
		{"pointers", []*result{{Model: "a<b>"}, nil}, []string{"<td>a&lt;b&gt;</td>", `<td colspan="2">nil</td>`}, nil},
		{"map", map[string]int{"b": 2, "a": 1}, []string{"<th>key</th><th>value</th>", "<td>a</td><td>1</td>", "<td>b</td><td>2</td>"}, nil},
		{"map of structs", map[int]result{2: {Model: "two"}}, []string{"<th>key</th><th>Model</th><th>Recall</th>", "<td>2</td><td>two</td><td>0</td>"}, nil},
		{"row limit", many, []string{"<td>m49</td>", "… 70 more rows (120 in all)"}, []string{"<td>m50</td>"}},
	}
	for _, tc := range cases {
		b := display.Render(tc.v)
		h, _ := b.Data[display.MIMEHTML].(string)
		at := 0
		for _, w := range tc.want {
			i := strings.Index(h[at:], w)
			if i < 0 {
				t.Errorf("%s: the table lacks %q after byte %d:\n%s", tc.name, w, at, h)
				break
			}
			at += i + len(w)
		}
		for _, w := range tc.not {
			if strings.Contains(h, w) {
				t.Errorf("%s: the table has %q", tc.name, w)
			}
		}
		if b.Text() == "" || strings.HasPrefix(b.Text(), "<") {
			t.Errorf("%s: the text form is %q, want Go syntax", tc.name, b.Text())
		}
	}
	for _, v := range []any{[]int{1, 2}, []result{}, "text", 3, shown{1}, []struct{ x int }{{1}}} {
		if h, ok := display.Render(v).Data[display.MIMEHTML]; ok {
			t.Errorf("%#v rendered as a table: %v", v, h)
		}
	}
}
