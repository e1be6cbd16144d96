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
	"math"
	"time"
)

// decode evaluates tokens at positions from pos on, in batches; with allLogits every token produces output.
func (m *Model) decode(lctx *C.struct_llama_context, toks []C.llama_token, pos int, allLogits bool) error {
	for i := 0; i < len(toks); i += m.nBatch {
		n := min(m.nBatch, len(toks)-i)
		C.golm_batch_set(&m.batch, &toks[i], C.int32_t(n), C.int32_t(pos+i), C.bool(allLogits))
		switch r := C.golm_decode(lctx, m.batch, m.state); {
		case r == 0:
		case r == 2:
			return errAborted
		case r == 1:
			return errors.New("local: no room in the KV cache for the batch")
		default:
			return withReason(fmt.Errorf("local: llama_decode failed (%d)", int(r)))
		}
	}
	return nil
}

// errAborted is decode's error when llama.cpp aborted the computation (see Model.watch).
var errAborted = errors.New("local: computation aborted")

// generate continues prompt, the engine of Complete, Chat, Ask and NextTokens: stops are the stop strings, chat
// trims white space at the start of the answer, and onText (when not nil) receives each piece of text as it is
// generated. It evaluates the prompt (reusing the cached prefix of the previous call), then samples one token
// at a time until a stop condition, and returns the result so far with any error.
func (m *Model) generate(ctx context.Context, prompt string, opts GenerateOptions, stops []string,
	chat bool, onText func(string) error) (res *Result, err error) {
	start := time.Now()
	end, err := m.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	if err := m.checkGenerative(); err != nil {
		return nil, err
	}
	toks, err := m.preparePrompt(prompt, opts)
	if err != nil {
		return nil, err
	}
	if len(toks) >= m.nCtx {
		return nil, fmt.Errorf("local: the prompt has %d tokens, which does not leave room in the context of %d: "+
			"load the model with a larger Options.ContextSize", len(toks), m.nCtx)
	}
	g := &generation{m: m, ctx: ctx, opts: opts, start: start, res: &Result{PromptTokens: len(toks)},
		text: newTextStream(stops, chat), onText: onText}
	defer g.cleanUp(&err)
	if err := g.evalPrompt(toks); err != nil {
		return g.res, err
	}
	smpl := m.newSampler(opts, toks)
	defer C.llama_sampler_free(smpl)
	defer g.finishResult()
	return g.res, g.sample(smpl)
}

// checkGenerative refuses an embedding model, which cannot generate text.
func (m *Model) checkGenerative() error {
	switch m.meta.Pooling {
	case "mean", "cls", "last", "rank":
		return fmt.Errorf("local: %s is an embedding model (its metadata sets %s pooling): use Embed, "+
			"and a generative model for text", m.Name(), m.meta.Pooling)
	}
	return nil
}

// generation is the state of one call of generate.
type generation struct {
	m      *Model
	ctx    context.Context
	opts   GenerateOptions
	res    *Result
	text   *textStream        // the text so far, with stop strings found and incomplete characters held back
	onText func(string) error // receives each piece of text; nil: not streamed

	start, promptDone time.Time
	// dirty is set while a decode runs: if it fails or is aborted, the KV cache may hold part of a batch.
	dirty bool
}

// cleanUp runs when generate returns: it clears a KV cache a failed decode left dirty, and turns an aborted
// computation into the reason it was aborted (the closing model or ctx's error).
func (g *generation) cleanUp(err *error) {
	m := g.m
	if g.dirty {
		C.llama_memory_clear(C.llama_get_memory(m.ctx), true)
		m.past = nil
	}
	if errors.Is(*err, errAborted) {
		if m.closing.Load() {
			*err = ErrClosed
		} else if g.ctx.Err() != nil {
			*err = g.ctx.Err()
		}
		g.res.StopReason = StopCancelled
	}
}

