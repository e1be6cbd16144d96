package display

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Display is an output that can be replaced after it is shown (Jupyter's update_display_data): a live
// answer, a counter, a chart that changes.
type Display struct {
	id string
	fe Frontend
}

// New shows v (a string as text, anything else rendered with Render) and returns a handle to update it.
// New(nil) shows an empty output.
func New(v any) *Display {
	d := &Display{id: newID(), fe: Current()}
	b := Bundle{Data: map[string]any{MIMEText: ""}}
	if v != nil {
		b = bundleOf(v)
	}
	_ = d.fe.Display(b, d.id) // a failed display leaves a handle whose updates also fail visibly
	return d
}

// ID returns the display id.
func (d *Display) ID() string { return d.id }

// Update replaces the output with v (a string as text, anything else rendered with Render).
func (d *Display) Update(v any) error { return d.fe.Update(bundleOf(v), d.id) }

// UpdateBundle replaces the output with a bundle.
func (d *Display) UpdateBundle(b Bundle) error { return d.fe.Update(withText(b), d.id) }

// Markdown replaces the output with Markdown text.
func (d *Display) Markdown(md string) error { return d.UpdateBundle(MarkdownBundle(md)) }

// HTML replaces the output with an HTML fragment.
func (d *Display) HTML(html string) error { return d.UpdateBundle(HTMLBundle(html)) }

// Text replaces the output with plain text.
func (d *Display) Text(s string) error {
	return d.UpdateBundle(Bundle{Data: map[string]any{MIMEText: s}})
}

// Progress is a progress bar shown as HTML with a text fallback. Updates are throttled to a few a second so
// that a fast loop does not flood the notebook; Done always shows the final state.
type Progress struct {
	mu      sync.Mutex
	d       *Display
	label   string
	total   int
	n       int
	start   time.Time
	last    time.Time
	every   time.Duration
	done    bool
	nowFunc func() time.Time
}

// NewProgress shows a progress bar for total steps with a label.
func NewProgress(label string, total int) *Progress {
	p := &Progress{label: label, total: total, every: 200 * time.Millisecond, nowFunc: time.Now}
	p.start = p.nowFunc()
	p.d = New(p.bundle())
	p.last = p.start
	return p
}

// Add advances the bar by n steps.
func (p *Progress) Add(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.setLocked(p.n + n)
}

// Set moves the bar to step n.
func (p *Progress) Set(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.setLocked(n)
}

// Done shows the bar's final state.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done = true
	_ = p.d.UpdateBundle(p.bundle())
}

// Count returns the current step.
func (p *Progress) Count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

func (p *Progress) setLocked(n int) {
	p.n = n
	now := p.nowFunc()
	if now.Sub(p.last) < p.every && n < p.total {
		return
	}
	p.last = now
	_ = p.d.UpdateBundle(p.bundle())
}

func (p *Progress) bundle() Bundle {
	frac := 0.0
	if p.total > 0 {
		frac = float64(p.n) / float64(p.total)
	}
	frac = max(0, min(1, frac))
	elapsed := p.nowFunc().Sub(p.start).Round(100 * time.Millisecond)
	status := fmt.Sprintf("%d/%d [%s]", p.n, p.total, elapsed)
	if p.done {
		status += " done"
	}
	const width = 30
	filled := int(frac * width)
	text := fmt.Sprintf("%s |%s%s| %3.0f%% %s", p.label, strings.Repeat("█", filled),
		strings.Repeat(" ", width-filled), frac*100, status)
	html := fmt.Sprintf(`<div style="font-family:monospace">%s <progress value="%d" max="%d" style="width:20em"></progress> %3.0f%% %s</div>`,
		escapeHTML(p.label), p.n, max(p.total, 1), frac*100, escapeHTML(status))
	return Bundle{Data: map[string]any{MIMEHTML: html, MIMEText: text}}
}
