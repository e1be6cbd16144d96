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
	"unsafe"
)

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
