#!/bin/sh
# kit.sh prepares, where Go is, what gpu/check.sh needs on a GPU machine that has the CUDA toolkit and cmake but
# no Go (a rented or lent machine, a container image with CUDA only):
#
#   DIR/bin/local.test    package local's tests with llama.cpp (go test -c -tags llama), stripped
#   DIR/bin/bench         golm's binding against llama.cpp's C API (helpers/local/bench), stripped
#   DIR/bin/synthgguf     writes the synthetic models
#   DIR/ollama/           the module's CMakeLists.txt and ml/backend/ggml/ggml: the sources of the CUDA backend
#   DIR/VERSION           the commit it was made from
#
#   helpers/local/gpu/kit.sh .gpukit                  # about 25 MB
#   GOLM_KIT=.gpukit helpers/local/gpu/check.sh       # then, on the GPU machine, from the repository root
#
# The programs are built like golm's kernel (helpers/local/cgoflags.sh: x86-64-v3 where this machine has it),
# for this machine's OS and processor, and linked dynamically to the C and C++ libraries: the GPU machine needs
# the same processor family, a glibc at least as new as this one's, and libstdc++.
set -eu
dir=${1:?usage: kit.sh DIR}
case "$dir" in /*) ;; *) dir=$(pwd)/$dir ;; esac
# DIR is replaced: refuse a folder that holds something other than a kit.
if [ -d "$dir" ] && [ -n "$(ls -A "$dir")" ] && [ ! -f "$dir/VERSION" ]; then
	echo "kit.sh: $dir is not empty and is not a kit: name a new folder" >&2
	exit 1
fi
cd "$(dirname "$0")/../../.."

go mod download github.com/ollama/ollama
src=$(go list -m -f '{{.Dir}}' github.com/ollama/ollama)
rm -rf "$dir"
mkdir -p "$dir/bin" "$dir/ollama/ml/backend/ggml"
cp "$src/CMakeLists.txt" "$dir/ollama/"
cp -R "$src/ml/backend/ggml/ggml" "$dir/ollama/ml/backend/ggml/"
chmod -R u+w "$dir/ollama" # the module cache is read-only

eval "$(helpers/local/cgoflags.sh)"
go test -c -tags llama -ldflags '-s -w' -o "$dir/bin/local.test" ./helpers/local
go build -tags llama -ldflags '-s -w' -o "$dir/bin/bench" ./helpers/local/bench
go build -ldflags '-s -w' -o "$dir/bin/synthgguf" ./helpers/local/cmd/synthgguf
git describe --always --dirty >"$dir/VERSION" 2>/dev/null || echo unknown >"$dir/VERSION"
du -sh "$dir" >&2
