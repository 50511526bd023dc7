"""Build step: ship the project files that live at the top of the checkout inside the package.

templates/, site/, mkdocs.yml, manifest.yml and the example community.yml stay at the repository
root, where managers edit them and plain `mkdocs build` finds them. A wheel cannot install files
outside its packages, so this copies them to porch/bundled/ in the build;
porch/core/resources.py reads them from there when Porch is installed and from the checkout
otherwise. Everything else about the package is declared in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("templates", "site", "mkdocs.yml", "community.yml", "manifest.yml")


class BuildPyWithProjectFiles(build_py):
    """build_py, plus a copy of the top-level project files under porch/bundled/."""

    def run(self) -> None:
        super().run()
        # An editable install runs Porch from the checkout, where the files already are.
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "porch" / "bundled"
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
        for name in BUNDLED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=ignore)
            else:
                shutil.copy2(source, target / name)


setup(cmdclass={"build_py": BuildPyWithProjectFiles})
