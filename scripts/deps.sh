#!/bin/sh
# deps.sh installs what golm needs and the machine lacks.
#
#   scripts/deps.sh run    what `make run` needs: nothing more where you have Jupyter (jupyter-lab or
#                          jupyter-notebook on PATH); else Python's venv module, for golm's own JupyterLab
#                          (scripts/venv.sh installs it from pinned packages on first use)
#   scripts/deps.sh test   also what the tests use: Debian's Jupyter and Notebook 6, the conformance suite,
#                          nbclient, Chromium with Selenium, python3-venv (JupyterLab 4 and Notebook 7 for the
#                          browser tests come from scripts/venv.sh), g++
#
# On Debian and Ubuntu it installs the missing packages with apt (as root, or through sudo). Elsewhere it
# says what to install and fails if Jupyter itself is missing.
set -eu
mode=${1:-run}

if ! command -v go >/dev/null 2>&1; then
	echo "deps.sh: Go is not installed: get Go 1.26 or newer from https://go.dev/dl/" >&2
	exit 1
fi

# node_check warns when Node.js is older than the workshop hub's proxy needs (configurable-http-proxy 5.3 and
# its packages ask for Node.js 18 or newer; tested with 20). Only `make test-hub` needs it.
node_check() {
	major=$(node -e 'console.log(process.versions.node.split(".")[0])' 2>/dev/null || echo 0)
	if [ "$major" -lt 18 ]; then
		echo "deps.sh: warning: Node.js 18 or newer is missing (found: $(node --version 2>/dev/null || echo none));" \
			"make test-hub will fail: install a newer Node.js (https://nodejs.org, or NodeSource's packages)" >&2
	fi
}

pkgs=
if [ "$mode" = test ]; then
	pkgs="jupyter-client jupyter-notebook python3-ipykernel python3-nbformat jupyter-nbconvert python3-yaml"
	pkgs="$pkgs python3-jupyter-kernel-test python3-nbclient chromium chromium-driver python3-selenium python3-pip"
	pkgs="$pkgs python3-venv g++ make nodejs"
	# The workshop hub's proxy (scripts/venv.sh hub) needs npm. Debian and Ubuntu ship it apart from nodejs;
	# NodeSource's nodejs package bundles it (and conflicts with Debian's npm), so add npm only when missing.
	command -v npm >/dev/null 2>&1 || pkgs="$pkgs npm"
elif ! command -v jupyter-lab >/dev/null 2>&1 && ! command -v jupyter-notebook >/dev/null 2>&1; then
	pkgs="python3 python3-venv"
fi
[ -n "$pkgs" ] || exit 0

if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
	missing=
	for p in $pkgs; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
			missing="$missing $p"
		fi
	done
	if [ -z "$missing" ]; then
		if [ "$mode" = test ]; then
			node_check
		fi
		exit 0
	fi
	echo "deps.sh: installing$missing" >&2
	sudo=
	if [ "$(id -u)" != 0 ]; then
		if command -v sudo >/dev/null 2>&1; then
			sudo=sudo
		else
			echo "deps.sh: need root to install:$missing" >&2
			exit 1
		fi
	fi
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	# shellcheck disable=SC2086
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
	if [ "$mode" = test ]; then
		node_check
	fi
	exit 0
fi

# Not Debian: check for Python (golm's own JupyterLab needs its venv module) and say what is missing.
py=$(command -v python3 || true)
if [ "$mode" = run ]; then
	if [ -z "$py" ] || ! "$py" -c "import ensurepip, venv" 2>/dev/null; then
		cat >&2 <<'MSG'
deps.sh: no Jupyter, and no Python 3 with its venv module to install golm's own JupyterLab. Install either
Python 3 (with venv), or Jupyter with your package manager, conda or pip, for example:
    conda install -c conda-forge jupyterlab
    pip install jupyterlab
MSG
		exit 1
	fi
	exit 0
fi
if [ -z "$py" ] || ! "$py" -c "import jupyter_client" 2>/dev/null; then
	cat >&2 <<'MSG'
deps.sh: Jupyter is missing. Install it with your package manager, conda or pip, for example:
    conda install -c conda-forge notebook jupyterlab nbclient nbformat
    pip install notebook jupyterlab nbclient nbformat jupyter_kernel_test
MSG
	exit 1
fi
if [ "$mode" = test ]; then
	for m in nbclient nbformat jupyter_kernel_test; do
		"$py" -c "import $m" 2>/dev/null || echo "deps.sh: the tests need the Python package $m" >&2
	done
fi
