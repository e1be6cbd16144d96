#!/usr/bin/env bash
# reference.sh regenerates, from OpenAI's tiktoken (see tiktoken_ref.py), testdata/tiktoken.json.gz (the
# differential test's corpus: random and adversarial texts with the ids tiktoken gives them) and
# unicode_classes.go (the character classes of tiktoken's regular-expression engine). `make tokens-reference`
# runs it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
venv=$("$here/venv.sh")
(cd "$root" && go run ./helpers/tokens/bench -write-vocab "$work/cache")
TIKTOKEN_CACHE_DIR="$work/cache" "$venv/bin/python" "$here/tiktoken_ref.py" cases "$root/helpers/tokens/testdata/tiktoken.json.gz"
"$venv/bin/python" "$here/tiktoken_ref.py" classes "$root/helpers/tokens/unicode_classes.go"
gofmt -w "$root/helpers/tokens/unicode_classes.go"
echo "wrote helpers/tokens/testdata/tiktoken.json.gz and helpers/tokens/unicode_classes.go"
