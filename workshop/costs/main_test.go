package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golm-dev/golm/helpers/llm"
	"github.com/golm-dev/golm/helpers/tokens"
)

func TestCallTokens(t *testing.T) {
	enc, err := tokens.Get(tokens.O200kBase)
	if err != nil {
		t.Fatal(err)
	}
	n := enc.Count
	tests := []struct {
		name    string
		json    string
		in, out int
	}{
		{"chat", `{"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"What is money?"}],"answer":"Dosh."}`,
			3 + n("system") + n("Be brief.") + 3 + n("user") + n("What is money?") + 3, n("Dosh.")},
		{"parts", `{"messages":[{"role":"user","content":[{"type":"text","text":"Hi there"}]}],"answer":"Hello"}`,
			3 + n("user") + n("Hi there") + 3, n("Hello")},
		{"completion", `{"prompt":"Once upon a time","answer":" there was a panda"}`, n("Once upon a time"), n(" there was a panda")},
		{"tools and n", `{"messages":[{"role":"user","content":"Add"}],"tools":"[{\"type\":\"function\"}]","n":2,"answer":"9"}`,
			3 + n("user") + n("Add") + 3 + n(`[{"type":"function"}]`), 2 * n("9")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c call
			if err := json.Unmarshal([]byte(tt.json), &c); err != nil {
				t.Fatal(err)
			}
			in, out := callTokens(c, enc)
			if in != tt.in || out != tt.out {
				t.Errorf("callTokens = %d in, %d out; want %d, %d", in, out, tt.in, tt.out)
			}
		})
	}
}

func TestCountFileSkipsRefusedCalls(t *testing.T) {
	enc, err := tokens.Get(tokens.O200kBase)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "02-openai-api.jsonl")
	lines := `{"endpoint":"/chat/completions","status":200,"prompt":"a b c","answer":"d"}
{"endpoint":"/chat/completions","status":429,"prompt":"refused","answer":""}
{"endpoint":"/embeddings","status":200,"input":"vectors are priced apart","answer":""}
`
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	lt, err := countFile(path, enc)
	if err != nil {
		t.Fatal(err)
	}
	if lt.Name != "02-openai-api" || lt.Calls != 1 || lt.In != enc.Count("a b c") || lt.Out != enc.Count("d") {
		t.Errorf("countFile = %+v", lt)
	}
	if _, err := countFile(filepath.Join(t.TempDir(), "missing.jsonl"), enc); err == nil {
		t.Error("countFile of a missing file: no error")
	}
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte("{not json\n"), 0o644)
	if _, err := countFile(bad, enc); err == nil || !strings.Contains(err.Error(), "bad.jsonl:1") {
		t.Errorf("countFile of bad JSON: %v, want an error naming the line", err)
	}
}

