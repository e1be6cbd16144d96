//go:build llama

package local

/*
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <stdint.h>
#include <pthread.h>
#include <math.h>
#include <setjmp.h>
#include <dlfcn.h>
#include "llama.h"
#include "ggml-backend.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif

// golm_trim returns freed heap memory to the operating system, so that resident memory falls after a model is
// closed (glibc keeps freed blocks of up to 32 MB in its heap otherwise).
static void golm_trim(void) {
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

// golm_state is shared between Go and llama.cpp's callbacks: an operation is aborted when its id was
// cancelled, or when the model is closing. Go writes the fields with atomic stores.
typedef struct {
	int64_t current;   // id of the running operation
	int64_t cancelled; // id of the last cancelled operation
	int32_t closing;
} golm_state;

static bool golm_abort(void * data) {
	golm_state * s = (golm_state *) data;
	return __atomic_load_n(&s->closing, __ATOMIC_RELAXED) != 0 ||
		__atomic_load_n(&s->cancelled, __ATOMIC_RELAXED) == __atomic_load_n(&s->current, __ATOMIC_RELAXED);
}

static bool golm_progress(float progress, void * data) {
	(void) progress;
	return !golm_abort(data);
}

static void golm_state_begin(golm_state * s, int64_t id) { __atomic_store_n(&s->current, id, __ATOMIC_RELAXED); }
static void golm_state_cancel(golm_state * s, int64_t id) { __atomic_store_n(&s->cancelled, id, __ATOMIC_RELAXED); }
static void golm_state_close(golm_state * s) { __atomic_store_n(&s->closing, 1, __ATOMIC_RELAXED); }

// Logging: llama.cpp and ggml log through one callback; messages below golm_log_min are dropped, and the
// last error is kept so that a failed call can say why.
static int golm_log_min = GGML_LOG_LEVEL_ERROR;
static int golm_log_last = GGML_LOG_LEVEL_INFO;
static pthread_mutex_t golm_err_mu = PTHREAD_MUTEX_INITIALIZER;
static char golm_err[1024];

// golm_quiet is the state of the operation running on this thread: its log is dropped once it is aborted
// (llama.cpp reports an aborted computation as an error).
static __thread golm_state * golm_quiet;

static void golm_log(enum ggml_log_level level, const char * text, void * user) {
	(void) user;
	if (golm_quiet != NULL && golm_abort(golm_quiet)) {
		return;
	}
	int lv = (int) level;
	if (lv == GGML_LOG_LEVEL_CONT) {
		lv = __atomic_load_n(&golm_log_last, __ATOMIC_RELAXED);
	} else {
		__atomic_store_n(&golm_log_last, lv, __ATOMIC_RELAXED);
	}
	if (lv == GGML_LOG_LEVEL_ERROR) { // keep every error since the last golm_last_error
		pthread_mutex_lock(&golm_err_mu);
		strncat(golm_err, text, sizeof(golm_err) - strlen(golm_err) - 1);
		pthread_mutex_unlock(&golm_err_mu);
	}
	if (lv >= __atomic_load_n(&golm_log_min, __ATOMIC_RELAXED)) {
		fputs(text, stderr);
		fflush(stderr);
	}
}

// Failed asserts in llama.cpp and ggml end the process. While golm_load_model or golm_new_context runs on a
// thread, an assert on that thread jumps back to it instead, and the call fails with the assert's message:
// the asserts a malformed model file trips are in loading, and a notebook's kernel should not die of them.
// The jump skips llama.cpp's clean-up, so the memory the half-done call had taken stays taken.
static __thread jmp_buf * golm_jmp;

static void golm_on_abort(const char * message) {
	jmp_buf * j = golm_jmp;
	if (j != NULL) {
		golm_jmp = NULL;
		pthread_mutex_lock(&golm_err_mu);
		strncat(golm_err, "failed check at ", sizeof(golm_err) - strlen(golm_err) - 1);
		strncat(golm_err, message, sizeof(golm_err) - strlen(golm_err) - 1);
		pthread_mutex_unlock(&golm_err_mu);
		longjmp(*j, 1);
	}
	// Elsewhere the process ends (ggml calls abort after this returns); say why, without ggml's gdb backtrace.
	fprintf(stderr, "llama.cpp: %s\n", message);
	fflush(stderr);
}

// GOLM_GUARDED sets result to call's value, or to NULL when a llama.cpp check fails on this thread during it
// (golm_on_abort records the check's text and jumps back here).
#define GOLM_GUARDED(result, call) do { \
	jmp_buf golm_jb_; \
	if (setjmp(golm_jb_) != 0) { \
		(result) = NULL; \
		break; \
	} \
	golm_jmp = &golm_jb_; \
	(result) = (call); \
	golm_jmp = NULL; \
} while (0)

// A backend library loaded at run time (libggml-cuda.so) brings its own copy of ggml's core, libggml-base.so,
// with its own log and abort callbacks. golm_hook_base installs golm's in it: path names the library file, to
// load it before the backend (which then uses it), or is NULL to find the copy a backend has already loaded by
// its name. It returns 1 when both callbacks were installed.
static int golm_hook_base(const char * path) {
	void * h;
	if (path != NULL) {
		h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	} else {
		h = dlopen("libggml-base.so.0", RTLD_NOW | RTLD_NOLOAD);
		if (h == NULL) {
			h = dlopen("libggml-base.so", RTLD_NOW | RTLD_NOLOAD);
		}
	}
	if (h == NULL) {
		return 0;
	}
	void * set_abort = dlsym(h, "ggml_set_abort_callback");
	void * set_log = dlsym(h, "ggml_log_set");
	if (set_abort != NULL) {
		((ggml_abort_callback_t (*)(ggml_abort_callback_t)) set_abort)(golm_on_abort);
	}
	if (set_log != NULL) {
		((void (*)(ggml_log_callback, void *)) set_log)(golm_log, NULL);
	}
	if (path == NULL) {
		dlclose(h); // the reference RTLD_NOLOAD took; a handle from a path is kept, like the backend's own
	}
	return set_abort != NULL && set_log != NULL;
}

static void golm_log_init(void) {
	llama_log_set(golm_log, NULL);
	ggml_set_abort_callback(golm_on_abort);
}
static void golm_log_level(int level) { __atomic_store_n(&golm_log_min, level, __ATOMIC_RELAXED); }

// golm_last_error copies the error messages logged since the last call into buf and clears them.
static void golm_last_error(char * buf, size_t n) {
	pthread_mutex_lock(&golm_err_mu);
	strncpy(buf, golm_err, n - 1);
	buf[n - 1] = 0;
	golm_err[0] = 0;
	pthread_mutex_unlock(&golm_err_mu);
}

static struct llama_model * golm_load_model(const char * path, int32_t n_gpu_layers, bool use_mmap,
		bool use_mlock, golm_state * state) {
	struct llama_model_params p = llama_model_default_params();
	p.n_gpu_layers = n_gpu_layers;
	p.use_mmap = use_mmap;
	p.use_mlock = use_mlock;
	p.progress_callback = golm_progress;
	p.progress_callback_user_data = state;
	struct llama_model * m;
	GOLM_GUARDED(m, llama_model_load_from_file(path, p));
	return m;
}

static struct llama_context * golm_new_context(struct llama_model * model, uint32_t n_ctx, uint32_t n_batch,
		uint32_t n_ubatch, int32_t threads, int32_t threads_batch, bool embeddings, int32_t pooling,
		golm_state * state) {
	struct llama_context_params p = llama_context_default_params();
	p.n_ctx = n_ctx;
	p.n_batch = n_batch;
	p.n_ubatch = n_ubatch;
	p.n_seq_max = 1;
	p.n_threads = threads;
	p.n_threads_batch = threads_batch;
	p.embeddings = embeddings;
	p.pooling_type = (enum llama_pooling_type) pooling;
	p.abort_callback = golm_abort;
	p.abort_callback_data = state;
	p.no_perf = true;
	struct llama_context * c;
	GOLM_GUARDED(c, llama_init_from_model(model, p));
	return c;
}

// golm_batch_set fills a batch with tokens at consecutive positions of sequence 0; the last token (or every
// token, with all_logits) produces output.
static void golm_batch_set(struct llama_batch * b, const llama_token * tokens, int32_t n, int32_t pos0,
		bool all_logits) {
	b->n_tokens = n;
	for (int32_t i = 0; i < n; i++) {
		b->token[i] = tokens[i];
		b->pos[i] = pos0 + i;
		b->n_seq_id[i] = 1;
		b->seq_id[i][0] = 0;
		b->logits[i] = all_logits || i == n - 1;
	}
}

// golm_decode and golm_encode evaluate a batch, without logging if the operation is aborted.
static int32_t golm_decode(struct llama_context * ctx, struct llama_batch batch, golm_state * state) {
	golm_quiet = state;
	int32_t r = llama_decode(ctx, batch);
	golm_quiet = NULL;
	return r;
}

static int32_t golm_encode(struct llama_context * ctx, struct llama_batch batch, golm_state * state) {
	golm_quiet = state;
	int32_t r = llama_encode(ctx, batch);
	golm_quiet = NULL;
	return r;
}

static struct llama_sampler * golm_sampler(float temp, int32_t top_k, float top_p, float min_p, int32_t last_n,
		float repeat, float freq, float present, uint32_t seed) {
	struct llama_sampler_chain_params cp = llama_sampler_chain_default_params();
	cp.no_perf = true;
	struct llama_sampler * s = llama_sampler_chain_init(cp);
	if (repeat != 1.0f || freq != 0.0f || present != 0.0f) {
		llama_sampler_chain_add(s, llama_sampler_init_penalties(last_n, repeat, freq, present));
	}
	if (temp <= 0) {
		llama_sampler_chain_add(s, llama_sampler_init_greedy());
		return s;
	}
	if (top_k > 0) {
		llama_sampler_chain_add(s, llama_sampler_init_top_k(top_k));
	}
	if (top_p > 0 && top_p < 1) {
		llama_sampler_chain_add(s, llama_sampler_init_top_p(top_p, 1));
	}
	if (min_p > 0) {
		llama_sampler_chain_add(s, llama_sampler_init_min_p(min_p, 1));
	}
	llama_sampler_chain_add(s, llama_sampler_init_temp(temp));
	llama_sampler_chain_add(s, llama_sampler_init_dist(seed));
	return s;
}

// golm_logprobs returns the log-softmax of logits at tok, and fills top_ids/top_lp with the k most likely
// tokens, most likely first.
static float golm_logprobs(const float * logits, int32_t n, int32_t tok, int32_t k, int32_t * top_ids,
		float * top_lp) {
	float mx = -INFINITY;
	for (int32_t i = 0; i < n; i++) {
		if (logits[i] > mx) mx = logits[i];
	}
	double sum = 0;
	for (int32_t i = 0; i < n; i++) {
		sum += exp((double) (logits[i] - mx));
	}
	float lse = mx + (float) log(sum);
	int32_t filled = 0;
	for (int32_t i = 0; i < n && k > 0; i++) {
		float v = logits[i];
		if (filled == k && v <= top_lp[k - 1]) continue;
		int32_t j = filled < k ? filled++ : k - 1;
		while (j > 0 && top_lp[j - 1] < v) {
			top_lp[j] = top_lp[j - 1];
			top_ids[j] = top_ids[j - 1];
			j--;
		}
		top_lp[j] = v;
		top_ids[j] = i;
	}
	for (int32_t j = 0; j < filled; j++) top_lp[j] -= lse;
	return logits[tok] - lse;
}

static int32_t golm_apply_template(const char * tmpl, const char ** roles, const char ** contents, size_t n,
		bool add_ass, char * buf, int32_t len) {
	struct llama_chat_message * msgs = malloc(sizeof(struct llama_chat_message) * (n ? n : 1));
	for (size_t i = 0; i < n; i++) {
		msgs[i].role = roles[i];
		msgs[i].content = contents[i];
	}
	int32_t r = llama_chat_apply_template(tmpl, msgs, n, add_ass, buf, len);
	free(msgs);
	return r;
}
*/
import "C"

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/golm-dev/golm/helpers/local/gguf"
	"github.com/golm-dev/golm/helpers/local/templates"

	_ "github.com/ollama/ollama/llama/llama.cpp/src"      // llama.cpp, compiled with cgo
	_ "github.com/ollama/ollama/ml/backend/ggml/ggml/src" // ggml and its CPU backend
)

