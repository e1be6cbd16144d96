"""Lesson 01 in a real browser: JupyterLab 4, Notebook 7 and Debian's Notebook 6 in headless Chromium.

Each front end gets its own server on loopback with the lesson copied into a fresh folder and the golm kernel
from JUPYTER_PATH (the tests' kernelspec in build/jupyter). Selenium drives Debian's Chromium: it opens
01-tokens.ipynb, runs all cells from the Run menu, waits for them to finish, and checks that no cell shows an
error and that the coloured token display rendered (the pieces as spans with different background colours).
A deliberately failing cell appended to the copy proves that an error would be seen. In JupyterLab it also
checks that the launcher offers "Go (golm)" with its logo, that Go cells are syntax highlighted (the
kernel's codemirror_mode). In JupyterLab (a new notebook from the launcher's card) and in Notebook 7 (a new
empty Go notebook) it types like a learner: Tab completion and Shift+Tab inspection show the kernel's
answers, a display.Progress bar moves in one output, the toolbar's interrupt stops a busy loop, and a
restart from the Kernel menu forgets the variables.
Screenshots land in build/screenshots/.

JupyterLab and Notebook 7 come from golm's own virtual environment (scripts/venv.sh; GOLM_JUPYTER_VENV names
its folder), Notebook 6 from Debian's jupyter-notebook.

    GOLM_JUPYTER_VENV=$(scripts/venv.sh) JUPYTER_PATH=build/jupyter python3 test/browser/test_browser.py
    (make test-browser does this)
"""

import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.request
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

ROOT = Path(__file__).resolve().parents[2]
GOLM = os.environ.get("GOLM", str(ROOT / "bin" / "golm"))
VENV = os.environ.get("GOLM_JUPYTER_VENV", "")
NOTEBOOK = "01-tokens.ipynb"
TOKEN = "golm-browser-test"
SHOTS = ROOT / "build" / "screenshots"
# The cell appended to the lesson's copy: it must fail, and its error must be the only one on the page.
BROKEN = 'var golmBrowserBroken int = "not an int"'
RUN_TIMEOUT = 300

# Module-wide: one fake OpenAI server and one Chromium for every front end.
STATE = {}


