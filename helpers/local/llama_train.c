//go:build llama

// C helpers of golm's binding of llama.cpp's training API (see llama_train.h).

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "llama_train.h"
#include "llama_binding.h"
#include "llama_guard.h"
#include "ggml-backend.h"
#include "gguf.h"

struct golm_trainer {
	struct llama_model * model;
	struct llama_context * tctx; // training context: llama_opt_init, llama_opt_epoch
	struct llama_context * ictx; // forward context: the logits of every position
	ggml_opt_dataset_t ds;       // one window (ndata 1), rewritten before each step
	ggml_opt_result_t res;
	ggml_opt_context_t opt;      // tctx's optimization context, captured by golm_capture_opt
	struct llama_batch batch;
	int32_t n_ctx, n_vocab;
	uint32_t n_ctx_train; // the model's own, restored by golm_train_free
	float lr;
	int64_t n_params;     // trained weights
	int32_t layers;       // the number of top layers trained with the output head
	const uint8_t * mask; // the mask of the step in progress; NULL outside a step
	float * row;          // n_vocab floats: one soft label
};

// golm_capturing is the trainer whose optimization context golm_capture_opt records (llama_opt_epoch's
// callbacks take no user data; they run on the calling thread).
static __thread golm_trainer * golm_capturing;

static void golm_capture_opt(bool train, ggml_opt_context_t opt_ctx, ggml_opt_dataset_t dataset,
		ggml_opt_result_t result, int64_t ibatch, int64_t ibatch_max, int64_t t_start_us) {
	(void) train; (void) dataset; (void) result; (void) ibatch; (void) ibatch_max; (void) t_start_us;
	if (golm_capturing != NULL) {
		golm_capturing->opt = opt_ctx;
	}
}

// golm_opt_pars is llama.cpp's callback for the optimizer's parameters, called by ggml_opt_eval after the
// step's labels are set and before its graph runs: it also replaces the labels of the masked-out positions by
// the forward pass's predicted distributions, so that they add nothing to the gradient.
static struct ggml_opt_optimizer_params golm_opt_pars(void * data) {
	golm_trainer * t = (golm_trainer *) data;
	struct ggml_opt_optimizer_params p = ggml_opt_get_default_optimizer_params(NULL);
	p.adamw.alpha = t->lr;
	p.adamw.wd = 0.0f;
	p.sgd.alpha = t->lr;
	p.sgd.wd = 0.0f;
	if (t->mask != NULL && t->opt != NULL) {
		struct ggml_tensor * labels = ggml_opt_labels(t->opt);
		const int64_t nv = labels->ne[0];
		for (int32_t i = 0; i < t->n_ctx && i < labels->ne[1]; i++) {
			if (t->mask[i]) {
				continue;
			}
			const float * logits = llama_get_logits_ith(t->ictx, i);
			float mx = -INFINITY;
			for (int64_t j = 0; j < nv; j++) {
				if (logits[j] > mx) mx = logits[j];
			}
			double sum = 0;
			for (int64_t j = 0; j < nv; j++) {
				t->row[j] = expf(logits[j] - mx);
				sum += t->row[j];
			}
			const float inv = (float) (1.0 / sum);
			for (int64_t j = 0; j < nv; j++) {
				t->row[j] *= inv;
			}
			ggml_backend_tensor_set(labels, t->row, (size_t) i * labels->nb[1], (size_t) nv * sizeof(float));
		}
	}
	return p;
}

// golm_param_choose chooses the weights to train: the output norm and matrix, and the weights of the top
// t->layers layers. The token embeddings never train (llama.cpp skips them).
// Gradients reach a layer's keys and values because golm's llama.cpp (helpers/local/internal/llamacpp) lets
// a training graph bypass the KV cache, whose GGML_OP_SET_ROWS has no backward pass.
static bool golm_param_choose(const struct ggml_tensor * tensor, golm_trainer * t) {
	const char * name = tensor->name;
	if (strncmp(name, "output.", 7) == 0 || strncmp(name, "output_norm.", 12) == 0) {
		return true;
	}
	int layer;
	if (sscanf(name, "blk.%d.", &layer) != 1) {
		return false;
	}
	return layer >= llama_model_n_layer(t->model) - t->layers;
}

