"""Where Porch finds its project files: templates/, site/, mkdocs.yml, manifest.yml and the
example community.yml.

They live at the top of the checkout, where managers edit them. A wheel carries copies in the
package as porch/bundled/ (setup.py puts them there), so an installed Porch reads them from the
package and a checkout (or an editable install) reads them from the repository root. The package
copy wins when both could exist, because beside an installed package the "checkout" is
site-packages, which may hold another distribution's files of the same name.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]
BUNDLED = "bundled"


def project_path(name: str) -> Path:
    """`name` ("templates", "mkdocs.yml", ...) from the package's copy, else from the checkout.

    MkDocs and Jinja's FileSystemLoader need real paths, so this assumes the package is installed
    as files (pip always does), not imported from a zip.
    """
    packaged = files("porch") / BUNDLED / name
    if packaged.is_file() or packaged.is_dir():
        return Path(str(packaged))
    return CHECKOUT / name
