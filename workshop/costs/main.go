// Command costs estimates what the course's API calls cost one learner, from the calls that
// test/workshop/record_calls.py recorded while the lessons ran (build/calls/NN-name.jsonl).
//
// Tokens are counted with o200k_base (GPT-6's tokenizer is not published; o200k_base is that of the models
// before it): a chat request is its messages' text plus 3 tokens per message and 3 for the reply, plus the
// JSON of its tool definitions; a completion request is its prompt. An answer is the text that came back
// (the fake server's scripted answers, written to the length of real ones, or an echo of the question).
// Reasoning models also bill hidden reasoning tokens as output; the last columns add an assumed number per
// call. Prices come from helpers/llm's table (llm.DefaultPrices, dated llm.PricesAsOf).
//
//	go run ./workshop/costs [-reasoning 500] build/calls/*.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/golm-dev/golm/helpers/llm"
	"github.com/golm-dev/golm/helpers/tokens"
)

// call is one recorded request and the text of its answer.
type call struct {
	Endpoint string `json:"endpoint"`
	Status   int    `json:"status"`
	Messages []struct {
		Role    string `json:"role"`
		Content any    `json:"content"`
	} `json:"messages"`
	Prompt       any    `json:"prompt"`
	Input        any    `json:"input"`
	Instructions string `json:"instructions"`
	Tools        string `json:"tools"`
	N            int    `json:"n"`
	Answer       string `json:"answer"`
}

// lessonTokens totals one lesson's calls.
type lessonTokens struct {
	Name           string
	Calls, In, Out int
}

// models priced in the table, cheapest first.
var models = []string{"gpt-6-luna", "gpt-6.1-terra", "gpt-6.2-sol"}

func main() {
	reasoning := flag.Int("reasoning", 500, "hidden reasoning tokens assumed per call, for the last columns")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: costs [-reasoning N] build/calls/*.jsonl (recorded by test/workshop/record_calls.py)")
		os.Exit(2)
	}
	enc, err := tokens.Get(tokens.O200kBase)
	if err != nil {
		fmt.Fprintln(os.Stderr, "costs:", err)
		os.Exit(1)
	}
	var lessons []lessonTokens
	for _, path := range flag.Args() {
		lt, err := countFile(path, enc)
		if err != nil {
			fmt.Fprintln(os.Stderr, "costs:", err)
			os.Exit(1)
		}
		lessons = append(lessons, lt)
	}
	report(os.Stdout, lessons, *reasoning, llm.DefaultPrices())
}

// countFile counts the tokens of the calls recorded in one file.
func countFile(path string, enc *tokens.Encoding) (lessonTokens, error) {
	lt := lessonTokens{Name: strings.TrimSuffix(filepath.Base(path), ".jsonl")}
	f, err := os.Open(path)
	if err != nil {
		return lt, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for line := 1; sc.Scan(); line++ {
		var c call
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return lt, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		if c.Status != 200 || strings.HasPrefix(c.Endpoint, "/embeddings") {
			continue // refused calls cost nothing; embeddings are priced apart (lesson 05)
		}
		in, out := callTokens(c, enc)
		lt.Calls++
		lt.In += in
		lt.Out += out
	}
	return lt, sc.Err()
}

// callTokens estimates the prompt and answer tokens of one call.
func callTokens(c call, enc *tokens.Encoding) (in, out int) {
	for _, m := range c.Messages {
		in += 3 + enc.Count(m.Role) + enc.Count(text(m.Content))
	}
	if len(c.Messages) > 0 {
		in += 3
	}
	in += enc.Count(text(c.Prompt)) + enc.Count(text(c.Input)) + enc.Count(c.Instructions) + enc.Count(c.Tools)
	out = enc.Count(c.Answer)
	if c.N > 1 {
		out *= c.N
	}
	return in, out
}

// text flattens a message content or prompt (a string, or a list of parts) into its text.
func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []any:
		var b strings.Builder
		for _, p := range v {
			if m, ok := p.(map[string]any); ok {
				b.WriteString(text(m["text"]))
				b.WriteString(text(m["content"]))
			} else {
				b.WriteString(text(p))
			}
		}
		return b.String()
	}
	return ""
}

// report prints the tokens and costs per lesson and for the course.
func report(w io.Writer, lessons []lessonTokens, reasoning int, prices *llm.Prices) {
	fmt.Fprintf(w, "tokens counted with o200k_base; prices of %s (dollars per learner)\n\n", prices.AsOf())
	fmt.Fprintf(w, "%-22s %5s %7s %7s", "lesson", "calls", "in", "out")
	for _, m := range models {
		fmt.Fprintf(w, " %13s", m)
	}
	fmt.Fprintf(w, "   with %d reasoning tokens per call:", reasoning)
	for _, m := range models {
		fmt.Fprintf(w, " %13s", m)
	}
	fmt.Fprintln(w)
	total := lessonTokens{Name: "course (per learner)"}
	for _, l := range lessons {
		row(w, l, reasoning, prices)
		total.Calls += l.Calls
		total.In += l.In
		total.Out += l.Out
	}
	row(w, total, reasoning, prices)
}

// row prints one line of the report.
func row(w io.Writer, l lessonTokens, reasoning int, prices *llm.Prices) {
	fmt.Fprintf(w, "%-22s %5d %7d %7d", l.Name, l.Calls, l.In, l.Out)
	for _, m := range models {
		fmt.Fprintf(w, " %13s", dollars(prices.TokensCost(m, l.In, l.Out)))
	}
	fmt.Fprintf(w, "   %*s", len(fmt.Sprintf("with %d reasoning tokens per call:", reasoning)), "")
	for _, m := range models {
		fmt.Fprintf(w, " %13s", dollars(prices.TokensCost(m, l.In, l.Out+reasoning*l.Calls)))
	}
	fmt.Fprintln(w)
}

func dollars(c llm.Cost) string {
	if !c.Known {
		return "unknown"
	}
	return fmt.Sprintf("$%.4f", c.Dollars)
}
