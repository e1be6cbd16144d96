package llmtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"time"

	"github.com/golm-dev/golm/helpers/internal/openaiwire"
)

// Fine-tuning job states, in the order a successful job goes through them.
const (
	JobValidatingFiles = "validating_files"
	JobQueued          = "queued"
	JobRunning         = "running"
	JobSucceeded       = "succeeded"
	JobFailed          = "failed"
	JobCancelled       = "cancelled"
)

// MinTrainingExamples is the fewest examples a training file must have, as on OpenAI's API.
const MinTrainingExamples = 10

type jobEvent struct {
	Object    string         `json:"object"`
	ID        string         `json:"id"`
	CreatedAt int64          `json:"created_at"`
	Level     string         `json:"level"`
	Message   string         `json:"message"`
	Data      map[string]any `json:"data"`
	Type      string         `json:"type"`
}

type jobError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Param   string `json:"param"`
}

type job struct {
	id, model, trainingFile, validationFile, suffix string
	createdAt, finishedAt                           int64
	created                                         time.Time
	status                                          string
	step                                            int // transitions made: 0 validating, 1 queued, 2 running, 3 done
	polls                                           int
	fineTunedModel                                  string
	trainedTokens                                   int
	resultFiles                                     []string
	epochs, batchSize                               int
	lrMultiplier                                    float64
	events                                          []jobEvent // oldest first
	err                                             *jobError
}

func (j *job) terminal() bool {
	return j.status == JobSucceeded || j.status == JobFailed || j.status == JobCancelled
}

func (j *job) object() map[string]any {
	o := map[string]any{
		"object": "fine_tuning.job", "id": j.id, "model": j.model, "created_at": j.createdAt,
		"finished_at": nil, "fine_tuned_model": nil, "organization_id": "org-llmtest",
		"result_files": append([]string{}, j.resultFiles...), "status": j.status,
		"validation_file": nil, "training_file": j.trainingFile,
		"hyperparameters": map[string]any{"n_epochs": j.epochs, "batch_size": j.batchSize,
			"learning_rate_multiplier": j.lrMultiplier},
		"trained_tokens": nil, "error": nil, "seed": 42, "estimated_finish": nil, "integrations": []any{},
		"suffix": nil,
	}
	if j.finishedAt != 0 {
		o["finished_at"] = j.finishedAt
	}
	if j.fineTunedModel != "" {
		o["fine_tuned_model"] = j.fineTunedModel
	}
	if j.validationFile != "" {
		o["validation_file"] = j.validationFile
	}
	if j.trainedTokens != 0 {
		o["trained_tokens"] = j.trainedTokens
	}
	if j.err != nil {
		o["error"] = j.err
	}
	if j.suffix != "" {
		o["suffix"] = j.suffix
	}
	return o
}

func (s *Server) eventLocked(j *job, level, typ, msg string, data map[string]any) {
	s.eventSeq++
	if data == nil {
		data = map[string]any{}
	}
	j.events = append(j.events, jobEvent{Object: "fine_tuning.job.event", ID: fmt.Sprintf("ftevent-%06d", s.eventSeq),
		CreatedAt: s.nowFunc().Unix(), Level: level, Message: msg, Data: data, Type: typ})
}

// advanceLocked moves a job through its life cycle: one state per poll, or per Config.JobStepEvery.
func (s *Server) advanceLocked(j *job) {
	target := j.polls
	if s.jobStep > 0 {
		target = int(s.nowFunc().Sub(j.created) / s.jobStep)
	}
	for !j.terminal() && j.step < target {
		j.step++
		switch j.status {
		case JobValidatingFiles:
			if err := s.validateTrainingLocked(j); err != nil {
				j.status = JobFailed
				j.err = err
				j.finishedAt = s.nowFunc().Unix()
				s.eventLocked(j, "error", "message", "Training file validation failed: "+err.Message, nil)
				continue
			}
			j.status = JobQueued
			s.eventLocked(j, "info", "message", "Files validated, moving job to queued state", nil)
		case JobQueued:
			j.status = JobRunning
			s.eventLocked(j, "info", "message", "Fine-tuning job started", nil)
		case JobRunning:
			s.finishLocked(j)
		}
	}
}

