#!/bin/sh
# deps.sh installs what golm needs and the machine lacks.
#
#   scripts/deps.sh run    Jupyter (Notebook), to run the kernel and the lessons
#   scripts/deps.sh test   also what the tests use: the conformance suite, nbclient, Chromium with
#                          Selenium, g++
#
# On Debian and Ubuntu it installs the missing packages with apt (as root, or through sudo). Elsewhere it
# says what to install and fails if Jupyter itself is missing.
set -eu
mode=${1:-run}

if ! command -v go >/dev/null 2>&1; then
	echo "deps.sh: Go is not installed: get Go 1.26 or newer from https://go.dev/dl/" >&2
	exit 1
fi

pkgs="jupyter-client jupyter-notebook python3-ipykernel python3-nbformat jupyter-nbconvert python3-yaml"
if [ "$mode" = test ]; then
	pkgs="$pkgs python3-jupyter-kernel-test python3-nbclient chromium chromium-driver python3-selenium python3-pip g++ make"
fi

if command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
	missing=
	for p in $pkgs; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
			missing="$missing $p"
		fi
	done
	if [ -z "$missing" ]; then
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
	exit 0
fi

# Not Debian: check for Jupyter and say what is missing.
py=$(command -v python3 || true)
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
