package llm

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	openai "github.com/sashabaranov/go-openai"
)

// ListModels returns the ids of the models the server offers (go-openai's ListModels returns the whole
// list objects; use OpenAI().ListModels for those).
func (c *Client) ListModels(ctx context.Context) ([]string, error) {
	list, err := c.oa.ListModels(ctx)
	if err != nil {
		return nil, c.explain("models", err)
	}
	ids := make([]string, len(list.Models))
	for i, m := range list.Models {
		ids[i] = m.ID
	}
	return ids, nil
}

// UploadFile uploads data as a file named name for a purpose ("fine-tune" for training data).
func (c *Client) UploadFile(ctx context.Context, name string, data []byte, purpose string) (openai.File, error) {
	f, err := c.oa.CreateFileBytes(ctx, openai.FileBytesRequest{Name: name, Bytes: data,
		Purpose: openai.PurposeType(purpose)})
	if err != nil {
		return f, c.explain("files", err)
	}
	return f, nil
}

// Files lists the uploaded files.
func (c *Client) Files(ctx context.Context) ([]openai.File, error) {
	list, err := c.oa.ListFiles(ctx)
	if err != nil {
		return nil, c.explain("files", err)
	}
	return list.Files, nil
}

// FileContent downloads the content of a file.
func (c *Client) FileContent(ctx context.Context, id string) ([]byte, error) {
	raw, err := c.oa.GetFileContent(ctx, id)
	if err != nil {
		return nil, c.explain("files", err)
	}
	defer raw.Close()
	data, err := io.ReadAll(raw)
	if err != nil {
		return nil, c.explain("files", fmt.Errorf("reading file %s: %w", id, err))
	}
	return data, nil
}

// DeleteFile deletes a file.
func (c *Client) DeleteFile(ctx context.Context, id string) error {
	return c.explain("files", c.oa.DeleteFile(ctx, id))
}

// CreateFineTuningJob starts a fine-tuning job.
func (c *Client) CreateFineTuningJob(ctx context.Context, req openai.FineTuningJobRequest) (openai.FineTuningJob, error) {
	j, err := c.oa.CreateFineTuningJob(ctx, req)
	if err != nil {
		return j, c.explain("fine-tuning", err)
	}
	return j, nil
}

// FineTuningJob retrieves a fine-tuning job (poll it to follow its status).
func (c *Client) FineTuningJob(ctx context.Context, id string) (openai.FineTuningJob, error) {
	j, err := c.oa.RetrieveFineTuningJob(ctx, id)
	if err != nil {
		return j, c.explain("fine-tuning", err)
	}
	return j, nil
}

// CancelFineTuningJob cancels a fine-tuning job.
func (c *Client) CancelFineTuningJob(ctx context.Context, id string) (openai.FineTuningJob, error) {
	j, err := c.oa.CancelFineTuningJob(ctx, id)
	if err != nil {
		return j, c.explain("fine-tuning", err)
	}
	return j, nil
}

// FineTuningEvents returns the events of a fine-tuning job, newest first (at most limit; 0 means the
// server's default).
func (c *Client) FineTuningEvents(ctx context.Context, id string, limit int) ([]openai.FineTuneEvent, error) {
	var params []openai.ListFineTuningJobEventsParameter
	if limit > 0 {
		params = append(params, openai.ListFineTuningJobEventsWithLimit(limit))
	}
	list, err := c.oa.ListFineTuningJobEvents(ctx, id, params...)
	if err != nil {
		return nil, c.explain("fine-tuning", err)
	}
	return list.Data, nil
}

// FineTuningJobs lists fine-tuning jobs, newest first (at most limit; 0 means the server's default).
// go-openai has no call for this, so the client makes the request itself.
func (c *Client) FineTuningJobs(ctx context.Context, limit int) ([]openai.FineTuningJob, error) {
	u := c.baseURL + "/fine_tuning/jobs"
	if limit > 0 {
		u += "?" + url.Values{"limit": {fmt.Sprint(limit)}}.Encode()
	}
	var list struct {
		Data []openai.FineTuningJob `json:"data"`
	}
	if err := c.getJSON(ctx, "fine-tuning", u, &list); err != nil {
		return nil, err
	}
	return list.Data, nil
}

// GetJSON makes an authenticated GET request to a path of the API, relative to the base URL (such as
// "fine_tuning/jobs/ftjob-abc/events?limit=50"), and decodes the JSON answer into v: for the fields and
// endpoints that go-openai's types lack (a fine-tuning event's type and data, a failed job's error).
func (c *Client) GetJSON(ctx context.Context, path string, v any) error {
	return c.getJSON(ctx, "request", c.baseURL+"/"+strings.TrimLeft(path, "/"), v)
}

// getJSON makes an authenticated GET request and decodes the JSON answer.
func (c *Client) getJSON(ctx context.Context, op, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return c.explain(op, err)
	}
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	if c.orgID != "" {
		req.Header.Set("OpenAI-Organization", c.orgID)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return c.explain(op, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return c.explain(op, err)
	}
	if resp.StatusCode >= 400 {
		var er openai.ErrorResponse
		if json.Unmarshal(body, &er) == nil && er.Error != nil {
			er.Error.HTTPStatus, er.Error.HTTPStatusCode = resp.Status, resp.StatusCode
			return c.explain(op, er.Error)
		}
		return c.explain(op, &openai.RequestError{HTTPStatus: resp.Status, HTTPStatusCode: resp.StatusCode, Body: body})
	}
	if err := json.Unmarshal(body, v); err != nil {
		return c.explain(op, fmt.Errorf("decoding the answer of %s: %w", u, err))
	}
	return nil
}
