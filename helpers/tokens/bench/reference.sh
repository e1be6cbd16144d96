#!/usr/bin/env bash
# reference.sh regenerates testdata/tiktoken.json.gz, the differential test's corpus: random and adversarial
# texts with the ids OpenAI's tiktoken gives them (see tiktoken_ref.py). `make tokens-reference` runs it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
venv=$("$here/venv.sh")
(cd "$root" && go run ./helpers/tokens/bench -write-vocab "$work/cache")
TIKTOKEN_CACHE_DIR="$work/cache" "$venv/bin/python" "$here/tiktoken_ref.py" cases "$root/helpers/tokens/testdata/tiktoken.json.gz"
echo "wrote helpers/tokens/testdata/tiktoken.json.gz"
