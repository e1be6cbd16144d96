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
# /tmp/golm-gpu-check) and WORK (for the built files and the synthetic model, default $TMPDIR/golm-gpu-work,
# or /tmp/golm-gpu-work). Total time on 16 cores: roughly 10 minutes for the CUDA build, 2 for the Go build, 1
# for the checks. It exits with status 0 only when TestGPU passed and every speed run worked.
#
# On a GPU machine without Go, prepare a kit where Go is (gpu/kit.sh: the test and benchmark programs and the
# ggml sources) and point at it: GOLM_KIT=DIR helpers/local/gpu/check.sh. Then nothing is built with Go and
# the CUDA backend is built from the kit's sources.
set -eu
# Relative paths are the caller's; the script then works from the repository root.
abs() { case "$1" in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac; }
out=$(abs "${OUT:-/tmp/golm-gpu-check}")
# Big files (the backend, the programs, the 390 MB model) go to WORK, so that OUT holds only the logs.
work=$(abs "${WORK:-${TMPDIR:-/tmp}/golm-gpu-work}")
kit=
if [ -n "${GOLM_KIT:-}" ]; then
	kit=$(cd "$GOLM_KIT" && pwd) || exit 1
fi
cd "$(dirname "$0")/../../.."
mkdir -p "$out" "$work"
lib="$work/lib"
log() { echo "== $*" | tee -a "$out/summary.txt" >&2; }
failed=0

if command -v nvidia-smi >/dev/null; then
	nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv | tee "$out/gpu.txt" || true
fi
target=${GOLM_GGML_TARGET:-ggml-cuda}
log "building the backend $target"
start=$(date +%s)
if [ -n "$kit" ]; then
	export GOLM_GGML_SRC="$kit/ollama"
fi
helpers/local/gpu/build-cuda.sh "$lib" >"$out/build-cuda.log" 2>&1 || {
	tail -40 "$out/build-cuda.log" >&2
	log "building $target FAILED (log: $out/build-cuda.log)"
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
rc=0
(cd helpers/local && "$bin/local.test" -test.run '^(TestGPU|TestDevicesAndInfo)$' -test.v) >"$out/testgpu.log" 2>&1 || rc=$?
grep -E '^(=== RUN|--- |PASS|FAIL|ok)|devices:' "$out/testgpu.log" >&2 || tail -20 "$out/testgpu.log" >&2
if grep -q '^--- SKIP: TestGPU (' "$out/testgpu.log"; then
	log "TestGPU SKIPPED: $(grep -o 'no GPU: .*' "$out/testgpu.log" | head -1)"
	exit 1
fi
if [ "$rc" -ne 0 ] || ! grep -q '^--- PASS: TestGPU (' "$out/testgpu.log"; then
	log "TestGPU FAILED (exit status $rc; log: $out/testgpu.log)"
	exit 1
fi
log "TestGPU passed"

large="$work/golm-bench-large.gguf"
[ -f "$large" ] || "$bin/synthgguf" -model large -type Q8_0 "$large"
threads=$(nproc)
# bench cpu|gpu MODEL runs one speed measurement, its table going to the summary; a failure is logged and
# remembered. The CPU figures are taken with no GPU backend at all (with one loaded, ggml may offload big
# prompt batches).
bench() {
	case "$1" in
	cpu) set -- env GOLM_GGML_BACKENDS= "$bin/bench" -model "$2" -n 128 -rounds 3 -threads "$threads" ;;
	gpu) set -- "$bin/bench" -model "$2" -n 128 -rounds 3 -threads "$threads" -gpu-layers -1 ;;
	esac
	if "$@" >"$out/bench-run.txt" 2>>"$out/bench.log"; then
		tee -a "$out/summary.txt" <"$out/bench-run.txt"
	else
		log "FAILED: $* (log: $out/bench.log)"
		failed=1
	fi
}
for model in "$large" "$@"; do
	log "speed of $(basename "$model"): CPU ($threads threads)"
	bench cpu "$model"
	log "speed of $(basename "$model"): GPU (all layers)"
	bench gpu "$model"
done
rm -f "$out/bench-run.txt"
log "done; logs in $out"
exit "$failed"