// Built reports whether this program was built with llama.cpp (the llama build tag).
const Built = true

// process-wide llama.cpp setup: backend and log initialisation happen once.
var (
	initOnce     sync.Once
	backendsOnce sync.Once
	backendsErr  error
	backendsMu   sync.Mutex
	loadedLibs   = map[string]bool{}
	hookedLibs   = map[string]bool{} // backends whose libggml-base got golm's log and abort callbacks
	opCounter    atomic.Int64
)

func initLlama() {
	initOnce.Do(func() {
		C.golm_log_init()
		C.llama_backend_init()
	})
}

// SetVerbose shows (true) or hides (false) llama.cpp's log of information and warnings on standard error;
// errors are always shown. It applies to the whole process.
func SetVerbose(verbose bool) {
	initLlama()
	if verbose {
		C.golm_log_level(C.GGML_LOG_LEVEL_INFO)
	} else {
		C.golm_log_level(C.GGML_LOG_LEVEL_ERROR)
	}
}

func lastError() string {
	buf := make([]byte, 1024)
	C.golm_last_error((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)))
	lines := strings.Split(strings.TrimSpace(string(buf[:clen(buf)])), "\n")
	return strings.Join(lines, "; ")
}

func clen(b []byte) int {
	for i, c := range b {
		if c == 0 {
			return i
		}
	}
	return len(b)
}

