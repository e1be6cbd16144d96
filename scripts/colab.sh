#!/bin/sh
# colab.sh installs golm's prebuilt release in Google Colab or Kaggle and makes the notebook's runtime run
# golm. A notebook's first cell runs it, in the Python kernel these services start, or in golm itself:
#
#     !curl -fsSL https://github.com/golm-dev/golm/releases/latest/download/colab.sh | sh
#
# What it does, in a Python kernel:
#   1. downloads manifest.json and SHA256SUMS from the release, then the archive for this machine
#      (golm-linux-amd64.tar.gz), checks both against SHA256SUMS, and lets the new golm install itself
#      (golm install --release --user: checks again, unpacks into ~/.local/share/golm in one rename, writes
#      the kernelspec); an already installed release of the same version is not downloaded again;
#   2. on Colab (a kernel started as `python3 -m colab_kernel_launcher -f CONNECTION_FILE`) or Kaggle
#      (`python -m ipykernel_launcher -f ...` with KAGGLE_* variables), replaces that launcher module with a
#      small one that execs `golm kernel CONNECTION_FILE` (the original is kept beside it, *.golm-orig, and
#      runs when golm is missing): the notebook keeps its Python kernelspec, but its runtime's kernel is golm;
#   3. ends the Python kernel, which the service restarts at once, now as golm.
# In golm (the cell run again, or in a lesson) it does nothing. In any other Jupyter it installs golm and its
# kernelspec and leaves Python alone: pick "Go (golm)" as the kernel.
#
# Environment:
#   GOLM_RELEASE_URL      the release's base URL or folder (default GitHub's latest release)
#   GOLM_HOME             where golm goes (default ~/.local/share/golm)
#   GOLM_SWAP_LAUNCHER=1  replace the ipykernel launcher of the running kernel outside Colab and Kaggle too
#   GOLM_NO_RESTART=1     do not end the Python kernel (restart it yourself: Runtime > Restart session)
#   GOLM_UPDATE=1         install the release even when golm is the running kernel
#
# `sh colab.sh --restore` (in a notebook: !curl -fsSL .../colab.sh | sh -s -- --restore) puts the original
# launchers back: the runtime's kernel is Python again once it restarts.
#
# Everything runs from main, called on the last line: a download cut short defines functions and runs nothing.
set -eu

marker="# golm launcher (colab.sh)"

say() { echo "golm: $*"; }
die() {
	echo "golm: $*" >&2
	exit 1
}

# The kernel this script runs under: the nearest ancestor that is a Jupyter kernel. Sets kernel_pid and
# kernel_kind (colab, ipykernel, golm or none) and kernel_python (the Python of a Python kernel).
kernel_pid=
kernel_kind=none
kernel_python=
find_kernel() {
	pid=$$
	while [ -n "$pid" ] && [ "$pid" -gt 1 ] 2>/dev/null; do
		[ -r "/proc/$pid/cmdline" ] || break
		cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline")
		case "$cmd" in
		*" -m colab_kernel_launcher "*)
			kernel_kind=colab
			;;
		*" -m ipykernel_launcher "*)
			kernel_kind=ipykernel
			;;
		golm\ kernel\ * | */golm\ kernel\ * | golm\ worker* | */golm\ worker*)
			kernel_kind=golm
			;;
		esac
		if [ "$kernel_kind" != none ]; then
			kernel_pid=$pid
			kernel_python=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
			return
		fi
		pid=$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f2)
	done
}

fetch() { # URL-or-path FILE
	case "$1" in
	http://* | https://*)
		if command -v curl >/dev/null 2>&1; then
			curl -fsSL --retry 2 -o "$2" "$1"
		elif command -v wget >/dev/null 2>&1; then
			wget -q -O "$2" "$1"
		else
			python3 -c 'import sys, urllib.request; urllib.request.urlretrieve(sys.argv[1], sys.argv[2])' "$1" "$2"
		fi
		;;
	file://*) cp "${1#file://}" "$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1
}

# verify FILE: its sha256 must be the one SHA256SUMS lists for it.
verify() {
	want=$(sed -n "s/^\([0-9a-f]\{64\}\) [ *]$1\$/\1/p" "$tmp/SHA256SUMS")
	[ -n "$want" ] || die "SHA256SUMS of the release does not list $1"
	got=$(sha256 "$tmp/$1")
	[ "$got" = "$want" ] || die "$1 has sha256 $got, SHA256SUMS says $want: the download is damaged (nothing was installed)"
}

