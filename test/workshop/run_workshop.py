"""Runs the instructor's notebooks of workshop/ through the golm kernel, as test/notebooks does the lessons.

  * workshop/00-setup-check.ipynb in fake mode (fake OpenAI server, the tiny stand-in model in GOLM_MODEL)
    and in nokey mode (no key, no server): no cell may show an error in either, and each mode must show the
    lines it should (green API and model lines with the fake server, the red API line with its fix without);
  * every workshop/solutions/*.ipynb in fake mode: no cell may show an error.

It uses test/notebooks/run_notebooks.py's runner (the same kernel set-up, fake server and stand-in model).
Executed notebooks land in build/executed/MODE/.

    JUPYTER_PATH=build/jupyter XDG_DATA_HOME=build/xdg python3 test/workshop/run_workshop.py [NAME...]
    (make test-workshop does this)
"""

import sys
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
             "✔ Model gpt-", "✔ Model file:", "green"],
    "nokey": ["✔ Kernel:", "✘ API key or server: neither OPENAI_API_KEY nor OPENAI_BASE_URL is set — fix:",
              "✘ Model: not checked", "✔ Model file:", "red"],
}


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