// withReason adds llama.cpp's last error message to err.
func withReason(err error) error {
	if r := lastError(); r != "" {
		return fmt.Errorf("%w: llama.cpp says: %s", err, r)
	}
	return err
}

// LoadBackend loads a ggml backend library, such as libggml-cuda.so built by helpers/local/gpu/build-cuda.sh,
// so that models can offload layers to its devices (Options.GPULayers). Loading the same path twice does
// nothing.
//
// Load calls it for Options.Backend, and otherwise, once per process, for the libraries named in the
// environment variable GOLM_GGML_BACKENDS (a list separated by the OS path separator) or, when that is unset,
// for libggml-cuda.so, libggml-hip.so and libggml-vulkan.so found next to the executable, in ../lib/golm
// beside it, or in ~/.local/lib/golm.
func LoadBackend(path string) error {
	initLlama()
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("local: backend %s: %w", path, err)
	}
	backendsMu.Lock()
	defer backendsMu.Unlock()
	if loadedLibs[abs] {
		return nil
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("local: backend: %w", err)
	}
	// golm's log and failed-check handling for the backend's copy of ggml's core: loaded from beside the backend
	// first where build-cuda.sh put it there, so that the backend's start-up messages go through golm's log too.
	hooked := false
	for _, name := range []string{"libggml-base.so.0", "libggml-base.so"} {
		base := filepath.Join(filepath.Dir(abs), name)
		if _, err := os.Stat(base); err == nil {
			cbase := C.CString(base)
			hooked = C.golm_hook_base(cbase) == 1
			C.free(unsafe.Pointer(cbase))
			break
		}
	}
	cpath := C.CString(abs)
	defer C.free(unsafe.Pointer(cpath))
	if reg := C.ggml_backend_load(cpath); reg == nil {
		return withReason(fmt.Errorf("local: loading ggml backend %s failed", abs))
	}
	if !hooked {
		hooked = C.golm_hook_base(nil) == 1
	}
	loadedLibs[abs] = true
	hookedLibs[abs] = hooked
	return nil
}

