package llm

import (
	"context"
	"fmt"
	"github.com/golm-dev/golm/helpers/internal/options"
	"math"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// maxEmbeddingBatch is the most inputs OpenAI accepts in one embeddings request.
const maxEmbeddingBatch = 2048

// CreateEmbeddings sends an embeddings request as it is, with retries and usage accounting: go-openai's call
// of the same name, through this client. An empty Model means the client's embedding model.
func (c *Client) CreateEmbeddings(ctx context.Context, req openai.EmbeddingRequest) (openai.EmbeddingResponse, error) {
	if req.Model == "" {
		req.Model = openai.EmbeddingModel(c.embeddingModel)
	}
	start := time.Now()
	resp, err := c.oa.CreateEmbeddings(ctx, req)
	if err != nil {
		return resp, c.explain("embed", err)
	}
	c.record("embed", orDefault(string(resp.Model), string(req.Model)), resp.Usage, time.Since(start))
	return resp, nil
}

// EmbedOptions are the settings of Embed. The zero value means the client's embedding model and the model's
// own number of dimensions.
type EmbedOptions struct {
	// Model is the embedding model; empty means the client's default (DefaultEmbeddingModel).
	Model string
	// Dimensions asks models that support it (text-embedding-3-*) for shorter vectors; 0 means the model's
	// own size.
	Dimensions int
}

// Embed returns the embedding vectors of texts, in order. Options are optional. Large inputs are sent in
// batches of 2048 texts.
//
//	vecs, err := client.Embed(ctx, []string{"What is money?", "Money is a medium of exchange."})
//	llm.Cosine(vecs[0], vecs[1])
func (c *Client) Embed(ctx context.Context, texts []string, opts ...EmbedOptions) ([][]float32, error) {
	o, err := options.One("llm: Embed", opts)
	if err != nil {
		return nil, err
	}
	model := orDefault(o.Model, c.embeddingModel)
	out := make([][]float32, 0, len(texts))
	for start := 0; start < len(texts); start += maxEmbeddingBatch {
		batch := texts[start:min(start+maxEmbeddingBatch, len(texts))]
		resp, err := c.CreateEmbeddings(ctx, openai.EmbeddingRequest{Input: batch,
			Model: openai.EmbeddingModel(model), Dimensions: o.Dimensions})
		if err != nil {
			return nil, err
		}
		vecs := make([][]float32, len(batch))
		for _, d := range resp.Data {
			if d.Index < 0 || d.Index >= len(batch) {
				return nil, &Error{Op: "embed", Message: fmt.Sprintf("the server returned an embedding for "+
					"input %d of a batch of %d", d.Index, len(batch))}
			}
			vecs[d.Index] = d.Embedding
		}
		for i, v := range vecs {
			if v == nil {
				return nil, &Error{Op: "embed", Message: fmt.Sprintf("the server returned no embedding for "+
					"input %d", start+i)}
			}
		}
		out = append(out, vecs...)
	}
	return out, nil
}

// Cosine returns the cosine similarity of two vectors: 1 for the same direction, 0 for unrelated ones. It
// returns 0 when the lengths differ or a vector is zero.
func Cosine(a, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}
