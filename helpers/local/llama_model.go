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
	"github.com/golm-dev/golm/helpers/internal/options"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/golm-dev/golm/helpers/local/gguf"
)

// threadCount returns the number of threads to use when asked for n: def when n is not positive, and at most
// the number of CPUs (llama.cpp's threads spin while they wait for each other, so threads beyond the cores
// make it far slower: 1000 threads on 2 cores took over a minute for four tokens).
func threadCount(n, def, cpus int) int {
	if n <= 0 {
		n = def
	}
	return max(1, min(n, cpus))
}

// opCounter numbers operations (loads, generations, embeddings) so that cancelling one aborts only it.
var opCounter atomic.Int64

// Model is a loaded GGUF model with its inference context. Its methods may be called from several goroutines;
// generations run one at a time. Call Close to free its memory.
type Model struct {
	life sync.RWMutex // read-held by every call, write-held by Close
	mu   sync.Mutex   // serialises use of the contexts

	model  *C.struct_llama_model
	vocab  *C.struct_llama_vocab
	ctx    *C.struct_llama_context
	ectx   *C.struct_llama_context // embedding context, created on first use
	batch  C.struct_llama_batch
	state  *C.golm_state
	closed bool

	closing atomic.Bool
	past    []C.llama_token // tokens in the KV cache of ctx (sequence 0)
	meta    *gguf.Metadata
	path    string
	opts    Options
	nCtx    int
	nBatch  int
	threads int
	// trainable is set once the weights are F32 and writable (see makeTrainable), converted when they were
	// converted to F32 for it.
	trainable, converted bool
}

// Load loads a GGUF model: on the CPU with a context of up to 4096 tokens, or as opts (at most one) say.
// Cancelling ctx stops the loading.
func Load(ctx context.Context, path string, opts ...Options) (*Model, error) {
	o, err := options.One("local: Load", opts)
	if err != nil {
		return nil, err
	}
	initLlama()
	if o.Verbose {
		SetVerbose(true)
	}
	if o.Pooling, err = poolingName(o.Pooling); err != nil {
		return nil, err
	}
	meta, err := checkModelFile(path)
	if err != nil {
		return nil, err
	}
	if err := prepareBackends(o); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	m := &Model{path: meta.Path, meta: meta, opts: o}
	m.state = (*C.golm_state)(C.calloc(1, C.size_t(unsafe.Sizeof(C.golm_state{}))))
	release := m.watch(ctx)
	defer release()
	if err := m.loadWeights(ctx, path); err != nil {
		release()
		C.free(unsafe.Pointer(m.state))
		return nil, err
	}
	if err := m.newContext(path); err != nil {
		release()
		C.llama_model_free(m.model)
		C.free(unsafe.Pointer(m.state))
		return nil, err
	}
	m.batch = C.llama_batch_init(C.int32_t(m.nBatch), 0, 1)
	runtime.SetFinalizer(m, func(m *Model) { _ = m.Close() }) // a safety net; call Close
	return m, nil
}

// checkModelFile reads the metadata of a GGUF file and checks what llama.cpp takes on trust: a damaged file
// would crash the process.
func checkModelFile(path string) (*gguf.Metadata, error) {
	file, err := gguf.Open(path)
	if errors.Is(err, gguf.ErrNotGGUF) {
		return nil, fmt.Errorf("local: %w: llama.cpp runs GGUF files; download a GGUF version of the model "+
			"(Hugging Face repositories named …-GGUF) or convert it with llama.cpp's convert_hf_to_gguf.py", err)
	}
	if err != nil {
		return nil, fmt.Errorf("local: %w", err)
	}
	if err := file.Check(); err != nil {
		return nil, fmt.Errorf("local: %s: %w", path, err)
	}
	meta := file.Metadata()
	meta.Path = path
	if abs, err := filepath.Abs(path); err == nil {
		meta.Path = abs
	}
	return meta, nil
}

// prepareBackends loads the GPU backend opts name, or looks for one, and says on standard error when GPU
// layers were asked for but no GPU can take them.
func prepareBackends(opts Options) error {
	var backendErr error
	if opts.Backend != "" {
		if err := LoadBackend(opts.Backend); err != nil {
			return err
		}
	} else {
		backendErr = autoBackends()
	}
	if opts.GPULayers != 0 { // only then can there be something to say, and the devices are worth listing
		if msg := gpuNotice(opts.GPULayers, Devices(), loadedBackends(), backendErr); msg != "" {
			noticeOnce(msg)
		}
	}
	return nil
}

// loadWeights loads the model's weights (m.model, m.vocab).
func (m *Model) loadWeights(ctx context.Context, path string) error {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	gpu := m.opts.GPULayers
	if gpu < 0 {
		gpu = 1 << 30 // llama.cpp caps it at the number of layers
	}
	lastError() // clear
	m.model = C.golm_load_model(cpath, C.int32_t(gpu), C.bool(!m.opts.NoMMap), C.bool(m.opts.MLock), m.state)
	if m.model == nil {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("local: loading %s: %w", path, err)
		}
		return withReason(fmt.Errorf("local: loading %s failed", path))
	}
	m.vocab = C.llama_model_get_vocab(m.model)
	return nil
}

