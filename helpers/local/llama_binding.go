//go:build llama

package local

/*
#include <stdlib.h>
#include "llama_binding.h"
*/
import "C"

import (
	"fmt"
	"strings"
	"sync"
	"unsafe"

	_ "github.com/golm-dev/golm/helpers/local/internal/llamacpp" // llama.cpp (ollama's sources, patched for training)
	_ "github.com/ollama/ollama/ml/backend/ggml/ggml/src"        // ggml and its CPU backend
)

// Built reports whether this program was built with llama.cpp (the llama build tag).
const Built = true

// initOnce makes llama.cpp's process-wide setup (backend and log initialisation) happen once.
var initOnce sync.Once

// initLlama initialises llama.cpp; every entry point calls it first.
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

// lastError returns the errors llama.cpp logged since the last call, on one line, and forgets them.
func lastError() string {
	buf := make([]byte, 1024)
	C.golm_last_error((*C.char)(unsafe.Pointer(&buf[0])), C.size_t(len(buf)))
	lines := strings.Split(strings.TrimSpace(string(buf[:clen(buf)])), "\n")
	return strings.Join(lines, "; ")
}

// clen returns the length of the C string in b.
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