// loadedBackends returns the backend libraries loaded so far, sorted.
func loadedBackends() []string {
	backendsMu.Lock()
	defer backendsMu.Unlock()
	libs := make([]string, 0, len(loadedLibs))
	for p := range loadedLibs {
		libs = append(libs, p)
	}
	sort.Strings(libs)
	return libs
}

// gpuNotice returns what Load tells the user when GPU layers were asked for but no GPU can take them (the
// model then runs on the CPU, slowly for a big one), or "" when there is nothing to say.
func gpuNotice(gpuLayers int, devs []Device, loaded []string, backendErr error) string {
	if gpuLayers == 0 {
		return ""
	}
	for _, d := range devs {
		if d.Type == "gpu" || d.Type == "igpu" {
			return ""
		}
	}
	const onCPU = "golm: GPULayers is set, but the model runs on the CPU: "
	switch {
	case backendErr != nil:
		return onCPU + "the GPU backend did not load: " + backendErr.Error()
	case len(loaded) > 0:
		names := make([]string, len(loaded))
		for i, p := range loaded {
			names[i] = filepath.Base(p)
		}
		return onCPU + strings.Join(names, ", ") + " is loaded but found no GPU " +
			"(is the NVIDIA driver installed, does nvidia-smi list a GPU, and is CUDA_VISIBLE_DEVICES unset?)"
	default:
		return onCPU + "no GPU backend was found (build one with helpers/local/gpu/build-cuda.sh, which " +
			"installs ~/.local/lib/golm/libggml-cuda.so, or name one in GOLM_GGML_BACKENDS)"
	}
}

// BackendSearchPath returns the folders searched for GPU backend libraries when GOLM_GGML_BACKENDS is unset.
func BackendSearchPath() []string {
	var dirs []string
	if exe, err := os.Executable(); err == nil {
		if r, err := filepath.EvalSymlinks(exe); err == nil {
			exe = r
		}
		dirs = append(dirs, filepath.Dir(exe), filepath.Join(filepath.Dir(exe), "..", "lib", "golm"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".local", "lib", "golm"))
	}
	return dirs
}

func autoBackends() error {
	backendsOnce.Do(func() {
		var errs []error
		if list, ok := os.LookupEnv("GOLM_GGML_BACKENDS"); ok {
			for _, p := range filepath.SplitList(list) {
				if p != "" {
					if err := LoadBackend(p); err != nil {
						errs = append(errs, err)
					}
				}
			}
			backendsErr = errors.Join(errs...)
			return
		}
		for _, dir := range BackendSearchPath() {
			for _, name := range []string{"libggml-cuda.so", "libggml-hip.so", "libggml-vulkan.so"} {
				p := filepath.Join(dir, name)
				if _, err := os.Stat(p); err == nil {
					if err := LoadBackend(p); err != nil {
						errs = append(errs, err)
					}
				}
			}
		}
		backendsErr = errors.Join(errs...)
	})
	return backendsErr
}

// Devices lists the compute devices llama.cpp can use: the CPU, and GPUs of loaded backends.
func Devices() []Device {
	initLlama()
	_ = autoBackends()
	n := int(C.ggml_backend_dev_count())
	out := make([]Device, 0, n)
	for i := 0; i < n; i++ {
		dev := C.ggml_backend_dev_get(C.size_t(i))
		var free, total C.size_t
		C.ggml_backend_dev_memory(dev, &free, &total)
		typ := "cpu"
		switch C.ggml_backend_dev_type(dev) {
		case C.GGML_BACKEND_DEVICE_TYPE_GPU:
			typ = "gpu"
		case C.GGML_BACKEND_DEVICE_TYPE_IGPU:
			typ = "igpu"
		case C.GGML_BACKEND_DEVICE_TYPE_ACCEL:
			typ = "accel"
		}
		out = append(out, Device{
			Name:        C.GoString(C.ggml_backend_dev_name(dev)),
			Description: C.GoString(C.ggml_backend_dev_description(dev)),
			Type:        typ,
			MemoryFree:  uint64(free),
			MemoryTotal: uint64(total),
		})
	}
	return out
}

// GPUAvailable reports whether a GPU device is available (a GPU backend is loaded and found a GPU).
func GPUAvailable() bool {
	for _, d := range Devices() {
		if d.Type == "gpu" || d.Type == "igpu" {
			return true
		}
	}
	return false
}

// SystemInfo returns llama.cpp's summary of the CPU features it was built for, such as "AVX2 = 1".
func SystemInfo() string {
	initLlama()
	return C.GoString(C.llama_print_system_info())
}

