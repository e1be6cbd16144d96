package finetune

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strings"

	"github.com/golm-dev/golm/helpers/llm"
	"github.com/golm-dev/golm/helpers/tokens"
)

// ValidateOptions configures Validate and Estimate.
type ValidateOptions struct {
	// Encoding counts the tokens (default "o200k_base", the encoding of OpenAI's current models).
	Encoding string
	// MaxTokens is the most tokens one example may have (default 65,536, the example limit of OpenAI's
	// fine-tunable models); set it to a local model's training context.
	MaxTokens int
	// MinExamples is the fewest examples a training file must have (default 10, as on OpenAI's API).
	MinExamples int
}

// Problem is something wrong with one example.
type Problem struct {
	Example int // index in the slice
	Problem string
}

// Validation is the result of Validate: problems and token counts.
type Validation struct {
	Examples int
	Problems []Problem
	// Tokens counts the tokens of each example, in order, as the API counts a chat example: 3 per
	// message, the content's tokens, and 3 to prime the reply.
	Tokens []int
	// Total, Min, Max and Mean summarise Tokens.
	Total, Min, Max int
	Mean            float64
	// Encoding is the encoding that counted the tokens.
	Encoding string
}

// OK reports whether there are no problems.
func (v *Validation) OK() bool { return len(v.Problems) == 0 }

// Err returns the problems as one error, or nil.
func (v *Validation) Err() error {
	if v.OK() {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "finetune: %d problem(s) in %d examples:", len(v.Problems), v.Examples)
	for _, p := range v.Problems[:min(len(v.Problems), 10)] {
		fmt.Fprintf(&b, "\n  example %d: %s", p.Example, p.Problem)
	}
	if len(v.Problems) > 10 {
		fmt.Fprintf(&b, "\n  … %d more", len(v.Problems)-10)
	}
	return fmt.Errorf("%s", b.String())
}

// Lengths returns the token count of each example as float64, for plot.Histogram.
func (v *Validation) Lengths() []float64 {
	out := make([]float64, len(v.Tokens))
	for i, n := range v.Tokens {
		out[i] = float64(n)
	}
	return out
}

// String summarises the validation.
func (v *Validation) String() string {
	s := fmt.Sprintf("%d examples, %d tokens (%s): %d to %d per example, mean %.1f", v.Examples, v.Total,
		v.Encoding, v.Min, v.Max, v.Mean)
	if v.OK() {
		return s + "; no problems"
	}
	return s + "; " + strings.TrimPrefix(v.Err().Error(), "finetune: ")
}

// HTML renders the summary and the problems.
func (v *Validation) HTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, "<p>%d examples, %d tokens (%s): %d to %d per example, mean %.1f</p>", v.Examples, v.Total,
		html.EscapeString(v.Encoding), v.Min, v.Max, v.Mean)
	if v.OK() {
		b.WriteString("<p>No problems.</p>")
		return b.String()
	}
	fmt.Fprintf(&b, "<p>%d problem(s):</p><ul>", len(v.Problems))
	for _, p := range v.Problems[:min(len(v.Problems), 20)] {
		fmt.Fprintf(&b, "<li>example %d: %s</li>", p.Example, html.EscapeString(p.Problem))
	}
	if len(v.Problems) > 20 {
		fmt.Fprintf(&b, "<li>… %d more</li>", len(v.Problems)-20)
	}
	b.WriteString("</ul>")
	return b.String()
}

func (o *ValidateOptions) defaults() {
	if o.Encoding == "" {
		o.Encoding = "o200k_base"
	}
	if o.MaxTokens <= 0 {
		o.MaxTokens = 65536
	}
	if o.MinExamples <= 0 {
		o.MinExamples = 10
	}
}

