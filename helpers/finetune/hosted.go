package finetune

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/helpers/llm"
	"github.com/golm-dev/golm/helpers/plot"
	openai "github.com/sashabaranov/go-openai"
)

// JobOptions configures Start and Run.
type JobOptions struct {
	// Model is the base model to fine-tune (default: the client's default model).
	Model string
	// Suffix is added to the fine-tuned model's name.
	Suffix string
	// Epochs, BatchSize and LearningRateMultiplier are the job's hyperparameters (0: the provider's choice).
	Epochs                 int
	BatchSize              int
	LearningRateMultiplier float64
	// Validation examples are uploaded as the validation file; the provider reports a validation loss.
	Validation []Example
	// Poll is the time between two looks at the job (default 5 s).
	Poll time.Duration
	// Live shows the job as it runs: a status line, and the training and validation loss as a chart
	// that redraws in place.
	Live bool
}

// Step is one metrics event of a job.
type Step struct {
	Step, TotalSteps int
	TrainLoss        float64
	ValidLoss        float64 // 0 when the provider reported none at this step
}

// Event is one event of a job, oldest first.
type Event struct {
	ID, Level, Type, Message string
	CreatedAt                time.Time
}

// Job is a hosted fine-tuning job, followed from this program.
type Job struct {
	ID             string
	Model          string // the base model
	Status         string // validating_files, queued, running, succeeded, failed or cancelled
	FineTunedModel string // the new model's name, once the job has succeeded
	TrainingFile   string
	ValidationFile string
	TrainedTokens  int
	// Error says why the job failed.
	Error string
	// Steps are the metrics reported so far; Events every event.
	Steps  []Step
	Events []Event

	mu     sync.Mutex
	client *llm.Client
	seen   map[string]bool
	poll   time.Duration
	live   *liveView
}

// Start uploads the training examples (and the validation examples) and creates a fine-tuning job on the
// client's server: OpenAI's, or any provider with the same fine-tuning API at its base URL. It returns at
// once; Wait follows the job.
func Start(ctx context.Context, c *llm.Client, train []Example, opts ...JobOptions) (*Job, error) {
	if len(opts) > 1 {
		return nil, fmt.Errorf("finetune.Start: pass at most one JobOptions, got %d", len(opts))
	}
	var o JobOptions
	if len(opts) == 1 {
		o = opts[0]
	}
	if c == nil {
		return nil, errors.New("finetune.Start: no client")
	}
	if o.Model == "" {
		o.Model = c.DefaultModel()
	}
	data, err := JSONL(train)
	if err != nil {
		return nil, err
	}
	tf, err := c.UploadFile(ctx, "train.jsonl", data, "fine-tune")
	if err != nil {
		if status, ok := noFineTuningAPI(err); ok {
			return nil, &noAPIError{base: c.BaseURL(), status: status, err: err}
		}
		return nil, fmt.Errorf("finetune.Start: uploading the training file: %w", err)
	}
	req := openai.FineTuningJobRequest{TrainingFile: tf.ID, Model: o.Model, Suffix: o.Suffix}
	if len(o.Validation) > 0 {
		vdata, err := JSONL(o.Validation)
		if err != nil {
			return nil, err
		}
		vf, err := c.UploadFile(ctx, "validation.jsonl", vdata, "fine-tune")
		if err != nil {
			return nil, fmt.Errorf("finetune.Start: uploading the validation file: %w", err)
		}
		req.ValidationFile = vf.ID
	}
	if o.Epochs > 0 || o.BatchSize > 0 || o.LearningRateMultiplier > 0 {
		h := &openai.Hyperparameters{}
		if o.Epochs > 0 {
			h.Epochs = o.Epochs
		}
		if o.BatchSize > 0 {
			h.BatchSize = o.BatchSize
		}
		if o.LearningRateMultiplier > 0 {
			h.LearningRateMultiplier = o.LearningRateMultiplier
		}
		req.Hyperparameters = h
	}
	j, err := c.CreateFineTuningJob(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("finetune.Start: %w", err)
	}
	job := newJob(c, o)
	job.fromAPI(j.ID, j.Model, j.Status, j.FineTunedModel, j.TrainingFile, j.ValidationFile, j.TrainedTokens)
	return job, nil
}

// noFineTuningAPI reports whether an upload's error says that the server has no files endpoint (HTTP 404,
// 405 or 501: golm serve, llama.cpp's server, Ollama and vLLM answer so), and the status.
func noFineTuningAPI(err error) (int, bool) {
	var le *llm.Error
	if errors.As(err, &le) {
		switch le.StatusCode {
		case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented:
			return le.StatusCode, true
		}
	}
	return 0, false
}

// noAPIError is Start's error for a server without the fine-tuning API.
type noAPIError struct {
	base   string
	status int
	err    error
}

func (e *noAPIError) Error() string {
	return fmt.Sprintf("finetune.Start: the server at %s has no fine-tuning API (it answered HTTP %d %s to the "+
		"upload of the training file): hosted fine-tuning needs a provider that offers OpenAI's files and "+
		"fine-tuning endpoints; local.Model.Train fine-tunes on this machine without one",
		e.base, e.status, http.StatusText(e.status))
}