// threadCount returns the number of threads to use when asked for n: def when n is not positive, and at most
// the number of CPUs (llama.cpp's threads spin while they wait for each other, so threads beyond the cores
// make it far slower: 1000 threads on 2 cores took over a minute for four tokens).
func threadCount(n, def, cpus int) int {
	if n <= 0 {
		n = def
	}
	return max(1, min(n, cpus))
}

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
}

// Load loads a GGUF model. Cancelling ctx stops the loading.
func Load(ctx context.Context, path string, opts Options) (*Model, error) {
	initLlama()
	if opts.Verbose {
		SetVerbose(true)
	}
	pooling, err := poolingName(opts.Pooling)
	if err != nil {
		return nil, err
	}
	opts.Pooling = pooling
	file, err := gguf.Open(path)
	if errors.Is(err, gguf.ErrNotGGUF) {
		return nil, fmt.Errorf("local: %w: llama.cpp runs GGUF files; download a GGUF version of the model "+
			"(Hugging Face repositories named …-GGUF) or convert it with llama.cpp's convert_hf_to_gguf.py", err)
	}
	if err != nil {
		return nil, fmt.Errorf("local: %w", err)
	}
	// What llama.cpp takes on trust: a damaged file would crash the process.
	if err := file.Check(); err != nil {
		return nil, fmt.Errorf("local: %s: %w", path, err)
	}
	meta := file.Metadata()
	meta.Path = path
	if abs, err := filepath.Abs(path); err == nil {
		meta.Path = abs
	}
	var backendErr error
	if opts.Backend != "" {
		if err := LoadBackend(opts.Backend); err != nil {
			return nil, err
		}
	} else {
		backendErr = autoBackends()
	}
	if opts.GPULayers != 0 { // only then can there be something to say, and the devices are worth listing
		if msg := gpuNotice(opts.GPULayers, Devices(), loadedBackends(), backendErr); msg != "" {
			fmt.Fprintln(os.Stderr, msg)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	m := &Model{path: meta.Path, meta: meta, opts: opts}
	m.state = (*C.golm_state)(C.calloc(1, C.size_t(unsafe.Sizeof(C.golm_state{}))))
	release := m.watch(ctx)
	defer release()

	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	gpu := opts.GPULayers
	if gpu < 0 {
		gpu = 1 << 30 // llama.cpp caps it at the number of layers
	}
	lastError() // clear
	m.model = C.golm_load_model(cpath, C.int32_t(gpu), C.bool(!opts.NoMMap), C.bool(opts.MLock), m.state)
	if m.model == nil {
		release()
		C.free(unsafe.Pointer(m.state))
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("local: loading %s: %w", path, err)
		}
		return nil, withReason(fmt.Errorf("local: loading %s failed", path))
	}
	m.vocab = C.llama_model_get_vocab(m.model)

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
	bt := m.threads
	if opts.BatchThreads > 0 {
		bt = threadCount(opts.BatchThreads, m.threads, runtime.NumCPU())
	}
	m.ctx = C.golm_new_context(m.model, C.uint32_t(m.nCtx), C.uint32_t(m.nBatch), C.uint32_t(m.nBatch),
		C.int32_t(m.threads), C.int32_t(bt), false, C.LLAMA_POOLING_TYPE_UNSPECIFIED, m.state)
	if m.ctx == nil {
		release()
		C.llama_model_free(m.model)
		C.free(unsafe.Pointer(m.state))
		return nil, withReason(fmt.Errorf("local: creating a context of %d tokens for %s failed (out of memory? "+
			"try a smaller Options.ContextSize)", m.nCtx, path))
	}
	m.nCtx = int(C.llama_n_ctx(m.ctx))
	m.batch = C.llama_batch_init(C.int32_t(m.nBatch), 0, 1)
	runtime.SetFinalizer(m, func(m *Model) { _ = m.Close() }) // a safety net; call Close
	return m, nil
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

// VocabSize returns the number of tokens in the vocabulary.
func (m *Model) VocabSize() int {
	m.life.RLock()
	defer m.life.RUnlock()
	if m.closed {
		return 0
	}
	return int(C.llama_vocab_n_tokens(m.vocab))
}

// BOS returns the id of the beginning-of-sequence token (-1 if none).
func (m *Model) BOS() int {
	m.life.RLock()
	defer m.life.RUnlock()
	if m.closed {
		return -1
	}
	return int(C.llama_vocab_bos(m.vocab))
}

// EOS returns the id of the end-of-sequence token (-1 if none).
func (m *Model) EOS() int {
	m.life.RLock()
	defer m.life.RUnlock()
	if m.closed {
		return -1
	}
	return int(C.llama_vocab_eos(m.vocab))
}

// IsEndOfGeneration reports whether a token ends generation (end of sequence, end of turn, …).
func (m *Model) IsEndOfGeneration(id int) bool {
	m.life.RLock()
	defer m.life.RUnlock()
	if m.closed {
		return false
	}
	return bool(C.llama_vocab_is_eog(m.vocab, C.llama_token(id)))
}

// Tokenize splits text into token ids. With addSpecial it adds the tokens the model expects around a text
// (usually the beginning-of-sequence token), as llama.cpp and Hugging Face tokenizers do by default. Special
// tokens written in the text, such as <|im_start|>, become their ids.
func (m *Model) Tokenize(text string, addSpecial bool) ([]int, error) {
	m.life.RLock()
	defer m.life.RUnlock()
	if m.closed {
		return nil, ErrClosed
	}
	toks, err := m.tokenize(text, addSpecial)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(toks))
	for i, t := range toks {
		out[i] = int(t)
	}
	return out, nil
}

func (m *Model) tokenize(text string, addSpecial bool) ([]C.llama_token, error) {
	ctext := C.CString(text)
	defer C.free(unsafe.Pointer(ctext))
	n := len(text) + 8
	for {
		buf := make([]C.llama_token, n)
		got := C.llama_tokenize(m.vocab, ctext, C.int32_t(len(text)), &buf[0], C.int32_t(n), C.bool(addSpecial),
			true)
		if got >= 0 {
			return buf[:got], nil
		}
		if -int(got) <= n {
			return nil, withReason(errors.New("local: tokenization failed"))
		}
		n = -int(got)
	}
}

// Piece returns the text of one token, such as " Jeremy"; special tokens show their text, such as "<s>". An id
// outside the vocabulary gives "<invalid token id N: …>".
func (m *Model) Piece(id int) string {
	m.life.RLock()
	defer m.life.RUnlock()
	if m.closed {
		return ""
	}
	return m.pieceOf(id)
}

// Pieces returns the text of each token.
func (m *Model) Pieces(ids []int) []string {
	m.life.RLock()
	defer m.life.RUnlock()
	if m.closed {
		return nil
	}
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = m.pieceOf(id)
	}
	return out
}