def setUpModule():
    STATE["tmp"] = Path(tempfile.mkdtemp(prefix="golm-browser-"))
    fake = subprocess.Popen([GOLM, "fake-openai", "--addr", "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
    STATE["fake"] = fake
    STATE["openai"] = fake.stdout.readline().strip().split("=", 1)[1]
    opts = Options()
    opts.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--window-size=1280,1600", f"--user-data-dir={STATE['tmp'] / 'chrome'}"):
        opts.add_argument(flag)
    STATE["driver"] = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for old in SHOTS.glob("*.png"):  # a timeout shot from an earlier run would mislead
        old.unlink()


def tearDownModule():
    if "driver" in STATE:
        STATE["driver"].quit()
    if "fake" in STATE:
        STATE["fake"].kill()
        STATE["fake"].wait()
    shutil.rmtree(STATE["tmp"], ignore_errors=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_png(testcase, path):
    """Asserts that path is a non-trivial PNG and returns its size."""
    data = path.read_bytes()
    testcase.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    testcase.assertGreater(width * height, 1000, f"the screenshot {path} is empty")
    return width, height


class FrontEnd:
    """What every front end's test shares: a server on its own folder, and waiting for the page."""

    name = ""  # file-name prefix of the screenshots
    argv = []  # the server command, without the common options

    @classmethod
    def start_server(cls, argv, token_flag):
        cls.dir = STATE["tmp"] / cls.name
        (cls.dir / "nb").mkdir(parents=True)
        nb = json.loads((ROOT / "notebooks" / NOTEBOOK).read_text())
        nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "golm-browser-broken",
                            "metadata": {}, "outputs": [], "source": [BROKEN]})
        (cls.dir / "nb" / NOTEBOOK).write_text(json.dumps(nb))
        settings = cls.dir / "settings"
        # Every cell in the DOM (the test reads all prompts), and no news or update checks (offline).
        for rel, value in (("@jupyterlab/notebook-extension/tracker.jupyterlab-settings", {"windowingMode": "none"}),
                           ("@jupyterlab/apputils-extension/notification.jupyterlab-settings",
                            {"fetchNews": "false", "checkForUpdates": False})):
            (settings / rel).parent.mkdir(parents=True, exist_ok=True)
            (settings / rel).write_text(json.dumps(value))
        cls.port = free_port()
        env = dict(os.environ, OPENAI_BASE_URL=STATE["openai"], OPENAI_API_KEY="sk-test-browser",
                   JUPYTER_RUNTIME_DIR=str(cls.dir / "runtime"), HOME=str(cls.dir),
                   JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(cls.dir / "workspaces"))
        cls.log = open(cls.dir / "server.log", "wb")
        started = time.time()
        cls.server = subprocess.Popen(
            argv + ["--no-browser", f"--port={cls.port}", "--ip=127.0.0.1", f"{token_flag}={TOKEN}",
                    f"--notebook-dir={cls.dir / 'nb'}", "--allow-root"],
            env=env, stdout=cls.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{cls.port}/api?token={TOKEN}", timeout=1)
                break
            except OSError:
                if time.time() > deadline or cls.server.poll() is not None:
                    raise RuntimeError(f"the {cls.name} server did not start: {cls.server_log()}")
                time.sleep(0.3)
        print(f"{cls.name}: server up in {time.time() - started:.1f}s", file=sys.stderr)
        cls.driver = STATE["driver"]

    @classmethod
    def server_log(cls):
        try:
            return (cls.dir / "server.log").read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "server", None):
            cls.server.terminate()
            try:
                cls.server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                cls.server.kill()
                cls.server.wait()
            cls.log.close()

    def url(self, path):
        sep = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}{path}{sep}token={TOKEN}"

    def wait_js(self, script, timeout, what, *args):
        deadline = time.time() + timeout
        last = None
        while time.time() < deadline:
            try:
                value = self.driver.execute_script(script, *args)
                if value:
                    return value
            except Exception as e:  # the page may be loading: try again
                last = e
            time.sleep(0.25)
        self.shot(f"{self.name}-timeout")
        self.fail(f"{self.name}: timed out waiting for {what} ({last})\nserver log:\n{self.server_log()}")

    def sessions(self):
        with urllib.request.urlopen(self.url("/api/sessions"), timeout=5) as r:
            return json.load(r)

    def wait_kernel(self, state, timeout, path=NOTEBOOK):
        """Waits until the notebook's session runs the golm kernel in the given execution state (path None: a
        session other than the lesson's)."""
        deadline = time.time() + timeout
        seen = None
        while time.time() < deadline:
            seen = [(s["kernel"]["name"], s["kernel"]["execution_state"]) for s in self.sessions()
                    if (path in s["path"] if path else NOTEBOOK not in s["path"])]
            if ("golm", state) in seen:
                return
            time.sleep(0.5)
        self.shot(f"{self.name}-timeout")
        self.fail(f"{self.name}: no golm kernel in state {state!r} (sessions: {seen})\n{self.server_log()}")

    def shot(self, stem, element=None):
        path = SHOTS / f"{stem}.png"
        if element is not None:
            element.screenshot(str(path))
        else:
            self.driver.save_screenshot(str(path))
        return path

    def check_tokens(self):
        """Checks the coloured token display and saves screenshots of it."""
        d = self.driver
        boxes = d.find_elements(By.CSS_SELECTOR, "div.golm-tokens")
        self.assertTrue(boxes, f"{self.name}: no token display (div.golm-tokens) rendered")
        box = boxes[0]
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
        spans = box.find_elements(By.CSS_SELECTOR, "span[title]")
        self.assertGreaterEqual(len(spans), 4, f"{self.name}: token pieces are not spans")
        colours = {d.execute_script("return getComputedStyle(arguments[0]).backgroundColor", s) for s in spans}
        self.assertGreaterEqual(len(colours), 2, f"{self.name}: token pieces are not coloured: {colours}")
        w, h = check_png(self, self.shot(f"{self.name}-tokens", box))
        check_png(self, self.shot(f"{self.name}-01-tokens"))
        print(f"{self.name}: token display {w}x{h}, {len(spans)} token spans, {len(colours)} colours",
              file=sys.stderr)


