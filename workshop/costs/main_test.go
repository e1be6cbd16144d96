package main

import (
	"bytes"
	"encoding/json"
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