// pieceOf is Piece for an id from the caller: llama.cpp throws a C++ exception for an id outside the
// vocabulary, which would end the process.
func (m *Model) pieceOf(id int) string {
	if n := int(C.llama_vocab_n_tokens(m.vocab)); id < 0 || id >= n {
		return fmt.Sprintf("<invalid token id %d: the vocabulary has %d tokens>", id, n)
	}
	return string(m.piece(C.llama_token(id), true))
}

func (m *Model) piece(tok C.llama_token, special bool) []byte {
	var small [64]byte
	buf := small[:]
	for {
		n := C.llama_token_to_piece(m.vocab, tok, (*C.char)(unsafe.Pointer(&buf[0])), C.int32_t(len(buf)), 0,
			C.bool(special))
		if n >= 0 {
			return append([]byte(nil), buf[:n]...)
		}
		buf = make([]byte, -int(n))
	}
}

// Detokenize turns token ids back into text; special tokens show their text, such as "<s>".
func (m *Model) Detokenize(ids []int) (string, error) {
	m.life.RLock()
	defer m.life.RUnlock()
	if m.closed {
		return "", ErrClosed
	}
	if len(ids) == 0 {
		return "", nil
	}
	toks := make([]C.llama_token, len(ids))
	nv := int(C.llama_vocab_n_tokens(m.vocab))
	for i, id := range ids {
		if id < 0 || id >= nv {
			return "", fmt.Errorf("local: token id %d out of range [0, %d)", id, nv)
		}
		toks[i] = C.llama_token(id)
	}
	n := len(ids)*8 + 16
	for {
		buf := make([]byte, n)
		got := C.llama_detokenize(m.vocab, &toks[0], C.int32_t(len(toks)), (*C.char)(unsafe.Pointer(&buf[0])),
			C.int32_t(n), false, true)
		if got >= 0 {
			return validUTF8(string(buf[:got])), nil
		}
		if -int(got) <= n {
			return "", errors.New("local: detokenization failed")
		}
		n = -int(got)
	}
}

// Generate continues prompt and returns the generated text.
func (m *Model) Generate(ctx context.Context, prompt string, opts GenerateOptions) (*Result, error) {
	return m.generate(ctx, prompt, opts, opts.Stop, false, nil)
}

// Stream continues prompt, calling onText with each new piece of text as it is generated (never with a partial
// UTF-8 character or any part of a stop string). If onText returns an error, generation stops and Stream
// returns the result so far with that error.
func (m *Model) Stream(ctx context.Context, prompt string, opts GenerateOptions, onText func(text string) error) (*Result, error) {
	return m.generate(ctx, prompt, opts, opts.Stop, false, onText)
}

// GenerateTo continues prompt, writing the text to w as it is generated.
func (m *Model) GenerateTo(ctx context.Context, prompt string, opts GenerateOptions, w io.Writer) (*Result, error) {
	return m.generate(ctx, prompt, opts, opts.Stop, false, func(s string) error {
		_, err := io.WriteString(w, s)
		return err
	})
}

