"""Executes every notebook headless through the golm kernel, as CI does, and checks its key outputs.

For each notebooks/NN-name.ipynb:
  * the notebook must be valid nbformat 4;
  * a fake OpenAI-compatible server (golm fake-openai) is started with test/notebooks/scripts/NN-name.json
    when that file exists, and the kernel gets OPENAI_BASE_URL pointing at it, so no cell needs the internet;
  * a notebook whose cells read GOLM_MODEL (lessons 04 and 07) gets it pointing at the tiny deterministic
    GGUF model of helpers/local/synth, written into build/models/ once per run, instead of downloading a
    real one; such a notebook needs a kernel built with llama.cpp, and fails at once with a message saying
    so when the kernel lacks it (never skipped);
  * nbclient runs every cell; any error output fails the test (unless the cell is tagged
    raises-exception), and so does a cell that runs longer than CELL_TIMEOUT seconds;
  * every text listed for the notebook in expect.json must appear in the outputs of the cell its
    expectation names, the expectations following the order of the cells (see expect.py for the format),
    and the API key the kernel was given must appear in no output.
Before any notebook runs, the matcher's self-test (test_expect.py) runs; it needs no kernel.
Executed notebooks are written to build/executed/ for inspection.

    JUPYTER_PATH=build/jupyter python3 test/notebooks/run_notebooks.py [NAME...]   (make test does this)
"""

import os
import subprocess
import sys
import time
import unittest
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
LOCAL_MODELS = {"GOLM_MODEL": ("tiny", "tiny.gguf")}
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


def run(path, expectations):
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
        model_env = {var: make_model(var) for var in models}
    except RuntimeError as e:
        print(f"FAIL {name}: {e}", flush=True)
        return False
    script = HERE / "scripts" / f"{name}.json"
    fake, url = start_fake(script if script.exists() else None)
    env = dict(os.environ, OPENAI_BASE_URL=url, OPENAI_API_KEY=TEST_KEY, GOLM_SANDBOX_CONFIRM="yes", **model_env)
    old = dict(os.environ)
    os.environ.update(env)  # the kernel inherits the environment of this process
    t0 = time.time()
    failure = None
    try:
        client = NotebookClient(nb, kernel_name="golm", timeout=CELL_TIMEOUT, allow_errors=False,
                                resources={"metadata": {"path": str(ROOT / "notebooks")}})
        client.execute()
    except CellTimeoutError as e:
        failure = f"a cell ran longer than {CELL_TIMEOUT}s: {e}"
    except CellExecutionError as e:
        failure = f"a cell failed:\n{e}"
    finally:
        os.environ.clear()
        os.environ.update(old)
        fake.kill()
    out_dir = ROOT / "build" / "executed"
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    problems = [failure] if failure else []
    problems += errors(nb)
    if TEST_KEY in expect.outputs_text(nb):
        problems.append("the API key appears in the outputs")
    problems += expect.check(nb, expectations.get(name, []))
    status = "ok" if not problems else "FAIL"
    print(f"{status:4} {name} ({time.time() - t0:.1f}s, {len(nb.cells)} cells)", flush=True)
    for p in problems:
        print("     " + p.replace("\n", "\n     "))
    return not problems


def self_test():
    """Run the matcher's self-test; False when it fails."""
    suite = unittest.defaultTestLoader.loadTestsFromName("test_expect")
    result = unittest.TextTestRunner(stream=sys.stdout, verbosity=0).run(suite)
    return result.wasSuccessful()


def main():
    if not self_test():
        sys.exit("the expectations matcher failed its self-test (test/notebooks/test_expect.py)")
    expectations = expect.load(HERE / "expect.json")
    names = sys.argv[1:]
    paths = sorted((ROOT / "notebooks").glob("*.ipynb"))
    if names:
        paths = [p for p in paths if p.stem in names or p.name in names]
    if not paths:
        sys.exit("no notebooks to run")
    missing = [n for n in expectations if n not in {p.stem for p in paths}] if not names else []
    ok = all([run(p, expectations) for p in paths])
    for n in missing:
        print(f"FAIL {n}: expected outputs listed, but there is no such notebook")
    sys.exit(0 if ok and not missing else 1)


if __name__ == "__main__":
    main()
