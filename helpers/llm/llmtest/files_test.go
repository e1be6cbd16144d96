package llmtest_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golm-dev/golm/helpers/llm/llmtest"
	openai "github.com/sashabaranov/go-openai"
)

// trainingData returns n chat examples in JSONL.
func trainingData(n int) []byte {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"messages":[{"role":"system","content":"SQL"},{"role":"user","content":"q%d"},`+
			`{"role":"assistant","content":"SELECT %d"}]}`+"\n", i, i)
	}
	return []byte(b.String())
}

func TestFiles(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	c := newClient(s, "")
	ctx := context.Background()
	f, err := c.CreateFileBytes(ctx, openai.FileBytesRequest{Name: "train.jsonl", Bytes: []byte("hello\n"),
		Purpose: openai.PurposeFineTune})
	if err != nil {
		t.Fatal(err)
	}
	if f.ID == "" || f.Bytes != 6 || f.FileName != "train.jsonl" || f.Purpose != "fine-tune" || f.Object != "file" {
		t.Errorf("file %+v", f)
	}
	list, err := c.ListFiles(ctx)
	if err != nil || len(list.Files) != 1 || list.Files[0].ID != f.ID {
		t.Errorf("list %+v %v", list, err)
	}
	got, err := c.GetFile(ctx, f.ID)
	if err != nil || got.FileName != "train.jsonl" {
		t.Errorf("get %+v %v", got, err)
	}
	raw, err := c.GetFileContent(ctx, f.ID)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(raw)
	raw.Close()
	if string(data) != "hello\n" {
		t.Errorf("content %q", data)
	}
	if d, ok := s.FileData(f.ID); !ok || string(d) != "hello\n" {
		t.Errorf("FileData %q %v", d, ok)
	}
	if err := c.DeleteFile(ctx, f.ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.GetFile(ctx, f.ID)
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 404 {
		t.Errorf("get after delete: %v", err)
	}
	if err := c.DeleteFile(ctx, "file-nope"); err == nil {
		t.Error("deleting a missing file succeeded")
	}
	// An upload without a purpose is refused.
	resp, err := http.Post(s.URL+"/files", "multipart/form-data; boundary=x", strings.NewReader("--x--\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("upload without purpose: %d", resp.StatusCode)
	}
}

func TestFineTuningLifeCycle(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	c := newClient(s, "")
	ctx := context.Background()
	f, err := c.CreateFileBytes(ctx, openai.FileBytesRequest{Name: "sql.jsonl", Bytes: trainingData(12),
		Purpose: openai.PurposeFineTune})
	if err != nil {
		t.Fatal(err)
	}
	job, err := c.CreateFineTuningJob(ctx, openai.FineTuningJobRequest{TrainingFile: f.ID, Model: "gpt-4o-mini-2024-07-18",
		Suffix: "sql"})
	if err != nil {
		t.Fatal(err)
	}
	if job.Status != llmtest.JobValidatingFiles || job.Object != "fine_tuning.job" || job.FineTunedModel != "" {
		t.Fatalf("new job %+v", job)
	}
	for i, want := range []string{llmtest.JobQueued, llmtest.JobRunning, llmtest.JobSucceeded, llmtest.JobSucceeded} {
		job, err = c.RetrieveFineTuningJob(ctx, job.ID)
		if err != nil {
			t.Fatal(err)
		}
		if job.Status != want {
			t.Fatalf("poll %d: status %q, want %q", i+1, job.Status, want)
		}
	}
	wantModel := "ft:gpt-4o-mini-2024-07-18:llmtest:sql:" + strings.TrimPrefix(job.ID, "ftjob-")
	if job.FineTunedModel != wantModel || job.FinishedAt == 0 || len(job.ResultFiles) != 1 || job.TrainedTokens == 0 {
		t.Errorf("finished job %+v", job)
	}
	if st, ok := s.JobStatus(job.ID); !ok || st != llmtest.JobSucceeded {
		t.Errorf("JobStatus %q %v", st, ok)
	}
	// The result file exists, the model is listed and answers chat requests.
	if _, err := c.GetFile(ctx, job.ResultFiles[0]); err != nil {
		t.Error(err)
	}
	models, _ := c.ListModels(ctx)
	found := false
	for _, m := range models.Models {
		found = found || m.ID == wantModel
	}
	if !found {
		t.Errorf("%s not listed", wantModel)
	}
	if _, err := c.CreateChatCompletion(ctx, chatReq(wantModel, user("x"))); err != nil {
		t.Error(err)
	}
	// Events, newest first, with limits.
	events, err := c.ListFineTuningJobEvents(ctx, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(events.Data); n < 5 || events.Data[0].Message != "The job has successfully completed" ||
		!strings.HasPrefix(events.Data[n-1].Message, "Created fine-tuning job") {
		t.Errorf("events %+v", events.Data)
	}
	events, err = c.ListFineTuningJobEvents(ctx, job.ID, openai.ListFineTuningJobEventsWithLimit(2))
	if err != nil || len(events.Data) != 2 || !events.HasMore {
		t.Errorf("limited events %+v %v", events, err)
	}
	// Cancelling a finished job fails.
	if _, err := c.CancelFineTuningJob(ctx, job.ID); err == nil {
		t.Error("cancelled a finished job")
	}
}

func TestFineTuningFailuresAndCancel(t *testing.T) {
	s := llmtest.NewServer()
	defer s.Close()
	c := newClient(s, "")
	ctx := context.Background()
	upload := func(data []byte, purpose openai.PurposeType) string {
		f, err := c.CreateFileBytes(ctx, openai.FileBytesRequest{Name: "d.jsonl", Bytes: data, Purpose: purpose})
		if err != nil {
			t.Fatal(err)
		}
		return f.ID
	}
	// Creation errors.
	for name, req := range map[string]openai.FineTuningJobRequest{
		"no model":      {TrainingFile: upload(trainingData(10), openai.PurposeFineTune)},
		"no such file":  {TrainingFile: "file-nope", Model: "m"},
		"wrong purpose": {TrainingFile: upload(trainingData(10), openai.PurposeAssistants), Model: "m"},
	} {
		if _, err := c.CreateFineTuningJob(ctx, req); err == nil {
			t.Errorf("%s: created", name)
		}
	}
	// Invalid training files fail at validation, with a reason.
	for name, tc := range map[string]struct {
		data []byte
		want string
	}{
		"too few":      {trainingData(3), "at least 10"},
		"not json":     {append(trainingData(10), "nope\n"...), "not valid JSON"},
		"no assistant": {[]byte(strings.Repeat(`{"messages":[{"role":"user","content":"q"}]}`+"\n", 10)), "no assistant"},
	} {
		job, err := c.CreateFineTuningJob(ctx, openai.FineTuningJobRequest{TrainingFile: upload(tc.data,
			openai.PurposeFineTune), Model: "m"})
		if err != nil {
			t.Fatal(err)
		}
		job, err = c.RetrieveFineTuningJob(ctx, job.ID)
		if err != nil {
			t.Fatal(err)
		}
		if job.Status != llmtest.JobFailed {
			t.Errorf("%s: status %q", name, job.Status)
		}
		ev, _ := c.ListFineTuningJobEvents(ctx, job.ID)
		if len(ev.Data) == 0 || !strings.Contains(ev.Data[0].Message, tc.want) {
			t.Errorf("%s: events %+v", name, ev.Data)
		}
	}
	// Prompt/completion examples are valid too; cancel a running job.
	var pc strings.Builder
	for range 10 {
		pc.WriteString(`{"prompt":"a b","completion":"c"}` + "\n")
	}
	job, err := c.CreateFineTuningJob(ctx, openai.FineTuningJobRequest{TrainingFile: upload([]byte(pc.String()),
		openai.PurposeFineTune), Model: "babbage-002"})
	if err != nil {
		t.Fatal(err)
	}
	if job, err = c.CancelFineTuningJob(ctx, job.ID); err != nil || job.Status != llmtest.JobCancelled {
		t.Errorf("cancel: %+v %v", job, err)
	}
	if _, err := c.RetrieveFineTuningJob(ctx, "ftjob-nope"); err == nil {
		t.Error("retrieved a missing job")
	}
	// List, newest first, with a limit.
	resp, err := http.Get(s.URL + "/fine_tuning/jobs?limit=2")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
		HasMore bool `json:"has_more"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil || len(list.Data) != 2 || !list.HasMore ||
		list.Data[0].ID != job.ID {
		t.Errorf("list %+v %v", list, err)
	}
}