func (e *noAPIError) Unwrap() error { return e.err }

// Run starts a job and waits for its end: Start, then Wait.
func Run(ctx context.Context, c *llm.Client, train []Example, opts ...JobOptions) (*Job, error) {
	j, err := Start(ctx, c, train, opts...)
	if err != nil {
		return nil, err
	}
	return j, j.Wait(ctx)
}

// Attach follows a job that already exists, by its id (from an earlier Start, or the provider's dashboard).
func Attach(ctx context.Context, c *llm.Client, id string, opts ...JobOptions) (*Job, error) {
	var o JobOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	j := newJob(c, o)
	j.ID = id
	if err := j.Refresh(ctx); err != nil {
		return nil, err
	}
	return j, nil
}

func newJob(c *llm.Client, o JobOptions) *Job {
	if o.Poll <= 0 {
		o.Poll = 5 * time.Second
	}
	j := &Job{client: c, seen: map[string]bool{}, poll: o.Poll}
	if o.Live {
		j.live = &liveView{}
	}
	return j
}

func (j *Job) fromAPI(id, model, status, ft, tf, vf string, tokens int) {
	j.ID, j.Model, j.Status, j.FineTunedModel = id, model, status, ft
	j.TrainingFile, j.ValidationFile, j.TrainedTokens = tf, vf, tokens
}

// Done reports whether the job has ended: succeeded, failed or cancelled.
func (j *Job) Done() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return terminal(j.Status)
}

func terminal(s string) bool { return s == "succeeded" || s == "failed" || s == "cancelled" }

