package llm

import (
	"fmt"
	"html"
	"regexp"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Price is what a model costs, in dollars per million tokens.
type Price struct {
	// Input is the price of prompt tokens.
	Input float64
	// CachedInput is the price of prompt tokens served from OpenAI's prompt cache; 0 means Input.
	CachedInput float64
	// Output is the price of completion tokens (reasoning tokens included).
	Output float64
	// Training is the price of fine-tuning, per trained token; 0 when the model cannot be fine-tuned or the
	// price is not known.
	Training float64
}

// Prices is a table of model prices. DefaultPrices gives OpenAI's list prices as of PricesAsOf; Set adds or
// corrects entries. It is safe for concurrent use.
type Prices struct {
	mu    sync.RWMutex
	asOf  string
	table map[string]Price
}

// DefaultPrices returns a new table of OpenAI's list prices as of PricesAsOf (see prices.go).
func DefaultPrices() *Prices { return &Prices{asOf: PricesAsOf, table: defaultPriceTable()} }

// NewPrices returns an empty table dated asOf, for other providers.
func NewPrices(asOf string) *Prices { return &Prices{asOf: asOf, table: map[string]Price{}} }

// AsOf returns the date of the table.
func (p *Prices) AsOf() string { return p.asOf }

// Set adds or replaces the price of a model (names are not case-sensitive).
func (p *Prices) Set(model string, price Price) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.table[strings.ToLower(strings.TrimSpace(model))] = price
}

// Models returns the names in the table, sorted.
func (p *Prices) Models() []string {
	p.mu.RLock()
	defer p.mu.RUnlock()
	out := make([]string, 0, len(p.table))
	for m := range p.table {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// dateSuffix matches the version suffixes of model snapshots: -2024-07-18, -0613.
var dateSuffix = regexp.MustCompile(`-(\d{4}-\d{2}-\d{2}|\d{4})$`)

// Lookup finds the price of a model. Snapshot names find their model ("gpt-4o-mini-2024-07-18" is
// priced as "gpt-4o-mini", unless the snapshot has its own entry), fine-tuned models
// ("ft:gpt-4o-mini-2024-07-18:org::id") are priced as "ft:gpt-4o-mini", and a provider prefix such as
// "openai/" is ignored.
func (p *Prices) Lookup(model string) (Price, bool) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	m := strings.ToLower(strings.TrimSpace(model))
	prefix := ""
	if rest, ok := strings.CutPrefix(m, "ft:"); ok {
		prefix = "ft:"
		m, _, _ = strings.Cut(rest, ":")
	}
	if i := strings.LastIndex(m, "/"); i >= 0 {
		m = m[i+1:]
	}
	for _, name := range []string{m, dateSuffix.ReplaceAllString(m, "")} {
		if pr, ok := p.table[prefix+name]; ok {
			return pr, true
		}
	}
	return Price{}, false
}

// Cost prices a call's usage: uncached prompt tokens at Input, cached ones at CachedInput, completion
// tokens at Output. The cost is unknown (Known false) for models not in the table.
func (p *Prices) Cost(model string, u openai.Usage) Cost {
	pr, ok := p.Lookup(model)
	if !ok {
		return Cost{}
	}
	cached := 0
	if u.PromptTokensDetails != nil {
		cached = min(u.PromptTokensDetails.CachedTokens, u.PromptTokens)
	}
	cachedPrice := pr.CachedInput
	if cachedPrice == 0 {
		cachedPrice = pr.Input
	}
	d := (float64(u.PromptTokens-cached)*pr.Input + float64(cached)*cachedPrice +
		float64(u.CompletionTokens)*pr.Output) / 1e6
	return Cost{Dollars: d, Known: true}
}

// TokensCost prices prompt and completion token counts, for estimates before a call.
func (p *Prices) TokensCost(model string, promptTokens, completionTokens int) Cost {
	return p.Cost(model, openai.Usage{PromptTokens: promptTokens, CompletionTokens: completionTokens})
}

// TrainingCost prices fine-tuning a model on a number of trained tokens (tokens of the training file times
// epochs). The cost is unknown when the table has no training price for the model.
func (p *Prices) TrainingCost(model string, trainedTokens int) Cost {
	pr, ok := p.Lookup(model)
	if !ok || pr.Training == 0 {
		return Cost{}
	}
	return Cost{Dollars: float64(trainedTokens) * pr.Training / 1e6, Known: true}
}

// String returns the table as text.
func (p *Prices) String() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "model\tinput\tcached input\toutput\ttraining\t\n")
	for _, m := range p.Models() {
		pr, _ := p.Lookup(m)
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", m, perM(pr.Input), perM(pr.CachedInput), perM(pr.Output),
			perM(pr.Training))
	}
	_ = tw.Flush()
	fmt.Fprintf(&b, "dollars per million tokens, as of %s", p.asOf)
	return b.String()
}