# The launcher module that Jupyter starts, replaced by one that execs golm.
swap_launcher() { # MODULE
	module=$1
	origin=$("$kernel_python" -c 'import importlib.util, sys; s = importlib.util.find_spec(sys.argv[1]); print(s.origin if s and s.origin else "")' "$module") ||
		die "cannot ask $kernel_python where $module is"
	[ -n "$origin" ] && [ -f "$origin" ] || die "$module not found by $kernel_python"
	# golm's path as a Python literal (ascii() escapes quotes, backslashes and anything not ASCII).
	golm_literal=$("$kernel_python" -c 'import sys; print(ascii(sys.argv[1]))' "$home/bin/golm") ||
		die "cannot ask $kernel_python to quote $home/bin/golm"
	dir=$(dirname "$origin")
	new=$(mktemp "$dir/.golm-launcher.XXXXXX" 2>/dev/null) ||
		die "golm is installed, but $dir (where $module is) is not writable for $(id -un), so the runtime's kernel stays Python: run this as the folder's owner (root), or pick \"Go (golm)\" as the kernel"
	if ! grep -q "^$marker" "$origin"; then
		cp -p "$origin" "$origin.golm-orig" || {
			rm -f "$new"
			die "cannot copy $origin to $origin.golm-orig (nothing was changed)"
		}
	fi
	cat >"$new" <<EOF
$marker: the runtime's kernel is golm.
# colab.sh wrote this in place of $module; the original is $origin.golm-orig, and it runs when golm is
# missing. Put it back with: sh colab.sh --restore (or cp $origin.golm-orig $origin).
import os
import sys

GOLM = $golm_literal


def _connection_file(argv):
    for i, a in enumerate(argv):
        if a in ("-f", "--f") and i + 1 < len(argv):
            return argv[i + 1]
        for p in ("-f=", "--f="):
            if a.startswith(p):
                return a[len(p):]
    return None


_cf = _connection_file(sys.argv[1:])
if _cf and os.access(GOLM, os.X_OK):
    try:
        os.execv(GOLM, [GOLM, "kernel", _cf])
    except OSError as e:
        print("golm launcher: cannot start %s (%s): starting Python" % (GOLM, e), file=sys.stderr)
import runpy

runpy.run_path(__file__ + ".golm-orig", run_name="__main__")
EOF
	chmod 644 "$new"
	mv -f "$new" "$origin"
	say "$module ($origin) now starts golm"
}

# restore puts back the launchers that swap_launcher replaced, as the Python that runs the kernel finds them
# (python3 when the kernel is golm, as it is once the launcher was replaced).
restore() {
	find_kernel
	case "$kernel_kind" in
	colab | ipykernel) py=$kernel_python ;;
	*) py=python3 ;;
	esac
	command -v "$py" >/dev/null 2>&1 || die "no $py to ask where the launchers are"
	restored=0
	for module in colab_kernel_launcher ipykernel_launcher; do
		origin=$("$py" -c 'import importlib.util, sys; s = importlib.util.find_spec(sys.argv[1]); print(s.origin if s and s.origin else "")' "$module" 2>/dev/null) || continue
		if [ -n "$origin" ] && [ -f "$origin.golm-orig" ] && grep -q "^$marker" "$origin"; then
			mv -f "$origin.golm-orig" "$origin" || die "cannot put $origin.golm-orig back in place of $origin"
			say "restored $module ($origin)"
			restored=$((restored + 1))
		fi
	done
	if [ "$restored" = 0 ]; then
		say "nothing to restore: $py finds no launcher that colab.sh replaced"
	elif [ "$kernel_kind" = golm ]; then
		say "restart the session (Colab: Runtime > Restart session): the kernel will be Python"
	fi
}