// evalPrompt evaluates the prompt's tokens after the prefix the KV cache already holds from the previous call
// (a shared prefix, such as the earlier turns of a chat).
func (g *generation) evalPrompt(toks []C.llama_token) error {
	m := g.m
	keep := m.reuseCache(toks)
	g.res.CachedTokens = keep
	if err := g.decode(toks[keep:], keep); err != nil {
		return err
	}
	g.promptDone = time.Now()
	g.res.Timing.Prompt = g.promptDone.Sub(g.start)
	g.res.Timing.PromptTokens = len(toks) - keep
	return nil
}

// reuseCache keeps the longest prefix of toks that the KV cache holds, drops the rest of the cache, and returns
// the prefix's length. It always leaves the last token to evaluate, to get its logits.
func (m *Model) reuseCache(toks []C.llama_token) int {
	mem := C.llama_get_memory(m.ctx)
	keep := 0
	for keep < len(m.past) && keep < len(toks)-1 && m.past[keep] == toks[keep] {
		keep++
	}
	if keep < len(m.past) {
		if !C.llama_memory_seq_rm(mem, 0, C.llama_pos(keep), -1) {
			C.llama_memory_clear(mem, true)
			keep = 0
		}
	}
	m.past = m.past[:keep]
	return keep
}

// decode evaluates toks at positions from pos on and adds them to the cached tokens.
func (g *generation) decode(toks []C.llama_token, pos int) error {
	g.dirty = true
	if err := g.m.decode(g.m.ctx, toks, pos, false); err != nil {
		return err
	}
	g.dirty = false
	g.m.past = append(g.m.past, toks...)
	return nil
}

// newSampler returns the sampler chain for opts, which has seen the end of the prompt when penalties are on.
// The caller frees it.
func (m *Model) newSampler(opts GenerateOptions, prompt []C.llama_token) *C.struct_llama_sampler {
	seed := uint32(opts.Seed)
	if opts.Seed == 0 {
		seed = C.LLAMA_DEFAULT_SEED
	}
	lastN := opts.RepeatLastN
	if lastN == 0 {
		lastN = 64
	} else if lastN < 0 {
		lastN = m.nCtx
	}
	repeat := float32(opts.RepeatPenalty)
	if repeat <= 0 {
		repeat = 1
	}
	smpl := C.golm_sampler(C.float(opts.Temperature), C.int32_t(opts.TopK), C.float(opts.TopP), C.float(opts.MinP),
		C.int32_t(lastN), C.float(repeat), C.float(opts.FrequencyPenalty), C.float(opts.PresencePenalty),
		C.uint32_t(seed))
	if repeat != 1 || opts.FrequencyPenalty != 0 || opts.PresencePenalty != 0 {
		from := 0
		if lastN > 0 {
			from = max(0, len(prompt)-lastN)
		}
		for _, t := range prompt[from:] {
			C.llama_sampler_accept(smpl, t)
		}
	}
	return smpl
}

// sample generates tokens with smpl until the model ends its text, a stop string appears, a limit is reached
// or the call is cancelled, streaming their text; it sets the result's tokens and stop reason.
func (g *generation) sample(smpl *C.struct_llama_sampler) error {
	m, res := g.m, g.res
	maxTokens := g.opts.maxTokens()
	lp := newLogProbs(m, g.opts)
	var one [1]C.llama_token
	for {
		if reason, err := g.limitReached(maxTokens); reason != "" {
			res.StopReason = reason
			if err != nil {
				return err
			}
			break
		}
		tok := C.llama_sampler_sample(smpl, m.ctx, -1)
		if !g.opts.IgnoreEOS && bool(C.llama_vocab_is_eog(m.vocab, tok)) {
			res.StopReason = StopEOS
			break
		}
		res.Tokens = append(res.Tokens, int(tok))
		if lp != nil {
			res.LogProbs = append(res.LogProbs, lp.at(tok))
		}
		if len(res.Tokens) == 1 {
			res.Timing.FirstToken = time.Since(g.start)
		}
		out, stopped := g.text.push(string(m.piece(tok, false)))
		if err := g.emit(out); err != nil {
			return err
		}
		if stopped {
			res.StopReason = StopSequence
			break
		}
		if len(res.Tokens) >= maxTokens || len(m.past) >= m.nCtx {
			continue // no need to evaluate the last token
		}
		one[0] = tok
		if err := g.decode(one[:], len(m.past)); err != nil {
			return err
		}
	}
	return g.emit(g.text.flush())
}

