package gguf

import (
	"fmt"
	"math"
	"strings"
)

// Check checks what llama.cpp takes on trust and crashes without, so that a damaged file gets an error
// instead of ending the process:
//   - a tensor with a dimension of 0 (llama.cpp divides by it);
//   - a normalisation epsilon ({arch}.attention.layer_norm_rms_epsilon or layer_norm_epsilon) that is negative or
//     not a number (ggml asserts it is at least 0 during generation);
//   - the tokenizer arrays that llama.cpp indexes without bounds checks: every entry of tokenizer.ggml.scores
//     and tokenizer.ggml.token_type is read for every token of tokenizer.ggml.tokens, so a shorter array, or one
//     of another element type, makes it read past the end; an empty vocabulary crashes it.
//
// A file without tokenizer.ggml.tokens passes: llama.cpp reports that itself.
func (f *File) Check() error {
	for _, t := range f.Tensors {
		for _, d := range t.Dims {
			if d == 0 {
				return fmt.Errorf("tensor %q has a dimension of 0 (%v): the file is damaged", t.Name, t.Dims)
			}
		}
	}
	arch := f.String("general.architecture")
	for _, name := range []string{"attention.layer_norm_rms_epsilon", "attention.layer_norm_epsilon"} {
		key := ArchKey(arch, name)
		v, ok := f.Value(key)
		if !ok {
			continue
		}
		eps, ok := v.(float32)
		if !ok {
			return fmt.Errorf("%s is %s, not a float32: the file is damaged", key, describe(v))
		}
		if !(eps >= 0) || math.IsInf(float64(eps), 0) {
			return fmt.Errorf("%s is %v; it must be a small positive number: the file is damaged", key, eps)
		}
	}
	return f.checkTokenizer()
}

func (f *File) checkTokenizer() error {
	v, ok := f.Value("tokenizer.ggml.tokens")
	if !ok {
		return nil
	}
	tokens, ok := v.([]string)
	if !ok {
		return fmt.Errorf("tokenizer.ggml.tokens is %s, not an array of strings: the file is damaged", describe(v))
	}
	if len(tokens) == 0 {
		return fmt.Errorf("tokenizer.ggml.tokens is empty: the model has no vocabulary")
	}
	checks := []struct {
		key  string
		ok   func(any) (int, bool)
		want string
	}{
		{"tokenizer.ggml.scores", arrayOf[float32], "float32"},
		{"tokenizer.ggml.token_type", arrayOf[int32], "int32"},
	}
	for _, c := range checks {
		v, present := f.Value(c.key)
		if !present {
			continue
		}
		n, ok := c.ok(v)
		if !ok {
			return fmt.Errorf("%s is %s, not an array of %s: the file is damaged or was written by a faulty converter",
				c.key, describe(v), c.want)
		}
		if n != len(tokens) {
			return fmt.Errorf("%s has %d entries for %d tokens: the file is damaged or was written by a faulty converter",
				c.key, n, len(tokens))
		}
	}
	if v, present := f.Value("tokenizer.ggml.merges"); present {
		if _, ok := v.([]string); !ok {
			return fmt.Errorf("tokenizer.ggml.merges is %s, not an array of strings: the file is damaged", describe(v))
		}
	}
	return nil
}

func arrayOf[T any](v any) (int, bool) {
	xs, ok := v.([]T)
	return len(xs), ok
}

// describe names the type of a metadata value in GGUF's words (the Go names of its types are the same).
func describe(v any) string {
	switch v.(type) {
	case []any:
		return "an array of arrays"
	}
	name := fmt.Sprintf("%T", v)
	if strings.HasPrefix(name, "[]") {
		return "an array of " + name[2:]
	}
	if name[0] == 'i' { // "an int32", but "a uint32"
		return "an " + name
	}
	return "a " + name
}