class LabLike(FrontEnd):
    """JupyterLab 4 and Notebook 7 share the Lumino DOM, the Run menu and the cell classes."""

    app = ""  # "lab" or "notebook"

    @classmethod
    def setUpClass(cls):
        if not VENV or not Path(VENV, "bin", "jupyter-lab").exists():
            raise RuntimeError("GOLM_JUPYTER_VENV does not name golm's Jupyter environment: run scripts/venv.sh")
        cls.start_server([str(Path(VENV, "bin", f"jupyter-{cls.app}"))], "--IdentityProvider.token")

    def code_prompts(self):
        return self.driver.execute_script(
            "return [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]"
            ".map(p => p.textContent.trim())")

    def run_all(self):
        d = self.driver
        menu = self.wait_js("""return [...document.querySelectorAll('.lm-MenuBar-item')]
                               .find(m => m.textContent.trim() == 'Run')""", 30, "the Run menu")
        menu.click()
        item = self.wait_js("""return [...document.querySelectorAll('.lm-Menu .lm-Menu-item')]
                               .find(i => i.textContent.trim() == 'Run All Cells')""", 10,
                            "Run All Cells in the Run menu")
        item.click()
        started = time.time()
        # Every code cell gets a number; the appended broken cell is last, so run-all reaches it.
        self.wait_js("""const ps = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
                        return ps.length > 0 && ps.every(p => /\\[\\d+\\]/.test(p.textContent))""",
                     RUN_TIMEOUT, "all cells to run")
        self.wait_kernel("idle", 30)
        print(f"{self.name}: run all took {time.time() - started:.1f}s for {len(self.code_prompts())} code cells",
              file=sys.stderr)
        return d

    def check_errors(self):
        """Only the appended broken cell shows an error (stderr-typed output); the lesson's cells none."""
        cells = self.driver.execute_script("""
            return [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')].map(c => ({
              source: c.querySelector('.cm-content') ? c.querySelector('.cm-content').textContent : '',
              errors: [...c.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
                        .map(o => o.textContent.slice(0, 300))}))""")
        self.assertIn("golmBrowserBroken", cells[-1]["source"], f"{self.name}: the last cell is not the broken one")
        self.assertTrue(cells[-1]["errors"], f"{self.name}: the broken cell shows no error: the check is blind")
        print(f"{self.name}: the broken cell shows {cells[-1]['errors'][0][:120]!r}", file=sys.stderr)
        lesson_errors = [(i, c["errors"]) for i, c in enumerate(cells[:-1]) if c["errors"]]
        self.assertEqual(lesson_errors, [], f"{self.name}: lesson cells showed errors")

    def open_lesson(self):
        self.driver.get(self.url(f"/{'lab/tree' if self.app == 'lab' else 'notebooks'}/{NOTEBOOK}"))
        self.wait_js("return document.querySelectorAll('.jp-Notebook .jp-CodeCell').length > 0", 90,
                     "the notebook to open")
        self.wait_kernel("idle", 90)

    def lesson_runs_and_tokens_render(self):
        self.open_lesson()
        self.run_all()
        self.check_errors()
        self.check_tokens()


