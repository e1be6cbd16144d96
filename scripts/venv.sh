#!/bin/sh
# venv.sh makes golm's own Python virtual environment with JupyterLab and Notebook 7, and prints its folder.
#
#   scripts/venv.sh            create the environment if it is missing, then print its folder
#   scripts/venv.sh --path     print the folder only (nothing is created; exit 1 when it is not ready)
#   scripts/venv.sh [--path] hub   the same for the workshop hub's environment: JupyterHub and JupyterLab,
#                              pinned in scripts/hub-requirements.txt, and JupyterHub's proxy, the Node.js
#                              configurable-http-proxy, installed by `npm ci` from scripts/hub-proxy (its
#                              package-lock.json holds every package's integrity hash) and linked into the
#                              environment's bin/ (needs Node.js 18 or newer with npm; tested with 20)
#
# Every package and its dependencies are pinned with their hashes in scripts/jupyter-requirements.txt and
# installed from the Python package registry with `pip install --require-hashes`. The folder is keyed by the
# Python version and the requirements' hash, so editing the pins makes a new environment and an unchanged
# one is made once:
#   ${GOLM_VENV:-${XDG_CACHE_HOME:-~/.cache}/golm/jupyter-py3.X-HASH}
# Needs Python 3 with its venv module (Debian: apt-get install python3-venv); PYTHON picks the interpreter.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
py=${PYTHON:-python3}
path_only=
if [ "${1:-}" = --path ]; then
	path_only=1
	shift
fi
set_name=${1:-jupyter}
case $set_name in
jupyter | hub) ;;
*)
	echo "venv.sh: unknown environment $set_name: use jupyter or hub" >&2
	exit 2
	;;
esac
req=$root/scripts/$set_name-requirements.txt

if ! ver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null); then
	echo "venv.sh: $py does not run: install Python 3" >&2
	exit 1
fi
if [ "$set_name" = hub ]; then
	hash=$(cat "$req" "$root/scripts/hub-proxy/package-lock.json" | sha256sum | cut -c1-12)
else
	hash=$(sha256sum "$req" | cut -c1-12)
fi
if [ "$set_name" = jupyter ]; then
	dir=${GOLM_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/golm/jupyter-py$ver-$hash}
else
	dir=${XDG_CACHE_HOME:-$HOME/.cache}/golm/$set_name-py$ver-$hash
fi
done_mark=$dir/.golm-complete

if [ -f "$done_mark" ]; then
	echo "$dir"
	exit 0
fi
if [ -n "$path_only" ]; then
	exit 1
fi

mkdir -p "$(dirname "$dir")"
# One installer at a time (two make targets may ask at once); the others wait and reuse its result.
if command -v flock >/dev/null 2>&1 && [ -z "${GOLM_VENV_LOCKED:-}" ]; then
	exec env GOLM_VENV_LOCKED=1 flock "$dir.lock" "$0" "$@"
fi
if [ -f "$done_mark" ]; then
	echo "$dir"
	exit 0
fi

if ! "$py" -c 'import ensurepip, venv' 2>/dev/null; then
	echo "venv.sh: $py has no venv module: install it (Debian and Ubuntu: apt-get install python3-venv)" >&2
	exit 1
fi
if [ "$set_name" = hub ]; then
	# configurable-http-proxy 5.3 and its packages (scripts/hub-proxy/package-lock.json) ask for Node.js 18+.
	node_major=$(node -e 'console.log(process.versions.node.split(".")[0])' 2>/dev/null || echo 0)
	if ! command -v npm >/dev/null 2>&1 || [ "$node_major" -lt 18 ]; then
		echo "venv.sh: JupyterHub's proxy needs Node.js 18 or newer with npm (found: node" \
			"$(node --version 2>/dev/null || echo none), npm $(npm --version 2>/dev/null || echo none);" \
			"Debian: apt-get install nodejs npm)" >&2
		exit 1
	fi
fi
echo "venv.sh: installing the $set_name environment into $dir (once; pinned in scripts/$set_name-requirements.txt)" >&2
rm -rf "$dir"
"$py" -m venv "$dir"
# --no-deps: the file pins every dependency itself, each with its hashes.
if ! "$dir/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes \
	--only-binary=:all: -r "$req" >&2; then
	echo "venv.sh: pip install failed; $dir is left incomplete and will be made again next time" >&2
	exit 1
fi
if [ "$set_name" = hub ]; then
	mkdir -p "$dir/proxy"
	cp "$root/scripts/hub-proxy/package.json" "$root/scripts/hub-proxy/package-lock.json" "$dir/proxy/"
	# npm ci installs exactly the lock file's versions and checks each package's integrity hash.
	if ! (cd "$dir/proxy" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2); then
		echo "venv.sh: npm ci of configurable-http-proxy failed; $dir will be made again next time" >&2
		exit 1
	fi
	ln -sf ../proxy/node_modules/.bin/configurable-http-proxy "$dir/bin/configurable-http-proxy"
fi
touch "$done_mark"
echo "$dir"
