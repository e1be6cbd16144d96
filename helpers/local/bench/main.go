//go:build llama

// Command bench measures generation speed of the golm binding (package local) against llama.cpp's own C API
// driven from C, on the same GGUF file, in one process built with the same sources and flags. Rounds
// alternate between the two; the medians are compared.
//
//	helpers/local/bench/run.sh [flags]          # builds a 390 MB synthetic model first if needed
//	go run -tags llama ./helpers/local/bench -model MODEL.gguf -n 128 -rounds 5
package main

/*
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "llama.h"

typedef struct {
	double prompt_ms; // prompt evaluation
	double gen_ms;    // from the end of the prompt to the last generated token
	int32_t n_prompt;
	int32_t n_gen;
	int32_t error;
} bench_result;

static double now_ms(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// bench_c is the plain llama.cpp way to generate greedily, as in llama.cpp's examples/simple: tokenize, decode
// the prompt, then sample and decode one token at a time. The model is loaded before the clock starts.
static bench_result bench_c(const char * path, const char * prompt, int32_t n_gen, int32_t threads,
		int32_t n_ctx, int32_t gpu_layers) {
	bench_result r = {0};
	struct llama_model_params mp = llama_model_default_params();
	mp.n_gpu_layers = gpu_layers;
	struct llama_model * model = llama_model_load_from_file(path, mp);
	if (!model) { r.error = 1; return r; }
	const struct llama_vocab * vocab = llama_model_get_vocab(model);
	struct llama_context_params cp = llama_context_default_params();
	cp.n_ctx = n_ctx;
	cp.n_batch = 512;
	cp.n_ubatch = 512;
	cp.n_seq_max = 1;
	cp.n_threads = threads;
	cp.n_threads_batch = threads;
	cp.no_perf = true;
	struct llama_context * ctx = llama_init_from_model(model, cp);
	if (!ctx) { llama_model_free(model); r.error = 2; return r; }
	struct llama_sampler_chain_params sp = llama_sampler_chain_default_params();
	sp.no_perf = true;
	struct llama_sampler * smpl = llama_sampler_chain_init(sp);
	llama_sampler_chain_add(smpl, llama_sampler_init_greedy());

	double t0 = now_ms();
	int32_t n_max = 4096;
	llama_token * toks = malloc(sizeof(llama_token) * n_max);
	int32_t n = llama_tokenize(vocab, prompt, (int32_t) strlen(prompt), toks, n_max, true, true);
	if (n < 0 || llama_decode(ctx, llama_batch_get_one(toks, n)) != 0) { r.error = 3; goto done; }
	double t1 = now_ms();
	r.n_prompt = n;
	r.prompt_ms = t1 - t0;
	char piece[256];
	for (int32_t i = 0; i < n_gen; i++) {
		llama_token t = llama_sampler_sample(smpl, ctx, -1);
		llama_token_to_piece(vocab, t, piece, sizeof(piece), 0, false);
		r.n_gen++;
		if (i == n_gen - 1) {
			break;
		}
		if (llama_decode(ctx, llama_batch_get_one(&t, 1)) != 0) { r.error = 4; break; }
	}
	r.gen_ms = now_ms() - t1;
done:
	free(toks);
	llama_sampler_free(smpl);
	llama_free(ctx);
	llama_model_free(model);
	return r;
}
*/
import "C"

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strings"
	"unsafe"

	"github.com/golm-dev/golm/helpers/local"
)

type run struct {
	PromptTPS, GenTPS float64
	Prompt, Gen       int
}