// HTML returns the table as an HTML table.
func (p *Prices) HTML() string {
	var b strings.Builder
	b.WriteString(`<table><thead><tr><th style="text-align:left">model</th><th>input</th><th>cached input</th>` +
		`<th>output</th><th>training</th></tr></thead><tbody>`)
	for _, m := range p.Models() {
		pr, _ := p.Lookup(m)
		fmt.Fprintf(&b, `<tr><td style="text-align:left">%s</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>`,
			html.EscapeString(m), perM(pr.Input), perM(pr.CachedInput), perM(pr.Output), perM(pr.Training))
	}
	fmt.Fprintf(&b, `</tbody><caption style="caption-side:bottom">dollars per million tokens, as of %s</caption></table>`,
		html.EscapeString(p.asOf))
	return b.String()
}

func perM(d float64) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("$%g", d)
}

// Cost is an amount in dollars, or unknown when the model has no price.
type Cost struct {
	// Dollars is the amount.
	Dollars float64
	// Known is false when a price was missing.
	Known bool
}

// Cents returns the amount in cents.
func (c Cost) Cents() float64 { return c.Dollars * 100 }

// Add returns the sum; it is known only when both are.
func (c Cost) Add(d Cost) Cost {
	return Cost{Dollars: c.Dollars + d.Dollars, Known: c.Known && d.Known}
}

// String writes the amount in dollars and cents, "$0.000026 (0.00258¢)", or "price unknown".
func (c Cost) String() string {
	if !c.Known {
		return "price unknown"
	}
	return fmt.Sprintf("%s (%s¢)", dollars(c.Dollars), trimFloat(c.Cents()))
}

func dollars(d float64) string {
	switch {
	case d == 0:
		return "$0"
	case d >= 1:
		return fmt.Sprintf("$%.2f", d)
	case d >= 0.01:
		return fmt.Sprintf("$%.4f", d)
	default:
		return fmt.Sprintf("$%.6f", d)
	}
}

func trimFloat(x float64) string {
	if x >= 1 {
		return fmt.Sprintf("%.4g", x)
	}
	return fmt.Sprintf("%.3g", x)
}

// Call is the record of one call to the API.
type Call struct {
	// Time is when the call ended.
	Time time.Time
	// Op is the kind of call: "chat", "stream", "completion", "completion-stream", "embed".
	Op string
	// Model is the model that answered.
	Model string
	// PromptTokens, CompletionTokens and CachedTokens (part of the prompt tokens) count the tokens.
	PromptTokens     int
	CompletionTokens int
	CachedTokens     int
	// Cost is the call's cost.
	Cost Cost
	// Duration is how long the call took, retries included.
	Duration time.Duration
}

// Totals sum the calls of a model, or of a whole session.
type Totals struct {
	// Model is the model, or "total".
	Model            string
	Calls            int
	PromptTokens     int
	CompletionTokens int
	// Cost is the sum of the calls with a known price; it is Known only when every call had one.
	Cost Cost
	// Unpriced counts the calls whose model had no price.
	Unpriced int
}

