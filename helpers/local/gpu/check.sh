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
# Environment: CUDA_ARCHITECTURES (default native), JOBS, and OUT (a folder for the logs, default
# /tmp/golm-gpu-check). Total time on 16 cores: roughly 10 minutes for the CUDA build, 2 for the Go build, 1 for
# the checks.
set -eu
cd "$(dirname "$0")/../../.."
out=${OUT:-/tmp/golm-gpu-check}
mkdir -p "$out"
lib="$out/lib"
log() { echo "== $*" | tee -a "$out/summary.txt" >&2; }

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$out/gpu.txt"
log "building the CUDA backend"
start=$(date +%s)
helpers/local/gpu/build-cuda.sh "$lib" >"$out/build-cuda.log" 2>&1 || {
	tail -40 "$out/build-cuda.log" >&2
	exit 1
}
log "CUDA backend built in $(($(date +%s) - start)) s"
export GOLM_GGML_BACKENDS="$lib/libggml-cuda.so"

eval "$(helpers/local/cgoflags.sh)"
start=$(date +%s)
go test -c -tags llama -o "$out/local.test" ./helpers/local
go build -tags llama -o "$out/bench" ./helpers/local/bench
go build -o "$out/synthgguf" ./helpers/local/cmd/synthgguf
log "Go build in $(($(date +%s) - start)) s"

log "TestGPU (tiny models, all layers on the GPU, text must equal the CPU's)"
"$out/local.test" -test.run 'TestGPU|TestDevicesAndInfo' -test.v 2>&1 | tee "$out/testgpu.log" | grep -E '^(=== RUN|--- |PASS|FAIL|ok)|devices:' >&2
if grep -q -- '--- SKIP: TestGPU' "$out/testgpu.log"; then
	log "TestGPU SKIPPED: the CUDA backend did not load or found no GPU"
	exit 1
fi
grep -q -- '--- PASS: TestGPU' "$out/testgpu.log" || { log "TestGPU FAILED"; exit 1; }
log "TestGPU passed"

large="$out/golm-bench-large.gguf"
[ -f "$large" ] || "$out/synthgguf" -model large -type Q8_0 "$large"
threads=$(nproc)
for model in "$large" "$@"; do
	log "speed of $(basename "$model"): CPU ($threads threads)"
	# No GPU backend at all for the CPU figures (with one loaded, ggml may offload big prompt batches).
	GOLM_GGML_BACKENDS= "$out/bench" -model "$model" -n 128 -rounds 3 -threads "$threads" 2>>"$out/bench.log" | tee -a "$out/summary.txt"
	log "speed of $(basename "$model"): GPU (all layers)"
	"$out/bench" -model "$model" -n 128 -rounds 3 -threads "$threads" -gpu-layers -1 2>>"$out/bench.log" | tee -a "$out/summary.txt"
done
log "done; logs in $out"