func TestFineTuningByTime(t *testing.T) {
	s := llmtest.NewServerConfig(llmtest.Config{JobStepEvery: 20 * time.Millisecond})
	defer s.Close()
	c := newClient(s, "")
	ctx := context.Background()
	id := s.AddFile("t.jsonl", "fine-tune", trainingData(10))
	job, err := c.CreateFineTuningJob(ctx, openai.FineTuningJobRequest{TrainingFile: id, Model: "gpt-4o-mini"})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	// Time, not polls, moves the job: one retrieval after enough time sees it finished.
	if job, err = c.RetrieveFineTuningJob(ctx, job.ID); err != nil || job.Status != llmtest.JobSucceeded {
		t.Errorf("job %+v %v", job, err)
	}
}

const scriptJSON = `{
  "api_key": "sk-script-key-123",
  "unmatched": "echo",
  "embedding_dim": 8,
  "job_step_every": "1s",
  "models": ["local-model"],
  "rules": [
    {"times": 1, "reply": {"status": 429, "retry_after": "1"}},
    {"contains": "What is money?", "reply": {"text": "Money, mate, is like a ..."}},
    {"contains": "6+3", "last_role": "user",
     "reply": {"tool_calls": [{"name": "sums", "arguments": {"a": 6, "b": 3}}, {"name": "x", "arguments": "{}"}]}},
    {"last_role": "tool", "reply": {"text": "6 + 3 = 9", "delay": 0.01}},
    {"model": "gpt-4o", "replies": [{"text": "first"}, {"text": "second"}]},
    {"contains": "story", "reply": {"text": "Once upon a time", "chunk_delay": "50ms", "drop_after": 2}}
  ]
}`

