// llama_binding.h declares the C helpers of golm's llama.cpp binding (defined in llama_binding.c), which every
// Go file of the binding includes in its cgo preamble. The helpers do in C what Go cannot do safely across
// cgo: callbacks from llama.cpp's threads, setjmp/longjmp around failed checks, filling C structs in a loop.

#ifndef GOLM_LLAMA_BINDING_H
#define GOLM_LLAMA_BINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "llama.h"
#include "ggml-backend.h"

// golm_state is shared between Go and llama.cpp's callbacks: an operation is aborted when its id was
// cancelled, or when the model is closing. Go writes the fields through golm_state_begin, golm_state_cancel
// and golm_state_close (atomic stores).
typedef struct {
	int64_t current;   // id of the running operation
	int64_t cancelled; // id of the last cancelled operation
	int32_t closing;
} golm_state;

// Operation state (see golm_state).
void golm_state_begin(golm_state * s, int64_t id);
void golm_state_cancel(golm_state * s, int64_t id);
void golm_state_close(golm_state * s);

// golm_trim returns freed heap memory to the operating system (glibc only).
void golm_trim(void);

// Logging and failed checks: golm_log_init installs golm's log and abort callbacks in llama.cpp and ggml;
// golm_log_level sets the least level shown on standard error; golm_last_error copies the errors logged
// since its last call into buf and clears them.
void golm_log_init(void);
void golm_log_level(int level);
void golm_last_error(char * buf, size_t n);

// golm_hook_base installs golm's log and abort callbacks in the copy of libggml-base a backend library uses:
// loaded from path, or (path NULL) the one already loaded. It returns 1 when both were installed.
int golm_hook_base(const char * path);

// golm_load_model and golm_new_context call llama.cpp with golm's settings; a failed check inside them makes
// them return NULL (with the reason in golm_last_error) instead of ending the process.
struct llama_model * golm_load_model(const char * path, int32_t n_gpu_layers, bool use_mmap, bool use_mlock,
		golm_state * state);
struct llama_context * golm_new_context(struct llama_model * model, uint32_t n_ctx, uint32_t n_batch,
		uint32_t n_ubatch, int32_t threads, int32_t threads_batch, bool embeddings, int32_t pooling,
		golm_state * state);

// golm_batch_set fills a batch with tokens at consecutive positions of sequence 0; the last token (or every
// token, with all_logits) produces output.
void golm_batch_set(struct llama_batch * b, const llama_token * tokens, int32_t n, int32_t pos0, bool all_logits);

// golm_decode and golm_encode evaluate a batch, without logging if the operation is aborted.
int32_t golm_decode(struct llama_context * ctx, struct llama_batch batch, golm_state * state);
int32_t golm_encode(struct llama_context * ctx, struct llama_batch batch, golm_state * state);

// golm_sampler builds the sampler chain for golm's sampling settings (greedy when temp <= 0).
struct llama_sampler * golm_sampler(float temp, int32_t top_k, float top_p, float min_p, int32_t last_n,
		float repeat, float freq, float present, uint32_t seed);

// golm_logprobs returns the log-softmax of logits at tok, and fills top_ids/top_lp with the k most likely
// tokens, most likely first.
float golm_logprobs(const float * logits, int32_t n, int32_t tok, int32_t k, int32_t * top_ids, float * top_lp);

// golm_apply_template applies a chat template to n messages given as parallel arrays of roles and contents.
int32_t golm_apply_template(const char * tmpl, const char ** roles, const char ** contents, size_t n,
		bool add_ass, char * buf, int32_t len);

#endif
