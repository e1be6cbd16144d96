//go:build llama

package local

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golm-dev/golm/helpers/display"
	"github.com/golm-dev/golm/helpers/display/displaytest"
	"github.com/golm-dev/golm/helpers/local/gguf"
	"github.com/golm-dev/golm/helpers/local/synth"
)

var testDir string

func TestMain(m *testing.M) {
	if paths := os.Getenv("GOLM_TEST_LOAD_CHILD"); paths != "" {
		os.Exit(loadChild(filepath.SplitList(paths)))
	}
	dir, err := os.MkdirTemp("", "golm-local-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testDir = dir
	for _, typ := range []gguf.TensorType{gguf.TensorF32, gguf.TensorF16, gguf.TensorQ8_0} {
		if err := synth.WriteTiny(tinyPath(typ), synth.TinyOptions{Type: typ}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// writerFunc is an io.Writer that passes what is written to a function, which may fail.
type writerFunc func(s string) error

func (f writerFunc) Write(p []byte) (int, error) {
	if err := f(string(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

func tinyPath(typ gguf.TensorType) string {
	return filepath.Join(testDir, "tiny-"+typ.String()+".gguf")
}

// tiny loads the tiny model with two threads, closing it when the test ends.
func tiny(t testing.TB) *Model {
	t.Helper()
	m, err := Load(context.Background(), tinyPath(gguf.TensorF32), Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestTokenize(t *testing.T) {
	m := tiny(t)
	ids, err := m.Tokenize(synth.TinyPrompt, true)
	if err != nil {
		t.Fatal(err)
	}
	pieces := m.Pieces(ids)
	if want := []string{"<s>", " Jeremy", " Howard", " is", " "}; !reflect.DeepEqual(pieces, want) {
		t.Errorf("pieces of %q = %q, want %q", synth.TinyPrompt, pieces, want)
	}
	if ids[0] != synth.BOS || ids[0] != m.BOS() || m.EOS() != synth.EOS {
		t.Errorf("ids %v, BOS %d, EOS %d", ids, m.BOS(), m.EOS())
	}
	raw, _ := m.Tokenize(synth.TinyPrompt, false)
	if !reflect.DeepEqual(raw, ids[1:]) {
		t.Errorf("without special tokens: %v", raw)
	}
	text, err := m.Detokenize(ids)
	if err != nil || text != "<s> Jeremy Howard is " {
		t.Errorf("Detokenize = %q, %v", text, err)
	}
	if text, _ := m.Detokenize(raw); text != synth.TinyPrompt {
		t.Errorf("Detokenize without BOS = %q", text)
	}
	// Special tokens in the text, byte fallback for characters outside the vocabulary.
	ids, _ = m.Tokenize("<|im_start|>é", false)
	if got := m.Pieces(ids); !reflect.DeepEqual(got, []string{"<|im_start|>", " ", "\xc3", "\xa9"}) {
		t.Errorf("pieces = %q", got)
	}
	if text, _ := m.Detokenize(ids); text != "<|im_start|> é" {
		t.Errorf("Detokenize = %q", text)
	}
	if _, err := m.Detokenize([]int{1 << 20}); err == nil {
		t.Error("out-of-range id accepted")
	}
	if !m.IsEndOfGeneration(synth.IMEnd) || !m.IsEndOfGeneration(synth.EOS) || m.IsEndOfGeneration(synth.BOS) {
		t.Error("IsEndOfGeneration")
	}
	if m.VocabSize() != m.Metadata().VocabSize {
		t.Errorf("VocabSize %d, metadata %d", m.VocabSize(), m.Metadata().VocabSize)
	}
}

func TestGenerateGreedy(t *testing.T) {
	ctx := context.Background()
	for _, typ := range []gguf.TensorType{gguf.TensorF32, gguf.TensorF16, gguf.TensorQ8_0} {
		m, err := Load(ctx, tinyPath(typ), Options{Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			prompt string
			opts   GenerateOptions
			text   string
			reason string
		}{
			{synth.TinyPrompt, GenerateOptions{}, synth.TinyContinuation, StopEOS},
			{synth.TinyPrompt, GenerateOptions{MaxTokens: 3}, "a data scientist", StopLength},
			{synth.PlanetsPrompt, GenerateOptions{MaxTokens: 14}, synth.PlanetsContinuation, StopLength},
			{synth.PlanetsPrompt, GenerateOptions{Stop: []string{"\n"}},
				" Mercury, Venus, Earth, Mars, Jupiter, Saturn, Uranus, Neptune.", StopSequence},
			{synth.PlanetsPrompt, GenerateOptions{Stop: []string{"Q:", "\n"}},
				" Mercury, Venus, Earth, Mars, Jupiter, Saturn, Uranus, Neptune.", StopSequence},
			// A stop string spanning three tokens.
			{synth.PlanetsPrompt, GenerateOptions{Stop: []string{"Earth, Mars, Jup"}}, " Mercury, Venus, ", StopSequence},
			// Past the end-of-generation token (which has no text), the model goes on with a newline.
			{synth.TinyPrompt, GenerateOptions{MaxTokens: 16, IgnoreEOS: true},
				synth.TinyContinuation + "\nJeremy", StopLength},
			{"Who is Jeremy Howard?", GenerateOptions{MaxTokens: 4}, "\nJeremy Howard is", StopLength},
		}
		for _, tt := range tests {
			res, err := m.Complete(ctx, tt.prompt, tt.opts)
			if err != nil {
				t.Fatalf("%s %q: %v", typ, tt.prompt, err)
			}
			if res.Text != tt.text || res.StopReason != tt.reason {
				t.Errorf("%s: Complete(%q, %+v) = %q (%s), want %q (%s)", typ, tt.prompt, tt.opts, res.Text,
					res.StopReason, tt.text, tt.reason)
			}
		}
		m.Close()
	}
}

func TestStream(t *testing.T) {
	m := tiny(t)
	var pieces []string
	res, err := m.Complete(context.Background(), synth.PlanetsPrompt, GenerateOptions{Stop: []string{"Q:"},
		StreamTo: writerFunc(func(s string) error {
			pieces = append(pieces, s)
			return nil
		})})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(pieces, "") != res.Text || res.Text != " Mercury, Venus, Earth, Mars, Jupiter, Saturn, Uranus, Neptune.\n" {
		t.Errorf("pieces %q, text %q", pieces, res.Text)
	}
	if len(pieces) < 8 {
		t.Errorf("only %d pieces: not streamed", len(pieces))
	}
	// A failed write stops generation and is returned.
	stop := errors.New("enough")
	n := 0
	res, err = m.Complete(context.Background(), synth.PlanetsPrompt, GenerateOptions{MaxTokens: -1,
		StreamTo: writerFunc(func(s string) error {
			n++
			if n == 3 {
				return stop
			}
			return nil
		})})
	if !errors.Is(err, stop) || res.StopReason != StopCancelled || len(res.Tokens) != 3 {
		t.Errorf("write error: %v, %+v", err, res)
	}
	var sb strings.Builder
	if _, err := m.Complete(context.Background(), synth.TinyPrompt, GenerateOptions{MaxTokens: 2, StreamTo: &sb}); err != nil ||
		sb.String() != "a data" {
		t.Errorf("StreamTo got %q, %v", sb.String(), err)
	}
}

func TestSampling(t *testing.T) {
	m := tiny(t)
	ctx := context.Background()
	gen := func(o GenerateOptions) string {
		o.MaxTokens = 12
		res, err := m.Complete(ctx, "?", o)
		if err != nil {
			t.Fatal(err)
		}
		return res.Text
	}
	greedy := gen(GenerateOptions{})
	// The tiny model is very sure of itself, so moderate sampling keeps its text; a very high temperature
	// makes the text depend on the seed, and the same seed gives the same text.
	tests := []GenerateOptions{
		{Temperature: 0.8, Seed: 1},
		{Temperature: 1, TopK: 1, Seed: 2},
		{Temperature: 1, TopP: 0.5, Seed: 3},
		{Temperature: 1, MinP: 0.5, Seed: 4},
		{Temperature: 0.7, RepeatPenalty: 1.1, Seed: 5},
	}
	for _, o := range tests {
		if got := gen(o); got != greedy {
			t.Errorf("%+v: %q, greedy %q", o, got, greedy)
		}
	}
	hot := GenerateOptions{Temperature: 50, Seed: 42}
	a, b := gen(hot), gen(hot)
	if a != b {
		t.Errorf("same seed, different text: %q and %q", a, b)
	}
	if a == greedy {
		t.Errorf("temperature 50 gave the greedy text %q", a)
	}
	hot.Seed = 43
	if c := gen(hot); c == a {
		t.Errorf("seeds 42 and 43 gave the same text %q", c)
	}
	// A strong presence penalty breaks the planets' loop.
	loop, _ := m.Complete(ctx, synth.PlanetsPrompt, GenerateOptions{MaxTokens: 30})
	pen, _ := m.Complete(ctx, synth.PlanetsPrompt, GenerateOptions{MaxTokens: 30, PresencePenalty: 30,
		RepeatLastN: -1})
	if strings.Count(loop.Text, "Mercury") < 2 || strings.Count(pen.Text, "Mercury") > 1 {
		t.Errorf("repeat penalty: %q → %q", loop.Text, pen.Text)
	}
}

func TestTimingAndCache(t *testing.T) {
	m := tiny(t)
	ctx := context.Background()
	res, err := m.Complete(ctx, synth.PlanetsPrompt, GenerateOptions{MaxTokens: 20})
	if err != nil {
		t.Fatal(err)
	}
	tm := res.Timing
	if res.PromptTokens != tm.PromptTokens || tm.Tokens != 20 || len(res.Tokens) != 20 || tm.Prompt <= 0 ||
		tm.Generation <= 0 || tm.FirstToken < tm.Prompt || tm.Total < tm.Generation ||
		tm.TokensPerSecond() <= 0 || tm.PromptTokensPerSecond() <= 0 {
		t.Errorf("timing %+v of %+v", tm, res)
	}
	// The same prompt again reuses all but its last token.
	res2, _ := m.Complete(ctx, synth.PlanetsPrompt, GenerateOptions{MaxTokens: 20})
	if res2.CachedTokens != res.PromptTokens-1 || res2.Timing.PromptTokens != 1 || res2.Text != res.Text {
		t.Errorf("cached %d of %d, evaluated %d", res2.CachedTokens, res2.PromptTokens, res2.Timing.PromptTokens)
	}
	// A prompt that extends the previous prompt and answer reuses them.
	res3, _ := m.Complete(ctx, synth.PlanetsPrompt+res.Text+" more", GenerateOptions{MaxTokens: 2})
	if res3.CachedTokens < res.PromptTokens+len(res.Tokens)-3 {
		t.Errorf("extended prompt: cached %d of %d", res3.CachedTokens, res3.PromptTokens)
	}
	// A different prompt still gives the right answer.
	res4, _ := m.Complete(ctx, synth.TinyPrompt, GenerateOptions{})
	if res4.Text != synth.TinyContinuation || res4.CachedTokens != 1 { // BOS is shared
		t.Errorf("after cache: %q, cached %d", res4.Text, res4.CachedTokens)
	}
}

func TestContextLimit(t *testing.T) {
	// llama.cpp rounds contexts up to a multiple of 256 tokens.
	m, err := Load(context.Background(), tinyPath(gguf.TensorF32), Options{Threads: 2, ContextSize: 200, BatchSize: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.ContextSize() != 256 {
		t.Errorf("context %d", m.ContextSize())
	}
	long := strings.Repeat("Jeremy Howard is ", 100)
	if _, err := m.Complete(context.Background(), long, GenerateOptions{}); err == nil ||
		!strings.Contains(err.Error(), "ContextSize") {
		t.Errorf("long prompt: %v", err)
	}
	// Prompts longer than a batch are evaluated in several batches.
	res, err := m.Complete(context.Background(), "Who is Jeremy Howard? "+synth.TinyPrompt, GenerateOptions{MaxTokens: -1})
	if err != nil || res.Text != synth.TinyContinuation {
		t.Errorf("multi-batch prompt: %q %v", res.Text, err)
	}
	res, err = m.Complete(context.Background(), synth.PlanetsPrompt, GenerateOptions{MaxTokens: -1})
	// The context holds the prompt and the generated tokens.
	if err != nil || res.StopReason != StopContext || res.PromptTokens+len(res.Tokens) != m.ContextSize() {
		t.Errorf("context full: %v, %d+%d tokens, %s, %v", err, res.PromptTokens, len(res.Tokens), res.StopReason, res.Timing)
	}
}

func TestCancel(t *testing.T) {
	m := tiny(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	start := time.Now()
	res, err := m.Complete(ctx, synth.PlanetsPrompt, GenerateOptions{MaxTokens: -1, IgnoreEOS: true})
	if !errors.Is(err, context.Canceled) || res == nil || res.StopReason != StopCancelled {
		t.Fatalf("Complete = %+v, %v", res, err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("stopped after %v", d)
	}
	if _, err := m.Complete(ctx, "x", GenerateOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
	// The model still works after a cancellation.
	if res, err := m.Complete(context.Background(), synth.TinyPrompt, GenerateOptions{}); err != nil ||
		res.Text != synth.TinyContinuation {
		t.Errorf("after cancel: %v %v", res, err)
	}
	lctx, lcancel := context.WithCancel(context.Background())
	lcancel()
	if _, err := Load(lctx, tinyPath(gguf.TensorF32), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Load with a cancelled context: %v", err)
	}
}

func TestChat(t *testing.T) {
	m := tiny(t)
	ctx := context.Background()
	msgs := []Message{{Role: "system", Content: "You are helpful."}, {Role: "user", Content: "Who is Jeremy Howard?"}}
	prompt, err := m.ChatPrompt(msgs, "")
	want := "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nWho is Jeremy Howard?<|im_end|>\n<|im_start|>assistant\n"
	if err != nil || prompt != want {
		t.Errorf("ChatPrompt = %q, %v", prompt, err)
	}
	for _, tmpl := range []string{"", "llama2", "stablebeluga", "openorca-platypus2", "chatml"} {
		res, err := m.Chat(ctx, msgs, GenerateOptions{Template: tmpl})
		if err != nil || res.Text != synth.TinyAnswer {
			t.Errorf("Chat with template %q = %q, %v", tmpl, res.Text, err)
		}
	}
	var streamed strings.Builder
	res, err := m.Chat(ctx, msgs, GenerateOptions{StreamTo: &streamed})
	if err != nil || streamed.String() != synth.TinyAnswer || res.StopReason != StopEOS {
		t.Errorf("Chat streamed %q (%v), %v", streamed.String(), res.StopReason, err)
	}
	if _, err := m.Chat(ctx, msgs, GenerateOptions{Template: "nope"}); err == nil {
		t.Error("unknown template accepted")
	}
}

func TestNoChatTemplate(t *testing.T) {
	w, err := synth.Tiny(synth.TinyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_ = w.Set("tokenizer.chat_template", "") // an empty template counts as none for the error
	path := filepath.Join(t.TempDir(), "base.gguf")
	if err := w.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	m, err := Load(context.Background(), path, Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.ChatPrompt([]Message{{Role: "user", Content: "hi"}}, ""); err == nil ||
		!strings.Contains(err.Error(), "has no chat template") {
		t.Errorf("no template: %v", err)
	}
	if p, err := m.ChatPrompt([]Message{{Role: "user", Content: "hi"}}, "llama2"); err != nil ||
		p != "<s>[INST] hi [/INST]" {
		t.Errorf("named template: %q %v", p, err)
	}
	// The prompt starts with <s> written out: the model must not get two BOS tokens.
	res, err := m.Chat(context.Background(), []Message{{Role: "user", Content: "hi"}}, GenerateOptions{Template: "llama2"})
	if err != nil || res.PromptTokens != 1+len(mustTokenize(t, m, "[INST] hi [/INST]")) {
		t.Errorf("prompt tokens %d, %v", res.PromptTokens, err)
	}
}

func mustTokenize(t *testing.T, m *Model, s string) []int {
	ids, err := m.Tokenize(s, false)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestEmbed(t *testing.T) {
	ctx := context.Background()
	for _, pooling := range []string{"", "mean", "cls", "last"} {
		m, err := Load(ctx, tinyPath(gguf.TensorF32), Options{Threads: 2, Pooling: pooling})
		if err != nil {
			t.Fatal(err)
		}
		vs, err := m.Embed(ctx, []string{"Jeremy Howard is a data scientist", "Jeremy Howard is a data scientist.",
			"Mercury, Venus, Earth, Mars"})
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range vs {
			if len(v) != synth.TinyWidth {
				t.Fatalf("%d dimensions", len(v))
			}
			if n := CosineSimilarity(v, v); n < 0.999 {
				t.Errorf("not normalised: %v", n)
			}
		}
		near, far := CosineSimilarity(vs[0], vs[1]), CosineSimilarity(vs[0], vs[2])
		if pooling != "cls" && near <= far {
			t.Errorf("pooling %q: similar texts %.3f, different texts %.3f", pooling, near, far)
		}
		if pooling == "cls" && near < 0.999 { // both start with BOS
			t.Errorf("cls pooling: %v", near)
		}
		// Embedding does not disturb generation.
		if res, err := m.Complete(ctx, synth.TinyPrompt, GenerateOptions{}); err != nil || res.Text != synth.TinyContinuation {
			t.Errorf("generation after embedding: %q %v", res.Text, err)
		}
		v, err := m.Embed(ctx, []string{"Jeremy Howard is a data scientist"})
		if err != nil || len(v) != 1 || CosineSimilarity(v[0], vs[0]) < 0.9999 {
			t.Errorf("Embed of one text differs from Embed of several: %v", err)
		}
		m.Close()
	}
	if _, err := Load(ctx, tinyPath(gguf.TensorF32), Options{Pooling: "max"}); err == nil {
		t.Error("unknown pooling accepted")
	}
}

func TestClose(t *testing.T) {
	m, err := Load(context.Background(), tinyPath(gguf.TensorF32), Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := m.Complete(context.Background(), "x", GenerateOptions{}); !errors.Is(err, ErrClosed) {
		t.Errorf("Complete after Close: %v", err)
	}
	if _, err := m.Tokenize("x", true); !errors.Is(err, ErrClosed) {
		t.Errorf("Tokenize after Close: %v", err)
	}
	if _, err := m.Embed(context.Background(), []string{"x"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Embed after Close: %v", err)
	}
	if !strings.Contains(m.String(), "closed") {
		t.Errorf("String() = %q", m.String())
	}

	// Close during a generation stops it.
	m, err = Load(context.Background(), tinyPath(gguf.TensorF32), Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	var genErr error
	started := make(chan struct{})
	go func() {
		defer wg.Done()
		var once sync.Once
		_, genErr = m.Complete(context.Background(), synth.PlanetsPrompt, GenerateOptions{MaxTokens: -1, IgnoreEOS: true,
			StreamTo: writerFunc(func(string) error { once.Do(func() { close(started) }); return nil })})
	}()
	<-started
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if !errors.Is(genErr, ErrClosed) {
		t.Errorf("generation during Close: %v", genErr)
	}
}

func TestConcurrentUse(t *testing.T) {
	m := tiny(t)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			prompt, want := synth.TinyPrompt, synth.TinyContinuation
			if i%2 == 1 {
				prompt, want = synth.PlanetsPrompt, " Mercury, Venus,"
			}
			o := GenerateOptions{}
			if i%2 == 1 {
				o.MaxTokens = 2
			}
			res, err := m.Complete(context.Background(), prompt, o)
			if err == nil && res.Text != want {
				err = fmt.Errorf("goroutine %d: %q", i, res.Text)
			}
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Load(ctx, filepath.Join(t.TempDir(), "missing.gguf"), Options{}); err == nil ||
		!strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
	notGGUF := filepath.Join(t.TempDir(), "pytorch_model.bin")
	_ = os.WriteFile(notGGUF, []byte("PK\x03\x04 not a gguf"), 0o644)
	if _, err := Load(ctx, notGGUF, Options{}); !errors.Is(err, gguf.ErrNotGGUF) ||
		!strings.Contains(err.Error(), "convert_hf_to_gguf.py") {
		t.Errorf("not GGUF: %v", err)
	}
	// A GGUF file llama.cpp cannot load: llama.cpp's reason is part of the error.
	w := gguf.NewWriter()
	_ = w.Set("general.architecture", "no-such-architecture")
	path := filepath.Join(t.TempDir(), "bad.gguf")
	if err := w.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	_, err := Load(ctx, path, Options{})
	if err == nil || !strings.Contains(err.Error(), "llama.cpp says: llama_model_load: error loading model: "+
		"error loading model architecture: unknown model architecture: 'no-such-architecture'") {
		t.Errorf("bad model: %v", err)
	}
}

// TestDamagedModels loads tiny models damaged in ways that made llama.cpp end the process (a failed assert
// while loading or generating, a division by zero, reads past an array's end): each must fail with a clear error, and the process must go on
// to load and run a good model.
func TestDamagedModels(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cases := []struct {
		name   string
		damage func(w *gguf.Writer) error // applied before the file is written
		patch  func(data []byte)          // applied to the written file
		want   string
	}{
		{name: "no layers", damage: func(w *gguf.Writer) error { return w.Set("llama.block_count", uint32(0)) },
			want: "llama.cpp says: failed check at llama-hparams.cpp"},
		{name: "experts without experts used", damage: func(w *gguf.Writer) error { return w.Set("llama.expert_count", uint32(4)) },
			want: "failed check at llama-model.cpp:"},
		{name: "empty vocabulary", damage: func(w *gguf.Writer) error { return w.Set("tokenizer.ggml.tokens", []string{}) },
			want: "tokenizer.ggml.tokens is empty"},
		{name: "short scores", damage: func(w *gguf.Writer) error { return w.Set("tokenizer.ggml.scores", []float32{1, 2, 3}) },
			want: "tokenizer.ggml.scores has 3 entries for 640 tokens"},
		{name: "token types as strings", damage: func(w *gguf.Writer) error { return w.Set("tokenizer.ggml.token_type", []string{"x"}) },
			want: "tokenizer.ggml.token_type is an array of string"},
		{name: "negative epsilon", damage: func(w *gguf.Writer) error {
			return w.Set("llama.attention.layer_norm_rms_epsilon", float32(-1))
		}, want: "llama.attention.layer_norm_rms_epsilon is -1"},
		{name: "a tensor dimension of 0", patch: func(data []byte) {
			name := []byte("token_embd.weight")
			off := bytes.Index(data, name) + len(name) + 4 // the first dimension
			binary.LittleEndian.PutUint64(data[off:], 0)
		}, want: `tensor "token_embd.weight" has a dimension of 0`},
	}
	for _, c := range cases {
		w, err := synth.Tiny(synth.TinyOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if c.damage != nil {
			if err := c.damage(w); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if _, err := w.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		if c.patch != nil {
			c.patch(buf.Bytes())
		}
		path := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".gguf")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := Load(ctx, path, Options{Threads: 1})
		if err == nil {
			m.Close()
			t.Errorf("%s: loaded", c.name)
		} else if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %q, want it to contain %q", c.name, err, c.want)
		}
	}
	m := tiny(t)
	if res, err := m.Complete(ctx, synth.TinyPrompt, GenerateOptions{MaxTokens: 4}); err != nil ||
		!strings.HasPrefix(synth.TinyContinuation, res.Text) || res.Text == "" {
		t.Errorf("after the damaged models: %q %v", res.Text, err)
	}
}

// loadChild is the child process of TestRandomlyDamagedModels: it loads each model and generates a few
// tokens. Errors are the expected outcome; the exit status is 0 unless the process is killed by a crash.
func loadChild(paths []string) int {
	ctx := context.Background()
	for _, p := range paths {
		m, err := Load(ctx, p, Options{Threads: 1})
		if err != nil {
			fmt.Printf("%s: %v\n", filepath.Base(p), err)
			continue
		}
		res, err := m.Complete(ctx, synth.TinyPrompt, GenerateOptions{MaxTokens: 4})
		text := ""
		if res != nil {
			text = res.Text
		}
		m.Close() // before the line below, so that a crash in Close is blamed on this model
		fmt.Printf("%s: loaded; %q %v\n", filepath.Base(p), text, err)
	}
	return 0
}

// TestRandomlyDamagedModels changes random bytes in the hyperparameters and the tensor descriptions of the
// tiny model and loads each result in a child process, which must not crash (llama.cpp's asserts, divisions by
// zero, reads past arrays). GOLM_DAMAGE_RUNS sets the number of models (default 800; the README's figure is
// 3000) and GOLM_DAMAGE_SEED the random seed.
func TestRandomlyDamagedModels(t *testing.T) {
	runs, seed := 800, uint64(1)
	if v := os.Getenv("GOLM_DAMAGE_RUNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			t.Fatalf("GOLM_DAMAGE_RUNS=%q: want a positive count", v)
		}
		runs = n
	}
	if v := os.Getenv("GOLM_DAMAGE_SEED"); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			t.Fatalf("GOLM_DAMAGE_SEED=%q: %v", v, err)
		}
		seed = n
	}
	w, err := synth.Tiny(synth.TinyOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	f, err := gguf.Read(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	// The regions: from the counts to the vocabulary (the hyperparameters), and the tensor descriptions.
	vocab := bytes.Index(good, []byte("tokenizer.ggml.tokens"))
	tensors := bytes.Index(good, []byte(f.Tensors[0].Name)) - 8
	if vocab < 0 || tensors < 0 || int64(tensors) >= f.DataOffset {
		t.Fatalf("layout of the tiny model: vocabulary at %d, tensors at %d, data at %d", vocab, tensors, f.DataOffset)
	}
	regions := [][2]int{{8, vocab}, {tensors, int(f.DataOffset)}}

	rng := rand.New(rand.NewPCG(seed, 2))
	dir := t.TempDir()
	const batch = 40 // models per child process
	for start := 0; start < runs; start += batch {
		var paths []string
		for i := start; i < min(start+batch, runs); i++ {
			data := bytes.Clone(good)
			r := regions[rng.IntN(len(regions))]
			for range 1 + rng.IntN(3) {
				pos := r[0] + rng.IntN(r[1]-r[0])
				switch rng.IntN(4) {
				case 0:
					data[pos] = 0
				case 1:
					data[pos] = 0xff
				case 2:
					data[pos] ^= 1 << rng.IntN(8)
				default:
					data[pos] = byte(rng.IntN(256))
				}
			}
			p := filepath.Join(dir, fmt.Sprintf("damaged-%04d.gguf", i))
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			paths = append(paths, p)
		}
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), "GOLM_TEST_LOAD_CHILD="+strings.Join(paths, string(os.PathListSeparator)))
		out, err := cmd.CombinedOutput()
		if err != nil {
			// The model after the last one reported crashed the child: keep it, and show how it ended.
			lines := strings.Split(string(out), "\n")
			next, after := 0, 0
			for i, l := range lines {
				if strings.HasPrefix(l, "damaged-") {
					next, after = slices.Index(paths, filepath.Join(dir, l[:strings.Index(l, ":")]))+1, i+1
				}
			}
			if next >= len(paths) { // every model finished: the child crashed on its way out
				t.Fatalf("the child process crashed after its last model (seed %d): %v\n%s", seed, err,
					strings.Join(lines[after:min(after+10, len(lines))], "\n"))
			}
			kept := filepath.Join(os.TempDir(), filepath.Base(paths[next]))
			if data, err := os.ReadFile(paths[next]); err == nil {
				_ = os.WriteFile(kept, data, 0o644)
			}
			t.Fatalf("the child process crashed on %s (seed %d, model %d): %v\n%s", kept, seed, start+next, err,
				strings.Join(lines[after:min(after+10, len(lines))], "\n"))
		}
		for _, p := range paths {
			os.Remove(p)
		}
	}
}

// TestBadArguments passes values that used to end the process or hang it: they must give an answer at once.
func TestBadArguments(t *testing.T) {
	m := tiny(t)
	for _, id := range []int{-1, m.VocabSize(), 1 << 33} {
		want := fmt.Sprintf("<invalid token id %d: the vocabulary has %d tokens>", id, m.VocabSize())
		if got := m.Piece(id); got != want {
			t.Errorf("Piece(%d) = %q, want %q", id, got, want)
		}
		if got := m.Pieces([]int{m.BOS(), id}); len(got) != 2 || got[0] != "<s>" || got[1] != want {
			t.Errorf("Pieces(BOS, %d) = %q", id, got)
		}
		if _, err := m.Detokenize([]int{id}); err == nil {
			t.Errorf("Detokenize(%d) succeeded", id)
		}
		if m.IsEndOfGeneration(id) {
			t.Errorf("IsEndOfGeneration(%d) = true", id)
		}
	}
	// Far more threads than CPUs made four tokens take over a minute; they are capped at the CPU count.
	many, err := Load(context.Background(), tinyPath(gguf.TensorF32), Options{Threads: 1000, BatchThreads: 500})
	if err != nil {
		t.Fatal(err)
	}
	defer many.Close()
	if want := fmt.Sprintf("CPU with %d threads", runtime.NumCPU()); !strings.Contains(many.String(), want) {
		t.Errorf("String() = %q, want %q", many.String(), want)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if res, err := many.Complete(ctx, synth.TinyPrompt, GenerateOptions{MaxTokens: 4}); err != nil ||
		!strings.HasPrefix(synth.TinyContinuation, res.Text) {
		t.Errorf("with Threads: 1000: %v", err)
	}
}

func TestThreadCount(t *testing.T) {
	for _, c := range []struct{ n, def, cpus, want int }{
		{0, 4, 8, 4}, {-3, 4, 8, 4}, {2, 4, 8, 2}, {1000, 4, 8, 8}, {0, 16, 8, 8}, {0, 0, 8, 1},
	} {
		if got := threadCount(c.n, c.def, c.cpus); got != c.want {
			t.Errorf("threadCount(%d, %d, %d) = %d, want %d", c.n, c.def, c.cpus, got, c.want)
		}
	}
}

func TestDevicesAndInfo(t *testing.T) {
	devs := Devices()
	if len(devs) == 0 || devs[0].Type != "cpu" {
		t.Errorf("devices %v", devs)
	}
	if info := SystemInfo(); !strings.Contains(info, "CPU") {
		t.Errorf("SystemInfo() = %q", info)
	} else if runtime.GOARCH == "amd64" && !strings.Contains(info, "AVX2 = 1") {
		t.Errorf("built without AVX2 (use helpers/local/cgoflags.sh): %s", info)
	}
	m := tiny(t)
	if s := m.String(); !strings.Contains(s, "golm tiny test model (llama") || !strings.Contains(s, "CPU with 2 threads") {
		t.Errorf("String() = %q", s)
	}
	if m.Name() != "golm tiny test model" || m.Metadata().Architecture != "llama" || !filepath.IsAbs(m.Path()) {
		t.Errorf("Name %q, Path %q", m.Name(), m.Path())
	}
	if err := LoadBackend(filepath.Join(t.TempDir(), "libggml-none.so")); err == nil {
		t.Error("LoadBackend of a missing file succeeded")
	}
}

func TestGPUNotice(t *testing.T) {
	cpu := []Device{{Name: "CPU", Type: "cpu"}}
	withGPU := append(cpu, Device{Name: "CUDA0", Type: "gpu"})
	cases := []struct {
		name      string
		layers    int
		devs      []Device
		loaded    []string
		err       error
		want      string // substring; "" means no notice
		wantEmpty bool
	}{
		{name: "CPU asked for", layers: 0, devs: cpu, wantEmpty: true},
		{name: "GPU present", layers: -1, devs: withGPU, loaded: []string{"/x/libggml-cuda.so"}, wantEmpty: true},
		{name: "no backend", layers: -1, devs: cpu, want: "no GPU backend was found (build one with helpers/local/gpu/build-cuda.sh"},
		{name: "backend without a GPU", layers: 20, devs: cpu, loaded: []string{"/x/libggml-cuda.so"},
			want: "libggml-cuda.so is loaded but found no GPU"},
		{name: "backend failed", layers: -1, devs: cpu, err: errors.New("libcuda.so.1: cannot open shared object file"),
			want: "the GPU backend did not load: libcuda.so.1: cannot open shared object file"},
	}
	for _, c := range cases {
		got := gpuNotice(c.layers, c.devs, c.loaded, c.err)
		switch {
		case c.wantEmpty && got != "":
			t.Errorf("%s: notice %q, want none", c.name, got)
		case !c.wantEmpty && (!strings.Contains(got, c.want) || !strings.Contains(got, "runs on the CPU")):
			t.Errorf("%s: notice %q, want it to contain %q", c.name, got, c.want)
		}
	}
}

// readRSS returns the resident set size of this process in bytes.
func readRSS(t *testing.T) int64 {
	data, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skip("no /proc/self/statm:", err)
	}
	var size, rss int64
	if _, err := fmt.Sscan(string(data), &size, &rss); err != nil {
		t.Fatal(err)
	}
	return rss * int64(os.Getpagesize())
}

// TestLoadCloseMemory loads and closes a 40 MB model (read into memory, not mapped) many times: resident
// memory must not grow by anything like a model per load.
func TestLoadCloseMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	path := filepath.Join(t.TempDir(), "mid.gguf")
	size, err := synth.WriteLarge(path, synth.LargeOptions{Width: 512, Layers: 4, FeedForward: 1536, Heads: 8,
		HeadsKV: 8, Context: 1024, Type: gguf.TensorF16})
	if err != nil {
		t.Fatal(err)
	}
	cycle := func() {
		m, err := Load(context.Background(), path, Options{Threads: 2, NoMMap: true, ContextSize: 1024})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Complete(context.Background(), "Jeremy", GenerateOptions{MaxTokens: 2}); err != nil {
			t.Fatal(err)
		}
		if _, err := m.Embed(context.Background(), []string{"Jeremy"}); err != nil {
			t.Fatal(err)
		}
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 3; i++ { // warm up allocator arenas
		cycle()
	}
	debug.FreeOSMemory()
	before := readRSS(t)
	const n = 15
	for i := 0; i < n; i++ {
		cycle()
	}
	debug.FreeOSMemory()
	after := readRSS(t)
	t.Logf("model %d MB; RSS %d MB → %d MB after %d load/close cycles", size>>20, before>>20, after>>20, n)
	// A leak of the model's weights would add a model per cycle (15 models here); allocator fragmentation
	// on a busy machine adds a few megabytes per cycle at most.
	if growth := after - before; growth > 2*size {
		t.Errorf("RSS grew by %d MB over %d cycles of a %d MB model: memory leak", growth>>20, n, size>>20)
	}
}

// TestBackendLibrary loads a ggml backend library built by helpers/local/gpu/build-cuda.sh, named by
// GOLM_TEST_BACKEND. On a machine without a GPU, GOLM_GGML_TARGET=ggml-cpu-haswell builds a CPU backend with
// the same script, which checks the mechanism the CUDA backend uses: ollama's cmake build from the module
// sources, run-time loading with ggml_backend_load, and a model running beside it.
//
// GOLM_TEST_BACKEND_DEVICES is how many devices loading the library must add (default 1). With 0 it checks a
// CUDA backend on a machine without a GPU (built with Debian's nvidia-cuda-toolkit, say): the library and the
// CUDA libraries it links load, it finds no device, Load says so, and the model runs on the CPU.
func TestBackendLibrary(t *testing.T) {
	lib := os.Getenv("GOLM_TEST_BACKEND")
	if lib == "" {
		t.Skip("GOLM_TEST_BACKEND is not set: build a backend with helpers/local/gpu/build-cuda.sh and name its libggml-*.so")
	}
	if os.Getenv("GOLM_GGML_BACKENDS") != "" {
		t.Fatal("unset GOLM_GGML_BACKENDS: this test loads GOLM_TEST_BACKEND itself")
	}
	wantNew := 1
	if v := os.Getenv("GOLM_TEST_BACKEND_DEVICES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			t.Fatalf("GOLM_TEST_BACKEND_DEVICES=%q: want a count", v)
		}
		wantNew = n
	}
	before := Devices()
	if err := LoadBackend(lib); err != nil {
		t.Fatal(err)
	}
	if err := LoadBackend(lib); err != nil {
		t.Fatalf("second load: %v", err)
	}
	after := Devices()
	t.Logf("devices before: %v; after: %v", before, after)
	abs, _ := filepath.Abs(lib)
	backendsMu.Lock()
	hooked := hookedLibs[abs]
	backendsMu.Unlock()
	if !hooked {
		t.Errorf("golm's log and abort callbacks were not installed in %s's libggml-base", lib)
	}
	switch added := len(after) - len(before); {
	case wantNew > 0 && added < wantNew:
		t.Errorf("loading %s added %d devices, want at least %d", lib, added, wantNew)
	case wantNew == 0 && added != 0:
		t.Errorf("loading %s added %d devices, want none", lib, added)
	case wantNew == 0:
		notice := gpuNotice(-1, after, loadedBackends(), nil)
		if want := filepath.Base(lib) + " is loaded but found no GPU"; !strings.Contains(notice, want) {
			t.Errorf("notice %q, want it to say %q", notice, want)
		}
	}
	m, err := Load(context.Background(), tinyPath(gguf.TensorF32), Options{Threads: 2, GPULayers: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if res, err := m.Complete(context.Background(), synth.TinyPrompt, GenerateOptions{}); err != nil ||
		res.Text != synth.TinyContinuation {
		t.Errorf("with the backend loaded: %q %v", res.Text, err)
	}
}

// TestGPU runs the tiny models with every layer on a GPU and checks the text equals the CPU's. It needs a GPU
// backend (helpers/local/gpu/build-cuda.sh on a machine with nvcc and an NVIDIA GPU; golm finds it in
// ~/.local/lib/golm or through GOLM_GGML_BACKENDS).
func TestGPU(t *testing.T) {
	if !GPUAvailable() {
		// Says why: no backend, a backend that failed to load, or one that found no GPU.
		t.Skip("no GPU: " + gpuNotice(-1, Devices(), loadedBackends(), autoBackends()))
	}
	t.Logf("devices: %v", Devices())
	ctx := context.Background()
	prompts := []struct {
		prompt string
		opts   GenerateOptions
	}{
		{synth.TinyPrompt, GenerateOptions{}},
		{synth.PlanetsPrompt, GenerateOptions{MaxTokens: 60}},
		{"Who is Jeremy Howard?", GenerateOptions{MaxTokens: 20}},
	}
	for _, typ := range []gguf.TensorType{gguf.TensorF32, gguf.TensorF16, gguf.TensorQ8_0} {
		cpu, err := Load(ctx, tinyPath(typ), Options{Threads: 2})
		if err != nil {
			t.Fatal(err)
		}
		gpu, err := Load(ctx, tinyPath(typ), Options{GPULayers: -1})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range prompts {
			a, err1 := cpu.Complete(ctx, p.prompt, p.opts)
			b, err2 := gpu.Complete(ctx, p.prompt, p.opts)
			if err1 != nil || err2 != nil || a.Text != b.Text || !reflect.DeepEqual(a.Tokens, b.Tokens) {
				t.Errorf("%s %q: CPU %q (%v), GPU %q (%v)", typ, p.prompt, a.Text, err1, b.Text, err2)
			}
		}
		ea, _ := cpu.Embed(ctx, []string{"Jeremy Howard"})
		eb, err := gpu.Embed(ctx, []string{"Jeremy Howard"})
		if err != nil || CosineSimilarity(ea[0], eb[0]) < 0.999 {
			t.Errorf("%s embeddings: cosine %v, %v", typ, CosineSimilarity(ea[0], eb[0]), err)
		}
		cpu.Close()
		gpu.Close()
	}
}

func TestStreamToNotebook(t *testing.T) {
	rec := displaytest.Install(t)
	m := tiny(t)
	res, err := m.Complete(context.Background(), synth.TinyPrompt, GenerateOptions{Stream: true})
	if err != nil || res.Text != synth.TinyContinuation {
		t.Fatalf("Complete with Stream = %v, %v", res, err)
	}
	updates := rec.Updates()
	if len(rec.Displays()) != 1 || len(updates) == 0 {
		t.Fatalf("shown %d, updates %d", len(rec.Displays()), len(updates))
	}
	last := updates[len(updates)-1]
	html, _ := last.Data[display.MIMEHTML].(string)
	if !strings.Contains(html, synth.TinyContinuation) || !strings.Contains(html, "tokens/s") ||
		!strings.Contains(last.Text(), "13 tokens") {
		t.Errorf("final display %+v", last.Data)
	}
	rec.Reset()
	res, err = m.Chat(context.Background(), []Message{{Role: "user", Content: "Who is Jeremy Howard?"}}, GenerateOptions{Stream: true})
	if err != nil || res.Text != synth.TinyAnswer {
		t.Fatalf("Chat with Stream = %v, %v", res, err)
	}
	updates = rec.Updates()
	md, _ := updates[len(updates)-1].Data[display.MIMEMarkdown].(string)
	if !strings.HasPrefix(md, synth.TinyAnswer) {
		t.Errorf("markdown %q", md)
	}
}

func TestLogProbs(t *testing.T) {
	m := tiny(t)
	ctx := context.Background()
	next, err := m.NextTokens(ctx, synth.TinyPrompt, 3)
	if err != nil || len(next) != 3 || next[0].Text != "a" || next[0].Prob() < 0.99 ||
		next[1].LogProb > next[0].LogProb || next[2].LogProb > next[1].LogProb {
		t.Fatalf("NextTokens = %v, %v", next, err)
	}
	if !strings.HasPrefix(next[0].String(), `"a" `) {
		t.Errorf("String() = %q", next[0].String())
	}
	res, err := m.Complete(ctx, synth.PlanetsPrompt, GenerateOptions{MaxTokens: 5, TopLogProbs: 2})
	if err != nil || len(res.LogProbs) != 5 {
		t.Fatalf("%d log-probabilities, %v", len(res.LogProbs), err)
	}
	for i, lp := range res.LogProbs {
		if lp.ID != res.Tokens[i] || lp.LogProb > 0 || lp.LogProb < -0.01 || len(lp.Top) != 2 || lp.Top[0].ID != lp.ID {
			t.Errorf("token %d: %+v", i, lp)
		}
	}
	if res.LogProbs[0].Text != " Mercury," {
		t.Errorf("first token %q", res.LogProbs[0].Text)
	}
	res, _ = m.Complete(ctx, synth.PlanetsPrompt, GenerateOptions{MaxTokens: 2, LogProbs: true})
	if len(res.LogProbs) != 2 || res.LogProbs[0].Top != nil {
		t.Errorf("LogProbs without top: %+v", res.LogProbs)
	}
	res, _ = m.Complete(ctx, synth.PlanetsPrompt, GenerateOptions{MaxTokens: 2})
	if res.LogProbs != nil {
		t.Error("log-probabilities without asking")
	}
}

func TestEmbeddingModel(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	meanPath, clsPath := filepath.Join(dir, "mean.gguf"), filepath.Join(dir, "cls.gguf")
	if err := synth.WriteTinyEmbedder(meanPath, synth.EmbedderOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := synth.WriteTinyEmbedder(clsPath, synth.EmbedderOptions{Pooling: "cls"}); err != nil {
		t.Fatal(err)
	}
	mean, err := Load(ctx, meanPath, Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer mean.Close()
	if md := mean.Metadata(); md.Architecture != "bert" || md.Pooling != "mean" || md.TokenizerModel != "bert" {
		t.Errorf("metadata %+v", md)
	}
	ids, _ := mean.Tokenize("Jeremy Howard, data scientist", true)
	if got := mean.Pieces(ids); strings.Join(got, "|") != "[CLS]| jeremy| howard| ,| data| scientist|[SEP]" {
		t.Errorf("WordPiece tokens %q", got)
	}
	texts := []string{"Jeremy Howard founded fast.ai", "Jeremy Howard co-founded fast.ai", "Tony Blair was prime minister"}
	vs, err := mean.Embed(ctx, texts)
	if err != nil {
		t.Fatal(err)
	}
	if near, far := CosineSimilarity(vs[0], vs[1]), CosineSimilarity(vs[0], vs[2]); near <= far {
		t.Errorf("similar %.3f, different %.3f", near, far)
	}
	// Pooling from the metadata equals the same pooling asked for explicitly.
	cls, err := Load(ctx, clsPath, Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer cls.Close()
	explicit, err := Load(ctx, meanPath, Options{Threads: 2, Pooling: "cls"})
	if err != nil {
		t.Fatal(err)
	}
	defer explicit.Close()
	a, err1 := cls.Embed(ctx, texts[:1])
	b, err2 := explicit.Embed(ctx, texts[:1])
	if err1 != nil || err2 != nil || CosineSimilarity(a[0], b[0]) < 0.9999 || CosineSimilarity(a[0], vs[0]) > 0.9999 {
		t.Errorf("CLS pooling: metadata vs explicit %.5f, vs mean %.5f (%v %v)", CosineSimilarity(a[0], b[0]),
			CosineSimilarity(a[0], vs[0]), err1, err2)
	}
	// An embedding model cannot generate text: an error, not a crash.
	if _, err := mean.Complete(ctx, "Jeremy", GenerateOptions{MaxTokens: 2}); err == nil ||
		!strings.Contains(err.Error(), "is an embedding model") {
		t.Errorf("generating with an embedding model: %v", err)
	}
}

// TestDeprecated checks that the names kept for one release do what their replacements do.
func TestDeprecated(t *testing.T) {
	rec := displaytest.Install(t)
	m := tiny(t)
	ctx := context.Background()
	opts := GenerateOptions{MaxTokens: 6}
	msgs := []Message{{Role: "user", Content: "Who is Jeremy Howard?"}}
	want, err := m.Complete(ctx, synth.TinyPrompt, opts)
	if err != nil {
		t.Fatal(err)
	}
	wantChat, err := m.Chat(ctx, msgs, opts)
	if err != nil {
		t.Fatal(err)
	}
	var pieces, chatPieces strings.Builder
	var to bytes.Buffer
	collect := func(b *strings.Builder) func(string) error {
		return func(s string) error { b.WriteString(s); return nil }
	}
	check := func(name string, res *Result, err error, text string) {
		t.Helper()
		if err != nil || res.Text != text {
			t.Errorf("%s = %v, %v; want %q", name, res, err, text)
		}
	}
	res, err := m.Generate(ctx, synth.TinyPrompt, opts)
	check("Generate", res, err, want.Text)
	res, err = m.Stream(ctx, synth.TinyPrompt, opts, collect(&pieces))
	check("Stream", res, err, want.Text)
	res, err = m.GenerateTo(ctx, synth.TinyPrompt, opts, &to)
	check("GenerateTo", res, err, want.Text)
	res, err = m.ChatStream(ctx, msgs, opts, collect(&chatPieces))
	check("ChatStream", res, err, wantChat.Text)
	if pieces.String() != want.Text || to.String() != want.Text || chatPieces.String() != wantChat.Text {
		t.Errorf("streamed %q, %q, %q", pieces.String(), to.String(), chatPieces.String())
	}
	if len(rec.Displays()) != 0 {
		t.Error("a deprecated call without Show displayed something")
	}
	res, err = m.Show(ctx, synth.TinyPrompt, opts)
	check("Show", res, err, want.Text)
	res, err = m.ShowChat(ctx, msgs, opts)
	check("ShowChat", res, err, wantChat.Text)
	if len(rec.Displays()) != 2 {
		t.Errorf("Show and ShowChat made %d displays", len(rec.Displays()))
	}
	texts := []string{"Jeremy Howard", "Mercury"}
	a, err1 := m.EmbedBatch(ctx, texts)
	b, err2 := m.Embed(ctx, texts)
	if err1 != nil || err2 != nil || !reflect.DeepEqual(a, b) {
		t.Errorf("EmbedBatch differs from Embed: %v %v", err1, err2)
	}
}
