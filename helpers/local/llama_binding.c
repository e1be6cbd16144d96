//go:build llama

// C helpers of golm's llama.cpp binding (see llama_binding.h for what Go calls). They live in this file, not
// in a cgo preamble, so that every Go file of the binding can call them: functions of a preamble are only
// visible to the Go file that holds it.

#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <stdint.h>
#include <pthread.h>
#include <math.h>
#include <setjmp.h>
#include <dlfcn.h>
#include "llama_binding.h"
#include "llama_guard.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif

// golm_trim returns freed heap memory to the operating system, so that resident memory falls after a model is
// closed (glibc keeps freed blocks of up to 32 MB in its heap otherwise).
void golm_trim(void) {
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

// golm_abort is llama.cpp's abort callback: true stops the computation of an aborted operation.
static bool golm_abort(void * data) {
	golm_state * s = (golm_state *) data;
	return __atomic_load_n(&s->closing, __ATOMIC_RELAXED) != 0 ||
		__atomic_load_n(&s->cancelled, __ATOMIC_RELAXED) == __atomic_load_n(&s->current, __ATOMIC_RELAXED);
}

static bool golm_progress(float progress, void * data) {
	(void) progress;
	return !golm_abort(data);
}

void golm_state_begin(golm_state * s, int64_t id) { __atomic_store_n(&s->current, id, __ATOMIC_RELAXED); }
void golm_state_cancel(golm_state * s, int64_t id) { __atomic_store_n(&s->cancelled, id, __ATOMIC_RELAXED); }
void golm_state_close(golm_state * s) { __atomic_store_n(&s->closing, 1, __ATOMIC_RELAXED); }

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
// (golm_jmp and GOLM_GUARDED are declared in llama_guard.h, for llama_train.c too.)
__thread jmp_buf * golm_jmp;

// golm_source_name returns message, which starts "FILE:LINE: ", from FILE's base name on: llama.cpp's sources
// compiled by helpers/local/internal/llamacpp are named by their full path in the module cache.
static const char * golm_source_name(const char * message) {
	const char * base = message;
	for (const char * p = message; *p != '\0'; p++) {
		if (*p == ':' && p[1] >= '0' && p[1] <= '9') {
			return base;
		}
		if (*p == '/') {
			base = p + 1;
		}
	}
	return message;
}

static void golm_on_abort(const char * message) {
	jmp_buf * j = golm_jmp;
	if (j != NULL) {
		golm_jmp = NULL;
		pthread_mutex_lock(&golm_err_mu);
		strncat(golm_err, "failed check at ", sizeof(golm_err) - strlen(golm_err) - 1);
		strncat(golm_err, golm_source_name(message), sizeof(golm_err) - strlen(golm_err) - 1);
		pthread_mutex_unlock(&golm_err_mu);
		longjmp(*j, 1);
	}
	// Elsewhere the process ends (ggml calls abort after this returns); say why, without ggml's gdb backtrace.
	fprintf(stderr, "llama.cpp: %s\n", message);
	fflush(stderr);
}


// A backend library loaded at run time (libggml-cuda.so) brings its own copy of ggml's core, libggml-base.so,
// with its own log and abort callbacks. golm_hook_base installs golm's in it: path names the library file, to
// load it before the backend (which then uses it), or is NULL to find the copy a backend has already loaded by
// its name. It returns 1 when both callbacks were installed.
int golm_hook_base(const char * path) {
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

void golm_log_init(void) {
	llama_log_set(golm_log, NULL);
	ggml_set_abort_callback(golm_on_abort);
}
void golm_log_level(int level) { __atomic_store_n(&golm_log_min, level, __ATOMIC_RELAXED); }

// golm_last_error copies the error messages logged since the last call into buf and clears them.
void golm_last_error(char * buf, size_t n) {
	pthread_mutex_lock(&golm_err_mu);
	strncpy(buf, golm_err, n - 1);
	buf[n - 1] = 0;
	golm_err[0] = 0;
	pthread_mutex_unlock(&golm_err_mu);
}

struct llama_model * golm_load_model(const char * path, int32_t n_gpu_layers, bool use_mmap,
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

struct llama_context * golm_new_context(struct llama_model * model, uint32_t n_ctx, uint32_t n_batch,
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
void golm_batch_set(struct llama_batch * b, const llama_token * tokens, int32_t n, int32_t pos0,
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
int32_t golm_decode(struct llama_context * ctx, struct llama_batch batch, golm_state * state) {
	golm_quiet = state;
	int32_t r = llama_decode(ctx, batch);
	golm_quiet = NULL;
	return r;
}

int32_t golm_encode(struct llama_context * ctx, struct llama_batch batch, golm_state * state) {
	golm_quiet = state;
	int32_t r = llama_encode(ctx, batch);
	golm_quiet = NULL;
	return r;
}

struct llama_sampler * golm_sampler(float temp, int32_t top_k, float top_p, float min_p, int32_t last_n,
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
float golm_logprobs(const float * logits, int32_t n, int32_t tok, int32_t k, int32_t * top_ids,
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

int32_t golm_apply_template(const char * tmpl, const char ** roles, const char ** contents, size_t n,
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
