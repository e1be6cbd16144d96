package local

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/golm-dev/golm/helpers/local/gguf"
	"github.com/golm-dev/golm/helpers/local/templates"
)

// ErrNotBuilt is returned by Load and the other llama.cpp calls in a program built without the llama build
// tag.
var ErrNotBuilt = errors.New("local: this program was built without llama.cpp, so it cannot run local models. " +
	"Build it with the llama tag: in the golm repository run `make install` (needs a C++ compiler such as " +
	"g++ or clang++), or `eval \"$(helpers/local/cgoflags.sh)\" && go build -tags llama ./cmd/golm`. " +
	"Reading model metadata (local.ReadMetadata) and chat templates work without it")

// ErrClosed is returned when a closed Model is used.
var ErrClosed = errors.New("local: model is closed")

// Message is one turn of a conversation: Role is "system", "user" or "assistant".
type Message = templates.Message

// Options configures Load (pass at most one). The zero value loads the model on the CPU with a context of up to 4096 tokens.
type Options struct {
	// GPULayers is the number of layers to put on a GPU: 0 keeps everything on the CPU, -1 offloads all
	// layers. It needs a GPU backend (see LoadBackend); without one the model runs on the CPU.
	GPULayers int
	// ContextSize is the number of tokens the model can attend to (prompt plus answer); 0 means the model's
	// training context, at most 4096. Memory for the KV cache grows with it.
	ContextSize int
	// BatchSize is the most prompt tokens evaluated in one step; 0 means 512.
	BatchSize int
	// Threads is the number of CPU threads for generation; 0 means one per CPU this process may use
	// (runtime.GOMAXPROCS), and more than the machine's CPUs are lowered to that number (llama.cpp's threads
	// spin while they wait, so extra ones slow it down badly). On CPUs with hyper-threading, the number of
	// physical cores is often faster.
	Threads int
	// BatchThreads is the number of threads for prompt processing; 0 means Threads.
	BatchThreads int
	// NoMMap reads the weights into memory instead of mapping the file (mapping is faster to load and lets
	// the operating system share and drop pages; reading gives predictable memory use).
	NoMMap bool
	// MLock locks the weights in RAM so that they are never swapped out.
	MLock bool
	// Pooling is how Embed pools token vectors: "mean", "cls" or "last"; "" uses the model's own
	// ({arch}.pooling_type in its metadata) or "mean" when it has none.
	Pooling string
	// Backend is the path of a ggml backend library to load first, such as a libggml-cuda.so built with
	// helpers/local/gpu/build-cuda.sh; "" looks for one (see LoadBackend).
	Backend string
	// Verbose shows llama.cpp's log (loading details, memory use, warnings) on standard error; by default only
	// errors are shown. The setting applies to the whole process (see SetVerbose).
	Verbose bool
}