// apiJob is the part of a job object this package reads (go-openai's type has no error).
type apiJob struct {
	ID             string `json:"id"`
	Model          string `json:"model"`
	Status         string `json:"status"`
	FineTunedModel string `json:"fine_tuned_model"`
	TrainingFile   string `json:"training_file"`
	ValidationFile string `json:"validation_file"`
	TrainedTokens  int    `json:"trained_tokens"`
	Error          *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

type apiEvent struct {
	ID        string         `json:"id"`
	CreatedAt int64          `json:"created_at"`
	Level     string         `json:"level"`
	Message   string         `json:"message"`
	Type      string         `json:"type"`
	Data      map[string]any `json:"data"`
}

// Refresh looks at the job once: its status, and the events since the last look.
func (j *Job) Refresh(ctx context.Context) error {
	var a apiJob
	if err := j.client.GetJSON(ctx, "fine_tuning/jobs/"+url.PathEscape(j.ID), &a); err != nil {
		return fmt.Errorf("finetune: job %s: %w", j.ID, err)
	}
	var list struct {
		Data []apiEvent `json:"data"`
	}
	if err := j.client.GetJSON(ctx, "fine_tuning/jobs/"+url.PathEscape(j.ID)+"/events?limit=100", &list); err != nil {
		return fmt.Errorf("finetune: events of job %s: %w", j.ID, err)
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	j.fromAPI(a.ID, a.Model, a.Status, a.FineTunedModel, a.TrainingFile, a.ValidationFile, a.TrainedTokens)
	if a.Error != nil && a.Error.Message != "" {
		j.Error = a.Error.Message
	}
	// Events come newest first; take the new ones oldest first.
	for i := len(list.Data) - 1; i >= 0; i-- {
		e := list.Data[i]
		if j.seen[e.ID] {
			continue
		}
		j.seen[e.ID] = true
		j.Events = append(j.Events, Event{ID: e.ID, Level: e.Level, Type: e.Type, Message: e.Message,
			CreatedAt: time.Unix(e.CreatedAt, 0)})
		if e.Type == "metrics" {
			s := Step{Step: intOf(e.Data["step"]), TotalSteps: intOf(e.Data["total_steps"]),
				TrainLoss: floatOf(e.Data["train_loss"])}
			for _, k := range []string{"full_valid_loss", "valid_loss"} {
				if v := floatOf(e.Data[k]); v > 0 {
					s.ValidLoss = v
					break
				}
			}
			j.Steps = append(j.Steps, s)
			if j.live != nil {
				j.live.step(s)
			}
		}
	}
	if j.live != nil {
		j.live.status(j.statusLocked())
	}
	return nil
}

func intOf(v any) int { return int(floatOf(v)) }

func floatOf(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case json.Number:
		f, _ := x.Float64()
		return f
	}
	return 0
}

// Wait follows the job until it ends, looking every Poll, and returns nil when it succeeded, or an error
// saying why it failed or was cancelled. Interrupting Wait (its context) stops following, not the job: call
// Cancel for that.
func (j *Job) Wait(ctx context.Context) error {
	for {
		if err := j.Refresh(ctx); err != nil {
			return err
		}
		if j.Done() {
			break
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("finetune: stopped following job %s (it goes on; Cancel stops it): %w", j.ID, ctx.Err())
		case <-time.After(j.poll):
		}
	}
	if j.live != nil {
		j.live.flush()
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	switch j.Status {
	case "succeeded":
		return nil
	case "failed":
		return fmt.Errorf("finetune: job %s failed: %s", j.ID, j.Error)
	default:
		return fmt.Errorf("finetune: job %s was %s", j.ID, j.Status)
	}
}

// Cancel cancels the job.
func (j *Job) Cancel(ctx context.Context) error {
	r, err := j.client.CancelFineTuningJob(ctx, j.ID)
	if err != nil {
		return fmt.Errorf("finetune: cancelling job %s: %w", j.ID, err)
	}
	j.mu.Lock()
	j.Status = r.Status
	j.mu.Unlock()
	return j.Refresh(ctx)
}

// Ask asks the fine-tuned model a question (the job must have succeeded); the options' Model is set to it.
func (j *Job) Ask(ctx context.Context, question string, opts ...llm.ChatOptions) (string, error) {
	j.mu.Lock()
	model := j.FineTunedModel
	j.mu.Unlock()
	if model == "" {
		return "", fmt.Errorf("finetune: job %s has no fine-tuned model (status %s)", j.ID, j.Status)
	}
	if len(opts) > 1 {
		return "", fmt.Errorf("finetune: pass at most one ChatOptions, got %d", len(opts))
	}
	var o llm.ChatOptions
	if len(opts) == 1 {
		o = opts[0]
	}
	o.Model = model
	return j.client.Ask(ctx, question, o)
}

// Loss returns the training loss curve so far as a chart (validation loss too, where reported).
func (j *Job) Loss() *plot.Chart {
	j.mu.Lock()
	defer j.mu.Unlock()
	return lossChart(j.Steps)
}

func lossChart(steps []Step) *plot.Chart {
	var xs, ys, vx, vy []float64
	for _, s := range steps {
		xs, ys = append(xs, float64(s.Step)), append(ys, s.TrainLoss)
		if s.ValidLoss > 0 {
			vx, vy = append(vx, float64(s.Step)), append(vy, s.ValidLoss)
		}
	}
	c := plot.Line(xs, ys, plot.Options{Title: "fine-tuning loss", XLabel: "step", YLabel: "loss", Name: "train"})
	if len(vx) > 0 {
		c.Line(vx, vy, "validation")
	}
	return c
}

func (j *Job) statusLocked() string {
	s := fmt.Sprintf("job %s (%s): %s", j.ID, j.Model, j.Status)
	if n := len(j.Steps); n > 0 {
		last := j.Steps[n-1]
		s += fmt.Sprintf(", step %d/%d, training loss %.4f", last.Step, last.TotalSteps, last.TrainLoss)
		if last.ValidLoss > 0 {
			s += fmt.Sprintf(", validation loss %.4f", last.ValidLoss)
		}
	}
	if j.FineTunedModel != "" {
		s += ", model " + j.FineTunedModel
	}
	if j.Error != "" {
		s += ": " + j.Error
	}
	return s
}

// String is the job's status in one line.
func (j *Job) String() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.statusLocked()
}

// HTML renders the status and the last events.
func (j *Job) HTML() string {
	j.mu.Lock()
	defer j.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "<p><b>%s</b></p><ul>", html.EscapeString(j.statusLocked()))
	from := max(0, len(j.Events)-8)
	for _, e := range j.Events[from:] {
		fmt.Fprintf(&b, "<li>%s %s</li>", e.CreatedAt.UTC().Format("15:04:05"), html.EscapeString(e.Message))
	}
	b.WriteString("</ul>")
	return b.String()
}

// liveView is the live display of a job: a status line and a loss chart.
type liveView struct {
	line  *display.Display
	chart *plot.Live
}

// statusLine renders a job's status as a line of Markdown.
type statusLine string

func (s statusLine) Markdown() string { return "`" + string(s) + "`" }

func (v *liveView) status(s string) {
	if v.line == nil {
		v.line = display.New(statusLine(s))
		return
	}
	_ = v.line.Update(statusLine(s))
}

func (v *liveView) step(s Step) {
	if v.chart == nil {
		v.chart = plot.NewLive(plot.Options{Title: "fine-tuning loss", XLabel: "step", YLabel: "loss"})
	}
	_ = v.chart.Add("train", float64(s.Step), s.TrainLoss)
	if s.ValidLoss > 0 {
		_ = v.chart.Add("validation", float64(s.Step), s.ValidLoss)
	}
}

func (v *liveView) flush() {
	if v.chart != nil {
		_ = v.chart.Flush()
	}
}

// ListJobs lists the fine-tuning jobs on the server, newest first, as one line each.
func ListJobs(ctx context.Context, c *llm.Client) ([]string, error) {
	jobs, err := c.FineTuningJobs(ctx, 0)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(jobs))
	for i, j := range jobs {
		out[i] = fmt.Sprintf("%s %s %s", j.ID, j.Status, j.Model)
		if j.FineTunedModel != "" {
			out[i] += " → " + j.FineTunedModel
		}
	}
	return out, nil
}