class Interactive(LabLike):
    """A new Go notebook, typed into like a learner would."""

    def menu(self, menu, item):
        m = self.wait_js("""return [...document.querySelectorAll('.lm-MenuBar-item')]
                            .find(m => m.textContent.trim() == arguments[0])""", 30, f"the {menu} menu", menu)
        m.click()
        i = self.wait_js("""return [...document.querySelectorAll('.lm-Menu .lm-Menu-item')]
                            .find(i => i.textContent.trim().startsWith(arguments[0]))""", 10,
                         f"{item} in the {menu} menu", item)
        i.click()

    def last_editor(self):
        return self.wait_js("""const eds = document.querySelectorAll('.jp-Notebook .jp-CodeCell .cm-content');
                               return eds.length ? eds[eds.length - 1] : null""", 30, "a code cell")

    def type_code(self, code):
        """Replaces the last code cell's text with code and leaves the cursor at its end."""
        ed = self.last_editor()
        ed.click()
        ActionChains(self.driver).key_down(Keys.CONTROL).send_keys("a").key_up(Keys.CONTROL).perform()
        ActionChains(self.driver).send_keys(Keys.DELETE).send_keys(code).perform()
        self.wait_js("return arguments[0].textContent == arguments[1]", 10, f"the cell to read {code!r}", ed, code)
        return ed

    def cell_count(self):
        return self.driver.execute_script("return document.querySelectorAll('.jp-Notebook .jp-CodeCell').length")

    def cell_output(self, index):
        return self.driver.execute_script("""const c = document.querySelectorAll('.jp-Notebook .jp-CodeCell')[arguments[0]];
            return [...c.querySelectorAll('.jp-OutputArea-output')].map(o => o.textContent).join('\\n')""", index)

    def cell_errors(self, index):
        return self.driver.execute_script("""const c = document.querySelectorAll('.jp-Notebook .jp-CodeCell')[arguments[0]];
            return [...c.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
                   .map(o => o.textContent)""", index)

    def run_code(self, code, wait=True):
        """Types code into the last cell and runs it (Shift+Enter); returns the cell's index."""
        index = self.cell_count() - 1
        self.type_code(code)
        ActionChains(self.driver).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()
        if wait:
            self.wait_done(index, 60)
        return index

    def wait_done(self, index, timeout):
        self.wait_js("""const c = document.querySelectorAll('.jp-Notebook .jp-CodeCell')[arguments[0]];
                        return /\\[\\d+\\]/.test(c.querySelector('.jp-InputPrompt').textContent)""",
                     timeout, f"cell {index} to finish", index)
        self.wait_kernel("idle", timeout, self.path)

    def toolbar_button(self, command, title):
        return self.wait_js("""return document.querySelector('.jp-NotebookPanel-toolbar [data-command="' + arguments[0] + '"]')
            || [...document.querySelectorAll('.jp-NotebookPanel-toolbar [title]')]
               .find(b => b.getAttribute('title').startsWith(arguments[1]))""", 10, f"the {title} button",
                            command, title)

    def interactive_session(self):
        d = self.driver
        # Completion and inspection answers come from the kernel: import a package the interpreter knows.
        i = self.run_code('import ("strings"; "time"; "github.com/golm-dev/golm/helpers/display")')
        self.assertEqual(self.cell_errors(i), [])
        self.run_code("golmBefore := 42")

        # Tab completion.
        self.type_code("strings.To")
        ActionChains(d).send_keys(Keys.TAB).perform()
        items = self.wait_js("""const c = document.querySelector('.jp-Completer');
            if (!c || c.classList.contains('lm-mod-hidden')) return null;
            const it = [...c.querySelectorAll('.jp-Completer-item')].map(i => i.textContent.trim());
            return it.length ? it : null""", 30, "the completer after Tab")
        self.assertTrue(any("ToUpper" in t for t in items), f"Tab on strings.To offered {items}")
        self.shot(f"{self.name}-completion")
        ActionChains(d).send_keys(Keys.ESCAPE).perform()
        print(f"{self.name}: Tab on strings.To offered {len(items)} items, e.g. {items[:4]}", file=sys.stderr)

        # Shift+Tab inspection.
        ed = self.type_code("strings.ToUpper")
        ed.click()
        ActionChains(d).send_keys(Keys.END).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
        tip = self.wait_js("""const t = document.querySelector('.jp-Tooltip');
                              return t && t.textContent.includes('ToUpper') ? t.textContent : null""", 30,
                           "the Shift+Tab tooltip for strings.ToUpper")
        self.assertIn("func ToUpper(s string) string", tip)
        self.shot(f"{self.name}-inspect")
        ActionChains(d).send_keys(Keys.ESCAPE).perform()
        print(f"{self.name}: Shift+Tab showed {tip[:100]!r}", file=sys.stderr)

        # A progress bar that moves: display.Update replaces one output in place.
        i = self.run_code("p := display.NewProgress(\"steps\", 12); for k := 0; k < 12; k++ "
                          "{ time.Sleep(250 * time.Millisecond); p.Add(1) }; p.Done()", wait=False)
        seen, outputs = [], 0
        deadline = time.time() + 60
        while time.time() < deadline:
            text = self.cell_output(i)
            outputs = max(outputs, d.execute_script(
                "return document.querySelectorAll('.jp-Notebook .jp-CodeCell')[arguments[0]]"
                ".querySelectorAll('.jp-OutputArea-output').length", i))
            if text and (not seen or seen[-1] != text):
                seen.append(text)
            if "12/12" in text and self.sessions_idle():
                break
            time.sleep(0.1)
        self.wait_done(i, 30)
        self.assertIn("12/12", self.cell_output(i), f"the progress bar did not finish: {seen}")
        self.assertGreaterEqual(len(seen), 3, f"the progress bar did not move: {seen}")
        self.assertEqual(outputs, 1, "display.Update added outputs instead of replacing one")
        self.shot(f"{self.name}-progress")
        print(f"{self.name}: progress bar showed {len(seen)} states in one output: {seen[0][:40]!r} .. "
              f"{seen[-1][:40]!r}", file=sys.stderr)

        # An interrupt from the toolbar stops a busy loop.
        i = self.run_code("golmSpins := 0; for { golmSpins++ }", wait=False)
        self.wait_kernel("busy", 30, self.path)
        time.sleep(1)
        self.toolbar_button("notebook:interrupt-kernel", "Interrupt").click()
        started = time.time()
        self.wait_done(i, 20)
        took = time.time() - started
        self.assertTrue(any("nterrupt" in e for e in self.cell_errors(i)),
                        f"the interrupted cell does not say so: {self.cell_errors(i)}")
        self.assertLess(took, 10, "the interrupt took too long")
        print(f"{self.name}: interrupt stopped the loop in {took:.1f}s: "
              f"{' '.join(self.cell_errors(i))[:100]!r}", file=sys.stderr)
        i = self.run_code("golmBefore + 1")
        self.assertIn("43", self.cell_output(i), "the kernel lost its state or did not answer after the interrupt")

        # A restart from the Kernel menu forgets the variables and the kernel answers again.
        self.menu("Kernel", "Restart Kernel")
        self.wait_js("return document.querySelector('.jp-Dialog .jp-mod-accept')", 10, "the restart dialog").click()
        self.wait_kernel("idle", 60, self.path)
        i = self.run_code("golmBefore")
        self.assertTrue(self.cell_errors(i), "golmBefore survived the restart")
        i = self.run_code("40 + 2")
        self.assertIn("42", self.cell_output(i))
        self.shot(f"{self.name}-restart")
        print(f"{self.name}: after restart golmBefore is {' '.join(self.cell_errors(i - 1))[:80]!r}", file=sys.stderr)

    def sessions_idle(self):
        return all(s["kernel"]["execution_state"] == "idle" for s in self.sessions() if NOTEBOOK not in s["path"])


