#!/bin/sh
# weaviate.sh builds Weaviate's server (a distributed vector database written in Go) from the Go module proxy
# once, caches the binary by version, and prints its path. The tests of helpers/rag/weaviate start it.
#
#   scripts/weaviate.sh            build the server if it is missing, then print its path
#   scripts/weaviate.sh --path     print the path only (nothing is built; exit 1 when it is not there)
#   scripts/weaviate.sh --serve [DATA_DIR]
#                                  build it if it is missing, then run a one-node server for lessons on
#                                  http://127.0.0.1:${WEAVIATE_PORT:-8080} (anonymous access, no vectorizer modules,
#                                  no telemetry; data in DATA_DIR, default the cache's weaviate-data); Ctrl-C stops it
#
# The binary lives in ${GOLM_CACHE:-${XDG_CACHE_HOME:-~/.cache}/golm}/weaviate-$VERSION/weaviate-server.
# It is built with `go install github.com/weaviate/weaviate/cmd/weaviate-server@$VERSION` from an empty
# folder, outside any module: Go then builds it with exactly the dependency versions of Weaviate's own go.mod,
# and none of them enter golm's go.mod. The first build downloads a few hundred modules and links a large
# binary: minutes on a busy 2-core machine. WEAVIATE_VERSION picks another version (default below); GO the
# go command.
set -eu
version=${WEAVIATE_VERSION:-v1.35.2}
go=${GO:-go}
cache=${GOLM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/golm}
dir=$cache/weaviate-$version
bin=$dir/weaviate-server

mode=build
case ${1:-} in
--path) mode=path ;;
--serve) mode=serve ;;
"") ;;
*)
	echo "weaviate.sh: unknown argument $1: use --path or --serve [DATA_DIR]" >&2
	exit 2
	;;
esac

# serve runs the built server in the foreground.
serve() {
	data=${2:-$cache/weaviate-data}
	mkdir -p "$data"
	port=${WEAVIATE_PORT:-8080}
	echo "weaviate.sh: Weaviate $version on http://127.0.0.1:$port, data in $data (Ctrl-C stops it);" \
		"set GOLM_WEAVIATE_URL=http://127.0.0.1:$port for the lessons" >&2
	exec env AUTHENTICATION_ANONYMOUS_ACCESS_ENABLED=true PERSISTENCE_DATA_PATH="$data" \
		DEFAULT_VECTORIZER_MODULE=none ENABLE_MODULES= DISABLE_TELEMETRY=true GO_PROFILING_DISABLE=true \
		CLUSTER_HOSTNAME=golm CLUSTER_BIND_ADDR=127.0.0.1 CLUSTER_ADVERTISE_ADDR=127.0.0.1 \
		RAFT_BOOTSTRAP_EXPECT=1 LOG_LEVEL="${LOG_LEVEL:-warning}" \
		"$bin" --scheme http --host 127.0.0.1 --port "$port"
}

if [ -x "$bin" ]; then
	[ $mode = serve ] && serve "$@"
	echo "$bin"
	exit 0
fi
if [ $mode = path ]; then
	exit 1
fi

mkdir -p "$cache"
# One builder at a time (two make targets may ask at once); the others wait and reuse its result.
if command -v flock >/dev/null 2>&1 && [ -z "${GOLM_WEAVIATE_LOCKED:-}" ]; then
	exec env GOLM_WEAVIATE_LOCKED=1 flock "$dir.lock" "$0" "$@"
fi
if [ -x "$bin" ]; then
	[ $mode = serve ] && serve "$@"
	echo "$bin"
	exit 0
fi

if ! command -v "$go" >/dev/null 2>&1; then
	echo "weaviate.sh: no Go toolchain ($go): install Go 1.25 or newer" >&2
	exit 1
fi
tmp=$(mktemp -d "$cache/weaviate-build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo "weaviate.sh: building weaviate-server $version into $dir (once; this takes minutes)" >&2
start=$(date +%s)
# -s -w: no symbol table or DWARF (a smaller binary); -trimpath: no build paths in the binary.
(cd "$tmp" && GOWORK=off GO111MODULE=on GOBIN="$tmp/bin" \
	"$go" install -trimpath -ldflags='-s -w' "github.com/weaviate/weaviate/cmd/weaviate-server@$version")
mkdir -p "$dir"
mv "$tmp/bin/weaviate-server" "$bin.tmp"
mv "$bin.tmp" "$bin"
echo "weaviate.sh: built $bin ($(du -h "$bin" | cut -f1), $(($(date +%s) - start)) s)" >&2
[ $mode = serve ] && serve "$@"
echo "$bin"
