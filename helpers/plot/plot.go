// Package plot draws the common charts in one line — line, scatter, bar, histogram — and a live chart that
// redraws in place while a loop runs (a loss curve while training). It is built on gonum.org/v1/plot.
//
// A chart is a value that renders itself: the last expression of a cell shows it, and display.Show(c)
// shows it from anywhere, as SVG by default (Options.PNG: true for a PNG image).
//
//	plot.Line(steps, losses, plot.Options{Title: "Training loss", XLabel: "step", YLabel: "loss"})
//	plot.Histogram(lengths, plot.Options{Bins: 30})
//	plot.Bar([]string{"BM25", "vectors", "hybrid"}, []float64{0.61, 0.72, 0.80})
//
// Several series share a chart: c := plot.Line(xs, train, plot.Options{Name: "train"}), then
// c.Line(xs, validation, "validation"). Chart.Plot returns the gonum plot for anything else.
package plot

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"sync"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/helpers/internal/options"
	gplot "gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Options shape a chart; the zero value is a sensible 640×400 chart.
type Options struct {
	Title, XLabel, YLabel string
	// Name labels the series in a legend (shown when any series has a name).
	Name string
	// Width and Height are the chart's size in pixels (default 640×400).
	Width, Height int
	// PNG renders the chart as a PNG image instead of SVG.
	PNG bool
	// Bins is the number of bins of a histogram (default: about √n, between 5 and 50).
	Bins int
	// LogY draws the y axis on a logarithmic scale (values must be positive).
	LogY bool
}

// Chart is a chart ready to render (SVG, PNG, or as a cell's value).
type Chart struct {
	mu     sync.Mutex
	p      *gplot.Plot
	opts   Options
	kind   string
	series int
	err    error // a problem found while building the chart, rendered instead of it
}

func withDefaults(call string, opts []Options) (Options, error) {
	o, err := options.One("plot: "+call, opts)
	if err != nil {
		return o, err
	}
	if o.Width <= 0 {
		o.Width = 640
	}
	if o.Height <= 0 {
		o.Height = 400
	}
	return o, nil
}

func newChart(call, kind string, opts []Options) *Chart {
	o, err := withDefaults(call, opts)
	p := gplot.New()
	p.Title.Text = o.Title
	p.X.Label.Text = o.XLabel
	p.Y.Label.Text = o.YLabel
	p.Add(plotter.NewGrid())
	if o.LogY {
		p.Y.Scale = gplot.LogScale{}
		p.Y.Tick.Marker = gplot.LogTicks{Prec: -1}
	}
	return &Chart{p: p, opts: o, kind: kind, err: err}
}

// xy pairs two slices as points, checking their lengths and values.
func xy(xs, ys []float64, logY bool) (plotter.XYs, error) {
	if xs == nil {
		xs = make([]float64, len(ys))
		for i := range xs {
			xs[i] = float64(i)
		}
	}
	if len(xs) != len(ys) {
		return nil, fmt.Errorf("plot: %d x values but %d y values", len(xs), len(ys))
	}
	pts := make(plotter.XYs, 0, len(xs))
	for i := range xs {
		if math.IsNaN(ys[i]) || math.IsInf(ys[i], 0) || math.IsNaN(xs[i]) || math.IsInf(xs[i], 0) {
			continue // gaps, e.g. a diverged loss
		}
		if logY && ys[i] <= 0 {
			return nil, fmt.Errorf("plot: LogY needs positive values, got %g at index %d", ys[i], i)
		}
		pts = append(pts, plotter.XY{X: xs[i], Y: ys[i]})
	}
	return pts, nil
}

// Line draws ys against xs as a line (xs nil: 0, 1, 2, …).
func Line(xs, ys []float64, opts ...Options) *Chart {
	c := newChart("Line", "line chart", opts)
	return c.Line(xs, ys, c.opts.Name)
}

// Scatter draws the points (xs[i], ys[i]).
func Scatter(xs, ys []float64, opts ...Options) *Chart {
	c := newChart("Scatter", "scatter plot", opts)
	return c.Scatter(xs, ys, c.opts.Name)
}

// Line adds a line series to the chart and returns the chart.
func (c *Chart) Line(xs, ys []float64, name string) *Chart {
	c.mu.Lock()
	defer c.mu.Unlock()
	pts, err := xy(xs, ys, c.opts.LogY)
	if err != nil {
		c.fail(err)
		return c
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		c.fail(fmt.Errorf("plot: %w", err))
		return c
	}
	l.Color = plotutil.Color(c.series)
	l.Width = vg.Points(1.5)
	c.add(l, name)
	return c
}

// Scatter adds a scatter series to the chart and returns the chart.
func (c *Chart) Scatter(xs, ys []float64, name string) *Chart {
	c.mu.Lock()
	defer c.mu.Unlock()
	pts, err := xy(xs, ys, c.opts.LogY)
	if err != nil {
		c.fail(err)
		return c
	}
	s, err := plotter.NewScatter(pts)
	if err != nil {
		c.fail(fmt.Errorf("plot: %w", err))
		return c
	}
	s.Color = plotutil.Color(c.series)
	s.Shape = draw.CircleGlyph{}
	s.Radius = vg.Points(2.5)
	c.add(s, name)
	return c
}

