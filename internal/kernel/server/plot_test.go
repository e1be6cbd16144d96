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
