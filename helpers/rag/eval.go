package rag

import (
	"context"
	"errors"
	"fmt"
	"html"
	"strings"

	"github.com/golm-dev/golm/helpers/internal/options"
)

// Question is an evaluation question with the ids of the chunks that answer it.
type Question struct {
	// Query is the question as a user would ask it.
	Query string
	// Relevant are the ids of the chunks that answer it.
	Relevant []string
}

// EvalOptions are the settings of Evaluate. The zero value measures recall at 1, 3, 5 and 10.
type EvalOptions struct {
	// Name labels the evaluation's row in a table, such as "dense" or "BM25".
	Name string
	// K are the cut-offs of recall@k, in increasing order; empty means 1, 3, 5, 10.
	K []int
}

// Evaluation is how well a retriever found the relevant chunks of a set of questions.
type Evaluation struct {
	// Name is EvalOptions.Name.
	Name string
	// Questions is the number of questions.
	Questions int
	// K are the cut-offs, and Recall[i] the mean recall@K[i]: the share of a question's relevant chunks found
	// in the top K[i], averaged over questions.
	K      []int
	Recall []float64
	// MRR is the mean reciprocal rank of the first relevant chunk within the top max(K) (0 when none is).
	MRR float64
}

// Evaluate runs every question through the retriever and measures recall@k and MRR. A question without
// relevant ids is an error.
func Evaluate(ctx context.Context, r Retriever, questions []Question, opts ...EvalOptions) (Evaluation, error) {
	o, err := options.One("rag: Evaluate", opts)
	if err != nil {
		return Evaluation{}, err
	}
	if len(o.K) == 0 {
		o.K = []int{1, 3, 5, 10}
	}
	for i, k := range o.K {
		if k < 1 || (i > 0 && k <= o.K[i-1]) {
			return Evaluation{}, fmt.Errorf("rag: EvalOptions.K must be increasing and ≥ 1, got %v", o.K)
		}
	}
	if r == nil || len(questions) == 0 {
		return Evaluation{}, errors.New("rag: Evaluate needs a retriever and at least one question")
	}
	e := Evaluation{Name: o.Name, Questions: len(questions), K: append([]int(nil), o.K...),
		Recall: make([]float64, len(o.K))}
	depth := o.K[len(o.K)-1]
	for qi, q := range questions {
		if len(q.Relevant) == 0 {
			return Evaluation{}, fmt.Errorf("rag: question %d (%q) has no relevant chunk ids", qi, q.Query)
		}
		hits, err := r.Search(ctx, q.Query, depth)
		if err != nil {
			return Evaluation{}, fmt.Errorf("rag: question %d (%q): %w", qi, q.Query, err)
		}
		rel := map[string]bool{}
		for _, id := range q.Relevant {
			rel[id] = true
		}
		found := 0
		ki := 0
		first := 0
		for rank, h := range hits {
			for ki < len(o.K) && rank >= o.K[ki] {
				e.Recall[ki] += float64(found) / float64(len(rel))
				ki++
			}
			if rel[h.Chunk.ID] {
				found++
				if first == 0 {
					first = rank + 1
				}
			}
		}
		for ; ki < len(o.K); ki++ {
			e.Recall[ki] += float64(found) / float64(len(rel))
		}
		if first > 0 {
			e.MRR += 1 / float64(first)
		}
	}
	for i := range e.Recall {
		e.Recall[i] /= float64(len(questions))
	}
	e.MRR /= float64(len(questions))
	return e, nil
}

// Evaluations are several evaluations, shown as one table (one row each); they should share their K.
type Evaluations []Evaluation

// String returns the evaluation as one line.
func (e Evaluation) String() string { return Evaluations{e}.String() }

// HTML returns the evaluation as an HTML table.
func (e Evaluation) HTML() string { return Evaluations{e}.HTML() }

func (es Evaluations) ks() []int {
	if len(es) == 0 {
		return nil
	}
	return es[0].K
}

// String returns a plain-text table.
func (es Evaluations) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-12s %9s", "retriever", "questions")
	for _, k := range es.ks() {
		fmt.Fprintf(&sb, " %9s", fmt.Sprintf("recall@%d", k))
	}
	sb.WriteString("      MRR\n")
	for _, e := range es {
		fmt.Fprintf(&sb, "%-12s %9d", e.Name, e.Questions)
		for _, r := range e.Recall {
			fmt.Fprintf(&sb, " %9.3f", r)
		}
		fmt.Fprintf(&sb, " %8.3f\n", e.MRR)
	}
	return sb.String()
}

// HTML returns an HTML table: one row per evaluation, recall@k columns and MRR.
func (es Evaluations) HTML() string {
	var sb strings.Builder
	sb.WriteString("<table><thead><tr><th>retriever</th><th>questions</th>")
	for _, k := range es.ks() {
		fmt.Fprintf(&sb, "<th>recall@%d</th>", k)
	}
	sb.WriteString("<th>MRR</th></tr></thead><tbody>")
	for _, e := range es {
		fmt.Fprintf(&sb, "<tr><td>%s</td><td>%d</td>", html.EscapeString(e.Name), e.Questions)
		for _, r := range e.Recall {
			fmt.Fprintf(&sb, "<td>%.3f</td>", r)
		}
		fmt.Fprintf(&sb, "<td>%.3f</td></tr>", e.MRR)
	}
	sb.WriteString("</tbody></table>")
	return sb.String()
}