class JupyterLab(Interactive, unittest.TestCase):
    name = "lab"
    app = "lab"

    def test_1_launcher_offers_golm(self):
        self.driver.get(self.url("/lab?reset"))  # ?reset: a fresh workspace, with the launcher
        card = self.wait_js("return document.querySelector('.jp-LauncherCard[title=\"Go (golm)\"]')", 90,
                            "the Go (golm) card in the launcher")
        loaded = self.wait_js("""const img = arguments[0].querySelector('img');
                                 return img && img.complete && img.naturalWidth > 0 && img.src""", 15,
                              "the golm logo in the launcher card", card)
        self.assertIn("golm", loaded)
        check_png(self, self.shot("lab-launcher"))

    def test_2_lesson_runs_and_tokens_render(self):
        self.lesson_runs_and_tokens_render()

    def test_3_go_is_highlighted(self):
        # The kernel's language_info (codemirror_mode "go") picks CodeMirror's Go mode: keywords get their own
        # colour. Without it the editor shows plain text in one colour.
        if not self.driver.current_url.split("?")[0].endswith(NOTEBOOK):
            self.open_lesson()
        found = self.wait_js("""
            const kw = new Set(['func', 'package', 'import', 'for', 'range', 'return', 'var', 'if']);
            for (const ed of document.querySelectorAll('.jp-Notebook .jp-CodeCell .cm-content')) {
              const plain = getComputedStyle(ed).color;
              for (const s of ed.querySelectorAll('.cm-line span')) {
                if (kw.has(s.textContent.trim()) && getComputedStyle(s).color != plain)
                  return [s.textContent.trim(), getComputedStyle(s).color, plain];
              }
            }
            return null""", 20, "a Go keyword highlighted in a code cell")
        print(f"lab: Go keyword {found[0]!r} highlighted {found[1]} against {found[2]}", file=sys.stderr)

    def test_4_launcher_notebook_completes_inspects_interrupts_restarts(self):
        self.driver.get(self.url("/lab?reset"))  # ?reset: a fresh workspace, with the launcher
        self.wait_js("return document.querySelector('.jp-LauncherCard[title=\"Go (golm)\"][data-category=\"Notebook\"]')",
                     90, "the Go (golm) notebook card").click()
        deadline = time.time() + 60
        new = []
        while not new and time.time() < deadline:
            new = [s["path"] for s in self.sessions() if s["kernel"]["name"] == "golm" and NOTEBOOK not in s["path"]]
            time.sleep(0.3)
        self.assertTrue(new, "the launcher's Go (golm) card started no golm notebook")
        # A new notebook's session may be renamed after it starts (Untitled.ipynb): match it as "not the lesson".
        self.path = None
        self.wait_kernel("idle", 90, self.path)
        self.interactive_session()