// ChatPrompt renders a conversation as the prompt text the model expects, ending where the assistant's answer
// begins. It uses the model's own chat template (from its metadata, applied by llama.cpp) or, when template is
// not "", the named template of package templates.
func (m *Model) ChatPrompt(messages []Message, template string) (string, error) {
	if template != "" {
		return templates.Apply(template, messages, true)
	}
	m.life.RLock()
	defer m.life.RUnlock()
	if m.closed {
		return "", ErrClosed
	}
	ctmpl := C.llama_model_chat_template(m.model, nil)
	if ctmpl == nil || *ctmpl == 0 {
		return "", fmt.Errorf("local: %s has no chat template (a base model?): name one of %s in "+
			"GenerateOptions.Template, or write the prompt yourself and call Generate", m.Name(),
			strings.Join(templates.Names(), ", "))
	}
	roles := make([]*C.char, len(messages)+1)
	contents := make([]*C.char, len(messages)+1)
	size := 256
	for i, msg := range messages {
		roles[i] = C.CString(msg.Role)
		contents[i] = C.CString(msg.Content)
		size += len(msg.Role) + len(msg.Content) + 64
	}
	defer func() {
		for i := range messages {
			C.free(unsafe.Pointer(roles[i]))
			C.free(unsafe.Pointer(contents[i]))
		}
	}()
	for attempt := 0; attempt < 2; attempt++ {
		buf := make([]byte, size)
		n := C.golm_apply_template(ctmpl, &roles[0], &contents[0], C.size_t(len(messages)), true,
			(*C.char)(unsafe.Pointer(&buf[0])), C.int32_t(len(buf)))
		if n < 0 {
			if name := templates.Detect(C.GoString(ctmpl)); name != "" {
				return templates.Apply(name, messages, true)
			}
			return "", fmt.Errorf("local: llama.cpp does not recognise %s's chat template; name one of %s in "+
				"GenerateOptions.Template", m.Name(), strings.Join(templates.Names(), ", "))
		}
		if int(n) <= len(buf) {
			return string(buf[:n]), nil
		}
		size = int(n) + 1
	}
	return "", errors.New("local: applying the chat template failed")
}

// Chat answers the last message of a conversation, using the model's chat template (or opts.Template).
func (m *Model) Chat(ctx context.Context, messages []Message, opts GenerateOptions) (*Result, error) {
	return m.ChatStream(ctx, messages, opts, nil)
}

// ChatStream answers the last message of a conversation like Chat, calling onText with each new piece of the
// answer (see Stream).
func (m *Model) ChatStream(ctx context.Context, messages []Message, opts GenerateOptions, onText func(text string) error) (*Result, error) {
	stops, _, err := chatStops(opts)
	if err != nil {
		return nil, err
	}
	prompt, err := m.ChatPrompt(messages, opts.Template)
	if err != nil {
		return nil, err
	}
	return m.generate(ctx, prompt, opts, stops, true, onText)
}

// preparePrompt tokenizes a prompt, starting it with the BOS token when the model expects one and the prompt
// text does not already start with it (chat templates often write it).
func (m *Model) preparePrompt(prompt string, opts GenerateOptions) ([]C.llama_token, error) {
	toks, err := m.tokenize(prompt, false)
	if err != nil {
		return nil, err
	}
	bos := C.llama_vocab_bos(m.vocab)
	if !opts.NoBOS && bos >= 0 && bool(C.llama_vocab_get_add_bos(m.vocab)) && (len(toks) == 0 || toks[0] != bos) {
		toks = append([]C.llama_token{bos}, toks...)
	}
	if len(toks) == 0 {
		return nil, errors.New("local: empty prompt (and the model has no beginning-of-sequence token to start from)")
	}
	return toks, nil
}

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

var errAborted = errors.New("local: computation aborted")