// validateTrainingLocked checks that the training file is JSONL of chat ("messages") or prompt/completion
// examples, at least MinTrainingExamples of them, and counts its tokens (words) into j.trainedTokens.
func (s *Server) validateTrainingLocked(j *job) *jobError {
	fail := func(format string, args ...any) *jobError {
		return &jobError{Code: "invalid_training_file", Param: "training_file", Message: fmt.Sprintf(format, args...)}
	}
	f := s.files[j.trainingFile]
	if f == nil {
		return fail("The training file %s was deleted.", j.trainingFile)
	}
	sc := bufio.NewScanner(bytes.NewReader(f.Data))
	sc.Buffer(make([]byte, 1<<20), maxBody)
	examples, words, line := 0, 0, 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		var ex struct {
			Messages []struct {
				Role    string             `json:"role"`
				Content openaiwire.Content `json:"content"`
			} `json:"messages"`
			Prompt     *string `json:"prompt"`
			Completion *string `json:"completion"`
		}
		if err := json.Unmarshal([]byte(text), &ex); err != nil {
			return fail("Line %d of %s is not valid JSON: %v.", line, f.Filename, err)
		}
		switch {
		case len(ex.Messages) > 0:
			assistant := false
			for _, m := range ex.Messages {
				switch m.Role {
				case "system", "user", "assistant", "tool", "developer":
				default:
					return fail("Line %d of %s: a message has the role %q.", line, f.Filename, m.Role)
				}
				assistant = assistant || m.Role == "assistant"
				words += countWords(m.Content.Text)
			}
			if !assistant {
				return fail("Line %d of %s has no assistant message to learn from.", line, f.Filename)
			}
		case ex.Prompt != nil && ex.Completion != nil:
			words += countWords(*ex.Prompt) + countWords(*ex.Completion)
		default:
			return fail("Line %d of %s has neither \"messages\" nor \"prompt\" and \"completion\".", line, f.Filename)
		}
		examples++
	}
	if err := sc.Err(); err != nil {
		return fail("Reading %s: %v.", f.Filename, err)
	}
	if examples < MinTrainingExamples {
		return fail("Training file %s has %d example(s), but must have at least %d examples.", f.Filename,
			examples, MinTrainingExamples)
	}
	j.trainedTokens = words * j.epochs
	return nil
}

func (s *Server) finishLocked(j *job) {
	steps := 5
	for i := 1; i <= steps; i++ {
		loss := round4(2.5 * math.Exp(-float64(i)/2))
		s.eventLocked(j, "info", "metrics", fmt.Sprintf("Step %d/%d: training loss=%.4f", i, steps, loss),
			map[string]any{"step": i, "total_steps": steps, "train_loss": loss})
	}
	short := strings.TrimPrefix(j.id, "ftjob-")
	j.fineTunedModel = fmt.Sprintf("ft:%s:llmtest:%s:%s", j.model, j.suffix, short)
	var csv strings.Builder
	csv.WriteString("step,train_loss,train_accuracy\n")
	for i := 1; i <= steps; i++ {
		fmt.Fprintf(&csv, "%d,%.4f,%.2f\n", i, 2.5*math.Exp(-float64(i)/2), 0.5+0.09*float64(i))
	}
	res := s.addFileLocked("step_metrics.csv", "fine-tune-results", []byte(csv.String()))
	j.resultFiles = []string{res.ID}
	j.status = JobSucceeded
	j.finishedAt = s.nowFunc().Unix()
	s.models = append(s.models, j.fineTunedModel)
	s.eventLocked(j, "info", "message", "New fine-tuned model created: "+j.fineTunedModel, nil)
	s.eventLocked(j, "info", "message", "The job has successfully completed", nil)
}

type jobRequest struct {
	Model           string `json:"model"`
	TrainingFile    string `json:"training_file"`
	ValidationFile  string `json:"validation_file"`
	Suffix          string `json:"suffix"`
	Hyperparameters *struct {
		Epochs       any `json:"n_epochs"`
		BatchSize    any `json:"batch_size"`
		LRMultiplier any `json:"learning_rate_multiplier"`
	} `json:"hyperparameters"`
}

func numberOr(v any, def float64) float64 {
	if f, ok := v.(float64); ok && f > 0 {
		return f
	}
	return def
}

