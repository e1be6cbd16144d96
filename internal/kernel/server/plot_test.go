package server

import (
	"strings"
	"testing"

	"github.com/golm-dev/golm/internal/kernel/wire"
)

// TestPlotAndMatrices uses the preloaded helpers/plot and gonum's mat in cells, without import lines.
func TestPlotAndMatrices(t *testing.T) {
	c, _ := startKernel(t, 0)
	_, out := c.execute(`plot.Line(nil, []float64{2.3, 1.2, 0.8}, plot.Options{Title: "Training loss"})`)
	var svg string
	for _, m := range out {
		if m.Header.MsgType == wire.ExecuteResultMsg {
			svg, _ = content(m)["data"].(map[string]any)["image/svg+xml"].(string)
		}
	}
	if !strings.Contains(svg, "<svg") || !strings.Contains(svg, "Training loss") {
		t.Errorf("a chart as a cell's value: %s %s", types(out), errorText(out))
	}

	_, out = c.execute("loss := plot.NewLive(plot.Options{Title: \"loss\"})\nloss.Every = 0\n" +
		"for i := 0; i < 3; i++ {\n\tloss.Add(\"train\", float64(i), 1/float64(i+1))\n}")
	if got := types(out); !strings.Contains(got, ","+wire.DisplayDataMsg+","+wire.UpdateDisplayData+","+wire.UpdateDisplayData+",") {
		t.Errorf("a live chart of 3 points: %s %s", got, errorText(out))
	}

	_, out = c.execute("a := mat.NewDense(2, 2, []float64{1, 2, 3, 4})\nmat.Det(a)")
	if got := strings.Join(resultTexts(out), ""); got != "-2" {
		t.Errorf("mat.Det = %q %s", got, errorText(out))
	}
}

// TestTableOfData shows a slice of a struct declared in the session, and a map, as HTML tables.
func TestTableOfData(t *testing.T) {
	c, _ := startKernel(t, 0)
	c.mustExecute("type row struct {\n\tName  string\n\tScore float64\n}")
	cases := []struct{ code, want string }{
		{`[]row{{"bm25", 0.61}, {"hybrid", 0.8}}`, "<td>hybrid</td><td>0.8</td>"},
		{`map[string]int{"b": 2, "a": 1}`, "<td>a</td><td>1</td></tr>\n<tr><td>b</td><td>2</td>"},
	}
	for _, tc := range cases {
		out := c.mustExecute(tc.code)
		var html string
		for _, m := range out {
			if m.Header.MsgType == wire.ExecuteResultMsg {
				html, _ = content(m)["data"].(map[string]any)["text/html"].(string)
			}
		}
		if !strings.Contains(html, tc.want) {
			t.Errorf("%s: HTML %q, want it to contain %q", tc.code, html, tc.want)
		}
	}
}
