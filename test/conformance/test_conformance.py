"""The public Jupyter kernel conformance suite (jupyter_kernel_test) run against golm.

Run with /usr/bin/python3 -m unittest -v test_conformance, with JUPYTER_PATH pointing at a folder
where the golm kernelspec is installed (make test does this).
"""

import unittest

import jupyter_kernel_test


class GolmKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "golm"
    language_name = "go"
    file_extension = ".go"

    code_hello_world = 'fmt.Println("hello, world")'
    code_stderr = 'fmt.Fprintln(os.Stderr, "something went wrong")'

    completion_samples = [
        {"text": "strings.ToUpp", "matches": {"ToUpper", "ToUpperSpecial"}},
        {"text": "fmt.Sprin", "matches": {"Sprint", "Sprintf", "Sprintln"}},
    ]

    complete_code_samples = ['fmt.Println("hi")', "x := 1", "func f() int { return 1 }", "%time x := 2", "!echo hi"]
    incomplete_code_samples = ["func f() {", "for i := 0; i < 3; i++ {", "x := []int{1,", "s := `raw"]
    invalid_code_samples = ["x := )", "}", "func func"]

    code_page_something = "?strings.Repeat"
    code_generate_error = 'panic("boom")'

    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": 'strings.Repeat("ab", 2)', "result": '"abab"'},
        {"code": "[]int{1, 2, 3}", "result": "[]int{1, 2, 3}"},
    ]
    code_display_data = [
        {"code": 'display.HTML("<b>hi</b>")', "mime": "text/html"},
        {"code": 'display.Markdown("# hi")', "mime": "text/markdown"},
        {"code": 'display.SVG(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`)', "mime": "image/svg+xml"},
    ]

    code_history_pattern = "1 + *"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "strings.Repeat"
    code_clear_output = "display.Clear()"


if __name__ == "__main__":
    unittest.main()
