#!/bin/sh
# dist.sh builds golm's release archives (make dist) into build/dist:
#
#   golm-linux-amd64.tar.gz    with llama.cpp (CPU), where this machine is linux/amd64 with a C++ compiler
#   golm-linux-arm64.tar.gz    \
#   golm-darwin-arm64.tar.gz    } pure Go, without llama.cpp: cgo cannot be cross-compiled here (no C++ cross
#   golm-darwin-amd64.tar.gz   /  compiler for linux/arm64, no macOS SDK); the manifest says so per archive
#   golm-linux-amd64-cuda.tar.gz  ggml's CUDA backend (libggml-cuda.so), only where nvcc exists
#   manifest.json              version, commit, Go version, and per archive: os/arch, features, what the
#                              binary needs (glibc, CPU level), size, sha256; what was skipped and why
#   colab.sh                   the Colab and Kaggle installer (scripts/colab.sh), fetched by a notebook's first cell
#   SHA256SUMS                 sha256sum of every file above
#
# Each archive holds one folder, golm-OS-ARCH/, with the golm binary, share/jupyter/kernels/golm (a
# kernelspec that starts `golm` from PATH; `golm install` writes one with the binary's full path), the
# notebooks, README.md and NOTICE.md. `golm install --release --from build/dist` installs one (see README.md).
#
# Go's build cache is reused: the linux/amd64 build compiles with the same flags as `make build` (so llama.cpp
# is not compiled again, only linked), and the others the same as `make test-cross`.
#
# Environment: GO (default go), LLAMA (1 or 0; default 1 where g++ exists), DIST_DIR (default build/dist),
# DIST_TARGETS (default "linux/amd64 linux/arm64 darwin/arm64 darwin/amd64"), DIST_CUDA_ARCHITECTURES (the GPU
# generations of the CUDA backend, default "75;80;86;89;90"), DIST_CUDA_BUILD (the script that builds it, default
# helpers/local/gpu/build-cuda.sh).
set -eu
cd "$(dirname "$0")/.."

GO=${GO:-go}
out=${DIST_DIR:-build/dist}
targets=${DIST_TARGETS:-linux/amd64 linux/arm64 darwin/arm64 darwin/amd64}
if [ -z "${LLAMA:-}" ]; then
	LLAMA=0
	command -v g++ >/dev/null 2>&1 && LLAMA=1
fi
version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
hostos=$($GO env GOHOSTOS)
hostarch=$($GO env GOHOSTARCH)
goversion=$($GO env GOVERSION)
mtime=$(git log -1 --format=%ct 2>/dev/null || date +%s)
# -s -w leave out the symbol table and DWARF (a third of the archive); stack traces keep their lines. Linker
# flags only: the compiled packages in Go's build cache are the same as make build's and make test-cross's.
ldflags="-s -w -X main.version=$version"

sha256() {
	if command -v sha256sum >/dev/null 2>&1; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}
filesize() { wc -c <"$1" | tr -d ' '; }

stage=$(mktemp -d "${TMPDIR:-/tmp}/golm-dist.XXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM
rm -rf "$out"
mkdir -p "$out"
start=$(date +%s)

# The archive entries of the manifest, one JSON object per line.
entries=$stage/entries
: >"$entries"
skipped=$stage/skipped
: >"$skipped"

for t in $targets; do
	os=${t%/*}
	arch=${t#*/}
	name=golm-$os-$arch
	dir=$stage/$name
	mkdir -p "$dir"
	t0=$(date +%s)
	features='[]'
	requires='{}'
	if [ "$os/$arch" = "$hostos/$hostarch" ] && [ "$LLAMA" = 1 ]; then
		# The flags of `make build LLAMA=1`: Go's build cache holds llama.cpp already.
		(eval "$(helpers/local/cgoflags.sh)" &&
			$GO build -tags llama -buildmode=pie -ldflags "$ldflags" -o "$dir/golm" ./cmd/golm)
		features='["llama","cpu"]'
		march=$($GO version -m "$dir/golm" | sed -n 's/.*CGO_CFLAGS=.*-march=\([^ "]*\).*/\1/p' | head -1)
		case $march in
		'' | x86-64-v2 | x86-64-v3) ;; # the levels golm install --release can check (internal/release/cpu.go)
		*)
			echo "dist.sh: llama.cpp was built with -march=$march (GOLM_MARCH): a release must run on other machines; build it with GOLM_MARCH=x86-64-v3 (the default) or x86-64-v2" >&2
			exit 1
			;;
		esac
		glibc=
		if [ "$os" = linux ] && command -v objdump >/dev/null 2>&1; then
			glibc=$(objdump -T "$dir/golm" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -t. -k1,1n -k2,2n -k3,3n | tail -1)
		fi
		requires="{\"glibc\":\"$glibc\",\"cpu\":\"$march\"}"
		note="llama.cpp for CPU compiled in (-march=${march:-default}); needs glibc $glibc or newer. GPU: the CUDA backend is a separate file (GOLM_GGML_BACKENDS)."
	else
		CGO_ENABLED=0 GOOS=$os GOARCH=$arch $GO build -ldflags "$ldflags" -o "$dir/golm" ./cmd/golm
		if [ "$os/$arch" = "$hostos/$hostarch" ]; then
			note="without llama.cpp (built with LLAMA=0): local models need a build from source (make build)."
		else
			note="without llama.cpp: cgo cannot be cross-compiled for $os/$arch on the $hostos/$hostarch machine that built this release (no C++ cross compiler or SDK), so local models (package local, golm serve) need a build from source on the machine itself (make build). Everything else works."
		fi
	fi
	mkdir -p "$dir/share/jupyter/kernels" "$dir/notebooks"
	cp notebooks/*.ipynb notebooks/README.md "$dir/notebooks/"
	cp README.md NOTICE.md "$dir/"
	echo "$os $arch $features $requires $note" >"$dir/.meta"
	echo "dist: built $name in $(($(date +%s) - t0))s"
done

# The kernelspec, written by a golm that runs here, pointing at `golm` on PATH.
host=$stage/golm-$hostos-$hostarch/golm
if [ ! -x "$host" ]; then
	host=$stage/host-golm
	$GO build -o "$host" ./cmd/golm
fi
"$host" install --prefix "$stage/kernelspec" --binary golm >/dev/null

for t in $targets; do
	os=${t%/*}
	arch=${t#*/}
	name=golm-$os-$arch
	dir=$stage/$name
	read -r _ _ features requires note <"$dir/.meta"
	rm "$dir/.meta"
	cp -r "$stage/kernelspec/share/jupyter/kernels/golm" "$dir/share/jupyter/kernels/"
	tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -cf - "$name" | gzip -n >"$out/$name.tar.gz"
	size=$(filesize "$out/$name.tar.gz")
	sum=$(sha256 "$out/$name.tar.gz" | cut -d' ' -f1)
	printf '    {"file": "%s", "os": "%s", "arch": "%s", "features": %s, "requires": %s, "size": %s, "sha256": "%s",\n     "note": "%s"}' \
		"$name.tar.gz" "$os" "$arch" "$features" "$requires" "$size" "$sum" "$note" >>"$entries"
	echo "," >>"$entries"
	echo "dist: $name.tar.gz $size bytes (binary $(filesize "$dir/golm") bytes)"
