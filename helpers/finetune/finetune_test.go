package finetune_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golm-dev/golm/helpers/dataset"
	"github.com/golm-dev/golm/helpers/display/displaytest"
	"github.com/golm-dev/golm/helpers/finetune"
	"github.com/golm-dev/golm/helpers/llm"
	"github.com/golm-dev/golm/helpers/llm/llmtest"
	"github.com/golm-dev/golm/helpers/textsql"
)

func talkDataset() *dataset.Dataset {
	return dataset.New("talk", []string{"context", "question", "answer"}, []dataset.Row{{
		"context":  "CREATE TABLE farm_competition (Hosts VARCHAR, Theme VARCHAR)",
		"question": "Get the count of competition hosts by theme.",
		"answer":   "SELECT COUNT(Hosts), Theme FROM farm_competition GROUP BY Theme",
	}})
}

func TestFormat(t *testing.T) {
	ex, err := finetune.FromDataset(talkDataset())
	if err != nil {
		t.Fatal(err)
	}
	want := "SYSTEM: Use the following contextual information to concisely answer the question.\n\n" +
		"USER: CREATE TABLE farm_competition (Hosts VARCHAR, Theme VARCHAR)\n===\n" +
		"Get the count of competition hosts by theme.\nASSISTANT:"
	if got := ex[0].Prompt(); got != want {
		t.Errorf("Prompt:\n%s\nwant:\n%s", got, want)
	}
	if ex[0].Completion() != " SELECT COUNT(Hosts), Theme FROM farm_competition GROUP BY Theme" {
		t.Errorf("Completion %q", ex[0].Completion())
	}
	if len(ex[0].Conversation()) != 2 || ex[0].Text() != want+ex[0].Completion() {
		t.Errorf("Conversation %v", ex[0].Conversation())
	}
	data, err := finetune.JSONL(ex)
	if err != nil {
		t.Fatal(err)
	}
	wantLine := `{"messages":[{"role":"system","content":"Use the following contextual information to concisely answer the question."},` +
		`{"role":"user","content":"CREATE TABLE farm_competition (Hosts VARCHAR, Theme VARCHAR)\n===\nGet the count of competition hosts by theme."},` +
		`{"role":"assistant","content":"SELECT COUNT(Hosts), Theme FROM farm_competition GROUP BY Theme"}]}` + "\n"
	if string(data) != wantLine {
		t.Errorf("JSONL:\n%s\nwant:\n%s", data, wantLine)
	}
	back, err := finetune.ParseJSONL(data)
	if err != nil || len(back) != 1 || back[0].Answer() != ex[0].Answer() {
		t.Errorf("round trip: %v %v", back, err)
	}
	if _, err := finetune.ParseJSONL([]byte("{\"messages\": []}\n{\"prompt\": 1}\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("ParseJSONL error %v", err)
	}
	// Other columns and no system message.
	ex, err = finetune.FromDataset(talkDataset(), finetune.FormatOptions{System: "-", User: []string{"question"}})
	if err != nil || len(ex[0].Messages) != 2 || ex[0].Messages[0].Content != "Get the count of competition hosts by theme." {
		t.Errorf("options: %v %v", ex, err)
	}
	if _, err := finetune.FromDataset(talkDataset(), finetune.FormatOptions{Assistant: "sql"}); err == nil || !strings.Contains(err.Error(), "no column sql") {
		t.Errorf("missing column: %v", err)
	}
}

func TestValidate(t *testing.T) {
	good, _ := finetune.FromDataset(textsql.Generate(textsql.Options{Rows: 20}))
	v := finetune.Validate(good)
	if !v.OK() || v.Examples != 20 || v.Min <= 10 || v.Max < v.Min || v.Total < 20*v.Min {
		t.Fatalf("good examples: %v", v)
	}
	bad := append([]finetune.Example{}, good[:12]...)
	bad[1] = finetune.Example{}
	bad[2] = finetune.Example{Messages: []finetune.Message{{Role: "user", Content: "hi"}, {Role: "bot", Content: "x"}}}
	bad[3] = finetune.Example{Messages: []finetune.Message{{Role: "user", Content: "hi"}, {Role: "assistant", Content: "  "}}}
	bad[4] = finetune.Example{Messages: []finetune.Message{{Role: "user", Content: "hi"}, {Role: "system", Content: "late"}, {Role: "assistant", Content: "ok"}}}
	bad[5] = finetune.Example{Messages: []finetune.Message{{Role: "assistant", Content: "ok"}, {Role: "user", Content: "last"}}}
	bad[6] = finetune.Example{Messages: []finetune.Message{{Role: "user", Content: strings.Repeat("select ", 300)}, {Role: "assistant", Content: "ok"}}}
	v = finetune.Validate(bad, finetune.ValidateOptions{MaxTokens: 200})
	got := map[int]string{}
	for _, p := range v.Problems {
		got[p.Example] += p.Problem + "; "
	}
	for i, want := range map[int]string{1: "no messages", 2: `role "bot"`, 3: "is empty", 4: "system message after the first",
		5: "must end with the assistant", 6: "more than the limit of 200"} {
		if !strings.Contains(got[i], want) {
			t.Errorf("example %d: problems %q, want %q", i, got[i], want)
		}
	}
	if len(got) != 6 || v.OK() || v.Err() == nil {
		t.Errorf("problems: %v", v.Err())
	}
	if v := finetune.Validate(good[:3]); v.OK() || !strings.Contains(v.Err().Error(), "at least 10") {
		t.Errorf("three examples: %v", v)
	}
}

func TestEstimate(t *testing.T) {
	ex, _ := finetune.FromDataset(textsql.Generate(textsql.Options{Rows: 100}))
	c := finetune.Estimate(ex, finetune.EstimateOptions{Model: "gpt-4.1-mini", Epochs: 2})
	v := finetune.Validate(ex)
	if !c.Known || c.FileTokens != v.Total || c.TrainedTokens != 2*v.Total || c.PerMillion != 5 {
		t.Fatalf("estimate %+v (validation %v)", c, v)
	}
	if want := float64(c.TrainedTokens) * 5 / 1e6; c.Dollars != want {
		t.Errorf("dollars %v, want %v", c.Dollars, want)
	}
	if c := finetune.Estimate(ex, finetune.EstimateOptions{Model: "no-such-model"}); c.Known || c.Epochs != 3 || !strings.Contains(c.String(), "no training price") {
		t.Errorf("unknown model: %v", c)
	}
}

func TestHostedJob(t *testing.T) {
	rec := displaytest.Install(t)
	s := llmtest.NewServer()
	defer s.Close()
	c, err := llm.New(llm.Config{BaseURL: s.URL, APIKey: "sk-test"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ex, _ := finetune.FromDataset(textsql.Generate(textsql.Options{Rows: 30}))
	job, err := finetune.Run(ctx, c, ex[:20], finetune.JobOptions{Model: "gpt-4.1-mini", Suffix: "sql",
		Validation: ex[20:], Poll: time.Millisecond, Live: true, Epochs: 2})
	if err != nil {
		t.Fatal(err)
	}
	if job.Status != "succeeded" || !strings.HasPrefix(job.FineTunedModel, "ft:gpt-4.1-mini:llmtest:sql:") || job.ValidationFile == "" {
		t.Fatalf("job: %v", job)
	}
	if len(job.Steps) != 5 || job.Steps[0].TrainLoss <= job.Steps[4].TrainLoss || job.Steps[4].Step != 5 {
		t.Errorf("steps %+v", job.Steps)
	}
	var updates, charts int
	for _, sh := range rec.Shown() {
		if sh.Update {
			updates++
		}
		if _, ok := sh.Bundle.Data["image/svg+xml"]; ok {
			charts++
		}
	}
	if updates == 0 || charts == 0 {
		t.Errorf("live display: %d updates, %d charts in %d displays", updates, charts, len(rec.Shown()))
	}
	models, err := c.ListModels(ctx)
	if err != nil || !contains(models, job.FineTunedModel) {
		t.Errorf("models %v %v", models, err)
	}
	s.EnqueueText("SELECT COUNT(*) FROM employee")
	answer, err := job.Ask(ctx, ex[0].Prompt())
	if err != nil || answer != "SELECT COUNT(*) FROM employee" {
		t.Errorf("Ask: %q %v", answer, err)
	}
	if !strings.Contains(job.HTML(), "succeeded") || job.Loss().Err() != nil {
		t.Errorf("HTML %s", job.HTML())
	}
	// Cancel a second job before it ends.
	j2, err := finetune.Start(ctx, c, ex[:20], finetune.JobOptions{Model: "gpt-4.1-mini"})
	if err != nil {
		t.Fatal(err)
	}
	if err := j2.Cancel(ctx); err != nil {
		t.Fatal(err)
	}
	if err := j2.Wait(ctx); err == nil || j2.Status != "cancelled" || !strings.Contains(err.Error(), "cancelled") {
		t.Errorf("cancelled job: %v, %v", j2, err)
	}
	jobs, err := finetune.ListJobs(ctx, c)
	if err != nil || len(jobs) != 2 || !strings.Contains(jobs[0], "cancelled") {
		t.Errorf("jobs %v %v", jobs, err)
	}
	// A job whose file the server rejects fails with the reason.
	j3, err := finetune.Run(ctx, c, ex[:3], finetune.JobOptions{Model: "gpt-4.1-mini", Poll: time.Millisecond})
	if err == nil || j3.Status != "failed" || !strings.Contains(err.Error(), "at least 10") {
		t.Errorf("failed job: %v, %v", j3, err)
	}
	// Attach follows an existing job; an interrupted Wait says the job goes on.
	j4, _ := finetune.Start(ctx, c, ex[:20], finetune.JobOptions{Model: "gpt-4.1-mini"})
	a, err := finetune.Attach(ctx, c, j4.ID)
	if err != nil || a.ID != j4.ID {
		t.Fatalf("attach %v %v", a, err)
	}
	cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	j5, _ := finetune.Start(ctx, c, ex[:20], finetune.JobOptions{Model: "gpt-4.1-mini"})
	a2, _ := finetune.Attach(ctx, c, j5.ID, finetune.JobOptions{Poll: time.Hour})
	if err := a2.Wait(cctx); err == nil || !strings.Contains(err.Error(), "Cancel stops it") {
		t.Errorf("interrupted wait: %v", err)
	}
}

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// A server without the fine-tuning API (golm serve, llama.cpp's server, Ollama, vLLM) gets one clear
// sentence from Start, not "not found ... check the model name"; other refusals keep the server's words.
func TestStartWithoutFineTuningAPI(t *testing.T) {
	tests := []struct {
		status int
		want   []string
		clear  bool
	}{
		{http.StatusNotFound, []string{"has no fine-tuning API", "HTTP 404 Not Found", "local.Model.Train"}, true},
		{http.StatusMethodNotAllowed, []string{"has no fine-tuning API", "HTTP 405 Method Not Allowed"}, true},
		{http.StatusNotImplemented, []string{"has no fine-tuning API", "HTTP 501 Not Implemented"}, true},
		{http.StatusBadRequest, []string{"uploading the training file", "file too large"}, false},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			var paths []string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				paths = append(paths, r.Method+" "+r.URL.Path)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tt.status)
				fmt.Fprintf(w, `{"error":{"message":"file too large","type":"invalid_request_error"}}`)
			}))
			defer srv.Close()
			c, err := llm.New(llm.Config{BaseURL: srv.URL + "/v1"})
			if err != nil {
				t.Fatal(err)
			}
			ex := []finetune.Example{{Messages: []finetune.Message{{Role: "user", Content: "q"}, {Role: "assistant", Content: "a"}}}}
			job, err := finetune.Start(context.Background(), c, ex, finetune.JobOptions{Model: "gpt-4.1-mini"})
			if job != nil || err == nil {
				t.Fatalf("Start = %v, %v; want no job and an error", job, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if tt.clear && strings.Contains(err.Error(), "check the model name") {
				t.Errorf("error %q gives the generic advice for HTTP 404", err)
			}
			var le *llm.Error
			if !errors.As(err, &le) || le.StatusCode != tt.status {
				t.Errorf("error %q does not wrap the llm error of HTTP %d", err, tt.status)
			}
			if len(paths) != 1 || paths[0] != "POST /v1/files" {
				t.Errorf("requests %v, want only the upload", paths)
			}
		})
	}
}