// limitReached returns the stop reason when no further token may be generated (with an error when the call
// was cancelled or the model is closing), or "".
func (g *generation) limitReached(maxTokens int) (string, error) {
	switch {
	case len(g.res.Tokens) >= maxTokens:
		return StopLength, nil
	case len(g.m.past) >= g.m.nCtx:
		return StopContext, nil
	case g.ctx.Err() != nil:
		return StopCancelled, g.ctx.Err()
	case g.m.closing.Load():
		return StopCancelled, ErrClosed
	}
	return "", nil
}

// emit passes text to onText; an error there stops generation.
func (g *generation) emit(text string) error {
	if text == "" || g.onText == nil {
		return nil
	}
	if err := g.onText(text); err != nil {
		g.res.StopReason = StopCancelled
		return err
	}
	return nil
}

// finishResult sets the result's text and timing, however generation ended.
func (g *generation) finishResult() {
	res := g.res
	res.Text = validUTF8(g.text.String())
	res.Timing.Tokens = len(res.Tokens)
	if res.Timing.Tokens > 0 {
		res.Timing.Generation = time.Since(g.promptDone)
	}
	res.Timing.Total = time.Since(g.start)
}

// logProbs computes the log-probabilities of generated tokens, and the most likely alternatives.
type logProbs struct {
	m      *Model
	topK   int
	nVocab C.int32_t
	ids    []C.int32_t
	lps    []C.float
}

// newLogProbs returns what computes the log-probabilities opts ask for, or nil when they ask for none.
func newLogProbs(m *Model, opts GenerateOptions) *logProbs {
	topK := min(max(opts.TopLogProbs, 0), 20)
	if !opts.LogProbs && topK == 0 {
		return nil
	}
	return &logProbs{m: m, topK: topK, nVocab: C.int32_t(C.llama_vocab_n_tokens(m.vocab)),
		ids: make([]C.int32_t, topK+1), lps: make([]C.float, topK+1)}
}

// at returns the log-probability of tok, just sampled, and the most likely tokens at its position.
func (l *logProbs) at(tok C.llama_token) TokenLogProb {
	return l.m.logProb(tok, l.nVocab, l.topK, l.ids, l.lps)
}

// logProb returns the log-probability of tok and the topK most likely tokens at the last output.
func (m *Model) logProb(tok C.llama_token, nVocab C.int32_t, topK int, ids []C.int32_t, lps []C.float) TokenLogProb {
	logits := C.llama_get_logits_ith(m.ctx, -1)
	if logits == nil {
		return TokenLogProb{TokenProb: TokenProb{ID: int(tok), Text: string(m.piece(tok, false)), LogProb: math.NaN()}}
	}
	lp := C.golm_logprobs(logits, nVocab, C.int32_t(tok), C.int32_t(topK), &ids[0], &lps[0])
	out := TokenLogProb{TokenProb: TokenProb{ID: int(tok), Text: string(m.piece(tok, false)), LogProb: float64(lp)}}
	for j := 0; j < topK; j++ {
		id := C.llama_token(ids[j])
		out.Top = append(out.Top, TokenProb{ID: int(id), Text: string(m.piece(id, true)), LogProb: float64(lps[j])})
	}
	return out
}

// NextTokens evaluates prompt and returns the k tokens the model finds most likely to come next (at most 20),
// with their probabilities: what "a language model predicts the next token" means.
func (m *Model) NextTokens(ctx context.Context, prompt string, k int) ([]TokenProb, error) {
	if k <= 0 {
		k = 10
	}
	res, err := m.generate(ctx, prompt, GenerateOptions{MaxTokens: 1, IgnoreEOS: true, TopLogProbs: min(k, 20)}, nil,
		false, nil)
	if err != nil {
		return nil, err
	}
	if len(res.LogProbs) == 0 {
		return nil, errors.New("local: the model produced no token")
	}
	return res.LogProbs[0].Top, nil
}