// golm_unmark clears a weight's trainable mark: llama_opt_init only ever sets marks, and a weight marked by an
// earlier training (of the last layer, say) would otherwise train in every later one.
static void golm_unmark(const struct ggml_tensor * tensor) {
	((struct ggml_tensor *) tensor)->flags &= ~GGML_TENSOR_FLAG_PARAM;
}

static bool golm_param_filter(const struct ggml_tensor * tensor, void * data) {
	golm_trainer * t = (golm_trainer *) data;
	if (!golm_param_choose(tensor, t)) {
		golm_unmark(tensor);
		return false;
	}
	if (strcmp(tensor->name, "token_embd.weight") != 0 && strcmp(tensor->name, "rope_freqs.weight") != 0) {
		t->n_params += ggml_nelements(tensor);
	}
	return true;
}

static bool golm_param_none(const struct ggml_tensor * tensor, void * data) {
	(void) data;
	golm_unmark(tensor);
	return false;
}

static struct llama_context * golm_train_context(struct llama_model * model, uint32_t n_ctx, uint32_t n_batch,
		int32_t threads) {
	struct llama_context_params p = llama_context_default_params();
	p.n_ctx = n_ctx;
	p.n_batch = n_batch;
	p.n_ubatch = n_batch;
	p.n_seq_max = 1;
	p.n_threads = threads;
	p.n_threads_batch = threads;
	p.type_k = GGML_TYPE_F32; // ggml's OUT_PROD, in the backward pass, has no F16 version
	p.type_v = GGML_TYPE_F32;
	p.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED; // flash attention has no backward pass
	p.no_perf = true;
	struct llama_context * c;
	GOLM_GUARDED(c, llama_init_from_model(model, p));
	return c;
}

golm_trainer * golm_train_new(struct llama_model * model, uint32_t n_ctx, int32_t threads, int32_t layers,
		bool sgd) {
	golm_trainer * t = calloc(1, sizeof(golm_trainer));
	t->model = model;
	t->layers = layers;
	t->lr = 1e-4f;
	t->n_ctx_train = llama_model_n_ctx_train(model);
	t->n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
	golm_llama_training(true); // the training context's graphs hold a backward pass too
	t->tctx = golm_train_context(model, n_ctx, n_ctx, threads);
	golm_llama_training(false);
	if (t->tctx == NULL) {
		golm_train_free(t);
		return NULL;
	}
	t->n_ctx = (int32_t) llama_n_ctx(t->tctx); // llama.cpp rounds it up to a multiple of 256
	t->ictx = golm_train_context(model, (uint32_t) t->n_ctx, (uint32_t) t->n_ctx, threads);
	if (t->ictx == NULL) {
		golm_train_free(t);
		return NULL;
	}
	// llama.cpp gives its CPU backend the context's thread count when it decodes, and llama_opt_epoch does not
	// decode: without one decode first, training runs on ggml's default of 4 threads, which spin at barriers
	// on a machine with fewer free cores (a step of the tiny test model took seconds instead of milliseconds).
	llama_token bos = llama_vocab_bos(llama_model_get_vocab(model));
	if (bos < 0) bos = 0;
	if (llama_decode(t->tctx, llama_batch_get_one(&bos, 1)) != 0) {
		golm_train_free(t);
		return NULL;
	}
	llama_memory_clear(llama_get_memory(t->tctx), true);
	struct llama_opt_params op = {
		.n_ctx_train = (uint32_t) t->n_ctx,
		.param_filter = golm_param_filter,
		.param_filter_ud = t,
		.get_opt_pars = golm_opt_pars,
		.get_opt_pars_ud = t,
		.optimizer_type = sgd ? GGML_OPT_OPTIMIZER_TYPE_SGD : GGML_OPT_OPTIMIZER_TYPE_ADAMW,
	};
	bool ok;
	GOLM_GUARDED_OK(ok, llama_opt_init(t->tctx, model, op));
	if (!ok) {
		golm_train_free(t);
		return NULL;
	}
	t->ds = ggml_opt_dataset_init(GGML_TYPE_I32, GGML_TYPE_I32, t->n_ctx, t->n_ctx, 1, 1);
	t->res = ggml_opt_result_init();
	t->batch = llama_batch_init(t->n_ctx, 0, 1);
	t->row = malloc(sizeof(float) * (size_t) t->n_vocab);

	// The optimization context is private to llama.cpp's context; a forward-only evaluation of a window of
	// BOS tokens hands it to golm_capture_opt.
	int32_t * data = (int32_t *) ggml_opt_dataset_data(t->ds)->data;
	int32_t * lab = (int32_t *) ggml_opt_dataset_labels(t->ds)->data;
	llama_token fill = llama_vocab_bos(llama_model_get_vocab(model));
	if (fill < 0) fill = 0;
	for (int32_t i = 0; i < t->n_ctx; i++) {
		data[i] = fill;
		lab[i] = fill;
	}
	golm_capturing = t;
	golm_llama_training(true);
	GOLM_GUARDED_OK(ok, llama_opt_epoch(t->tctx, t->ds, NULL, t->res, 0, NULL, golm_capture_opt));
	golm_llama_training(false);
	golm_capturing = NULL;
	ggml_opt_result_reset(t->res);
	if (!ok || t->opt == NULL) {
		golm_train_free(t);
		return NULL;
	}
	return t;
}

