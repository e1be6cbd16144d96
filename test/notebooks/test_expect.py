"""Self-test of the notebook expectations matcher (expect.py), on small synthetic notebooks, and a check that
every key of expect.json names one cell of the committed notebooks, in order. No kernel is needed:

    python3 -m unittest discover -s test/notebooks -p 'test_expect.py'

run_notebooks.py runs it before it executes any notebook.
"""

import sys
import unittest
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import expect  # noqa: E402


def stdout(text):
    return new_output("stream", name="stdout", text=text)


def notebook():
    """Three code cells that print, a markdown cell between them, and a cell that is just a name."""
    return new_notebook(cells=[
        new_code_cell('words := strings.Fields("Hello, gopher")', outputs=[]),
        new_code_cell("words", outputs=[new_output("execute_result", data={"text/plain": '[]string{"Hello,", "gopher"}'},
                                                   execution_count=2)]),
        new_markdown_cell("Now count: `fmt.Println(len(words))`"),
        new_code_cell('fmt.Println("count:", len(words))\nfmt.Println("done")',
                      outputs=[stdout("count: "), stdout("2\n"), stdout("done\n")]),
        new_code_cell('fmt.Println("lift-off!")', outputs=[stdout("lift-off!\n")]),
        new_code_cell('strconv.Atoi("x")', outputs=[new_output("error", ename="ERROR",
                                                                evalue='strconv.Atoi: parsing "x": invalid syntax',
                                                                traceback=[])]),
    ])


class MatcherTest(unittest.TestCase):
    def check(self, expectations):
        return expect.check(notebook(), expectations)

    def test_outputs_of_the_right_cells_pass(self):
        self.assertEqual(self.check([
            ("words", ['"Hello,"', '"gopher"']),          # a cell that is just a name: the exact source wins
            ('"count:"', ["count: 2\n", "done"]),          # chunks of one stream join
            ("lift-off", ["lift-off!"]),
            ('Atoi("x")', ['parsing "x": invalid syntax']),  # errors count as output
        ]), [])

    def test_a_line_printed_by_the_wrong_cell_fails(self):
        problems = self.check([('"count:"', ["lift-off!"])])
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("missing output 'lift-off!'", problems[0])
        self.assertIn("printed by cell 4", problems[0])
        # The same text anywhere in the notebook was enough for the old matcher; it must not be now.
        self.assertIn("lift-off!", expect.outputs_text(notebook()))

    def test_expectations_out_of_order_fail(self):
        problems = self.check([("lift-off", ["lift-off!"]), ('"count:"', ["count: 2"])])
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("in the order of the cells", problems[0])

    def test_one_cell_listed_twice_fails(self):
        problems = self.check([("lift-off", ["lift-off!"]), ('Println("lift', ["lift-off!"])])
        self.assertEqual(len(problems), 1, problems)

    def test_every_listed_text_of_a_cell_must_be_there(self):
        self.assertEqual(self.check([('"count:"', ["done", "count: 2"])]), [])
        problems = self.check([('"count:"', ["done", "count: 3"])])
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("missing output 'count: 3'; it is no cell printed it", problems[0])

    def test_a_key_in_no_cell_fails_and_says_where_the_output_is(self):
        problems = self.check([("countdown(", ["lift-off!"])])
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("no code cell contains the key 'countdown('", problems[0])
        self.assertIn("printed by cell 4", problems[0])

    def test_an_ambiguous_key_fails(self):
        problems = self.check([("fmt.Println", ["done"])])
        self.assertEqual(len(problems), 1, problems)
        self.assertIn("several cells: 3", problems[0])

    def test_markdown_cells_are_not_keys(self):
        # The markdown cell mentions len(words) too; only the code cell counts.
        self.assertEqual(self.check([("len(words)", ["count: 2"])]), [])


class FileTest(unittest.TestCase):
    def test_malformed_expectations_are_rejected(self):
        import json
        import tempfile
        for bad in ({"nb": ["a string"]}, {"nb": [{"cell": "k"}]}, {"nb": [{"cell": "", "outputs": ["x"]}]},
                    {"nb": [{"cell": "k", "outputs": []}]}, {"nb": [{"cell": "k", "outputs": ["x"], "more": 1}]},
                    {"nb [served]": [{"cell": "k", "outputs": ["x"]}]}, {"nb [fake]": [{"cell": "k", "outputs": ["x"]}]}):
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
                json.dump(bad, f)
            with self.assertRaises(expect.ExpectError, msg=bad):
                expect.load(f.name)
            Path(f.name).unlink()

    def test_mode_keys(self):
        self.assertEqual(expect.split_key("06-fine-tuning [serve]"), ("06-fine-tuning", "serve"))
        self.assertEqual(expect.split_key("06-fine-tuning"), ("06-fine-tuning", "fake"))
        self.assertEqual(expect.key("06-fine-tuning", "serve"), "06-fine-tuning [serve]")
        self.assertEqual(expect.key("06-fine-tuning", "fake"), "06-fine-tuning")

    def test_every_key_names_one_cell_in_order(self):
        """Catches a lesson edit that removes or duplicates a key, without running the notebooks."""
        expectations = expect.load(HERE / "expect.json")
        notebooks = HERE.parents[1] / "notebooks"
        problems = []
        for k, items in expectations.items():
            name, _ = expect.split_key(k)
            path = notebooks / f"{name}.ipynb"
            if not path.exists():
                problems.append(f"{name}: expectations listed, but there is no such notebook")
                continue
            nb = nbformat.read(path, as_version=4)
            previous = -1
            for key, _ in items:
                index, err = expect.find_cell(nb, key)
                if err:
                    problems.append(f"{name}: {err}")
                elif index <= previous:
                    problems.append(f"{name}: key {key!r} is out of the order of the cells")
                previous = max(previous, index if index is not None else previous)
        self.assertEqual(problems, [], "\n" + "\n".join(problems))


if __name__ == "__main__":
    unittest.main()
