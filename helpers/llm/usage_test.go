package llm_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/golm-dev/golm/helpers/llm"
	openai "github.com/sashabaranov/go-openai"
)

func TestPriceTableCoversTheCourseModels(t *testing.T) {
	p := llm.DefaultPrices()
	if p.AsOf() != llm.PricesAsOf || llm.PricesAsOf == "" {
		t.Errorf("as of %q", p.AsOf())
	}
	for _, m := range []string{llm.DefaultModel, "gpt-6.1-terra", "gpt-6.2-sol", "gpt-6.2-astra", "gpt-4o",
		"gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", llm.DefaultEmbeddingModel, "text-embedding-3-large"} {
		pr, ok := p.Lookup(m)
		if !ok || pr.Input <= 0 {
			t.Errorf("%s: %+v %v", m, pr, ok)
		}
		if !strings.HasPrefix(m, "text-embedding") && pr.Output <= 0 {
			t.Errorf("%s has no output price", m)
		}
	}
}

func TestPriceLookup(t *testing.T) {
	p := llm.DefaultPrices()
	tests := []struct {
		model string
		input float64
		ok    bool
	}{
		{"gpt-4o-mini", 0.15, true},
		{"gpt-4o-mini-2024-07-18", 0.15, true},
		{"GPT-4o-Mini", 0.15, true},
		{"gpt-4o-2024-08-06", 2.50, true},
		{"gpt-6-luna", 0.10, true},
		{"gpt-3.5-turbo-0125", 0, false}, // shut down: no price
		{"openai/gpt-4o", 2.50, true},
		{"ft:gpt-4o-mini-2024-07-18:my-org:sql:abc123", 0.30, true},
		{"ft:gpt-4o-mini:llmtest::000001", 0.30, true},
		{"llama3", 0, false},
		{"ft:llama3:x::y", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		pr, ok := p.Lookup(tt.model)
		if ok != tt.ok || pr.Input != tt.input {
			t.Errorf("Lookup(%q) = %+v, %v", tt.model, pr, ok)
		}
	}
	p.Set("llama3", llm.Price{Input: 0.1, Output: 0.2})
	if pr, ok := p.Lookup("LLAMA3"); !ok || pr.Output != 0.2 {
		t.Errorf("after Set: %+v %v", pr, ok)
	}
	if _, ok := llm.DefaultPrices().Lookup("llama3"); ok {
		t.Error("Set changed the default table")
	}
	if len(llm.NewPrices("today").Models()) != 0 {
		t.Error("NewPrices is not empty")
	}
}

func TestCost(t *testing.T) {
	p := llm.DefaultPrices()
	// gpt-4o-mini: $0.15/M in, $0.075/M cached, $0.60/M out.
	c := p.Cost("gpt-4o-mini", openai.Usage{PromptTokens: 1000, CompletionTokens: 500})
	if !c.Known || fmt.Sprintf("%.6f", c.Dollars) != "0.000450" || c.String() != "$0.000450 (0.045¢)" {
		t.Errorf("cost %v (%v)", c, c.Dollars)
	}
	cached := p.Cost("gpt-4o-mini", openai.Usage{PromptTokens: 1000, CompletionTokens: 0,
		PromptTokensDetails: &openai.PromptTokensDetails{CachedTokens: 400}})
	if want := (600*0.15 + 400*0.075) / 1e6; fmt.Sprintf("%.9f", cached.Dollars) != fmt.Sprintf("%.9f", want) {
		t.Errorf("cached cost %v, want %v", cached.Dollars, want)
	}
	if u := p.Cost("unknown-model", openai.Usage{PromptTokens: 10}); u.Known || u.String() != "price unknown" {
		t.Errorf("unknown %v", u)
	}
	if got := p.TokensCost("gpt-6.2-sol", 1000, 1000).Cents(); fmt.Sprintf("%.2f", got) != "1.20" {
		t.Errorf("gpt-6.2-sol cents %v", got)
	}
	if got := p.TrainingCost("gpt-4o-mini", 1_000_000); !got.Known || got.Dollars != 3 {
		t.Errorf("training %v", got)
	}
	if got := p.TrainingCost("o3", 1000); got.Known {
		t.Errorf("o3 training priced: %v", got)
	}
	for _, tc := range []struct {
		c    llm.Cost
		want string
	}{
		{llm.Cost{Dollars: 0, Known: true}, "$0 (0¢)"},
		{llm.Cost{Dollars: 1.2346, Known: true}, "$1.23 (123.5¢)"},
		{llm.Cost{Dollars: 0.05, Known: true}, "$0.0500 (5¢)"},
		{llm.Cost{Dollars: 0.0000258, Known: true}, "$0.000026 (0.00258¢)"},
	} {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("%v: got %q, want %q", tc.c.Dollars, got, tc.want)
		}
	}
	if s := (llm.Cost{Dollars: 1, Known: true}).Add(llm.Cost{}); s.Known || s.Dollars != 1 {
		t.Errorf("add %+v", s)
	}
	if !strings.Contains(p.String(), "gpt-4o-mini") || !strings.Contains(p.String(), llm.PricesAsOf) ||
		!strings.Contains(p.HTML(), "<td style=\"text-align:left\">gpt-6-luna</td>") {
		t.Error("price table rendering")
	}
}

func TestUsageTracker(t *testing.T) {
	u := llm.NewUsage()
	if u.Total().String() != "total: 0 calls, 0 tokens in, 0 out, $0" || u.Last().Model != "" {
		t.Errorf("empty %q", u.Total())
	}
	p := llm.DefaultPrices()
	add := func(model string, in, out int) {
		usage := openai.Usage{PromptTokens: in, CompletionTokens: out}
		u.Record(llm.Call{Op: "chat", Model: model, PromptTokens: in, CompletionTokens: out, Cost: p.Cost(model, usage)})
	}
	add("gpt-4o-mini", 1000, 500)
	add("gpt-4o", 100, 10)
	add("gpt-4o-mini", 1000, 500)
	total := u.Total()
	if total.Calls != 3 || total.PromptTokens != 2100 || total.CompletionTokens != 1010 || !total.Cost.Known {
		t.Errorf("total %+v", total)
	}
	by := u.ByModel()
	if len(by) != 2 || by[0].Model != "gpt-4o-mini" || by[0].Calls != 2 || by[1].Calls != 1 {
		t.Errorf("by model %+v", by)
	}
	add("llama3", 10, 10)
	total = u.Total()
	if total.Cost.Known || total.Unpriced != 1 || !strings.Contains(total.String(), "+ 1 calls without a price") {
		t.Errorf("with an unpriced call: %s", total)
	}
	str := u.String()
	for _, want := range []string{"model", "gpt-4o-mini", "2000", "llama3", "price unknown", "total"} {
		if !strings.Contains(str, want) {
			t.Errorf("String lacks %q:\n%s", want, str)
		}
	}
	h := u.HTML()
	if !strings.Contains(h, "<table>") || strings.Count(h, "<tr") != 5 {
		t.Errorf("HTML %s", h)
	}
	if len(u.Calls()) != 4 || u.Last().Model != "llama3" {
		t.Error("Calls/Last")
	}
	u.Reset()
	if u.Total().Calls != 0 {
		t.Error("Reset")
	}
}