func TestLoadConfig(t *testing.T) {
	cfg, err := llmtest.LoadConfig(strings.NewReader(scriptJSON))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.APIKey != "sk-script-key-123" || cfg.EmbeddingDim != 8 || cfg.JobStepEvery != time.Second ||
		len(cfg.Rules) != 6 || cfg.Models[0] != "local-model" {
		t.Fatalf("config %+v", cfg)
	}
	if tc := cfg.Rules[2].Reply.ToolCalls; tc[0].Arguments != `{"a":6,"b":3}` || tc[1].Arguments != "{}" {
		t.Errorf("tool calls %+v", tc)
	}
	if r := cfg.Rules[3].Reply; r.Delay != 10*time.Millisecond {
		t.Errorf("delay %v", r.Delay)
	}
	if r := cfg.Rules[5].Reply; r.ChunkDelay != 50*time.Millisecond || r.DropAfter != 2 {
		t.Errorf("story reply %+v", r)
	}
	// The JSON form round-trips.
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg2, err := llmtest.LoadConfig(strings.NewReader(string(b)))
	if err != nil {
		t.Fatalf("reloading %s: %v", b, err)
	}
	if cfg2.JobStepEvery != time.Second || cfg2.Rules[5].Reply.ChunkDelay != 50*time.Millisecond {
		t.Errorf("round trip %+v", cfg2)
	}

	for name, bad := range map[string]string{
		"unknown field":     `{"rules": [{"contians": "x", "reply": {"text": "y"}}]}`,
		"unknown top field": `{"rulez": []}`,
		"bad regexp":        `{"rules": [{"regexp": "(", "reply": {"text": "y"}}]}`,
		"no reply":          `{"rules": [{"contains": "x"}]}`,
		"bad endpoint":      `{"rules": [{"endpoint": "chats", "reply": {"text": "y"}}]}`,
		"bad unmatched":     `{"unmatched": "ignore"}`,
		"bad delay":         `{"rules": [{"reply": {"text": "y", "delay": "soon"}}]}`,
		"bad status":        `{"rules": [{"reply": {"status": 42}}]}`,
		"bad arguments":     `{"rules": [{"reply": {"tool_calls": [{"name": "f", "arguments": "{"}]}}]}`,
		"nameless tool":     `{"rules": [{"reply": {"tool_calls": [{"arguments": "{}"}]}}]}`,
		"not json":          `rules:`,
	} {
		if _, err := llmtest.LoadConfig(strings.NewReader(bad)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := llmtest.LoadConfigFile(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("missing file accepted")
	}
	if _, err := llmtest.Listen("127.0.0.1:0", llmtest.Config{Unmatched: "nope"}); err == nil {
		t.Error("Listen accepted an invalid config")
	}
}

func TestServeScript(t *testing.T) {
	path := filepath.Join(t.TempDir(), "script.json")
	if err := os.WriteFile(path, []byte(scriptJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	errc := make(chan error, 1)
	go func() { errc <- llmtest.Serve(ctx, "127.0.0.1:0", path, pw); pw.Close() }()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	go io.Copy(io.Discard, pr)
	base, ok := strings.CutPrefix(strings.TrimSpace(line), "OPENAI_BASE_URL=")
	if !ok || !strings.HasPrefix(base, "http://127.0.0.1:") || !strings.HasSuffix(base, "/v1") {
		t.Fatalf("line %q", line)
	}
	cfg := openai.DefaultConfig("sk-script-key-123")
	cfg.BaseURL = base
	c := openai.NewClientWithConfig(cfg)
	// The script's first reply is a 429; go-openai does not retry, so it sees it.
	_, err = c.CreateChatCompletion(ctx, chatReq("m", user("What is money?")))
	var apiErr *openai.APIError
	if !errors.As(err, &apiErr) || apiErr.HTTPStatusCode != 429 {
		t.Errorf("first call: %v", err)
	}
	resp, err := c.CreateChatCompletion(ctx, chatReq("m", user("What is money?")))
	if err != nil || resp.Choices[0].Message.Content != "Money, mate, is like a ..." {
		t.Errorf("second call: %+v %v", resp, err)
	}
	emb, err := c.CreateEmbeddings(ctx, openai.EmbeddingRequest{Input: "x", Model: openai.SmallEmbedding3})
	if err != nil || len(emb.Data[0].Embedding) != 8 {
		t.Errorf("embedding: %v", err)
	}
	cancel()
	select {
	case err := <-errc:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if err := llmtest.Serve(context.Background(), "127.0.0.1:0", filepath.Join(t.TempDir(), "nope.json"), nil); err == nil {
		t.Error("Serve with a missing script succeeded")
	}
}

func TestListenAddress(t *testing.T) {
	s, err := llmtest.Listen("", llmtest.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Errorf("URL %q", s.URL)
	}
	resp, err := http.Get(s.URL + "/models")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
	if _, err := llmtest.Listen("256.0.0.1:0", llmtest.Config{}); err == nil {
		t.Error("listened on an impossible address")
	}
}
