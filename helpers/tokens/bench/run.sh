#!/usr/bin/env bash
# run.sh measures the tokenizing throughput of helpers/tokens against the npm package tiktoken (the WASM
# build of OpenAI's Rust tokenizer) and the Go libraries beside it, on the same corpus in one run.
#
#   helpers/tokens/bench/run.sh [MEGABYTES] [ENCODINGS] [RUNS]     (defaults: 4 o200k_base,cl100k_base 3)
#
# The corpus is the Go standard library's sources ($(go env GOROOT)/src/**/*.go, testdata excluded), whole
# files in sorted path order up to MEGABYTES MB, so it is the same on every machine with the same Go version.
# It needs go, node and npm (npm ci installs tiktoken into helpers/tokens/testdata/node_modules once).
# Every line shows the median speed of RUNS encodings of the whole corpus as one string, the number of tokens
# and a hash of the ids, which must match across implementations.
set -euo pipefail
mb=${1:-4}
encodings=${2:-o200k_base,cl100k_base}
runs=${3:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
testdata="$root/helpers/tokens/testdata"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The corpus: whole files, in sorted path order, until it holds MEGABYTES MB.
goroot=$(go env GOROOT)
limit=$((mb * 1000000))
: >"$work/corpus.txt"
while read -r f; do
	cat "$goroot/src/$f" >>"$work/corpus.txt"
	[ "$(stat -c %s "$work/corpus.txt")" -ge "$limit" ] && break
done < <(cd "$goroot/src" && find . -name '*.go' -not -path '*/testdata/*' | LC_ALL=C sort)
bytes=$(wc -c <"$work/corpus.txt")
echo "corpus: $bytes bytes of Go $(go env GOVERSION) standard library source; encodings $encodings; median of $runs runs"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"

if [ ! -d "$testdata/node_modules/tiktoken" ]; then
	(cd "$testdata" && npm ci --no-audit --no-fund >/dev/null)
fi

(cd "$root" && go build -o "$work/bench" ./helpers/tokens/bench)
"$work/bench" -corpus "$work/corpus.txt" -encodings "$encodings" -runs "$runs"
node "$testdata/bench.mjs" "$work/corpus.txt" "$encodings" "$runs"
