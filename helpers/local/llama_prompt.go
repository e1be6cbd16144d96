//go:build llama

package local

/*
#include <stdlib.h>
#include "llama_binding.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"strings"
	"unsafe"

	"github.com/golm-dev/golm/helpers/local/templates"
)

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
			"GenerateOptions.Template, or write the prompt yourself and call Complete", m.Name(),
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