// GenerateOptions configures Complete, Chat and Ask (pass at most one). The zero value decodes greedily (always
// the most likely token) for at most 512 tokens, and streams nothing.
type GenerateOptions struct {
	// Stream shows the text live in the notebook as it is generated, in one output that is updated a few
	// times a second and ends with the speed: rendered as Markdown for Chat and Ask, as plain text for
	// Complete. Outside a notebook (display's Terminal front end) the text is written to standard output as
	// it is generated, followed by a newline. The result is returned as without it.
	Stream bool
	// StreamTo receives each piece of text as it is generated, instead of the notebook; setting it implies
	// Stream. A failed write stops generation, and the call returns the result so far with the write's error.
	// It must hold a compiled type such as os.Stdout, *strings.Builder or *bytes.Buffer: an interpreted cell
	// cannot store a writer type it declared itself in this compiled struct field (yaegi's limit).
	StreamTo io.Writer
	// System, for Ask, is the system prompt that comes before the question ("": none). Chat takes the system
	// prompt as the first of its messages and Complete has none, so both ignore it.
	System string

	// MaxTokens is the most tokens to generate: 0 means 512, -1 means no limit (until the model ends its text
	// or the context is full).
	MaxTokens int
	// Temperature scales the randomness of sampling: 0 is greedy decoding (deterministic), 0.7–1 is usual for
	// chat.
	Temperature float64
	// TopK keeps only the K most likely tokens before sampling (0: off).
	TopK int
	// TopP keeps the most likely tokens whose probabilities add up to P (0 or 1: off).
	TopP float64
	// MinP drops tokens less likely than MinP times the most likely one (0: off).
	MinP float64
	// RepeatPenalty divides the logits of recently seen tokens (1 or 0: off; 1.1 is usual).
	RepeatPenalty float64
	// FrequencyPenalty and PresencePenalty subtract from the logits of seen tokens, by count and once, as in
	// OpenAI's API (0: off).
	FrequencyPenalty, PresencePenalty float64
	// RepeatLastN is how many recent tokens the penalties look at (0: 64, -1: the whole context).
	RepeatLastN int
	// Seed makes sampling reproducible; 0 picks a random seed.
	Seed int64
	// Stop ends generation when the text contains one of these strings; the stop text is not part of the
	// result. Stop strings may span several tokens.
	Stop []string
	// IgnoreEOS keeps generating past the model's end-of-text token (for benchmarks).
	IgnoreEOS bool
	// NoBOS tokenizes the prompt without the beginning-of-sequence token the model normally expects.
	NoBOS bool
	// Template, for chats, names a template of package templates ("llama2", "chatml", "stablebeluga",
	// "openorca-platypus2", …) to use instead of the model's own; its stop strings are added to Stop.
	Template string
	// LogProbs records, for each generated token, its log-probability under the model (before sampling
	// settings such as temperature) in Result.LogProbs.
	LogProbs bool
	// TopLogProbs also records the most likely alternatives at each position (at most 20); it implies
	// LogProbs.
	TopLogProbs int
}

func (o GenerateOptions) maxTokens() int {
	switch {
	case o.MaxTokens == 0:
		return 512
	case o.MaxTokens < 0:
		return math.MaxInt
	}
	return o.MaxTokens
}

// EmbedOptions configures Embed (pass at most one). It has no fields yet: it is there so that embedding
// options can come later without changing Embed's signature. Pass none.
type EmbedOptions struct{}

// Stop reasons reported in Result.StopReason.
const (
	StopEOS       = "eos"       // the model emitted an end-of-generation token
	StopSequence  = "stop"      // a stop string was generated
	StopLength    = "length"    // MaxTokens were generated
	StopContext   = "context"   // the context is full
	StopCancelled = "cancelled" // the context was cancelled, or streaming the text failed
)

// Result is the outcome of a generation.
type Result struct {
	// Text is the generated text, without the prompt and without a stop string.
	Text string
	// Tokens are the generated token ids.
	Tokens []int
	// PromptTokens is the number of tokens of the prompt; CachedTokens of them were reused from the previous
	// call (a shared prefix, such as the earlier turns of a chat) and not evaluated again.
	PromptTokens, CachedTokens int
	// StopReason says why generation ended: StopEOS, StopSequence, StopLength, StopContext or StopCancelled.
	StopReason string
	// Timing measures the speed.
	Timing Timing
	// LogProbs has one entry per generated token when GenerateOptions.LogProbs or TopLogProbs is set.
	LogProbs []TokenLogProb
}

// TokenProb is a token with its log-probability.
type TokenProb struct {
	ID      int     // token id
	Text    string  // the token's text
	LogProb float64 // natural logarithm of its probability
}

// Prob returns the probability, exp(LogProb).
func (t TokenProb) Prob() float64 { return math.Exp(t.LogProb) }

// String shows the token and its probability, such as `" Howard" 93.1%`.
func (t TokenProb) String() string { return fmt.Sprintf("%q %.1f%%", t.Text, 100*t.Prob()) }

