"""Lesson 01 in a real browser: Jupyter Notebook (Debian's) in headless Chromium, driven by Selenium.

It starts a Notebook server on the lesson notebooks, opens 01-tokens.ipynb, runs all cells, waits for them
to finish, checks that no cell shows an error and that the coloured token display rendered (the pieces as
spans with different background colours), and saves a screenshot of it to build/screenshots/.

    JUPYTER_PATH=build/jupyter python3 test/browser/test_browser.py     (make test does this)
"""

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
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parents[2]
GOLM = os.environ.get("GOLM", str(ROOT / "bin" / "golm"))
NOTEBOOK = os.environ.get("BROWSER_NOTEBOOK", "01-tokens.ipynb")
TOKEN = "golm-browser-test"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NotebookInBrowser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = Path(tempfile.mkdtemp(prefix="golm-browser-"))
        shutil.copy(ROOT / "notebooks" / NOTEBOOK, cls.tmp / NOTEBOOK)
        fake = subprocess.Popen([GOLM, "fake-openai", "--addr", "127.0.0.1:0"], stdout=subprocess.PIPE, text=True)
        url = fake.stdout.readline().strip().split("=", 1)[1]
        cls.fake = fake
        cls.port = free_port()
        env = dict(os.environ, OPENAI_BASE_URL=url, OPENAI_API_KEY="sk-test-browser",
                   JUPYTER_RUNTIME_DIR=str(cls.tmp / "runtime"), HOME=str(cls.tmp))
        cls.server = subprocess.Popen(
            ["jupyter-notebook", "--no-browser", f"--port={cls.port}", "--ip=127.0.0.1",
             f"--NotebookApp.token={TOKEN}", f"--notebook-dir={cls.tmp}", "--allow-root"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{cls.port}/api?token={TOKEN}", timeout=1)
                break
            except OSError:
                if time.time() > deadline or cls.server.poll() is not None:
                    raise RuntimeError("the Notebook server did not start")
                time.sleep(0.3)
        opts = Options()
        opts.binary_location = "/usr/bin/chromium"
        for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--no-first-run", "--window-size=1280,2000", f"--user-data-dir={cls.tmp / 'chrome'}"):
            opts.add_argument(flag)
        cls.driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)

    @classmethod
    def tearDownClass(cls):
        cls.driver.quit()
        cls.server.terminate()
        cls.server.wait(timeout=20)
        cls.fake.kill()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def wait_js(self, script, timeout, what):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                if self.driver.execute_script(script):
                    return
            except Exception:
                pass
            time.sleep(0.25)
        self.fail(f"timed out waiting for {what}")

    def test_lesson_runs_and_tokens_render(self):
        d = self.driver
        d.get(f"http://127.0.0.1:{self.port}/notebooks/{NOTEBOOK}?token={TOKEN}")
        self.wait_js("return Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()",
                     60, "the golm kernel to connect")
        self.assertEqual(d.execute_script("return Jupyter.notebook.kernel.name"), "golm")
        d.execute_script("Jupyter.notebook.execute_all_cells()")
        self.wait_js("""return Jupyter.notebook.get_cells().filter(c => c.cell_type == 'code')
                          .every(c => c.input_prompt_number !== '*' && c.input_prompt_number !== null)""",
                     240, "all cells to run")
        errors = d.find_elements(By.CSS_SELECTOR, ".output_error")
        self.assertEqual([e.text[:200] for e in errors], [], "cells showed errors")
        boxes = d.find_elements(By.CSS_SELECTOR, "div.golm-tokens")
        self.assertTrue(boxes, "no token display (div.golm-tokens) rendered")
        box = boxes[0]
        d.execute_script("arguments[0].scrollIntoView()", box)
        spans = box.find_elements(By.CSS_SELECTOR, "span[title]")
        self.assertGreaterEqual(len(spans), 4, "token pieces are not spans")
        colours = {d.execute_script("return getComputedStyle(arguments[0]).backgroundColor", s) for s in spans}
        self.assertGreaterEqual(len(colours), 2, f"token pieces are not coloured: {colours}")
        shots = ROOT / "build" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        png = shots / (Path(NOTEBOOK).stem + ".png")
        box.screenshot(str(png))
        data = png.read_bytes()
        self.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", data[16:24])
        self.assertGreater(width * height, 1000, "the screenshot of the token display is empty")
        print(f"screenshot: {png} ({width}x{height}), {len(spans)} token spans, {len(colours)} colours", file=sys.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
