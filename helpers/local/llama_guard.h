// llama_guard.h is private to the C files of golm's llama.cpp binding (llama_binding.c, llama_train.c): it
// turns a failed llama.cpp check on the calling thread into a failed call (see golm_on_abort).

#ifndef GOLM_LLAMA_GUARD_H
#define GOLM_LLAMA_GUARD_H

#include <setjmp.h>

// golm_jmp is where a failed check on this thread jumps to (NULL: the process ends, as ggml does by default).
extern __thread jmp_buf * golm_jmp;

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

// GOLM_GUARDED_OK runs stmt and sets ok to true, or to false when a llama.cpp check fails during it.
#define GOLM_GUARDED_OK(ok, stmt) do { \
	jmp_buf golm_jb_; \
	if (setjmp(golm_jb_) != 0) { \
		(ok) = false; \
		break; \
	} \
	golm_jmp = &golm_jb_; \
	stmt; \
	golm_jmp = NULL; \
	(ok) = true; \
} while (0)

#endif
