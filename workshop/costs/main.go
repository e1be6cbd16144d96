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
// Two kinds of calls are priced apart, below the table: embeddings (the tokens of their input, at the price
// of the model the request named) and hosted fine-tuning jobs (the tokens of the uploaded training file,
// counted as finetune.Estimate does, times the job's epochs; a job cancelled in the recording trained
// nothing). A recording whose name ends in -api-embeddings is a second run of a lesson that differs only in
// where its embeddings are made: only its embeddings are listed, and its other calls are not added to the
// course (they are the lesson's own run's).
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

	"github.com/golm-dev/golm/helpers/finetune"
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

	Model        string `json:"model"`
	ID           string `json:"id"`            // the id the server gave what the call made (a file, a job)
	File         string `json:"file"`          // an uploaded file's text (POST /files)
	TrainingFile string `json:"training_file"` // a fine-tuning job's training file
	Epochs       int    `json:"epochs"`        // a fine-tuning job's epochs; 0 when the request left them to the server
}

// lessonTokens totals one lesson's calls.
type lessonTokens struct {
	Name           string
	Calls, In, Out int
	// Variant marks a second run of a lesson (NAME-api-embeddings) whose chat calls are the lesson's own.
	Variant bool
	// Embeddings are the lesson's embedding calls; Jobs its hosted fine-tuning jobs.
	Embeddings []embedding
	Jobs       []job
}

// embedding is one embedding call.
type embedding struct {
	Model  string
	Tokens int
}

// job is one hosted fine-tuning job.
type job struct {
	ID        string
	Cancelled bool // cancelled in the recording, before its first training step
	Epochs    int  // as requested; 0 when left to the server
	Cost      finetune.Cost
}

// defaultEmbeddingModel is what rag.OpenAI embeds with when the request names no model.
const defaultEmbeddingModel = "text-embedding-3-small"

// autoEpochs is the number of epochs a job that leaves them to the server is priced with.
const autoEpochs = 3

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
	lt.Variant = strings.HasSuffix(lt.Name, "-api-embeddings")
	f, err := os.Open(path)
	if err != nil {
		return lt, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	files := map[string]string{} // uploaded file id: its text
	var jobs []call
	cancelled := map[string]bool{}
	for line := 1; sc.Scan(); line++ {
		var c call
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return lt, fmt.Errorf("%s:%d: %w", path, line, err)
		}
		if c.Status != 200 {
			continue // refused calls cost nothing
		}
		switch ep := c.Endpoint; {
		case strings.HasPrefix(ep, "/embeddings"):
			model := c.Model
			if model == "" {
				model = defaultEmbeddingModel
			}
			lt.Embeddings = append(lt.Embeddings, embedding{Model: model, Tokens: enc.Count(text(c.Input))})
		case strings.HasPrefix(ep, "/files"):
			if c.ID != "" {
				files[c.ID] = c.File
			}
		case ep == "/fine_tuning/jobs":
			jobs = append(jobs, c)
		case strings.HasPrefix(ep, "/fine_tuning/jobs/") && strings.HasSuffix(ep, "/cancel"):
			cancelled[strings.TrimSuffix(strings.TrimPrefix(ep, "/fine_tuning/jobs/"), "/cancel")] = true
		case strings.HasPrefix(ep, "/chat/") || strings.HasPrefix(ep, "/completions") || strings.HasPrefix(ep, "/responses"):
			in, out := callTokens(c, enc)
			lt.Calls++
			lt.In += in
			lt.Out += out
		}
	}
	if err := sc.Err(); err != nil {
		return lt, err
	}
	for _, c := range jobs {
		data, ok := files[c.TrainingFile]
		if !ok {
			return lt, fmt.Errorf("%s: fine-tuning job %s: its training file %q was not recorded", path, c.ID, c.TrainingFile)
		}
		examples, err := finetune.ParseJSONL([]byte(data))
		if err != nil {
			return lt, fmt.Errorf("%s: fine-tuning job %s: training file %s: %w", path, c.ID, c.TrainingFile, err)
		}
		epochs := c.Epochs
		if epochs <= 0 {
			epochs = autoEpochs
		}
		lt.Jobs = append(lt.Jobs, job{ID: c.ID, Cancelled: cancelled[c.ID], Epochs: c.Epochs,
			Cost: finetune.Estimate(examples, finetune.EstimateOptions{Model: c.Model, Epochs: epochs})})
	}
	return lt, nil
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
		if l.Variant {
			continue
		}
		row(w, l, reasoning, prices)
		total.Calls += l.Calls
		total.In += l.In
		total.Out += l.Out
	}
	row(w, total, reasoning, prices)

	fmt.Fprintf(w, "\nembeddings, priced apart:\n%-30s %5s %9s  %-24s %9s\n", "recording", "calls", "tokens", "model", "cost")
	for _, l := range lessons {
		byModel := map[string]int{}
		calls := map[string]int{}
		var names []string
		for _, e := range l.Embeddings {
			if _, ok := byModel[e.Model]; !ok {
				names = append(names, e.Model)
			}
			byModel[e.Model] += e.Tokens
			calls[e.Model]++
		}
		for _, m := range names {
			fmt.Fprintf(w, "%-30s %5d %9d  %-24s %9s\n", l.Name, calls[m], byModel[m], m, dollars(prices.TokensCost(m, byModel[m], 0)))
		}
	}

	fmt.Fprintf(w, "\nhosted fine-tuning jobs, priced apart (trained tokens = training file's tokens × epochs):\n")
	for _, l := range lessons {
		for _, j := range l.Jobs {
			c := j.Cost
			epochs := fmt.Sprint(j.Epochs)
			if j.Epochs <= 0 {
				epochs = fmt.Sprintf("left to the server, priced as %d", autoEpochs)
			}
			switch {
			case j.Cancelled:
				fmt.Fprintf(w, "%s %s: %s, %d examples, %s epochs: cancelled at once, trained nothing: $0\n",
					l.Name, j.ID, c.Model, c.Examples, epochs)
			case !c.Known:
				fmt.Fprintf(w, "%s %s: %s, %d examples, %s epochs = %d trained tokens: no training price in the table\n",
					l.Name, j.ID, c.Model, c.Examples, epochs, c.TrainedTokens)
			default:
				fmt.Fprintf(w, "%s %s: %s, %d examples, %s epochs = %d trained tokens × $%.2f per million = %s\n",
					l.Name, j.ID, c.Model, c.Examples, epochs, c.TrainedTokens, c.PerMillion, dollars(llm.Cost{Dollars: c.Dollars, Known: true}))
			}
		}
	}
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