// add adds a plotter with its legend entry; the caller holds c.mu.
func (c *Chart) add(p interface {
	gplot.Plotter
	gplot.Thumbnailer
}, name string) {
	c.p.Add(p)
	if name != "" {
		c.p.Legend.Add(name, p)
		c.p.Legend.Top = true
	}
	c.series++
}

func (c *Chart) fail(err error) {
	if c.err == nil {
		c.err = err
	}
}

// Bar draws one bar per label.
func Bar(labels []string, values []float64, opts ...Options) *Chart {
	c := newChart("Bar", "bar chart", opts)
	if len(labels) != len(values) {
		c.fail(fmt.Errorf("plot: %d labels but %d values", len(labels), len(values)))
		return c
	}
	w := vg.Points(float64(c.opts.Width) * 0.6 / float64(max(len(values), 1)))
	b, err := plotter.NewBarChart(plotter.Values(values), w)
	if err != nil {
		c.fail(fmt.Errorf("plot: %w", err))
		return c
	}
	b.Color = plotutil.Color(0)
	b.LineStyle.Width = 0
	c.p.Add(b)
	c.p.NominalX(labels...)
	if c.opts.Name != "" {
		c.p.Legend.Add(c.opts.Name, b)
	}
	c.series++
	return c
}

// Histogram draws how values are distributed, in Options.Bins bins.
func Histogram(values []float64, opts ...Options) *Chart {
	c := newChart("Histogram", "histogram", opts)
	var clean plotter.Values
	for _, v := range values {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			clean = append(clean, v)
		}
	}
	if len(clean) == 0 {
		c.fail(errors.New("plot: a histogram needs at least one finite value"))
		return c
	}
	bins := c.opts.Bins
	if bins <= 0 {
		bins = min(max(int(math.Sqrt(float64(len(clean)))), 5), 50)
	}
	h, err := plotter.NewHist(clean, bins)
	if err != nil {
		c.fail(fmt.Errorf("plot: %w", err))
		return c
	}
	h.FillColor = plotutil.Color(0)
	h.LineStyle.Color = color.White
	c.p.Add(h)
	if c.opts.YLabel == "" {
		c.p.Y.Label.Text = "count"
	}
	c.series++
	return c
}

// Plot returns the underlying gonum plot, to change anything the options do not cover.
func (c *Chart) Plot() *gplot.Plot { return c.p }

// Err returns the problem that kept the chart from being drawn, if any (it renders as that error too).
func (c *Chart) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// String describes the chart in words.
func (c *Chart) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err.Error()
	}
	s := "[" + c.kind
	if c.opts.Title != "" {
		s += fmt.Sprintf(" %q", c.opts.Title)
	}
	return s + "]"
}

func (c *Chart) size() (vg.Length, vg.Length) {
	// 96 pixels to the inch, as browsers count.
	return vg.Length(c.opts.Width) * vg.Inch / 96, vg.Length(c.opts.Height) * vg.Inch / 96
}

// WriteSVG writes the chart as SVG.
func (c *Chart) WriteSVG(w io.Writer) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	wd, ht := c.size()
	canvas := vgsvg.New(wd, ht)
	c.p.Draw(draw.New(canvas))
	_, err := canvas.WriteTo(w)
	return err
}

// WritePNG writes the chart as a PNG image.
func (c *Chart) WritePNG(w io.Writer) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err != nil {
		return c.err
	}
	wd, ht := c.size()
	canvas := vgimg.NewWith(vgimg.UseWH(wd, ht), vgimg.UseDPI(96), vgimg.UseBackgroundColor(color.White))
	c.p.Draw(draw.New(canvas))
	_, err := vgimg.PngCanvas{Canvas: canvas}.WriteTo(w)
	return err
}

// SVG returns the chart as SVG text ("" if it cannot be drawn; see Err).
func (c *Chart) SVG() string {
	var b bytes.Buffer
	if c.WriteSVG(&b) != nil {
		return ""
	}
	return b.String()
}

// PNG returns the chart as a PNG image (nil if it cannot be drawn; see Err).
func (c *Chart) PNG() []byte {
	var b bytes.Buffer
	if c.WritePNG(&b) != nil {
		return nil
	}
	return b.Bytes()
}

// MIMEBundle renders the chart in one format, SVG or PNG (Options.PNG), for display: the notebook needs
// only one. A chart that cannot be drawn renders as its error.
func (c *Chart) MIMEBundle() map[string]any {
	if err := c.Err(); err != nil {
		return map[string]any{display.MIMEText: err.Error()}
	}
	if c.opts.PNG {
		return map[string]any{display.MIMEPNG: c.PNG(), display.MIMEText: c.String()}
	}
	return map[string]any{display.MIMESVG: c.SVG(), display.MIMEText: c.String()}
}