func TestReportTotals(t *testing.T) {
	var b bytes.Buffer
	report(&b, []lessonTokens{{Name: "01-tokens", Calls: 2, In: 1000, Out: 200}, {Name: "02-openai-api", Calls: 1, In: 1000000, Out: 0}}, 0, llm.DefaultPrices())
	out := strings.Join(strings.Fields(b.String()), " ")
	// gpt-6-luna costs $0.10 per million input tokens: the second lesson costs $0.1000, the course $0.1002.
	for _, want := range []string{"02-openai-api 1 1000000 0 $0.1000", "course (per learner) 3 1001000 200 $0.1002"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
}

func TestCountFileEmbeddingsAndJobs(t *testing.T) {
	enc, err := tokens.Get(tokens.O200kBase)
	if err != nil {
		t.Fatal(err)
	}
	example := `{"messages":[{"role":"user","content":"How many hosts?"},{"role":"assistant","content":"SELECT COUNT(Hosts) FROM farm"}]}`
	file, _ := json.Marshal(example + "\n" + example + "\n")
	lines := `{"endpoint":"/embeddings","status":200,"input":["one text","another text"]}
{"endpoint":"/embeddings","status":200,"model":"text-embedding-3-large","input":"big"}
{"endpoint":"/files","status":200,"id":"file-1","file":` + string(file) + `}
{"endpoint":"/fine_tuning/jobs","status":200,"id":"job-1","model":"gpt-4.1-mini","training_file":"file-1","epochs":2}
{"endpoint":"/fine_tuning/jobs","status":200,"id":"job-2","model":"gpt-4.1-mini","training_file":"file-1"}
{"endpoint":"/fine_tuning/jobs/job-2/cancel","status":200,"id":"job-2"}
{"endpoint":"/fine_tuning/jobs","status":400,"id":"","model":"gpt-4.1-mini","training_file":"file-9"}
{"endpoint":"/chat/completions","status":200,"model":"ft:gpt-4.1-mini:x","prompt":"q","answer":"a"}
`
	path := filepath.Join(t.TempDir(), "06-fine-tuning.jsonl")
	if err := os.WriteFile(path, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	lt, err := countFile(path, enc)
	if err != nil {
		t.Fatal(err)
	}
	if lt.Calls != 1 || lt.Variant {
		t.Errorf("calls %d, variant %v; want 1 call (uploads and jobs are not chat calls), not a variant", lt.Calls, lt.Variant)
	}
	wantEmb := []embedding{{defaultEmbeddingModel, enc.Count("one textanother text")}, {"text-embedding-3-large", enc.Count("big")}}
	if len(lt.Embeddings) != 2 || lt.Embeddings[0] != wantEmb[0] || lt.Embeddings[1] != wantEmb[1] {
		t.Errorf("embeddings %+v, want %+v", lt.Embeddings, wantEmb)
	}
	if len(lt.Jobs) != 2 {
		t.Fatalf("jobs %+v, want 2 (the refused one is not a job)", lt.Jobs)
	}
	one, two := lt.Jobs[0], lt.Jobs[1]
	fileTokens := one.Cost.FileTokens
	if fileTokens == 0 || one.Cost.Examples != 2 || one.Cost.TrainedTokens != 2*fileTokens || one.Cancelled || !one.Cost.Known {
		t.Errorf("job 1: %+v, want 2 examples × 2 epochs, priced", one)
	}
	if !two.Cancelled || two.Epochs != 0 || two.Cost.TrainedTokens != autoEpochs*fileTokens {
		t.Errorf("job 2: %+v, want cancelled, epochs left to the server", two)
	}

	var b bytes.Buffer
	report(&b, []lessonTokens{lt}, 0, llm.DefaultPrices())
	out := strings.Join(strings.Fields(b.String()), " ")
	for _, want := range []string{
		"06-fine-tuning 1 " + fmt.Sprint(wantEmb[0].Tokens) + " text-embedding-3-small $0.0000",
		fmt.Sprintf("job-1: gpt-4.1-mini, 2 examples, 2 epochs = %d trained tokens × $5.00 per million", 2*fileTokens),
		"job-2: gpt-4.1-mini, 2 examples, left to the server, priced as 3 epochs: cancelled at once, trained nothing: $0",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}

	bad := filepath.Join(t.TempDir(), "x.jsonl")
	os.WriteFile(bad, []byte(`{"endpoint":"/fine_tuning/jobs","status":200,"id":"job-3","training_file":"file-404"}`+"\n"), 0o644)
	if _, err := countFile(bad, enc); err == nil || !strings.Contains(err.Error(), "file-404") {
		t.Errorf("a job whose training file was not recorded: %v, want an error naming the file", err)
	}
}

func TestReportSkipsVariants(t *testing.T) {
	var b bytes.Buffer
	report(&b, []lessonTokens{{Name: "05-rag", Calls: 2, In: 1000, Out: 0},
		{Name: "05-rag-api-embeddings", Variant: true, Calls: 2, In: 1000, Embeddings: []embedding{{"text-embedding-3-small", 50}}}}, 0, llm.DefaultPrices())
	out := strings.Join(strings.Fields(b.String()), " ")
	for _, want := range []string{"course (per learner) 2 1000 0", "05-rag-api-embeddings 1 50 text-embedding-3-small"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
	if strings.Contains(out, "05-rag-api-embeddings 2 1000") {
		t.Errorf("a variant's chat calls are listed:\n%s", b.String())
	}
}