// Validate checks examples the way a fine-tuning API does before it trains, and counts their tokens: each
// example needs messages with known roles (system, user, assistant; a system message only first), no empty
// content, an assistant answer last, and at most MaxTokens tokens; the file needs MinExamples examples.
func Validate(examples []Example, opts ...ValidateOptions) *Validation {
	var o ValidateOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	o.defaults()
	v := &Validation{Examples: len(examples), Tokens: make([]int, len(examples)), Encoding: o.Encoding}
	if len(opts) > 1 {
		v.Problems = append(v.Problems, Problem{Example: -1, Problem: fmt.Sprintf("pass at most one ValidateOptions, got %d", len(opts))})
	}
	enc, err := tokens.Get(o.Encoding)
	if err != nil {
		v.Problems = append(v.Problems, Problem{Example: -1, Problem: err.Error()})
	}
	if len(examples) < o.MinExamples {
		v.Problems = append(v.Problems, Problem{Example: -1,
			Problem: fmt.Sprintf("%d examples; a training file needs at least %d", len(examples), o.MinExamples)})
	}
	for i, e := range examples {
		add := func(format string, args ...any) {
			v.Problems = append(v.Problems, Problem{Example: i, Problem: fmt.Sprintf(format, args...)})
		}
		if len(e.Messages) == 0 {
			add("no messages")
			continue
		}
		n := 3
		for j, m := range e.Messages {
			switch m.Role {
			case "system":
				if j != 0 {
					add("message %d is a system message after the first", j)
				}
			case "user", "assistant":
			case "":
				add("message %d has no role", j)
			default:
				add("message %d has the role %q (want system, user or assistant)", j, m.Role)
			}
			if strings.TrimSpace(m.Content) == "" {
				add("message %d (%s) is empty", j, m.Role)
			}
			n += 3
			if enc != nil {
				n += enc.Count(m.Content)
			}
		}
		if last := e.Messages[len(e.Messages)-1]; last.Role != "assistant" {
			add("the last message is %q: an example must end with the assistant's answer", last.Role)
		}
		v.Tokens[i] = n
		if enc != nil && n > o.MaxTokens {
			add("%d tokens, more than the limit of %d (it would be cut)", n, o.MaxTokens)
		}
	}
	sort.SliceStable(v.Problems, func(a, b int) bool { return v.Problems[a].Example < v.Problems[b].Example })
	if len(v.Tokens) > 0 {
		v.Min = math.MaxInt
		for _, n := range v.Tokens {
			v.Total += n
			v.Min = min(v.Min, n)
			v.Max = max(v.Max, n)
		}
		v.Mean = math.Round(float64(v.Total)/float64(len(v.Tokens))*10) / 10
	}
	return v
}

// EstimateOptions configures Estimate.
type EstimateOptions struct {
	// Model is the base model to fine-tune (priced from llm's price table).
	Model string
	// Epochs is how many times training goes over the file (default 3).
	Epochs int
	// Encoding counts the tokens (default: the model's, or o200k_base).
	Encoding string
	// Prices is the price table (default llm.DefaultPrices(), dated llm.PricesAsOf).
	Prices *llm.Prices
}

// Cost is the estimate of a hosted fine-tuning job.
type Cost struct {
	Model         string
	Examples      int
	Epochs        int
	FileTokens    int     // tokens of the training file
	TrainedTokens int     // FileTokens × Epochs: what the provider bills
	PerMillion    float64 // dollars per million trained tokens
	Dollars       float64
	Known         bool   // false when the table has no training price for the model
	AsOf          string // the date of the price table
}

// String says what the job would cost.
func (c Cost) String() string {
	if !c.Known {
		return fmt.Sprintf("%d examples × %d epochs = %d trained tokens; no training price for %s in the table of %s",
			c.Examples, c.Epochs, c.TrainedTokens, c.Model, c.AsOf)
	}
	return fmt.Sprintf("%d examples × %d epochs = %d trained tokens × $%.2f per million = $%.4f for %s (prices of %s)",
		c.Examples, c.Epochs, c.TrainedTokens, c.PerMillion, c.Dollars, c.Model, c.AsOf)
}

// Estimate counts the tokens a hosted job would train on and prices them.
func Estimate(examples []Example, opts ...EstimateOptions) Cost {
	var o EstimateOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Epochs <= 0 {
		o.Epochs = 3
	}
	if o.Prices == nil {
		o.Prices = llm.DefaultPrices()
	}
	if o.Encoding == "" {
		o.Encoding = "o200k_base"
		if name, err := tokens.EncodingNameForModel(o.Model); err == nil && o.Model != "" {
			o.Encoding = name
		}
	}
	v := Validate(examples, ValidateOptions{Encoding: o.Encoding, MinExamples: 1, MaxTokens: math.MaxInt32})
	c := Cost{Model: o.Model, Examples: len(examples), Epochs: o.Epochs, FileTokens: v.Total,
		TrainedTokens: v.Total * o.Epochs, AsOf: o.Prices.AsOf()}
	tc := o.Prices.TrainingCost(o.Model, c.TrainedTokens)
	if tc.Known {
		c.Known, c.Dollars = true, tc.Dollars
		if p, ok := o.Prices.Lookup(o.Model); ok {
			c.PerMillion = p.Training
		}
	}
	return c
}
