#!/bin/sh
# run.sh measures generation speed of golm's llama.cpp binding against llama.cpp's C API called from C, on the
# same model in one process (see main.go). With no -model flag it writes a synthetic 390 MB Q8_0 model
# (0.36 B parameters, width 2048, 8 layers) to $GOLM_BENCH_MODEL (default /tmp/golm-bench-large.gguf) first.
#
#   helpers/local/bench/run.sh                        # defaults: 128 tokens, 5 rounds, all cores
#   helpers/local/bench/run.sh -n 64 -rounds 5 -threads 2
#   helpers/local/bench/run.sh -model ~/models/llama-2-7b-chat.Q4_K_M.gguf -gpu-layers -1
set -eu
cd "$(dirname "$0")/../../.."
eval "$(helpers/local/cgoflags.sh)"
case " $* " in
*" -model "* | *" -model="*) exec go run -tags llama ./helpers/local/bench "$@" ;;
esac
model=${GOLM_BENCH_MODEL:-${TMPDIR:-/tmp}/golm-bench-large.gguf}
if [ ! -f "$model" ]; then
	go run ./helpers/local/cmd/synthgguf -model large -type Q8_0 "$model"
fi
exec go run -tags llama ./helpers/local/bench -model "$model" "$@"