class Notebook7(Interactive, unittest.TestCase):
    name = "nb7"
    app = "notebook"

    def test_1_lesson_runs_and_tokens_render(self):
        self.lesson_runs_and_tokens_render()

    def test_2_new_notebook_completes_inspects_interrupts_restarts(self):
        # Notebook 7 has no launcher: a new Go notebook is an empty one with golm's kernelspec.
        scratch = {"cells": [{"cell_type": "code", "execution_count": None, "id": "scratch", "metadata": {},
                              "outputs": [], "source": []}],
                   "metadata": {"kernelspec": {"name": "golm", "display_name": "Go (golm)", "language": "go"}},
                   "nbformat": 4, "nbformat_minor": 5}
        (self.dir / "nb" / "scratch.ipynb").write_text(json.dumps(scratch))
        self.driver.get(self.url("/notebooks/scratch.ipynb"))
        self.path = None
        self.wait_kernel("idle", 90, self.path)
        self.interactive_session()


class Notebook6(FrontEnd, unittest.TestCase):
    """Debian's classic Notebook 6 (jupyter-notebook), where learners on Debian 12 may still be."""

    name = "nb6"

    @classmethod
    def setUpClass(cls):
        exe = shutil.which("jupyter-notebook", path="/usr/bin")
        if not exe:
            raise RuntimeError("Debian's jupyter-notebook is missing: run scripts/deps.sh test")
        cls.start_server([exe], "--NotebookApp.token")

    def test_lesson_runs_and_tokens_render(self):
        d = self.driver
        d.get(self.url(f"/notebooks/{NOTEBOOK}"))
        self.wait_js("return Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()",
                     90, "the golm kernel to connect")
        self.assertEqual(d.execute_script("return Jupyter.notebook.kernel.name"), "golm")
        started = time.time()
        d.execute_script("Jupyter.notebook.execute_all_cells()")
        self.wait_js("""return Jupyter.notebook.get_cells().filter(c => c.cell_type == 'code')
                          .every(c => c.input_prompt_number !== '*' && c.input_prompt_number !== null)""",
                     RUN_TIMEOUT, "all cells to run")
        print(f"nb6: run all took {time.time() - started:.1f}s", file=sys.stderr)
        errors = d.execute_script("""return Jupyter.notebook.get_cells().map((c, i) =>
                  [i, c.element[0].querySelectorAll('.output_error').length]).filter(e => e[1] > 0)""")
        last = d.execute_script("return Jupyter.notebook.get_cells().length") - 1
        self.assertEqual(errors, [[last, 1]], "only the appended broken cell may show an error")
        self.check_tokens()


if __name__ == "__main__":
    unittest.main(verbosity=2)
