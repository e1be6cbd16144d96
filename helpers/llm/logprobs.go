package llm

import (
	"fmt"
	"html"
	"math"
	"sort"
	"strings"
	"text/tabwriter"

	openai "github.com/sashabaranov/go-openai"
)

// LogProbs are the tokens of an answer with their probabilities: what the model thought of each token it
// chose, and of the alternatives it did not. Shown in a notebook it renders as a table.
type LogProbs struct {
	// Tokens are the answer's tokens, in order.
	Tokens []TokenLogProb
}

// TokenLogProb is one token of an answer.
type TokenLogProb struct {
	// Token is the token's text.
	Token string
	// LogProb is its natural logarithm of probability.
	LogProb float64
	// Top are the most likely tokens at this position, most likely first (the chosen one among them
	// when it was likely enough); empty unless alternatives were asked for.
	Top []TokenAlternative
}

// TokenAlternative is a possible token at a position.
type TokenAlternative struct {
	// Token is the alternative's text.
	Token string
	// LogProb is its natural logarithm of probability.
	LogProb float64
}

// Prob returns the token's probability, between 0 and 1.
func (t TokenLogProb) Prob() float64 { return math.Exp(t.LogProb) }

// Prob returns the alternative's probability, between 0 and 1.
func (a TokenAlternative) Prob() float64 { return math.Exp(a.LogProb) }

// Text returns the tokens joined: the answer's text.
func (l *LogProbs) Text() string {
	if l == nil {
		return ""
	}
	var b strings.Builder
	for _, t := range l.Tokens {
		b.WriteString(t.Token)
	}
	return b.String()
}

// String returns a text table: each token, its probability, and the alternatives.
func (l *LogProbs) String() string {
	if l == nil {
		return "no log-probabilities"
	}
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "token\tprobability\talternatives\n")
	for _, t := range l.Tokens {
		alts := make([]string, 0, len(t.Top))
		for _, a := range t.Top {
			alts = append(alts, fmt.Sprintf("%q %.1f%%", a.Token, 100*a.Prob()))
		}
		fmt.Fprintf(tw, "%q\t%.1f%%\t%s\n", t.Token, 100*t.Prob(), strings.Join(alts, ", "))
	}
	_ = tw.Flush()
	return strings.TrimRight(b.String(), "\n")
}

// HTML returns a table for a notebook: each token shaded by its probability, the probability, and the
// alternatives with theirs.
func (l *LogProbs) HTML() string {
	if l == nil {
		return "<i>no log-probabilities</i>"
	}
	var b strings.Builder
	b.WriteString(`<table><thead><tr><th style="text-align:left">token</th><th>probability</th>` +
		`<th style="text-align:left">alternatives</th></tr></thead><tbody>`)
	for _, t := range l.Tokens {
		p := t.Prob()
		// Green for confident tokens, red for unlikely ones.
		bg := fmt.Sprintf("hsl(%d,70%%,85%%)", int(120*p))
		var alts []string
		for _, a := range t.Top {
			alts = append(alts, fmt.Sprintf(`<code>%s</code> %.1f%%`, visibleToken(a.Token), 100*a.Prob()))
		}
		fmt.Fprintf(&b, `<tr><td style="text-align:left;background:%s"><code>%s</code></td><td>%.1f%%</td>`+
			`<td style="text-align:left">%s</td></tr>`, bg, visibleToken(t.Token), 100*p, strings.Join(alts, ", "))
	}
	b.WriteString(`</tbody></table>`)
	return b.String()
}

// visibleToken escapes a token for HTML, showing spaces and line breaks.
func visibleToken(s string) string {
	s = html.EscapeString(s)
	s = strings.ReplaceAll(s, " ", "␣")
	s = strings.ReplaceAll(s, "\n", "↵")
	return s
}

func logProbsFromChat(content []openai.LogProb) *LogProbs {
	l := &LogProbs{Tokens: make([]TokenLogProb, 0, len(content))}
	for _, c := range content {
		t := TokenLogProb{Token: c.Token, LogProb: c.LogProb}
		for _, a := range c.TopLogProbs {
			t.Top = append(t.Top, TokenAlternative{Token: a.Token, LogProb: a.LogProb})
		}
		sortAlternatives(t.Top)
		l.Tokens = append(l.Tokens, t)
	}
	return l
}

func logProbsFromLegacy(r openai.LogprobResult) *LogProbs {
	l := &LogProbs{Tokens: make([]TokenLogProb, 0, len(r.Tokens))}
	for i, tok := range r.Tokens {
		t := TokenLogProb{Token: tok}
		if i < len(r.TokenLogprobs) {
			t.LogProb = float64(r.TokenLogprobs[i])
		}
		if i < len(r.TopLogprobs) {
			for alt, lp := range r.TopLogprobs[i] {
				t.Top = append(t.Top, TokenAlternative{Token: alt, LogProb: float64(lp)})
			}
		}
		sortAlternatives(t.Top)
		l.Tokens = append(l.Tokens, t)
	}
	return l
}

func sortAlternatives(a []TokenAlternative) {
	sort.SliceStable(a, func(i, j int) bool {
		if a[i].LogProb != a[j].LogProb {
			return a[i].LogProb > a[j].LogProb
		}
		return a[i].Token < a[j].Token
	})
}