# main installs golm and switches the runtime's kernel to it, or, with --restore, switches it back.
main() {
	base=${GOLM_RELEASE_URL:-https://github.com/golm-dev/golm/releases/latest/download}
	home=${GOLM_HOME:-${XDG_DATA_HOME:-$HOME/.local/share}/golm}
	case "$home" in
	/*) ;;
	*) home=$(pwd)/$home ;; # the launcher and the kernelspec need an absolute path
	esac

	if [ "${1:-}" = --restore ]; then
		restore
		exit 0
	fi
	install_and_switch
}

install_and_switch() {
	find_kernel
	if [ "$kernel_kind" = golm ] && [ "${GOLM_UPDATE:-}" != 1 ]; then
		say "this notebook already runs in golm ($("$home/bin/golm" version 2>/dev/null || echo "golm")): nothing to do"
		exit 0
	fi

	case "$(uname -s)" in
	Linux) os=linux ;;
	Darwin) os=darwin ;;
	*) die "no prebuilt golm for $(uname -s): build it from source (see README.md)" ;;
	esac
	case "$(uname -m)" in
	x86_64 | amd64) arch=amd64 ;;
	aarch64 | arm64) arch=arm64 ;;
	*) die "no prebuilt golm for $(uname -m): build it from source (see README.md)" ;;
	esac
	archive=golm-$os-$arch.tar.gz

	tmp=$(mktemp -d "${TMPDIR:-/tmp}/golm-install.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	# (sh goes on with the next command after a trapped signal: end here instead.)
	trap 'rm -rf "$tmp"; exit 130' INT
	trap 'rm -rf "$tmp"; exit 143' TERM
	start=$(date +%s)
	case "$base" in
	http://*) say "warning: $base is not encrypted: the checksums catch damage on the way, but not a release changed on the way along with its checksums" ;;
	esac
	fetch "$base/SHA256SUMS" "$tmp/SHA256SUMS" || die "cannot download $base/SHA256SUMS"
	fetch "$base/manifest.json" "$tmp/manifest.json" || die "cannot download $base/manifest.json"
	verify manifest.json
	version=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$tmp/manifest.json" | head -1)
	[ -n "$version" ] || die "manifest.json names no version"
	grep -q "\"file\": *\"$archive\"" "$tmp/manifest.json" || die "golm $version has no release for $os/$arch: build it from source (see README.md)"

	if [ "$("$home/bin/golm" version 2>/dev/null || true)" = "golm $version" ]; then
		say "golm $version is installed already"
		"$home/bin/golm" install --user >/dev/null || die "cannot install golm's kernelspec"
	else
		say "downloading golm $version for $os/$arch from $base"
		fetch "$base/$archive" "$tmp/$archive" || die "cannot download $base/$archive"
		verify "$archive"
		tar -C "$tmp" -xzf "$tmp/$archive" "golm-$os-$arch/golm" || die "cannot unpack $archive"
		# The new golm installs itself from the files checked above: it checks them again, unpacks in one rename
		# and writes the kernelspec.
		# (Its output goes through a file: in a pipeline, sh would see only sed's exit status.)
		status=0
		"$tmp/golm-$os-$arch/golm" install --release --from "$tmp" --dest "$home" --user >"$tmp/install.log" 2>&1 || status=$?
		sed 's/^/golm: /' "$tmp/install.log"
		[ "$status" = 0 ] || die "installing golm failed: see the lines above"
	fi
	if [ -w /usr/local/bin ] && { [ ! -e /usr/local/bin/golm ] || [ -L /usr/local/bin/golm ]; }; then
		ln -sfn "$home/bin/golm" /usr/local/bin/golm
	fi
	say "ready in $(($(date +%s) - start))s"

	case "$kernel_kind" in
	golm)
		say "restart the kernel to run the new golm"
		exit 0
		;;
	colab) swap_launcher colab_kernel_launcher ;;
	ipykernel)
		if [ -n "${KAGGLE_KERNEL_RUN_TYPE:-}${KAGGLE_URL_BASE:-}${COLAB_RELEASE_TAG:-}" ] || [ "${GOLM_SWAP_LAUNCHER:-}" = 1 ]; then
			swap_launcher ipykernel_launcher
		else
			say "installed: pick the \"Go (golm)\" kernel for your notebook (this Jupyter's Python kernel is left as it is)"
			exit 0
		fi
		;;
	none)
		if [ -n "${KAGGLE_KERNEL_RUN_TYPE:-}${KAGGLE_URL_BASE:-}${COLAB_RELEASE_TAG:-}" ]; then
			die "golm is installed, but this runtime's kernel was not started as python -m colab_kernel_launcher or
  python -m ipykernel_launcher, so it cannot be switched to golm and stays Python (please report this)"
		fi
		say "installed: pick the \"Go (golm)\" kernel in Jupyter (kernelspec in ~/.local/share/jupyter/kernels/golm)"
		exit 0
		;;
	esac

	if [ "${GOLM_NO_RESTART:-}" = 1 ]; then
		say "restart the session (Colab: Runtime > Restart session; Kaggle: Run > Restart & clear cell outputs): the kernel will be golm"
		exit 0
	fi
	say "restarting the runtime's kernel as golm (Colab may report that the session crashed: that is this restart)"
	rm -rf "$tmp"
	trap '' INT TERM # ending the kernel must not end this script before the kill -KILL below
	sleep 1 # lets the kernel pass the lines above on to the notebook
	kill -TERM "$kernel_pid" 2>/dev/null || true
	sleep 2
	kill -KILL "$kernel_pid" 2>/dev/null || true
}

main "$@"
