"""Expected outputs of executed notebooks, each tied to the cell that must produce it (test/notebooks/expect.json).

The file maps a notebook's name to a list of expectations, in the order of the notebook's cells:

    {"01-tokens": [
        {"cell": "quiz", "outputs": ["What is the capital of Germany?"]},
        {"cell": "\\"They are splashing\\")\\n", "outputs": ["[]int{2990, 389, 4328, 2140}"]}
    ]}

* "cell" is a key: a piece of the cell's source that no other code cell of the notebook contains. Where
  several cells contain it, the one whose whole source (without surrounding white space) is the key is
  meant (a cell that is just `words` or `chat`); anything else is an error, as is a key no cell contains.
* "outputs" are texts that must appear in that cell's outputs (in any order: one result is shown in several
  MIME types). A cell's output text is its streams (consecutive chunks of one stream joined, as front ends show them),
  the text of its results and displays in every MIME type, and its errors as "ename: evalue".
* The expectations must follow the notebook's order: each names a later cell than the one before, so a
  listed text printed by the wrong cell (earlier or later) fails.
* A notebook's name alone lists what it must print against the fake server (--mode=fake); "NAME [MODE]"
  lists what it must print in another mode of run_notebooks.py (nokey, serve, tools, local), where other servers
  answer, so other texts are asserted:

    {"06-fine-tuning [serve]": [{"cell": "var job *finetune.Job", "outputs": ["has no fine-tuning API"]}]}

Choosing keys: take a piece of the line that produces the output and is the lesson's own words (a string
literal, a variable or function the lesson defines, a format string), not a helper's method name, which
may be renamed while the output stays the same.
"""

import json


class ExpectError(Exception):
    """The expectations file is malformed."""


MODES = ("fake", "nokey", "serve", "tools", "local")


def key(name, mode="fake"):
    """The key of a notebook's expectations in a mode: the name for fake, "NAME [MODE]" for the others."""
    return name if mode == "fake" else f"{name} [{mode}]"


def split_key(k):
    """The notebook name and mode of an expectations key; ExpectError for an unknown mode."""
    if k.endswith("]") and " [" in k:
        name, mode = k[:-1].rsplit(" [", 1)
        if mode not in MODES or mode == "fake":
            raise ExpectError(f"{k}: unknown mode {mode!r}: want one of {', '.join(MODES[1:])} "
                              "(fake mode's expectations are listed under the bare name)")
        return name, mode
    return k, "fake"


def load(path):
    """Read and validate an expectations file; returns {notebook name: [(key, [outputs])]}."""
    with open(path, encoding="utf-8") as f:
        raw = json.load(f)
    if not isinstance(raw, dict):
        raise ExpectError(f"{path}: want an object of notebook names")
    out = {}
    for name, items in raw.items():
        try:
            split_key(name)
        except ExpectError as e:
            raise ExpectError(f"{path}: {e}") from None
        if not isinstance(items, list):
            raise ExpectError(f"{path}: {name}: want a list of expectations")
        parsed = []
        for i, item in enumerate(items):
            if (not isinstance(item, dict) or set(item) != {"cell", "outputs"} or not isinstance(item["cell"], str)
                    or not item["cell"] or not isinstance(item["outputs"], list) or not item["outputs"]
                    or not all(isinstance(o, str) and o for o in item["outputs"])):
                raise ExpectError(f"{path}: {name}: expectation {i + 1}: want "
                                  '{"cell": "KEY", "outputs": ["TEXT", ...]} with a key and at least one text')
            parsed.append((item["cell"], item["outputs"]))
        out[name] = parsed
    return out


def cell_output_text(cell):
    """The text of one cell's outputs, for matching."""
    parts = []
    last_stream = None
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream":
            # Consecutive chunks of one stream read as one text, as front ends show them.
            if last_stream == out.get("name"):
                parts[-1] += out["text"]
            else:
                parts.append(out["text"])
            last_stream = out.get("name")
            continue
        last_stream = None
        if "text" in out:
            parts.append(out["text"])
        for data in out.get("data", {}).values():
            parts.append(data if isinstance(data, str) else json.dumps(data))
        if out.get("output_type") == "error":
            parts.append(out.get("ename", "") + ": " + out.get("evalue", ""))
    return "\n".join(parts)


def outputs_text(nb):
    """All text of a notebook's outputs."""
    return "\n".join(cell_output_text(c) for c in nb.cells if c.cell_type == "code")


def first_line(source):
    """The first non-blank line of a cell's source, shortened, to name the cell in messages."""
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:60]
    return ""


def find_cell(nb, key):
    """The index of the code cell that key names, and an error message ("" when found)."""
    code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    having = [i for i in code if key in nb.cells[i].source]
    if len(having) > 1:
        exact = [i for i in having if nb.cells[i].source.strip() == key.strip()]
        if len(exact) == 1:
            return exact[0], ""
        cells = ", ".join(f"{i} ({first_line(nb.cells[i].source)!r})" for i in having)
        return None, f"key {key!r} is in several cells: {cells}; make it unique"
    if not having:
        return None, f"no code cell contains the key {key!r}"
    return having[0], ""


def printed_by(nb, text):
    """The code cells whose outputs contain text, described for a message."""
    found = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and text in cell_output_text(c)]
    if not found:
        return "no cell printed it"
    return "printed by " + ", ".join(f"cell {i} ({first_line(nb.cells[i].source)!r})" for i in found)


def check(nb, expectations):
    """Check a notebook's outputs against its expectations [(key, [outputs])]; returns a list of problems."""
    problems = []
    previous = -1
    for key, outputs in expectations:
        index, err = find_cell(nb, key)
        if err:
            problems.append(f"{err}; the first expected output {outputs[0]!r} is {printed_by(nb, outputs[0])}")
            continue
        where = f"cell {index} (key {key!r})"
        if index <= previous:
            problems.append(f"{where} comes before or is the cell of the expectation above it: list "
                            "expectations in the order of the cells, one per cell")
        previous = max(previous, index)
        text = cell_output_text(nb.cells[index])
        for want in outputs:
            if want not in text:
                problems.append(f"{where}: missing output {want!r}; it is {printed_by(nb, want)}")
    return problems
