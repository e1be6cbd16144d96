#!/bin/sh
# venv.sh makes a Python environment with OpenAI's tiktoken (pinned in requirements.txt), for run.sh and
# reference.sh, and prints its folder. It is made once per Python version and requirements file:
#   ${XDG_CACHE_HOME:-~/.cache}/golm/tiktoken-py3.X-HASH
# It needs Python 3 with its venv module and the Python package registry; PYTHON picks the interpreter.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-python3}
ver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
hash=$(sha256sum "$here/requirements.txt" | cut -c1-12)
dir=${XDG_CACHE_HOME:-$HOME/.cache}/golm/tiktoken-py$ver-$hash
if [ ! -f "$dir/.complete" ]; then
	rm -rf "$dir"
	"$py" -m venv "$dir" >&2
	"$dir/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
	touch "$dir/.complete"
fi
echo "$dir"