done

# CUDA backends: separate files, built only where nvcc exists.
backends=
nvcc=$(command -v nvcc || ls /usr/local/cuda/bin/nvcc 2>/dev/null || true)
if [ -z "$nvcc" ]; then
	echo "dist: nvcc not found: the CUDA backend (golm-linux-amd64-cuda.tar.gz) is skipped; build it where the CUDA toolkit is (make dist there, or helpers/local/gpu/build-cuda.sh)"
	echo '    {"what": "golm-linux-amd64-cuda.tar.gz (ggml CUDA backend)", "reason": "nvcc not found on the build machine"}' >>"$skipped"
elif [ "$hostos/$hostarch" != linux/amd64 ]; then
	echo "dist: the CUDA backend is built on linux/amd64 only: skipped"
	echo "    {\"what\": \"golm-linux-amd64-cuda.tar.gz (ggml CUDA backend)\", \"reason\": \"built on linux/amd64 only, this is $hostos/$hostarch\"}" >>"$skipped"
else
	cudaarch=${DIST_CUDA_ARCHITECTURES:-75;80;86;89;90}
	name=golm-linux-amd64-cuda
	mkdir -p "$stage/$name/lib"
	CUDA_ARCHITECTURES=$cudaarch ${DIST_CUDA_BUILD:-helpers/local/gpu/build-cuda.sh} "$stage/$name/lib"
	tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -cf - "$name" | gzip -n >"$out/$name.tar.gz"
	size=$(filesize "$out/$name.tar.gz")
	sum=$(sha256 "$out/$name.tar.gz" | cut -d' ' -f1)
	backends=$(printf '  "backends": [\n    {"file": "%s", "os": "linux", "arch": "amd64", "backend": "cuda", "cuda_architectures": "%s", "size": %s, "sha256": "%s",\n     "note": "unpack, then export GOLM_GGML_BACKENDS=FOLDER/%s/lib/libggml-cuda.so"}\n  ],' \
		"$name.tar.gz" "$cudaarch" "$size" "$sum" "$name")
	echo "dist: $name.tar.gz $size bytes (CUDA architectures $cudaarch)"
fi

{
	printf '{\n  "name": "golm",\n  "version": "%s",\n  "commit": "%s",\n  "go": "%s",\n  "archives": [\n' "$version" "$commit" "$goversion"
	sed '$ s/,$//' "$entries"
	printf '  ],\n'
	[ -z "$backends" ] || printf '%s\n' "$backends"
	printf '  "skipped": [\n'
	sed '$! s/$/,/' "$skipped"
	printf '  ]\n}\n'
} >"$out/manifest.json"
# The Colab and Kaggle installer travels with the release (the first cell of a notebook fetches it).
cp scripts/colab.sh "$out/colab.sh"
(cd "$out" && sha256 ./*.tar.gz manifest.json colab.sh | sed 's| \./| |; s| \*\./| *|' >SHA256SUMS)
echo "dist: $out ($version) in $(($(date +%s) - start))s"
