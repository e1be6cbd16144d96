package plot_test

import (
	"bytes"
	"image/png"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/helpers/display/displaytest"
	"github.com/golm-dev/golm/helpers/plot"
)

func TestChartsRender(t *testing.T) {
	xs := []float64{0, 1, 2, 3, 4}
	ys := []float64{2.3, 1.7, 1.2, 0.9, 0.8}
	cases := []struct {
		name  string
		chart *plot.Chart
		text  string // in the SVG: title or a label
	}{
		{"line", plot.Line(xs, ys, plot.Options{Title: "Training loss", XLabel: "step"}), "Training loss"},
		{"line without xs", plot.Line(nil, ys), "<svg"},
		{"scatter", plot.Scatter(xs, ys, plot.Options{YLabel: "recall"}), "recall"},
		{"bar", plot.Bar([]string{"BM25", "vectors"}, []float64{0.61, 0.72}), "BM25"},
		{"histogram", plot.Histogram([]float64{1, 2, 2, 3, 3, 3, 4, math.NaN()}, plot.Options{Bins: 4}), "count"},
		{"log", plot.Line(xs, ys, plot.Options{LogY: true, Title: "log"}), "log"},
		{"two series", plot.Line(xs, ys, plot.Options{Name: "train"}).Line(xs, []float64{2, 1.9, 1.5, 1.4, 1.3}, "validation"), "validation"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.chart.Err(); err != nil {
				t.Fatal(err)
			}
			svg := tc.chart.SVG()
			if !strings.Contains(svg, "<svg") || !strings.Contains(svg, tc.text) {
				t.Errorf("SVG lacks %q (%d bytes)", tc.text, len(svg))
			}
			img, err := png.Decode(bytes.NewReader(tc.chart.PNG()))
			if err != nil {
				t.Fatalf("PNG: %v", err)
			}
			if b := img.Bounds(); b.Dx() != 640 || b.Dy() != 400 {
				t.Errorf("PNG is %dx%d, want 640x400", b.Dx(), b.Dy())
			}
			b := display.Render(tc.chart)
			if _, ok := b.Data[display.MIMESVG]; !ok || b.Data[display.MIMEPNG] != nil {
				t.Errorf("a chart renders as SVG only by default: %v", keys(b.Data))
			}
		})
	}
}

func keys(m map[string]any) []string {
	var k []string
	for key := range m {
		k = append(k, key)
	}
	return k
}

func TestPNGOption(t *testing.T) {
	c := plot.Scatter([]float64{1, 2}, []float64{3, 4}, plot.Options{PNG: true, Width: 300, Height: 200})
	b := display.Render(c)
	data, ok := b.Data[display.MIMEPNG].([]byte)
	if !ok || b.Data[display.MIMESVG] != nil {
		t.Fatalf("PNG option renders %v", keys(b.Data))
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil || img.Bounds().Dx() != 300 || img.Bounds().Dy() != 200 {
		t.Fatalf("PNG: %v %v", err, img.Bounds())
	}
}

func TestBadInputIsAnError(t *testing.T) {
	cases := []struct {
		name  string
		chart *plot.Chart
		want  string
	}{
		{"lengths", plot.Line([]float64{1, 2}, []float64{1}), "2 x values but 1 y values"},
		{"labels", plot.Bar([]string{"a"}, []float64{1, 2}), "1 labels but 2 values"},
		{"empty histogram", plot.Histogram(nil), "at least one finite value"},
		{"log of zero", plot.Line(nil, []float64{1, 0}, plot.Options{LogY: true}), "LogY needs positive values"},
		{"two options", plot.Line(nil, []float64{1}, plot.Options{}, plot.Options{}), "plot: Line takes at most one options value"},
	}
	for _, tc := range cases {
		err := tc.chart.Err()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
		if tc.chart.SVG() != "" || tc.chart.PNG() != nil {
			t.Errorf("%s: a broken chart drew something", tc.name)
		}
		if got := display.Render(tc.chart).Text(); !strings.Contains(got, tc.want) {
			t.Errorf("%s renders as %q", tc.name, got)
		}
	}
}

func TestLiveUpdatesOneDisplay(t *testing.T) {
	rec := displaytest.Install(t)
	l := plot.NewLive(plot.Options{Title: "loss"})
	l.Every = 0
	for i := range 5 {
		if err := l.Add("train", float64(i), 1/float64(i+1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Add("validation", 4, 0.5); err != nil {
		t.Fatal(err)
	}
	shown := rec.Shown()
	if len(shown) != 6 || shown[0].Update || !shown[5].Update || shown[0].ID == "" || shown[5].ID != shown[0].ID {
		t.Fatalf("want one display then 5 updates of it, got %d", len(shown))
	}
	last, _ := shown[5].Bundle.Data[display.MIMESVG].(string)
	if !strings.Contains(last, "validation") || !strings.Contains(last, "train") {
		t.Error("the last update lacks the legend of both series")
	}

	// Throttled: a fast loop draws once, Flush draws the rest.
	rec2 := displaytest.Install(t)
	l2 := plot.NewLive()
	l2.Every = time.Hour
	for i := range 100 {
		_ = l2.Add("", float64(i), float64(i*i))
	}
	if n := len(rec2.Shown()); n != 1 {
		t.Errorf("a throttled live chart drew %d times, want 1", n)
	}
	if err := l2.Flush(); err != nil || len(rec2.Shown()) != 2 {
		t.Errorf("Flush: %v, %d displays", err, len(rec2.Shown()))
	}
}

func BenchmarkLineSVG(b *testing.B) {
	ys := make([]float64, 1000)
	for i := range ys {
		ys[i] = math.Exp(-float64(i) / 300)
	}
	for b.Loop() {
		_ = plot.Line(nil, ys).SVG()
	}
}

func BenchmarkLinePNG(b *testing.B) {
	ys := make([]float64, 1000)
	for i := range ys {
		ys[i] = math.Exp(-float64(i) / 300)
	}
	for b.Loop() {
		_ = plot.Line(nil, ys).PNG()
	}
}
