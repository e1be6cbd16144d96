"""environment.yml parses, and names what notebooks/README.md tells conda users it installs."""

import re
import unittest
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


class EnvironmentFile(unittest.TestCase):
    def test_parses_and_matches_readme(self):
        env = yaml.safe_load((ROOT / "environment.yml").read_text())
        self.assertEqual(env["name"], "golm")
        self.assertIn("conda-forge", env["channels"])
        names = {re.split(r"[\s<>=]", d, maxsplit=1)[0] for d in env["dependencies"] if isinstance(d, str)}
        self.assertTrue({"go", "jupyterlab", "nbclient"} <= names, names)
        readme = (ROOT / "notebooks" / "README.md").read_text()
        section = readme[readme.index("<!-- conda -->"):readme.index("<!-- /conda -->")]
        listed = set(re.findall(r"`([a-z][a-z0-9-]*)`", section))
        self.assertEqual(listed, names, "notebooks/README.md's conda section and environment.yml disagree")
        self.assertIn("conda env create -f environment.yml", section)
        self.assertTrue((ROOT / "postBuild").exists(), "postBuild (Binder's install step) is missing")


if __name__ == "__main__":
    unittest.main()
