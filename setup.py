"""Build step: install everything inside the `porch` package, from the checkout's layout.

The checkout keeps the design card's top-level folders: app.py, handlers/, sheets_sync/,
templates/, site/, mkdocs.yml, manifest.yml and the example community.yml, where managers edit
them and plain `mkdocs build` finds them. A wheel installs only `porch` (a top-level `app` or
`handlers` in site-packages would clash with other distributions):

- handlers/ and sheets_sync/ become porch.handlers and porch.sheets_sync (package_dir);
- app.py becomes porch.app (setuptools maps packages to folders, not single modules to files, so
  the build copies it);
- the project files are copied to porch/bundled/; porch/core/resources.py reads them from there
  when Porch is installed and from the checkout otherwise.

An editable install (`pip install -e .`) runs all of it from the checkout. Everything else about
the package is declared in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("templates", "site", "mkdocs.yml", "community.yml", "manifest.yml")
# Top-level source folders and the package each is installed as.
INSIDE_PORCH = {"handlers": "porch.handlers", "sheets_sync": "porch.sheets_sync"}
APP = ("app.py", "porch.app")


def packages() -> list[str]:
    """porch and its subpackages, then each top-level folder's packages under its porch name."""
    found = find_namespace_packages(where=str(ROOT), include=["porch", "porch.*"])
    for folder, name in INSIDE_PORCH.items():
        found.append(name)
        found.extend(f"{name}.{sub}" for sub in find_namespace_packages(where=str(ROOT / folder)))
    return found


class BuildPyInsidePorch(build_py):
    """build_py, plus app.py as porch/app.py and the project files under porch/bundled/."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            self._map_app_for_editable_install()
            return
        source, module = APP
        shutil.copy2(ROOT / source, Path(self.build_lib, *module.split(".")).with_suffix(".py"))
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

    def _map_app_for_editable_install(self) -> None:
        """An editable install runs Porch from the checkout, where the project files already
        are. Its import finder maps each listed package name to a path and, for a path that is
        not a folder, imports path + ".py": listing porch.app as mapped to "app" (after the
        build, which would look for an app/ folder) makes `import porch.app` load app.py."""
        source, module = APP
        dist = self.distribution
        # New objects: build_py's own list of packages must keep building without it.
        dist.package_dir = {**dist.package_dir, module: Path(source).stem}
        dist.packages = [*dist.packages, module]


setup(
    packages=packages(),
    package_dir={name: folder for folder, name in INSIDE_PORCH.items()},
    cmdclass={"build_py": BuildPyInsidePorch},
)
