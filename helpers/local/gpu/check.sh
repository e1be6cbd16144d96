#!/bin/sh
# check.sh is the GPU acceptance check of package local, for a machine with an NVIDIA GPU and the CUDA
# toolkit (nvcc). It
#   1. builds ggml's CUDA backend from the module sources (build-cuda.sh),
#   2. runs TestGPU: the tiny deterministic models (F32, F16, Q8_0) with every layer on the GPU must write
#      exactly the CPU's text (and the same embeddings),
#   3. measures generation speed of the synthetic 390 MB model (and MODEL, if given) on CPU and GPU, for both
#      golm's binding and llama.cpp's C API (bench/main.go).
#
#   helpers/local/gpu/check.sh [MODEL.gguf]
#
# Environment: CUDA_ARCHITECTURES (default native), JOBS, OUT (a folder for the logs, default
# /tmp/golm-gpu-check) and WORK (for the built files and the synthetic model, default /tmp/golm-gpu-work). Total time on 16 cores: roughly 10 minutes for the CUDA build, 2 for the Go build, 1 for
# the checks.
#
# On a GPU machine without Go, prepare a kit where Go is (gpu/kit.sh: the test and benchmark programs and the
# ggml sources) and point at it: GOLM_KIT=DIR helpers/local/gpu/check.sh. Then nothing is built with Go and
# the CUDA backend is built from the kit's sources.
set -eu
cd "$(dirname "$0")/../../.."
out=${OUT:-/tmp/golm-gpu-check}
# Big files (the backend, the programs, the 390 MB model) go to WORK, so that OUT holds only the logs.
work=${WORK:-${TMPDIR:-/tmp}/golm-gpu-work}
mkdir -p "$out" "$work"
lib="$work/lib"
log() { echo "== $*" | tee -a "$out/summary.txt" >&2; }

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$out/gpu.txt"
target=${GOLM_GGML_TARGET:-ggml-cuda}
log "building the backend $target"
start=$(date +%s)
kit=${GOLM_KIT:+$(cd "$GOLM_KIT" && pwd)}
if [ -n "$kit" ]; then
	export GOLM_GGML_SRC="$kit/ollama"
fi
helpers/local/gpu/build-cuda.sh "$lib" >"$out/build-cuda.log" 2>&1 || {
	tail -40 "$out/build-cuda.log" >&2
	exit 1
}
log "$target built in $(($(date +%s) - start)) s"
export GOLM_GGML_BACKENDS="$lib/lib$target.so"

bin="$work"
if [ -n "$kit" ]; then
	bin="$kit/bin"
	log "programs from the kit $kit (built $(cat "$kit/VERSION" 2>/dev/null || echo '?'))"
else
	eval "$(helpers/local/cgoflags.sh)"
	start=$(date +%s)
	go test -c -tags llama -o "$work/local.test" ./helpers/local
	go build -tags llama -o "$work/bench" ./helpers/local/bench
	go build -o "$work/synthgguf" ./helpers/local/cmd/synthgguf
	log "Go build in $(($(date +%s) - start)) s"
fi

log "TestGPU (tiny models, all layers on the GPU, text must equal the CPU's)"
(cd helpers/local && "$bin/local.test" -test.run 'TestGPU|TestDevicesAndInfo' -test.v 2>&1) | tee "$out/testgpu.log" | grep -E '^(=== RUN|--- |PASS|FAIL|ok)|devices:' >&2
if grep -q -- '--- SKIP: TestGPU' "$out/testgpu.log"; then
	log "TestGPU SKIPPED: $(grep -o 'no GPU: .*' "$out/testgpu.log" | head -1)"
	exit 1
fi
grep -q -- '--- PASS: TestGPU' "$out/testgpu.log" || { log "TestGPU FAILED"; exit 1; }
log "TestGPU passed"

large="$work/golm-bench-large.gguf"
[ -f "$large" ] || "$bin/synthgguf" -model large -type Q8_0 "$large"
threads=$(nproc)
for model in "$large" "$@"; do
	log "speed of $(basename "$model"): CPU ($threads threads)"
	# No GPU backend at all for the CPU figures (with one loaded, ggml may offload big prompt batches).
	GOLM_GGML_BACKENDS= "$bin/bench" -model "$model" -n 128 -rounds 3 -threads "$threads" 2>>"$out/bench.log" | tee -a "$out/summary.txt"
	log "speed of $(basename "$model"): GPU (all layers)"
	"$bin/bench" -model "$model" -n 128 -rounds 3 -threads "$threads" -gpu-layers -1 2>>"$out/bench.log" | tee -a "$out/summary.txt"
done
log "done; logs in $out"
