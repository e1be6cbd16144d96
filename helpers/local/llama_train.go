//go:build llama

package local

/*
#include <stdlib.h>
#include "llama_binding.h"
#include "llama_train.h"
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unsafe"

	"github.com/golm-dev/golm/helpers/local/gguf"
)

// trainSeq is one example as tokens: the prompt's, then from start on the completion's and an end-of-text token.
type trainSeq struct {
	toks  []int32
	start int
}

// window is one training step's input: tokens, the token that should follow each, and which of those count.
type window struct {
	tok, lab []int32
	mask     []uint8
	tokens   int // example tokens in the window (the rest is padding)
}

// train implements Train (see train.go) with llama.cpp's training API.
func (m *Model) train(ctx context.Context, examples []TrainExample, o TrainOptions,
	hooks trainHooks) (res TrainResult, err error) {
	start := time.Now()
	defer func() { res.Duration = time.Since(start) }()
	end, err := m.begin(ctx)
	if err != nil {
		return res, err
	}
	defer end()
	if err := m.checkGenerative(); err != nil {
		return res, err
	}
	seqs, err := m.trainSeqs("example", examples)
	if err != nil {
		return res, err
	}
	vals, err := m.trainSeqs("validation example", o.Validation)
	if err != nil {
		return res, err
	}
	n, err := windowLength(o.ContextLength, seqs, vals)
	if err != nil {
		return res, err
	}
	if !m.trainable {
		// A model llama.cpp cannot train fails here already, before a conversion to F32 that takes minutes.
		probe, err := m.newTrainer(n, o.layers(), hooks.sgd)
		if err != nil {
			return res, err
		}
		C.golm_train_free(probe)
		if err := m.makeTrainable(ctx); err != nil {
			return res, err
		}
	}
	t, err := m.newTrainer(n, o.layers(), hooks.sgd)
	if err != nil {
		return res, err
	}
	defer func() {
		C.golm_train_free(t)
		// The KV cache holds keys and values computed with the old weights.
		C.llama_memory_clear(C.llama_get_memory(m.ctx), true)
		m.past = nil
	}()
	n = int(C.golm_train_n_ctx(t))
	res.Weights = int(C.golm_train_params(t))
	C.golm_train_set_lr(t, C.float(o.LearningRate))
	pad := int32(C.llama_vocab_eos(m.vocab))
	if pad < 0 {
		pad = 0
	}
	windows := packWindows(seqs, n, o.BatchSize, pad)
	valWindows := packWindows(vals, n, 0, pad)
	for _, w := range windows {
		res.Tokens += w.tokens
	}
	res.Windows = len(windows)

	validate := func() (float64, error) {
		var nll C.double
		var count C.int64_t
		for _, w := range valWindows {
			if err := m.trainCheck(ctx); err != nil {
				return 0, err
			}
			if C.golm_train_step(t, (*C.int32_t)(&w.tok[0]), (*C.int32_t)(&w.lab[0]), (*C.uint8_t)(&w.mask[0]),
				false, &nll, &count) != 0 {
				return 0, withReason(errors.New("local: Train: evaluating the validation examples failed"))
			}
		}
		return float64(nll) / float64(max(count, 1)), nil
	}
	if len(valWindows) > 0 {
		if res.InitialValidationLoss, err = validate(); err != nil {
			return res, err
		}
		hooks.initial(res.InitialValidationLoss)
	}

	rng := rand.New(rand.NewPCG(uint64(len(seqs)), 0x601a))
	steps := len(windows) * o.Epochs
	for epoch := 1; epoch <= o.Epochs; epoch++ {
		order := rng.Perm(len(windows))
		for i, wi := range order {
			if err := m.trainCheck(ctx); err != nil {
				return res, err
			}
			w := windows[wi]
			var nll C.double
			var count C.int64_t
			if C.golm_train_step(t, (*C.int32_t)(&w.tok[0]), (*C.int32_t)(&w.lab[0]), (*C.uint8_t)(&w.mask[0]),
				true, &nll, &count) != 0 {
				return res, withReason(fmt.Errorf("local: Train: step %d failed", len(res.Steps)+1))
			}
			s := TrainStep{Epoch: epoch, Step: len(res.Steps) + 1, Steps: steps,
				Loss: float64(nll) / float64(max(count, 1))}
			if math.IsNaN(s.Loss) || math.IsInf(s.Loss, 0) {
				return res, fmt.Errorf("local: Train: the loss became %v at step %d: the learning rate (%g) is "+
					"probably too high", s.Loss, s.Step, o.LearningRate)
			}
			if i == len(order)-1 && len(valWindows) > 0 {
				if s.ValidationLoss, err = validate(); err != nil {
					return res, err
				}
			}
			s.Elapsed = time.Since(start)
			res.Steps = append(res.Steps, s)
			hooks.step(s)
		}
		res.Epochs = epoch
		if o.CheckpointDir != "" {
			if err := os.MkdirAll(o.CheckpointDir, 0o755); err != nil {
				return res, fmt.Errorf("local: Train: checkpoint folder: %w", err)
			}
			if err := m.saveTo(filepath.Join(o.CheckpointDir, fmt.Sprintf("epoch-%d.gguf", epoch))); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// newTrainer prepares llama.cpp's training of the model on windows of n tokens (rounded up by llama.cpp).
func (m *Model) newTrainer(n int, layers int, sgd bool) (*C.golm_trainer, error) {
	lastError() // clear
	t := C.golm_train_new(m.model, C.uint32_t(n), C.int32_t(m.threads), C.int32_t(layers), C.bool(sgd))
	if t != nil {
		return t, nil
	}
	reason := lastError()
	// ggml's backward pass refuses in-place operations with an assert on node->view_src (its message is the
	// assert's condition).
	if strings.Contains(reason, "backward pass") || strings.Contains(reason, "inplace operations") ||
		strings.Contains(reason, "!node->view_src") {
		return nil, fmt.Errorf("local: Train: llama.cpp cannot train %s (architecture %s): its graph uses an "+
			"operation without a backward pass in this llama.cpp version (llama.cpp says: %s); train the output "+
			"head alone (TrainOptions.Layers 0)", m.Name(), m.meta.Architecture, reason)
	}
	err := fmt.Errorf("local: Train: preparing llama.cpp's training of %s for windows of %d tokens failed "+
		"(out of memory? try a smaller ContextLength)", m.Name(), n)
	if reason != "" {
		err = fmt.Errorf("%w: llama.cpp says: %s", err, reason)
	}
	return nil, err
}

// trainCheck returns why training must stop before the next step: ctx is done or the model is closing.
func (m *Model) trainCheck(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if m.closing.Load() {
		return ErrClosed
	}
	return nil
}

// trainSeqs tokenizes examples: the prompt as Complete tokenizes it (with the model's start token), then the
// completion, then an end-of-text token unless the completion ends with one (such as a chat template's
// end-of-turn marker).
func (m *Model) trainSeqs(what string, examples []TrainExample) ([]trainSeq, error) {
	eos := C.llama_vocab_eos(m.vocab)
	out := make([]trainSeq, 0, len(examples))
	for i, ex := range examples {
		prompt, err := m.tokenize(ex.Prompt, true)
		if err != nil {
			return nil, fmt.Errorf("local: Train: %s %d: %w", what, i, err)
		}
		all, err := m.tokenize(ex.Prompt+ex.Completion, true)
		if err != nil {
			return nil, fmt.Errorf("local: Train: %s %d: %w", what, i, err)
		}
		// The completion starts where the tokens of the whole text leave the prompt's (a token may straddle
		// the boundary; it then counts as the completion's).
		start := 0
		for start < len(prompt) && start < len(all) && prompt[start] == all[start] {
			start++
		}
		if start == len(all) {
			return nil, fmt.Errorf("local: Train: %s %d: the completion %q adds no token to the prompt", what,
				i, ex.Completion)
		}
		if eos >= 0 && !bool(C.llama_vocab_is_eog(m.vocab, all[len(all)-1])) {
			all = append(all, eos)
		}
		toks := make([]int32, len(all))
		for j, tok := range all {
			toks[j] = int32(tok)
		}
		out = append(out, trainSeq{toks: toks, start: start})
	}
	return out, nil
}

// windowLength returns the training window's length: the one asked for (0: 256, or the longest example
// rounded up to a multiple of 256), checked against the examples.
func windowLength(asked int, seqs ...[]trainSeq) (int, error) {
	longest, which := 0, 0
	for _, set := range seqs {
		for i, s := range set {
			if len(s.toks) > longest {
				longest, which = len(s.toks), i
			}
		}
	}
	if asked == 0 {
		return max(256, (longest+255)/256*256), nil
	}
	if longest > asked {
		return 0, fmt.Errorf("local: Train: example %d has %d tokens, more than ContextLength (%d): raise "+
			"ContextLength or shorten the example", which, longest, asked)
	}
	return asked, nil
}

// packWindows puts whole sequences into windows of n positions, at most perWindow to a window (0: no limit),
// in order; the rest of each window is padding with the token pad, which counts in no loss.
func packWindows(seqs []trainSeq, n, perWindow int, pad int32) []window {
	var out []window
	var cat []int32 // the current window's sequences, end to end
	var counted []bool
	in := 0
	flush := func() {
		if len(cat) == 0 {
			return
		}
		w := window{tok: make([]int32, n), lab: make([]int32, n), mask: make([]uint8, n), tokens: len(cat)}
		for i := range n {
			w.tok[i], w.lab[i] = pad, pad
			if i < len(cat) {
				w.tok[i] = cat[i]
			}
			if i+1 < len(cat) {
				w.lab[i] = cat[i+1]
				if counted[i+1] {
					w.mask[i] = 1
				}
			}
		}
		out = append(out, w)
		cat, counted, in = nil, nil, 0
	}
	for _, s := range seqs {
		if len(cat)+len(s.toks) > n || (perWindow > 0 && in == perWindow) {
			flush()
		}
		cat = append(cat, s.toks...)
		for j := range s.toks {
			counted = append(counted, j >= s.start)
		}
		in++
	}
	flush()
	return out
}

// makeTrainable gets the weights ready to train: F32 (llama.cpp trains no other type), in writable memory
// (a mapped file is read-only). A model that needs either is loaded again.
func (m *Model) makeTrainable(ctx context.Context) error {
	if m.trainable {
		return nil
	}
	file, err := gguf.Open(m.path)
	if err != nil {
		return fmt.Errorf("local: Train: %w", err)
	}
	convert := false
	var weights uint64
	for _, t := range file.Tensors {
		weights += t.Elements()
		// llama.cpp leaves the token embeddings and rope frequencies out of training.
		if t.Type != gguf.TensorF32 && t.Name != "token_embd.weight" && t.Name != "rope_freqs.weight" {
			convert = true
		}
	}
	path := m.path
	if convert {
		dir, err := os.MkdirTemp("", "golm-train-")
		if err != nil {
			return fmt.Errorf("local: Train: %w", err)
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "f32.gguf")
		fmt.Printf("local: Train: %s has %s weights; llama.cpp trains F32 weights only, so they are converted to "+
			"F32 in memory: %s instead of %s (the optimizer adds about three times the trained weights)\n",
			m.Name(), m.meta.FileType, sizeLabel(int64(weights)*4), sizeLabel(int64(m.meta.TensorBytes)))
		in, out := C.CString(m.path), C.CString(path)
		rc := C.golm_convert_f32(in, out, C.int32_t(m.threads))
		C.free(unsafe.Pointer(in))
		C.free(unsafe.Pointer(out))
		if rc != 0 {
			return withReason(fmt.Errorf("local: Train: converting %s to F32 failed", m.path))
		}
	} else if m.opts.NoMMap {
		m.trainable = true
		return nil
	}
	if err := m.reload(ctx, path); err != nil {
		return err
	}
	if convert {
		meta := *m.meta
		meta.FileType = "F32 (converted for training)"
		m.meta = &meta
		m.converted = true
	}
	m.trainable = true
	return nil
}

// reload replaces the model's weights and contexts by those of the file at path, read into memory (not
// mapped). The caller holds the model (begin).
func (m *Model) reload(ctx context.Context, path string) error {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	gpu := m.opts.GPULayers
	if gpu < 0 {
		gpu = 1 << 30
	}
	lastError()
	model := C.golm_load_model(cpath, C.int32_t(gpu), false, C.bool(m.opts.MLock), m.state)
	if model == nil {
		if err := ctx.Err(); err != nil {
			return err
		}
		return withReason(fmt.Errorf("local: Train: loading %s into memory failed", path))
	}
	lctx := m.inferenceContext(model)
	if lctx == nil {
		C.llama_model_free(model)
		return withReason(fmt.Errorf("local: Train: creating a context for %s failed", path))
	}
	if m.ectx != nil {
		C.llama_free(m.ectx)
		m.ectx = nil
	}
	C.llama_free(m.ctx)
	C.llama_model_free(m.model)
	m.model, m.vocab, m.ctx, m.past = model, C.llama_model_get_vocab(model), lctx, nil
	C.golm_trim()
	return nil
}

// save implements Save.
func (m *Model) save(path string) error {
	end, err := m.begin(context.Background())
	if err != nil {
		return err
	}
	defer end()
	return m.saveTo(path)
}

// saveTo writes the model to path (see Save); the caller holds the model.
func (m *Model) saveTo(path string) error {
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("local: Save: the folder %s does not exist", dir)
	}
	part, tmp := path+".part", path+".weights"
	csrc, cpart, ctmp := (*C.char)(nil), C.CString(part), C.CString(tmp)
	defer C.free(unsafe.Pointer(cpart))
	defer C.free(unsafe.Pointer(ctmp))
	if gguf.Exists(m.path) {
		csrc = C.CString(m.path)
		defer C.free(unsafe.Pointer(csrc))
	}
	fileType := C.int32_t(-1)
	if m.converted {
		fileType = 0 // LLAMA_FTYPE_ALL_F32
	}
	lastError()
	if C.golm_save_model(m.model, csrc, ctmp, cpart, C.uint32_t(m.meta.ContextLength), fileType) != 0 {
		return withReason(fmt.Errorf("local: Save: writing %s failed (is the disk full?)", path))
	}
	if err := os.Rename(part, path); err != nil {
		os.Remove(part)
		return fmt.Errorf("local: Save: %w", err)
	}
	if _, err := checkModelFile(path); err != nil {
		return fmt.Errorf("local: Save: the file written does not read back: %w", err)
	}
	return nil
}

// sizeLabel writes a size in bytes for people.
func sizeLabel(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