func main() {
	model := flag.String("model", "", "GGUF model to run (required)")
	n := flag.Int("n", 128, "tokens to generate per round")
	rounds := flag.Int("rounds", 5, "rounds per implementation (alternating, after a warm-up round)")
	threads := flag.Int("threads", runtime.NumCPU(), "CPU threads")
	nctx := flag.Int("ctx", 2048, "context size")
	gpu := flag.Int("gpu-layers", 0, "layers to offload to a GPU (-1: all)")
	promptWords := flag.Int("prompt", 64, "prompt length in words")
	jsonOut := flag.Bool("json", false, "print the result as JSON")
	flag.Parse()
	if *model == "" {
		flag.Usage()
		os.Exit(2)
	}
	prompt := strings.TrimSpace(strings.Repeat("Jeremy Howard is a data scientist who co-founded fast.ai. ", *promptWords/9+1))
	meta, err := local.ReadMetadata(*model)
	if err != nil {
		fail(err)
	}
	if *gpu != 0 && !local.GPUAvailable() {
		fmt.Fprintln(os.Stderr, "bench: no GPU backend loaded (set GOLM_GGML_BACKENDS); running on the CPU")
	}
	cpath := C.CString(*model)
	defer C.free(unsafe.Pointer(cpath))
	cprompt := C.CString(prompt)
	defer C.free(unsafe.Pointer(cprompt))
	gpuC := *gpu
	if gpuC < 0 {
		gpuC = 1 << 30
	}

	local.SetVerbose(false) // also quiets the C loop: both log through golm's callback

	var cRuns, goRuns []run
	// Round 0 warms the page cache and CPU caches for both and is not counted.
	for r := -1; r < *rounds; r++ {
		var cRun, goRun run
		runC := func() {
			cr := C.bench_c(cpath, cprompt, C.int32_t(*n), C.int32_t(*threads), C.int32_t(*nctx), C.int32_t(gpuC))
			if cr.error != 0 {
				fail(fmt.Errorf("C benchmark failed (step %d)", int(cr.error)))
			}
			cRun = run{PromptTPS: float64(cr.n_prompt) / float64(cr.prompt_ms) * 1000,
				GenTPS: float64(cr.n_gen) / float64(cr.gen_ms) * 1000, Prompt: int(cr.n_prompt), Gen: int(cr.n_gen)}
		}
		runGo := func() {
			m, err := local.Load(context.Background(), *model, local.Options{Threads: *threads, ContextSize: *nctx,
				GPULayers: *gpu})
			if err != nil {
				fail(err)
			}
			res, err := m.Complete(context.Background(), prompt, local.GenerateOptions{MaxTokens: *n, IgnoreEOS: true})
			m.Close()
			if err != nil {
				fail(err)
			}
			goRun = run{PromptTPS: res.Timing.PromptTokensPerSecond(), GenTPS: res.Timing.TokensPerSecond(),
				Prompt: res.Timing.PromptTokens, Gen: res.Timing.Tokens}
		}
		if r%2 == 0 { // alternate which goes first
			runC()
			runGo()
		} else {
			runGo()
			runC()
		}
		if r < 0 {
			fmt.Fprintf(os.Stderr, "warm-up: C %.2f tok/s, Go %.2f tok/s (generation)\n", cRun.GenTPS, goRun.GenTPS)
			continue
		}
		cRuns = append(cRuns, cRun)
		goRuns = append(goRuns, goRun)
		fmt.Fprintf(os.Stderr, "round %d: C %.2f tok/s, Go %.2f tok/s (generation)\n", r+1, cRun.GenTPS, goRun.GenTPS)
	}
	c, g := median(cRuns), median(goRuns)
	cBest, gBest := best(cRuns), best(goRuns)
	// On a shared machine other work slows some rounds down: compare the two runs of each round (adjacent in
	// time), and the best rounds, which others disturbed least.
	ratios := make([]run, len(cRuns))
	for i := range cRuns {
		ratios[i] = run{GenTPS: goRuns[i].GenTPS / cRuns[i].GenTPS, PromptTPS: goRuns[i].PromptTPS / cRuns[i].PromptTPS}
	}
	ratio := median(ratios).GenTPS
	bestRatio := gBest.GenTPS / cBest.GenTPS
	if *jsonOut {
		_ = json.NewEncoder(os.Stdout).Encode(map[string]any{"model": *model, "threads": *threads, "gpu_layers": *gpu,
			"c_median": c, "go_median": g, "c_best": cBest, "go_best": gBest, "generation_ratio_median": ratio,
			"generation_ratio_best": bestRatio})
		return
	}
	fmt.Printf("model: %s (%s, %s parameters, %s); %d threads, %d GPU layers; prompt %d tokens, %d generated; median of %d rounds\n",
		*model, meta.Architecture, meta.ParameterLabel(), meta.FileType, *threads, *gpu, c.Prompt, c.Gen, *rounds)
	fmt.Printf("%-28s %14s %14s %14s %14s\n", "", "prompt tok/s", "generate tok/s", "best prompt", "best generate")
	fmt.Printf("%-28s %14.1f %14.2f %14.1f %14.2f\n", "llama.cpp C API (from C)", c.PromptTPS, c.GenTPS,
		cBest.PromptTPS, cBest.GenTPS)
	fmt.Printf("%-28s %14.1f %14.2f %14.1f %14.2f\n", "golm binding (Go)", g.PromptTPS, g.GenTPS, gBest.PromptTPS,
		gBest.GenTPS)
	fmt.Printf("generation speed of the binding relative to llama.cpp's: median of per-round ratios %.1f%%, best rounds %.1f%% (target: within 5%%)\n",
		ratio*100, bestRatio*100)
}

func best(rs []run) run {
	b := rs[0]
	for _, r := range rs[1:] {
		b.PromptTPS = max(b.PromptTPS, r.PromptTPS)
		b.GenTPS = max(b.GenTPS, r.GenTPS)
	}
	return b
}

func median(rs []run) run {
	pick := func(get func(run) float64) float64 {
		xs := make([]float64, len(rs))
		for i, r := range rs {
			xs[i] = get(r)
		}
		sort.Float64s(xs)
		if len(xs)%2 == 1 {
			return xs[len(xs)/2]
		}
		return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
	}
	return run{PromptTPS: pick(func(r run) float64 { return r.PromptTPS }), GenTPS: pick(func(r run) float64 { return r.GenTPS }),
		Prompt: rs[0].Prompt, Gen: rs[0].Gen}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}
