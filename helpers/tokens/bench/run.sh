#!/usr/bin/env bash
# run.sh measures the tokenizing throughput of helpers/tokens beside OpenAI's tiktoken (the Python package,
# native Rust, on one thread), the npm package tiktoken (its WASM build), github.com/tiktoken-go/tokenizer
# and github.com/pkoukk/tiktoken-go, on the same corpora in one run. `make bench-tokens` runs it.
#
#   helpers/tokens/bench/run.sh [MEGABYTES] [ENCODINGS] [RUNS]     (defaults: 4 o200k_base,cl100k_base 5)
#
# Two corpora of MEGABYTES MB, the same on every machine:
#   go.txt     the Go standard library's sources ($(go env GOROOT)/src/**/*.go, testdata excluded), whole files
#              in sorted path order (the same for the same Go version);
#   prose.txt  English prose made up from common words by a seeded generator (bench/prose.go).
# Every line shows the median speed of RUNS encodings of a whole corpus as one string (wall-clock), the number
# of tokens and a hash of the ids, which must match across implementations, and the median speed per CPU
# second. "go golm" runs on one core; "go golm, N cores" shows Encode sharing the text among all cores.
# Python's tiktoken is installed into a cached environment (venv.sh) and node's with npm ci; an
# implementation whose tools are missing is left out with a note.
set -euo pipefail
mb=${1:-4}
encodings=${2:-o200k_base,cl100k_base}
runs=${3:-5}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
testdata="$root/helpers/tokens/testdata"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The corpora.
goroot=$(go env GOROOT)
limit=$((mb * 1000000))
: >"$work/go.txt"
while read -r f; do
	cat "$goroot/src/$f" >>"$work/go.txt"
	[ "$(stat -c %s "$work/go.txt")" -ge "$limit" ] && break
done < <(cd "$goroot/src" && find . -name '*.go' -not -path '*/testdata/*' | LC_ALL=C sort)
(cd "$root" && go build -o "$work/bench" ./helpers/tokens/bench)
"$work/bench" -write-prose "$work/prose.txt" -size "$limit"
corpora="$work/go.txt,$work/prose.txt"
echo "corpora: go.txt $(wc -c <"$work/go.txt") bytes of Go $(go env GOVERSION) standard library source," \
	"prose.txt $(wc -c <"$work/prose.txt") bytes of generated English; encodings $encodings; median of $runs runs"
echo "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); load average $(cut -d' ' -f1-3 /proc/loadavg)"

"$work/bench" -corpus "$corpora" -encodings "$encodings" -runs "$runs"

if venv=$("$here/venv.sh" 2>"$work/venv.log"); then
	"$work/bench" -write-vocab "$work/tiktoken-cache"
	TIKTOKEN_CACHE_DIR="$work/tiktoken-cache" "$venv/bin/python" "$here/tiktoken_ref.py" bench "$corpora" "$encodings" "$runs"
else
	echo "python tiktoken: left out, its environment could not be made:"; sed 's/^/  /' "$work/venv.log" | tail -3
fi

if command -v node >/dev/null && { [ -d "$testdata/node_modules/tiktoken" ] ||
	(cd "$testdata" && npm ci --no-audit --no-fund >/dev/null 2>&1); }; then
	node "$testdata/bench.mjs" "$corpora" "$encodings" "$runs"
else
	echo "node tiktoken: left out (needs node and npm ci in helpers/tokens/testdata)"
fi
"$work/bench" -mem -encodings o200k_base,cl100k_base,p50k_base,r50k_base
