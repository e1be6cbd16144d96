#!/bin/sh
# build-cuda.sh builds ggml's CUDA backend, libggml-cuda.so, from the same llama.cpp/ggml sources that golm
# compiles in (the Go module github.com/ollama/ollama in go.mod), with cmake and nvcc, and installs it where
# golm finds it at run time (package local loads it with ggml_backend_load). Then Options{GPULayers: -1}
# offloads a model to the GPU.
#
#   helpers/local/gpu/build-cuda.sh                # installs into ~/.local/lib/golm
#   helpers/local/gpu/build-cuda.sh /opt/golm/lib  # or elsewhere: then export GOLM_GGML_BACKENDS=/opt/golm/lib/libggml-cuda.so
#
# Needs: cmake >= 3.21 (3.24 for the default "native"), a C++ compiler, the CUDA toolkit 11.8 or newer (nvcc;
# Colab and Kaggle have it; Debian: nvidia-cuda-toolkit from non-free), Go (to find the module). It takes 5–30
# minutes, most of it compiling CUDA kernels (15.6 minutes on 2 cores for one GPU generation with CUDA 11.8);
# build for your GPU only (the default).
#
# Environment:
#   CUDA_ARCHITECTURES  GPU generations to compile for (default "native": the GPUs in this machine, which needs
#                       one; examples: 75 = T4, 80 = A100, 86 = RTX 30xx/A10, 89 = L4/RTX 40xx, 90 = H100/H200,
#                       "75;80;86;89;90")
#   GOLM_GGML_TARGET    the cmake target (default ggml-cuda; ggml-hip and ggml-vulkan work the same way, and
#                       ggml-cpu-haswell builds a CPU backend, which tests the mechanism on a machine without a GPU)
#   GOLM_GGML_SRC       the module's sources, when Go is not there to find them (a folder holding the module's
#                       CMakeLists.txt and ml/backend/ggml/ggml, as gpu/kit.sh copies them)
#   BUILD_DIR           cmake's build folder (default ~/.cache/golm/ggml-build-TARGET-N, N naming the sources)
#   JOBS                parallel compile jobs (default: the number of CPUs)
set -eu

target=${GOLM_GGML_TARGET:-ggml-cuda}
dest=${1:-$HOME/.local/lib/golm}
jobs=${JOBS:-$(nproc 2>/dev/null || echo 4)}
# Relative paths are the caller's, not the repository root's, where the script goes to run Go.
case "$dest" in /*) ;; *) dest=$(pwd)/$dest ;; esac
build=
if [ -n "${BUILD_DIR:-}" ]; then
	case "$BUILD_DIR" in /*) build=$BUILD_DIR ;; *) build=$(pwd)/$BUILD_DIR ;; esac
fi

die() {
	echo "build-cuda.sh: $*" >&2
	exit 1
}
command -v cmake >/dev/null || die "cmake not found (apt-get install cmake, or pip install cmake)"
[ -n "${GOLM_GGML_SRC:-}" ] || command -v go >/dev/null || die "go not found (it finds the module's sources; or set GOLM_GGML_SRC)"
case "$target" in
ggml-cuda)
	if ! command -v nvcc >/dev/null; then
		for d in /usr/local/cuda/bin /opt/cuda/bin; do
			[ -x "$d/nvcc" ] && PATH="$d:$PATH" && export PATH && break
		done
	fi
	command -v nvcc >/dev/null || die "nvcc not found: install the CUDA toolkit (or add its bin folder to PATH)"
	# cmake's "native" needs a GPU to look at; say what to do instead of cmake's bare error.
	if [ -z "${CUDA_ARCHITECTURES:-}" ] && ! nvidia-smi -L 2>/dev/null | grep -q '^GPU'; then
		die "no NVIDIA GPU found here (nvidia-smi -L lists none), so there is no GPU to build for: to build for
  another machine, name its GPU generation, e.g. CUDA_ARCHITECTURES=75 (T4), 80 (A100), 86, 89 (L4), 90 (H100)"
	fi
	;;
esac

if [ -n "${GOLM_GGML_SRC:-}" ]; then
	src=$(cd "$GOLM_GGML_SRC" && pwd) || die "GOLM_GGML_SRC=$GOLM_GGML_SRC is not a folder"
else
	cd "$(dirname "$0")/../../.."
	go mod download github.com/ollama/ollama || die "cannot download github.com/ollama/ollama (the version in go.mod)"
	src=$(go list -m -f '{{.Dir}}' github.com/ollama/ollama) || die "github.com/ollama/ollama is not in go.mod"
fi
[ -f "$src/CMakeLists.txt" ] || die "$src/CMakeLists.txt missing"

# cmake's cache remembers its source folder and what it found: one build folder per target and source folder
# (a CPU-backend build records that CUDA is not wanted; a new module version has a new source folder).
if [ -z "$build" ]; then
	build=${XDG_CACHE_HOME:-$HOME/.cache}/golm/ggml-build-$target-$(printf %s "$src" | cksum | cut -d' ' -f1)
fi

# The module's top-level CMakeLists.txt is ollama's: it builds ggml-base and the backends as shared libraries
# loaded at run time (GGML_BACKEND_DL), from ml/backend/ggml/ggml, the sources golm's cgo build compiles.
# The module cache is read-only; cmake builds out of tree. Relative RPATHs ($ORIGIN) let the two libraries
# move together.
# For another target, CUDA is kept out of the configuration (it would need a GPU or CUDA_ARCHITECTURES).
arch_flag=-DCMAKE_CUDA_COMPILER=NOTFOUND
if [ "$target" = ggml-cuda ]; then
	# -U: a folder configured without CUDA before (BUILD_DIR shared with another target) looks again.
	arch_flag="-UCMAKE_CUDA_COMPILER -DCMAKE_CUDA_ARCHITECTURES=${CUDA_ARCHITECTURES:-native}"
fi
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_BUILD_RPATH_USE_ORIGIN=ON \
	-DGGML_CCACHE=OFF $arch_flag
cmake --build "$build" --target "$target" --config Release -j "$jobs"

lib="$build/lib/ollama"
mkdir -p "$dest"
found=
for f in "$lib/lib$target.so" "$lib"/libggml-base.so*; do
	[ -e "$f" ] || continue
	cp -P "$f" "$dest/"
	found=1
done
[ -n "$found" ] && [ -e "$dest/lib$target.so" ] || die "lib$target.so was not built (see $build)"
echo "installed $dest/lib$target.so (and libggml-base)" >&2
case "$dest" in
"$HOME/.local/lib/golm") echo "golm finds it there; or set GOLM_GGML_BACKENDS=$dest/lib$target.so" >&2 ;;
*) echo "export GOLM_GGML_BACKENDS=$dest/lib$target.so" >&2 ;;
esac
