//go:build llama

package local

/*
#include <stdlib.h>
#include "llama_binding.h"
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"unsafe"
)

// embeddingContext returns the context for embeddings, creating it on first use.
func (m *Model) embeddingContext() (*C.struct_llama_context, int, error) {
	n := int(C.llama_model_n_ctx_train(m.model))
	if n <= 0 || n > 8192 {
		n = 8192
	}
	if m.ectx != nil {
		return m.ectx, int(C.llama_n_ctx(m.ectx)), nil
	}
	pooling := m.opts.Pooling
	if pooling == "" {
		pooling = m.meta.Pooling
	}
	ptype := C.int32_t(C.LLAMA_POOLING_TYPE_MEAN)
	switch pooling {
	case "cls":
		ptype = C.LLAMA_POOLING_TYPE_CLS
	case "last":
		ptype = C.LLAMA_POOLING_TYPE_LAST
	}
	if pooling != "" && pooling == m.meta.Pooling {
		ptype = C.LLAMA_POOLING_TYPE_UNSPECIFIED // the model's own, as llama.cpp reads it
	}
	m.ectx = C.golm_new_context(m.model, C.uint32_t(n), C.uint32_t(n), C.uint32_t(n), C.int32_t(m.threads),
		C.int32_t(m.threads), true, ptype, m.state)
	if m.ectx == nil {
		return nil, 0, withReason(errors.New("local: creating the embedding context failed"))
	}
	return m.ectx, int(C.llama_n_ctx(m.ectx)), nil
}

// embed returns the normalised embeddings of texts (see Embed).
func (m *Model) embed(ctx context.Context, texts []string) ([][]float32, error) {
	end, err := m.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	ectx, n, err := m.embeddingContext()
	if err != nil {
		return nil, err
	}
	e := &embedder{m: m, ectx: ectx, n: n, width: int(C.llama_model_n_embd(m.model)),
		encoder: bool(C.llama_model_has_encoder(m.model)) && !bool(C.llama_model_has_decoder(m.model)),
		mem:     C.llama_get_memory(ectx),
		// The embedding context evaluates a whole text in one batch, which may be larger than m.batch.
		batch: C.llama_batch_init(C.int32_t(n), 0, 1)}
	defer C.llama_batch_free(e.batch)
	out := make([][]float32, 0, len(texts))
	for i, text := range texts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		v, err := e.embed(ctx, i, text)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// embedder is the state of one call of embed.
type embedder struct {
	m       *Model
	ectx    *C.struct_llama_context
	n       int // the most tokens of one text
	width   int // the embedding's dimensions
	encoder bool
	mem     C.llama_memory_t
	batch   C.struct_llama_batch
}

// embed returns the normalised embedding of texts[i].
func (e *embedder) embed(ctx context.Context, i int, text string) ([]float32, error) {
	m := e.m
	toks, err := m.tokenize(text, true)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("local: text %d is empty", i)
	}
	if len(toks) > e.n {
		return nil, fmt.Errorf("local: text %d has %d tokens, more than the %d the model embeds at once: split it",
			i, len(toks), e.n)
	}
	if e.mem != nil {
		C.llama_memory_clear(e.mem, true)
	}
	C.golm_batch_set(&e.batch, &toks[0], C.int32_t(len(toks)), 0, true)
	var r C.int32_t
	if e.encoder {
		r = C.golm_encode(e.ectx, e.batch, m.state)
	} else {
		r = C.golm_decode(e.ectx, e.batch, m.state)
	}
	if r != 0 {
		if r == 2 || ctx.Err() != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, ErrClosed
		}
		return nil, withReason(fmt.Errorf("local: evaluating text %d for its embedding failed (%d)", i, int(r)))
	}
	p := C.llama_get_embeddings_seq(e.ectx, 0)
	if p == nil {
		return nil, withReason(errors.New("local: the model returned no pooled embedding"))
	}
	v := make([]float32, e.width)
	copy(v, unsafe.Slice((*float32)(unsafe.Pointer(p)), e.width))
	normalize(v)
	return v, nil
}
