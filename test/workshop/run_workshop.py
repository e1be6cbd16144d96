"""Runs the instructor's notebooks of workshop/ through the golm kernel, as test/notebooks does the lessons.

  * workshop/00-setup-check.ipynb in fake mode (fake OpenAI server, the tiny stand-in model in GOLM_MODEL)
    and in nokey mode (no key, no server): no cell may show an error in either, and each mode must show the
    lines it should (green API and model lines with the fake server, the red API line with its fix without);
  * the set-up check once more with no GOLM_MODEL and the stand-in model copied into a model cache
    (GOLM_CACHE), as a learner who copied the cache from a USB stick: its Model file line must find it;
  * every workshop/solutions/*.ipynb in fake mode: no cell may show an error.

It uses test/notebooks/run_notebooks.py's runner (the same kernel set-up, fake server and stand-in model).
Executed notebooks land in build/executed/MODE/.

    JUPYTER_PATH=build/jupyter XDG_DATA_HOME=build/xdg python3 test/workshop/run_workshop.py [NAME...]
    (make test-workshop does this)
"""

import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "test" / "notebooks"))

import expect  # noqa: E402
import nbformat  # noqa: E402
import run_notebooks  # noqa: E402

SETUP = ROOT / "workshop" / "00-setup-check.ipynb"
# Lines the set-up check must show, per mode (its text/plain output).
SETUP_LINES = {
    "fake": ["✔ Kernel:", "✔ API key or server: the client uses http://127.0.0.1:", "✔ Server:",
             "✔ Model gpt-", "✔ Model file (optional):", "green"],
    "nokey": ["✔ Kernel:", "✘ API key or server: neither OPENAI_API_KEY nor OPENAI_BASE_URL is set — fix:",
              "✘ Model: not checked", "✔ Model file (optional):", "red"],
}

# Where hf.Download keeps lessons 04 and 07's model, under GOLM_CACHE (the set-up check's cache path).
CACHED_MODEL = Path("models", "Qwen", "Qwen2.5-1.5B-Instruct-GGUF", "main", "qwen2.5-1.5b-instruct-q4_k_m.gguf")


def run_with_cache():
    """The set-up check with no GOLM_MODEL and the stand-in model in a copied cache; its Model file line must
    be green and name the cached file."""
    model = run_notebooks.make_model("GOLM_MODEL")
    cache = Path(tempfile.mkdtemp(prefix="golm-cache-"))
    saved_models, saved_env = run_notebooks.LOCAL_MODELS, dict(os.environ)
    try:
        (cache / CACHED_MODEL).parent.mkdir(parents=True)
        shutil.copy(model, cache / CACHED_MODEL)
        run_notebooks.LOCAL_MODELS = {}  # so that the runner sets no GOLM_MODEL
        os.environ.pop("GOLM_MODEL", None)
        os.environ["GOLM_CACHE"] = str(cache)
        good = run_notebooks.run(SETUP, {}, "fake")
    finally:
        run_notebooks.LOCAL_MODELS = saved_models
        os.environ.clear()
        os.environ.update(saved_env)
        shutil.rmtree(cache, ignore_errors=True)
    nb = nbformat.read(ROOT / "build" / "executed" / "fake" / SETUP.name, as_version=4)
    want = f"✔ Model file (optional): {cache / CACHED_MODEL}:"
    if want not in expect.outputs_text(nb):
        print(f"     missing output: {want!r}")
        return False
    return good


def main():
    names = sys.argv[1:]
    runs = [(SETUP, "fake"), (SETUP, "nokey")]
    runs += [(p, "fake") for p in sorted((ROOT / "workshop" / "solutions").glob("*.ipynb"))]
    if names:
        runs = [(p, m) for p, m in runs if p.stem in names or p.name in names]
    if not runs:
        sys.exit("no workshop notebooks to run")
    ok = True
    passed = failed = 0
    if not names or SETUP.stem in names or SETUP.name in names:
        good = run_with_cache()
        print(f"{'ok' if good else 'FAIL'} {SETUP.stem} with the model in a copied cache", flush=True)
        passed += good
        failed += not good
        ok = ok and good
    for path, mode in runs:
        good = run_notebooks.run(path, {}, mode)
        if path == SETUP:
            nb = nbformat.read(ROOT / "build" / "executed" / mode / path.name, as_version=4)
            text = expect.outputs_text(nb)
            missing = [line for line in SETUP_LINES[mode] if line not in text]
            for line in missing:
                print(f"     missing output: {line!r}")
            good = good and not missing
        passed += good
        failed += not good
        ok = ok and good
    print(f"{passed} passed, {failed} failed")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