func (s *Server) handleCreateJob(w http.ResponseWriter, r *http.Request) {
	var req jobRequest
	if !decoder.Decode(w, r, &req) {
		return
	}
	bad := func(param, format string, args ...any) {
		openaiwire.WriteError(w, http.StatusBadRequest, openaiwire.Invalid(format, args...).WithParam(param))
	}
	if req.Model == "" {
		bad("model", "Missing required parameter: 'model'.")
		return
	}
	if req.TrainingFile == "" {
		bad("training_file", "Missing required parameter: 'training_file'.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range []string{req.TrainingFile, req.ValidationFile} {
		if id == "" {
			continue
		}
		f := s.files[id]
		if f == nil {
			bad("training_file", "invalid training_file: %s (no such file)", id)
			return
		}
		if f.Purpose != "fine-tune" {
			bad("training_file", "File %s has purpose %q; fine-tuning needs purpose \"fine-tune\".", id, f.Purpose)
			return
		}
	}
	j := &job{
		id: s.nextIDLocked("ftjob-"), model: req.Model, trainingFile: req.TrainingFile,
		validationFile: req.ValidationFile, suffix: req.Suffix, created: s.nowFunc(), status: JobValidatingFiles,
		epochs: 3, batchSize: 1, lrMultiplier: 1.8,
	}
	j.createdAt = j.created.Unix()
	if h := req.Hyperparameters; h != nil {
		j.epochs = int(numberOr(h.Epochs, 3))
		j.batchSize = int(numberOr(h.BatchSize, 1))
		j.lrMultiplier = numberOr(h.LRMultiplier, 1.8)
	}
	s.jobs[j.id] = j
	s.jobOrder = append(s.jobOrder, j.id)
	s.eventLocked(j, "info", "message", "Created fine-tuning job: "+j.id, nil)
	s.eventLocked(j, "info", "message", "Validating training file: "+j.trainingFile, nil)
	openaiwire.WriteJSON(w, http.StatusOK, j.object())
}

// lookupJobLocked answers 404 and returns nil when the job does not exist.
func (s *Server) lookupJobLocked(w http.ResponseWriter, id string) *job {
	j := s.jobs[id]
	if j == nil {
		openaiwire.WriteError(w, http.StatusNotFound,
			openaiwire.Invalid("No such fine-tuning job: %s", id).WithParam("fine_tuning_job_id"))
	}
	return j
}

func (s *Server) handleGetJob(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.lookupJobLocked(w, r.PathValue("id"))
	if j == nil {
		return
	}
	j.polls++
	s.advanceLocked(j)
	openaiwire.WriteJSON(w, http.StatusOK, j.object())
}

func (s *Server) handleListJobs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := queryInt(q, "limit", 20)
	after := q.Get("after")
	s.mu.Lock()
	defer s.mu.Unlock()
	data := []map[string]any{}
	skipping := after != ""
	more := false
	for i := len(s.jobOrder) - 1; i >= 0; i-- { // newest first
		j := s.jobs[s.jobOrder[i]]
		if skipping {
			skipping = j.id != after
			continue
		}
		if len(data) == limit {
			more = true
			break
		}
		s.advanceLocked(j)
		data = append(data, j.object())
	}
	openaiwire.WriteJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data, "has_more": more})
}

func (s *Server) handleJobEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := queryInt(q, "limit", 20)
	after := q.Get("after")
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.lookupJobLocked(w, r.PathValue("id"))
	if j == nil {
		return
	}
	s.advanceLocked(j)
	data := []jobEvent{}
	skipping := after != ""
	more := false
	for i := len(j.events) - 1; i >= 0; i-- { // newest first
		e := j.events[i]
		if skipping {
			skipping = e.ID != after
			continue
		}
		if len(data) == limit {
			more = true
			break
		}
		data = append(data, e)
	}
	openaiwire.WriteJSON(w, http.StatusOK, map[string]any{"object": "list", "data": data, "has_more": more})
}

func (s *Server) handleCancelJob(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.lookupJobLocked(w, r.PathValue("id"))
	if j == nil {
		return
	}
	s.advanceLocked(j)
	if j.terminal() {
		openaiwire.WriteError(w, http.StatusBadRequest,
			openaiwire.Invalid("Job %s has already completed (status %s).", j.id, j.status))
		return
	}
	j.status = JobCancelled
	j.finishedAt = s.nowFunc().Unix()
	s.eventLocked(j, "info", "message", "Fine-tuning job cancelled", nil)
	openaiwire.WriteJSON(w, http.StatusOK, j.object())
}

// JobStatus returns the status of a fine-tuning job without advancing it, and whether it exists.
func (s *Server) JobStatus(id string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[id]
	if j == nil {
		return "", false
	}
	return j.status, true
}