func (m *Model) generate(ctx context.Context, prompt string, opts GenerateOptions, stops []string,
	chat bool, onText func(string) error) (res *Result, err error) {
	start := time.Now()
	end, err := m.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	switch m.meta.Pooling {
	case "mean", "cls", "last", "rank":
		return nil, fmt.Errorf("local: %s is an embedding model (its metadata sets %s pooling): use Embed, "+
			"and a generative model for text", m.Name(), m.meta.Pooling)
	}
	res = &Result{}
	toks, err := m.preparePrompt(prompt, opts)
	if err != nil {
		return nil, err
	}
	res.PromptTokens = len(toks)
	if len(toks) >= m.nCtx {
		return nil, fmt.Errorf("local: the prompt has %d tokens, which does not leave room in the context of %d: "+
			"load the model with a larger Options.ContextSize", len(toks), m.nCtx)
	}

	// Reuse the cached prefix; always evaluate at least the last prompt token to get its logits.
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
	res.CachedTokens = keep

	// dirty is set while a decode runs: if it fails or is aborted, the KV cache may hold part of a batch, so
	// it is cleared.
	dirty := false
	defer func() {
		if dirty {
			C.llama_memory_clear(mem, true)
			m.past = nil
		}
		if errors.Is(err, errAborted) {
			if m.closing.Load() {
				err = ErrClosed
			} else if ctx.Err() != nil {
				err = ctx.Err()
			}
			res.StopReason = StopCancelled
		}
	}()
	dirty = true
	if err := m.decode(m.ctx, toks[keep:], keep, false); err != nil {
		return res, err
	}
	dirty = false
	m.past = append(m.past, toks[keep:]...)
	promptDone := time.Now()
	res.Timing.Prompt = promptDone.Sub(start)
	res.Timing.PromptTokens = len(toks) - keep

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
	defer C.llama_sampler_free(smpl)
	if repeat != 1 || opts.FrequencyPenalty != 0 || opts.PresencePenalty != 0 {
		from := 0
		if lastN > 0 {
			from = max(0, len(toks)-lastN)
		}
		for _, t := range toks[from:] {
			C.llama_sampler_accept(smpl, t)
		}
	}

	stream := newTextStream(stops, chat)
	emit := func(s string) error {
		if s == "" || onText == nil {
			return nil
		}
		return onText(s)
	}
	maxTokens := opts.maxTokens()
	var one [1]C.llama_token
	topK := min(max(opts.TopLogProbs, 0), 20)
	wantLP := opts.LogProbs || topK > 0
	nVocab := C.int32_t(C.llama_vocab_n_tokens(m.vocab))
	topIDs := make([]C.int32_t, topK+1)
	topLP := make([]C.float, topK+1)
	defer func() {
		res.Text = validUTF8(stream.String())
		res.Timing.Tokens = len(res.Tokens)
		if res.Timing.Tokens > 0 {
			res.Timing.Generation = time.Since(promptDone)
		}
		res.Timing.Total = time.Since(start)
	}()
	for {
		if len(res.Tokens) >= maxTokens {
			res.StopReason = StopLength
			break
		}
		if len(m.past) >= m.nCtx {
			res.StopReason = StopContext
			break
		}
		if err := ctx.Err(); err != nil {
			res.StopReason = StopCancelled
			return res, err
		}
		if m.closing.Load() {
			res.StopReason = StopCancelled
			return res, ErrClosed
		}
		tok := C.llama_sampler_sample(smpl, m.ctx, -1)
		if !opts.IgnoreEOS && bool(C.llama_vocab_is_eog(m.vocab, tok)) {
			res.StopReason = StopEOS
			break
		}
		res.Tokens = append(res.Tokens, int(tok))
		if wantLP {
			res.LogProbs = append(res.LogProbs, m.logProb(tok, nVocab, topK, topIDs, topLP))
		}
		if len(res.Tokens) == 1 {
			res.Timing.FirstToken = time.Since(start)
		}
		out, stopped := stream.push(string(m.piece(tok, false)))
		if err := emit(out); err != nil {
			res.StopReason = StopCancelled
			return res, err
		}
		if stopped {
			res.StopReason = StopSequence
			break
		}
		if len(res.Tokens) >= maxTokens || len(m.past) >= m.nCtx {
			continue // no need to evaluate the last token
		}
		one[0] = tok
		dirty = true
		if err := m.decode(m.ctx, one[:], len(m.past), false); err != nil {
			return res, err
		}
		dirty = false
		m.past = append(m.past, tok)
	}
	if err := emit(stream.flush()); err != nil {
		res.StopReason = StopCancelled
		return res, err
	}
	return res, nil
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

// Embed returns the embedding of text: the model's token vectors pooled into one (by Options.Pooling or the
// model's metadata, mean by default) and normalised to length 1, so that the dot product of two embeddings is
// their cosine similarity. Use an embedding model (such as bge-small-en-v1.5 in GGUF) for retrieval.
func (m *Model) Embed(ctx context.Context, text string) ([]float32, error) {
	vs, err := m.EmbedBatch(ctx, []string{text})
	if err != nil {
		return nil, err
	}
	return vs[0], nil
}

// EmbedBatch returns the embeddings of several texts (see Embed).
func (m *Model) EmbedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	end, err := m.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer end()
	ectx, n, err := m.embeddingContext()
	if err != nil {
		return nil, err
	}
	width := int(C.llama_model_n_embd(m.model))
	encoder := bool(C.llama_model_has_encoder(m.model)) && !bool(C.llama_model_has_decoder(m.model))
	mem := C.llama_get_memory(ectx)
	out := make([][]float32, 0, len(texts))
	// The embedding context evaluates a whole text in one batch, which may be larger than m.batch.
	batch := C.llama_batch_init(C.int32_t(n), 0, 1)
	defer C.llama_batch_free(batch)
	for i, text := range texts {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		toks, err := m.tokenize(text, true)
		if err != nil {
			return nil, err
		}
		if len(toks) == 0 {
			return nil, fmt.Errorf("local: text %d is empty", i)
		}
		if len(toks) > n {
			return nil, fmt.Errorf("local: text %d has %d tokens, more than the %d the model embeds at once: split it",
				i, len(toks), n)
		}
		if mem != nil {
			C.llama_memory_clear(mem, true)
		}
		C.golm_batch_set(&batch, &toks[0], C.int32_t(len(toks)), 0, true)
		var r C.int32_t
		if encoder {
			r = C.golm_encode(ectx, batch, m.state)
		} else {
			r = C.golm_decode(ectx, batch, m.state)
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
		p := C.llama_get_embeddings_seq(ectx, 0)
		if p == nil {
			return nil, withReason(errors.New("local: the model returned no pooled embedding"))
		}
		v := make([]float32, width)
		copy(v, unsafe.Slice((*float32)(unsafe.Pointer(p)), width))
		normalize(v)
		out = append(out, v)
	}
	return out, nil
}
