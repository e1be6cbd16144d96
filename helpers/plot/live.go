package plot

import (
	"slices"
	"sync"
	"time"

	"github.com/golm-dev/golm/helpers/display"
)

// Live is a line chart that redraws in place in the notebook as points arrive: a loss curve while a model
// trains. Redraws are throttled (Every); Flush draws the last points.
//
//	loss := plot.NewLive(plot.Options{Title: "loss", XLabel: "step"})
//	for step := range 100 {
//		loss.Add("train", float64(step), train(step))
//	}
//	loss.Flush()
type Live struct {
	mu     sync.Mutex
	opts   Options
	err    error    // from NewLive's options, shown instead of the chart
	names  []string // series in the order they appeared
	xs, ys map[string][]float64
	d      *display.Display
	last   time.Time
	// Every is the least time between two redraws (default 250 ms).
	Every time.Duration
}

// NewLive returns a live chart; it appears in the notebook with its first point.
func NewLive(opts ...Options) *Live {
	o, err := withDefaults("NewLive", opts)
	return &Live{opts: o, err: err, xs: map[string][]float64{}, ys: map[string][]float64{}, Every: 250 * time.Millisecond}
}

// Add adds the point (x, y) to a series (a name such as "train" or "validation") and redraws the chart
// unless it was drawn less than Every ago.
func (l *Live) Add(series string, x, y float64) error {
	l.mu.Lock()
	if _, ok := l.xs[series]; !ok {
		l.names = append(l.names, series)
	}
	l.xs[series] = append(l.xs[series], x)
	l.ys[series] = append(l.ys[series], y)
	due := time.Since(l.last) >= l.Every
	l.mu.Unlock()
	if due {
		return l.Flush()
	}
	return nil
}

// Flush redraws the chart with every point added so far.
func (l *Live) Flush() error {
	c := l.Chart()
	l.mu.Lock()
	defer l.mu.Unlock()
	l.last = time.Now()
	if l.d == nil {
		l.d = display.New(c)
		return nil
	}
	return l.d.Update(c)
}

// Chart returns the chart of the points so far (a cell's last value shows it).
func (l *Live) Chart() *Chart {
	l.mu.Lock()
	defer l.mu.Unlock()
	c := newChart("NewLive", "live chart", []Options{l.opts})
	if l.err != nil {
		c.fail(l.err)
		return c
	}
	named := len(l.names) > 1 || (len(l.names) == 1 && l.names[0] != "")
	for _, n := range l.names {
		name := ""
		if named {
			name = n
		}
		c.Line(slices.Clone(l.xs[n]), slices.Clone(l.ys[n]), name)
	}
	return c
}

// MIMEBundle renders the chart of the points so far.
func (l *Live) MIMEBundle() map[string]any { return l.Chart().MIMEBundle() }