int32_t golm_train_n_ctx(const golm_trainer * t) { return t->n_ctx; }

int64_t golm_train_params(const golm_trainer * t) { return t->n_params; }

void golm_train_set_lr(golm_trainer * t, float lr) { t->lr = lr; }

int32_t golm_train_step(golm_trainer * t, const int32_t * tokens, const int32_t * labels, const uint8_t * mask,
		bool train, double * nll, int64_t * count) {
	// Forward pass: the loss of the counted positions, and the logits the masked ones take as labels.
	llama_memory_clear(llama_get_memory(t->ictx), true);
	golm_batch_set(&t->batch, tokens, t->n_ctx, 0, true);
	if (llama_decode(t->ictx, t->batch) != 0) {
		return -1;
	}
	for (int32_t i = 0; i < t->n_ctx; i++) {
		if (!mask[i]) {
			continue;
		}
		const float * logits = llama_get_logits_ith(t->ictx, i);
		float mx = -INFINITY;
		for (int32_t j = 0; j < t->n_vocab; j++) {
			if (logits[j] > mx) mx = logits[j];
		}
		double sum = 0;
		for (int32_t j = 0; j < t->n_vocab; j++) {
			sum += exp((double) (logits[j] - mx));
		}
		*nll += (double) mx + log(sum) - (double) logits[labels[i]];
		*count += 1;
	}
	if (!train) {
		return 0;
	}
	memcpy(ggml_opt_dataset_data(t->ds)->data, tokens, sizeof(int32_t) * (size_t) t->n_ctx);
	memcpy(ggml_opt_dataset_labels(t->ds)->data, labels, sizeof(int32_t) * (size_t) t->n_ctx);
	t->mask = mask;
	bool ok;
	golm_llama_training(true);
	GOLM_GUARDED_OK(ok, llama_opt_epoch(t->tctx, t->ds, t->res, NULL, 1, NULL, NULL));
	golm_llama_training(false);
	t->mask = NULL;
	ggml_opt_result_reset(t->res);
	return ok ? 0 : -1;
}