// newContext sizes and creates the inference context (m.ctx, m.nCtx, m.nBatch, m.threads).
func (m *Model) newContext(path string) error {
	opts := m.opts
	m.nCtx = opts.ContextSize
	if m.nCtx <= 0 {
		m.nCtx = int(C.llama_model_n_ctx_train(m.model))
		if m.nCtx <= 0 || m.nCtx > 4096 {
			m.nCtx = 4096
		}
	}
	m.nBatch = opts.BatchSize
	if m.nBatch <= 0 {
		m.nBatch = 512
	}
	m.nBatch = min(m.nBatch, m.nCtx)
	m.threads = threadCount(opts.Threads, runtime.GOMAXPROCS(0), runtime.NumCPU())
	m.ctx = m.inferenceContext(m.model)
	if m.ctx == nil {
		return withReason(fmt.Errorf("local: creating a context of %d tokens for %s failed (out of memory? "+
			"try a smaller Options.ContextSize)", m.nCtx, path))
	}
	m.nCtx = int(C.llama_n_ctx(m.ctx))
	return nil
}

// inferenceContext creates the inference context for model with m's settings (m.nCtx, m.nBatch, m.threads);
// nil when llama.cpp fails (the reason is in lastError).
func (m *Model) inferenceContext(model *C.struct_llama_model) *C.struct_llama_context {
	bt := m.threads
	if m.opts.BatchThreads > 0 {
		bt = threadCount(m.opts.BatchThreads, m.threads, runtime.NumCPU())
	}
	return C.golm_new_context(model, C.uint32_t(m.nCtx), C.uint32_t(m.nBatch), C.uint32_t(m.nBatch),
		C.int32_t(m.threads), C.int32_t(bt), false, C.LLAMA_POOLING_TYPE_UNSPECIFIED, m.state)
}

// begin starts an operation: it checks the model is open, takes the locks, and arranges for ctx's
// cancellation to abort llama.cpp's computation. The returned function ends the operation.
func (m *Model) begin(ctx context.Context) (func(), error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.life.RLock()
	if m.closed || m.closing.Load() {
		m.life.RUnlock()
		return nil, ErrClosed
	}
	m.mu.Lock()
	release := m.watch(ctx)
	return func() {
		release()
		m.mu.Unlock()
		m.life.RUnlock()
	}, nil
}

// watch starts a new operation in m.state and marks it cancelled when ctx is, which aborts llama.cpp's
// computation. The returned function stops watching; after it returns, m.state is no longer written, so it
// may be freed. It may be called more than once.
func (m *Model) watch(ctx context.Context) func() {
	id := C.int64_t(opCounter.Add(1))
	C.golm_state_begin(m.state, id)
	done := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(done)
		C.golm_state_cancel(m.state, id)
	})
	var once sync.Once
	return func() {
		once.Do(func() {
			if !stop() { // the callback has started: wait for it to finish
				<-done
			}
		})
	}
}

// Close frees the model, its contexts and their memory (also on a GPU). A running generation is stopped
// first. Calling Close again does nothing.
func (m *Model) Close() error {
	if m == nil {
		return nil
	}
	m.closing.Store(true)
	if m.state != nil {
		m.life.RLock()
		if !m.closed {
			C.golm_state_close(m.state)
		}
		m.life.RUnlock()
	}
	m.life.Lock()
	defer m.life.Unlock()
	if m.closed {
		return nil
	}
	m.closed = true
	runtime.SetFinalizer(m, nil)
	C.llama_batch_free(m.batch)
	if m.ectx != nil {
		C.llama_free(m.ectx)
		m.ectx = nil
	}
	C.llama_free(m.ctx)
	m.ctx = nil
	C.llama_model_free(m.model)
	m.model = nil
	m.vocab = nil
	C.free(unsafe.Pointer(m.state))
	m.state = nil
	m.past = nil
	C.golm_trim()
	return nil
}

// Metadata returns the model's metadata, read from its GGUF file.
func (m *Model) Metadata() *gguf.Metadata { return m.meta }

// Path returns the model file's path.
func (m *Model) Path() string { return m.path }

// Name returns the model's name: general.name from its metadata, or the file name.
func (m *Model) Name() string {
	if m.meta.Name != "" {
		return m.meta.Name
	}
	return strings.TrimSuffix(filepath.Base(m.path), ".gguf")
}

// ContextSize returns the number of tokens the context holds.
func (m *Model) ContextSize() int { return m.nCtx }

// String describes the model in one line.
func (m *Model) String() string {
	s := fmt.Sprintf("%s (%s, %s parameters, %s, context %d tokens", m.Name(), m.meta.Architecture,
		m.meta.ParameterLabel(), m.meta.FileType, m.nCtx)
	if m.opts.GPULayers != 0 && GPUAvailable() {
		s += ", on GPU"
	} else {
		s += fmt.Sprintf(", CPU with %d threads", m.threads)
	}
	if m.closed {
		s += ", closed"
	}
	return s + ")"
}