// TokenLogProb is a generated token with its log-probability and, when asked for, the most likely tokens at
// its position.
type TokenLogProb struct {
	TokenProb
	Top []TokenProb // the most likely tokens at this position, most likely first
}

// String returns the text.
func (r *Result) String() string { return r.Text }

// Timing measures a generation.
type Timing struct {
	// Prompt is the time spent evaluating the prompt (prefill).
	Prompt time.Duration
	// FirstToken is the time from the call to the first generated token.
	FirstToken time.Duration
	// Generation is the time spent generating after the prompt was evaluated.
	Generation time.Duration
	// Total is the time of the whole call.
	Total time.Duration
	// PromptTokens is the number of prompt tokens evaluated (not counting cached ones), Tokens the number
	// generated.
	PromptTokens, Tokens int
}

// PromptTokensPerSecond is the speed of prompt evaluation.
func (t Timing) PromptTokensPerSecond() float64 { return rate(t.PromptTokens, t.Prompt) }

// TokensPerSecond is the speed of generation.
func (t Timing) TokensPerSecond() float64 { return rate(t.Tokens, t.Generation) }

func rate(n int, d time.Duration) float64 {
	if n == 0 || d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

// String summarises the timing in one line.
func (t Timing) String() string {
	return fmt.Sprintf("prompt: %d tokens in %v (%.1f tokens/s); generation: %d tokens in %v (%.1f tokens/s); first token after %v",
		t.PromptTokens, t.Prompt.Round(time.Millisecond), t.PromptTokensPerSecond(), t.Tokens,
		t.Generation.Round(time.Millisecond), t.TokensPerSecond(), t.FirstToken.Round(time.Millisecond))
}

// Device is a compute device llama.cpp can use.
type Device struct {
	// Name is ggml's name, such as "CPU" or "CUDA0".
	Name string
	// Description is the hardware, such as "NVIDIA A100-SXM4-80GB".
	Description string
	// Type is "cpu", "gpu", "igpu" (integrated GPU) or "accel".
	Type string
	// MemoryFree and MemoryTotal are in bytes (0 when unknown).
	MemoryFree, MemoryTotal uint64
}

// String describes the device in one line.
func (d Device) String() string {
	s := d.Name
	if d.Description != "" && d.Description != d.Name {
		s += " (" + d.Description + ")"
	}
	if d.MemoryTotal > 0 {
		s += fmt.Sprintf(", %.1f of %.1f GiB free", float64(d.MemoryFree)/(1<<30), float64(d.MemoryTotal)/(1<<30))
	}
	return s
}

// ReadMetadata reads the metadata of a GGUF model in pure Go (it works without llama.cpp): architecture,
// parameter count, quantization, context length, chat template, tokenizer.
func ReadMetadata(path string) (*gguf.Metadata, error) { return gguf.ReadMetadata(path) }

// CosineSimilarity returns the cosine of the angle between two vectors (for normalised embeddings, their dot
// product): 1 for the same direction, 0 for unrelated. It returns 0 when the lengths differ or a vector is
// zero.
func CosineSimilarity(a, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// normalize scales v to unit length in place.
func normalize(v []float32) {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return
	}
	s := float32(1 / math.Sqrt(n))
	for i := range v {
		v[i] *= s
	}
}

// chatStops returns the stop strings for a chat: the caller's plus those of a named template.
func chatStops(opts GenerateOptions) ([]string, *templates.Template, error) {
	if opts.Template == "" {
		return opts.Stop, nil, nil
	}
	t, err := templates.Get(opts.Template)
	if err != nil {
		return nil, nil, fmt.Errorf("local: %w", err)
	}
	stops := append(append([]string(nil), opts.Stop...), t.Stop...)
	return stops, t, nil
}

// poolingName normalises a pooling name.
func poolingName(p string) (string, error) {
	switch s := strings.ToLower(strings.TrimSpace(p)); s {
	case "", "mean", "cls", "last":
		return s, nil
	default:
		return "", fmt.Errorf("local: unknown pooling %q (use mean, cls or last)", p)
	}
}
