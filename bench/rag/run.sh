#!/bin/sh
# Vector search benchmark of helpers/rag (see main.go): top-10 over 100,000 × 384 unit vectors on 2 cores.
# Extra arguments go to the command, e.g. ./run.sh -n 1000000 -only exact,int8 -data clustered
# sqlite-vec's C code is built with its AVX distance functions where the processor has AVX (as sqlite-vec's
# own x86-64 releases are); set CGO_CFLAGS to build it otherwise.
set -e
cd "$(dirname "$0")"
if [ -z "${CGO_CFLAGS:-}" ] && grep -qw avx /proc/cpuinfo 2>/dev/null; then
	CGO_CFLAGS="-O2 -mavx -DSQLITE_VEC_ENABLE_AVX"
	export CGO_CFLAGS
fi
GOMAXPROCS=${GOMAXPROCS:-2} exec go run . "$@"
