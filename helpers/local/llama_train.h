// llama_train.h declares the C helpers of golm's binding of llama.cpp's training API (llama_opt_init,
// llama_opt_epoch; defined in llama_train.c) and of saving and converting models.

#ifndef GOLM_LLAMA_TRAIN_H
#define GOLM_LLAMA_TRAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "llama.h"
#include "ggml-opt.h"

// golm_trainer trains a model's F32 weights with AdamW on windows of n_ctx tokens, one optimizer step a window.
// The loss counts only the positions a mask selects (the completion): llama.cpp's training loss is the
// cross-entropy of every position, so the other rows get the model's own predicted distribution as their label,
// which makes their gradient zero (ggml's cross-entropy gradient is softmax(logits) - label). Those
// distributions, and the loss, come from a forward pass on a second context (ictx) with the same weights.
typedef struct golm_trainer golm_trainer;

// golm_train_new prepares training of the output head and of the top `layers` layers (all of them when layers
// is at least the model's number of layers): a training and a forward context of n_ctx tokens, rounded up by
// llama.cpp (see golm_train_n_ctx). The optimizer is AdamW, or plain SGD when sgd is true (each step then
// moves a weight by -lr times its gradient, which tests read the gradient from). It returns NULL when a
// context cannot be created or a check fails (the reason is in golm_last_error).
golm_trainer * golm_train_new(struct llama_model * model, uint32_t n_ctx, int32_t threads, int32_t layers,
		bool sgd);

// golm_train_n_ctx returns the window length in tokens.
int32_t golm_train_n_ctx(const golm_trainer * t);

// golm_train_params returns the number of weights trained (see golm_train_new; token embeddings never train).
int64_t golm_train_params(const golm_trainer * t);

// golm_train_set_lr sets the learning rate of the next steps.
void golm_train_set_lr(golm_trainer * t, float lr);

// golm_train_step evaluates one window: tokens[i] is the input at position i and labels[i] the token that
// should follow it; mask[i] != 0 counts position i in the loss. It adds the sum of the negative
// log-likelihoods of the counted labels to *nll and their number to *count and, when train is true, then makes
// one optimizer step with the other positions masked out. It returns 0, or -1 when llama.cpp failed (the reason
// is in golm_last_error).
int32_t golm_train_step(golm_trainer * t, const int32_t * tokens, const int32_t * labels, const uint8_t * mask,
		bool train, double * nll, int64_t * count);

// golm_train_free frees the trainer and gives the model back its training context length (llama_opt_init
// overwrote it with n_ctx).
void golm_train_free(golm_trainer * t);

// golm_save_model writes the model's weights as they are in memory to out, with the metadata of the GGUF file
// src when src is not NULL (llama.cpp's saver writes the architecture and tokenizer but drops the rest, such
// as the chat template). context_length (when > 0) and file_type (when >= 0) replace the values of the same
// keys. tmp is a scratch file next to out. It returns 0, or -1 with the reason in golm_last_error.
int32_t golm_save_model(const struct llama_model * model, const char * src, const char * tmp, const char * out,
		uint32_t context_length, int32_t file_type);

// golm_convert_f32 writes the GGUF model in to out with every weight matrix in F32 (dequantized). It returns 0
// on success.
uint32_t golm_convert_f32(const char * in, const char * out, int32_t threads);

// golm_llama_training tells golm's llama.cpp (helpers/local/internal/llamacpp, llama-graph.cpp) that the
// calling thread builds graphs for training: their attention then reads the window's own keys and values
// instead of the KV cache's, so that gradients reach every layer.
void golm_llama_training(bool on);

#endif
