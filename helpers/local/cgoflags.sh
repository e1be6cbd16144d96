#!/bin/sh
# cgoflags.sh prints the environment that builds golm with llama.cpp (the `llama` build tag), as shell
# assignments:
#
#     eval "$(helpers/local/cgoflags.sh)" && go build -tags llama ./cmd/golm
#
# (in a Makefile recipe: eval "$$(helpers/local/cgoflags.sh)" && go install -tags llama ./cmd/golm)
#
# The llama.cpp and ggml C/C++ sources come from the Go module github.com/ollama/ollama (see go.mod); this
# script points the C preprocessor at that module's include folders (nothing is copied into this repository)
# and optimises the build: the default cgo flags (-O2 -g, baseline x86-64) give a build without AVX that
# generates text several times slower.
#
# Environment:
#   GOLM_MARCH   the -march value (default: x86-64-v3 where the CPU has AVX2 and FMA, else x86-64-v2;
#                "native" optimises for this machine only; "none" adds no -march flag)
#   GOLM_CFLAGS  extra flags for C and C++ (for example -g)
# Every build must use the same flags to reuse Go's build cache (the cold build of llama.cpp takes minutes).
set -eu

dir=$(go list -m -f '{{.Dir}}' github.com/ollama/ollama 2>/dev/null) || dir=
if [ -z "$dir" ]; then
	# The module is required in go.mod but not yet downloaded.
	go mod download github.com/ollama/ollama >&2
	dir=$(go list -m -f '{{.Dir}}' github.com/ollama/ollama)
fi
for inc in "$dir/llama/llama.cpp/include/llama.h" "$dir/ml/backend/ggml/ggml/include/ggml.h"; do
	if [ ! -f "$inc" ]; then
		echo "cgoflags.sh: $inc not found: is github.com/ollama/ollama in go.mod?" >&2
		exit 1
	fi
done

march=${GOLM_MARCH:-}
if [ -z "$march" ]; then
	case "$(uname -m)" in
	x86_64 | amd64)
		if grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo 2>/dev/null; then
			march=x86-64-v3
		elif [ "$(uname -s)" = Darwin ]; then
			march=x86-64-v3
		else
			march=x86-64-v2
		fi
		;;
	*) march=none ;;
	esac
fi
opt="-O3"
if [ "$march" != none ]; then
	opt="$opt -march=$march"
fi
if [ -n "${GOLM_CFLAGS:-}" ]; then
	opt="$opt $GOLM_CFLAGS"
fi

# Each line ends with ";" so that an unquoted eval $(helpers/local/cgoflags.sh) works too.
echo "export CGO_ENABLED=1;"
echo "export CGO_CPPFLAGS='-I$dir/llama/llama.cpp/include -I$dir/ml/backend/ggml/ggml/include';"
echo "export CGO_CFLAGS='$opt';"
echo "export CGO_CXXFLAGS='$opt';"