void golm_train_free(golm_trainer * t) {
	if (t == NULL) {
		return;
	}
	if (t->tctx != NULL) {
		llama_free(t->tctx);
		// llama_opt_init set the model's training context to the window; another initialisation, on a
		// throw-away context, sets it back (llama.cpp has no other setter).
		struct llama_context * c = golm_train_context(t->model, 256, 1, 1);
		if (c != NULL) {
			struct llama_opt_params op = {
				.n_ctx_train = t->n_ctx_train,
				.param_filter = golm_param_none,
				.get_opt_pars = ggml_opt_get_default_optimizer_params,
				.optimizer_type = GGML_OPT_OPTIMIZER_TYPE_ADAMW,
			};
			bool ok;
			GOLM_GUARDED_OK(ok, llama_opt_init(c, t->model, op));
			(void) ok;
			llama_free(c);
		}
	}
	if (t->ictx != NULL) llama_free(t->ictx);
	if (t->ds != NULL) ggml_opt_dataset_free(t->ds);
	if (t->res != NULL) ggml_opt_result_free(t->res);
	if (t->batch.token != NULL) llama_batch_free(t->batch);
	free(t->row);
	free(t);
}

// golm_copy_tail appends the bytes of file from offset on to out.
static bool golm_copy_tail(FILE * out, const char * file, size_t offset) {
	FILE * in = fopen(file, "rb");
	if (in == NULL || fseek(in, (long) offset, SEEK_SET) != 0) {
		if (in) fclose(in);
		return false;
	}
	char * buf = malloc(1 << 20);
	bool ok = true;
	size_t n;
	while ((n = fread(buf, 1, 1 << 20, in)) > 0) {
		if (fwrite(buf, 1, n, out) != n) {
			ok = false;
			break;
		}
	}
	if (ferror(in)) ok = false;
	free(buf);
	fclose(in);
	return ok;
}

int32_t golm_save_model(const struct llama_model * model, const char * src, const char * tmp, const char * out,
		uint32_t context_length, int32_t file_type) {
	bool ok;
	GOLM_GUARDED_OK(ok, llama_model_save_to_file(model, tmp));
	if (!ok) {
		remove(tmp);
		return -1;
	}
	struct gguf_init_params gp = {.no_alloc = true, .ctx = NULL};
	struct gguf_context * saved = gguf_init_from_file(tmp, gp);
	if (saved == NULL) {
		remove(tmp);
		return -1;
	}
	const size_t data_offset = gguf_get_data_offset(saved);
	const bool had_alignment = gguf_find_key(saved, "general.alignment") >= 0;
	struct gguf_context * orig = src != NULL ? gguf_init_from_file(src, gp) : NULL;
	char key[256];
	if (orig != NULL) {
		gguf_set_kv(saved, orig); // the original's metadata, over the saver's
		gguf_free(orig);
		if (!had_alignment) {
			gguf_remove_key(saved, "general.alignment"); // the data below keeps the saver's alignment
		}
	}
	const char * arch = "";
	int64_t k = gguf_find_key(saved, "general.architecture");
	if (k >= 0) arch = gguf_get_val_str(saved, k);
	if (context_length > 0) {
		snprintf(key, sizeof(key), "%s.context_length", arch);
		gguf_set_val_u32(saved, key, context_length);
	}
	if (file_type >= 0) {
		gguf_set_val_u32(saved, "general.file_type", (uint32_t) file_type);
	}
	const size_t meta = gguf_get_meta_size(saved);
	void * buf = malloc(meta);
	gguf_get_meta_data(saved, buf);
	gguf_free(saved);
	FILE * f = fopen(out, "wb");
	ok = f != NULL && fwrite(buf, 1, meta, f) == meta && golm_copy_tail(f, tmp, data_offset);
	free(buf);
	if (f != NULL && fclose(f) != 0) ok = false;
	remove(tmp);
	if (!ok) {
		remove(out);
		return -1;
	}
	return 0;
}

uint32_t golm_convert_f32(const char * in, const char * out, int32_t threads) {
	struct llama_model_quantize_params p = llama_model_quantize_default_params();
	p.nthread = threads;
	p.ftype = LLAMA_FTYPE_ALL_F32;
	p.allow_requantize = true;
	p.quantize_output_tensor = true;
	return llama_model_quantize(in, out, &p);
}
