#!/bin/sh
# Vector search benchmark of helpers/rag (see main.go): top-10 over 100,000 × 384 unit vectors on 2 cores.
# Extra arguments go to the command, e.g. ./run.sh -n 1000000 -only exact,int8 -data clustered
set -e
cd "$(dirname "$0")"
GOMAXPROCS=${GOMAXPROCS:-2} exec go run . "$@"
