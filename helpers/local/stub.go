//go:build !llama

package local

import (
	"context"

	"github.com/golm-dev/golm/helpers/local/gguf"
	"github.com/golm-dev/golm/helpers/local/templates"
)

// Built reports whether this program was built with llama.cpp (the llama build tag).
const Built = false

// SetVerbose does nothing without llama.cpp.
func SetVerbose(verbose bool) {}

// LoadBackend returns ErrNotBuilt: this program was built without llama.cpp.
func LoadBackend(path string) error { return ErrNotBuilt }

// BackendSearchPath returns nil without llama.cpp.
func BackendSearchPath() []string { return nil }

// Devices returns nil without llama.cpp.
func Devices() []Device { return nil }

// GPUAvailable returns false without llama.cpp.
func GPUAvailable() bool { return false }

// SystemInfo explains that this program was built without llama.cpp.
func SystemInfo() string { return ErrNotBuilt.Error() }

// Model is a loaded model. In a program built without llama.cpp, Load never returns one and every method
// returns ErrNotBuilt.
type Model struct{}

// Load returns ErrNotBuilt: this program was built without llama.cpp (see ErrNotBuilt for how to get it).
func Load(ctx context.Context, path string, opts ...Options) (*Model, error) { return nil, ErrNotBuilt }

// Close does nothing.
func (m *Model) Close() error { return nil }

// Metadata returns nil.
func (m *Model) Metadata() *gguf.Metadata { return nil }

// Path returns "".
func (m *Model) Path() string { return "" }

// Name returns "".
func (m *Model) Name() string { return "" }

// ContextSize returns 0.
func (m *Model) ContextSize() int { return 0 }

// String explains that llama.cpp is missing.
func (m *Model) String() string { return "local.Model (not available: built without llama.cpp)" }

// VocabSize returns 0.
func (m *Model) VocabSize() int { return 0 }

// BOS returns -1.
func (m *Model) BOS() int { return -1 }

// EOS returns -1.
func (m *Model) EOS() int { return -1 }

// IsEndOfGeneration returns false.
func (m *Model) IsEndOfGeneration(id int) bool { return false }

// Tokenize returns ErrNotBuilt.
func (m *Model) Tokenize(text string, addSpecial bool) ([]int, error) { return nil, ErrNotBuilt }

// Piece returns "".
func (m *Model) Piece(id int) string { return "" }

// Pieces returns nil.
func (m *Model) Pieces(ids []int) []string { return nil }

// Detokenize returns ErrNotBuilt.
func (m *Model) Detokenize(ids []int) (string, error) { return "", ErrNotBuilt }

// ChatPrompt applies a named template (pure Go); the model's own template needs llama.cpp.
func (m *Model) ChatPrompt(messages []Message, template string) (string, error) {
	if template != "" {
		return templates.Apply(template, messages, true)
	}
	return "", ErrNotBuilt
}

// NextTokens returns ErrNotBuilt.
func (m *Model) NextTokens(ctx context.Context, prompt string, k int) ([]TokenProb, error) {
	return nil, ErrNotBuilt
}

// generate returns ErrNotBuilt.
func (m *Model) generate(ctx context.Context, prompt string, opts GenerateOptions, stops []string, chat bool,
	onText func(string) error) (*Result, error) {
	return nil, ErrNotBuilt
}

// embed returns ErrNotBuilt.
func (m *Model) embed(ctx context.Context, texts []string) ([][]float32, error) {
	return nil, ErrNotBuilt
}

// train returns ErrNotBuilt.
func (m *Model) train(ctx context.Context, examples []TrainExample, o TrainOptions, hooks trainHooks) (TrainResult,
	error) {
	return TrainResult{}, ErrNotBuilt
}

// save returns ErrNotBuilt.
func (m *Model) save(path string) error { return ErrNotBuilt }