// String writes "gpt-4o-mini: 2 calls, 24 tokens in, 80 out, $0.000052 (0.0052¢)".
func (t Totals) String() string {
	return fmt.Sprintf("%s: %d calls, %d tokens in, %d out, %s", t.Model, t.Calls, t.PromptTokens,
		t.CompletionTokens, t.costText())
}

func (t Totals) costText() string {
	switch {
	case t.Calls == 0:
		return "$0"
	case t.Unpriced == t.Calls:
		return "price unknown"
	case t.Unpriced > 0:
		return fmt.Sprintf("%s + %d calls without a price", Cost{Dollars: t.Cost.Dollars, Known: true}, t.Unpriced)
	}
	return t.Cost.String()
}

func (t *Totals) add(c Call) {
	t.Calls++
	t.PromptTokens += c.PromptTokens
	t.CompletionTokens += c.CompletionTokens
	t.Cost.Dollars += c.Cost.Dollars
	if !c.Cost.Known {
		t.Unpriced++
	}
	t.Cost.Known = t.Unpriced == 0
}

// Usage records the calls of one or more clients: the running total of a session. It is a value you hold
// (Client.Usage, or Config.Usage to share one), not a global. Calls that fail, and streams that are cut
// off, are not recorded: their usage is unknown (the server may still count them). It is safe for
// concurrent use.
type Usage struct {
	mu    sync.Mutex
	calls []Call
}

// NewUsage returns an empty tracker.
func NewUsage() *Usage { return &Usage{} }

// Record adds a call.
func (u *Usage) Record(c Call) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.calls = append(u.calls, c)
}

// Calls returns a copy of the recorded calls, oldest first.
func (u *Usage) Calls() []Call {
	u.mu.Lock()
	defer u.mu.Unlock()
	return append([]Call(nil), u.calls...)
}

// Last returns the most recent call, or a zero Call when there is none.
func (u *Usage) Last() Call {
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.calls) == 0 {
		return Call{}
	}
	return u.calls[len(u.calls)-1]
}

// Reset forgets every call.
func (u *Usage) Reset() {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.calls = nil
}

// Total sums every call.
func (u *Usage) Total() Totals {
	u.mu.Lock()
	defer u.mu.Unlock()
	t := Totals{Model: "total"}
	for _, c := range u.calls {
		t.add(c)
	}
	return t
}

// ByModel sums the calls per model, in the order the models were first used.
func (u *Usage) ByModel() []Totals {
	u.mu.Lock()
	defer u.mu.Unlock()
	var out []Totals
	pos := map[string]int{}
	for _, c := range u.calls {
		i, ok := pos[c.Model]
		if !ok {
			i = len(out)
			pos[c.Model] = i
			out = append(out, Totals{Model: c.Model})
		}
		out[i].add(c)
	}
	return out
}

// String returns a table of the totals per model and overall.
func (u *Usage) String() string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "model\tcalls\ttokens in\ttokens out\tcost\n")
	for _, t := range append(u.ByModel(), u.Total()) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\n", t.Model, t.Calls, t.PromptTokens, t.CompletionTokens, t.costText())
	}
	_ = tw.Flush()
	return strings.TrimRight(b.String(), "\n")
}

// HTML returns the same table in HTML, for a notebook.
func (u *Usage) HTML() string {
	var b strings.Builder
	b.WriteString(`<table><thead><tr><th style="text-align:left">model</th><th>calls</th><th>tokens in</th>` +
		`<th>tokens out</th><th>cost</th></tr></thead><tbody>`)
	rows := u.ByModel()
	total := u.Total()
	for i, t := range append(rows, total) {
		style := ""
		if i == len(rows) {
			style = ` style="font-weight:bold;border-top:1px solid #999"`
		}
		fmt.Fprintf(&b, `<tr%s><td style="text-align:left">%s</td><td>%d</td><td>%d</td><td>%d</td><td>%s</td></tr>`,
			style, html.EscapeString(t.Model), t.Calls, t.PromptTokens, t.CompletionTokens, html.EscapeString(t.costText()))
	}
	b.WriteString(`</tbody></table>`)
	return b.String()
}
