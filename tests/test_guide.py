"""docs/adding-a-feature.md stays true: every excerpt is still in the file it names, its file
list is the example feature's real one, and the example needs no other file to name it."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT
from tests.test_layout import outside

GUIDE = ROOT / "docs" / "adding-a-feature.md"
EXCERPT = re.compile(r"<!-- excerpt: (?P<path>\S+) -->\n```\w*\n(?P<code>.*?)\n```", re.S)
FILES = re.compile(r"<!-- files -->\n```text\n(?P<listing>.*?)\n```", re.S)
FEATURE = "keyword_alerts"


def test_every_excerpt_is_in_its_file():
    excerpts = list(EXCERPT.finditer(GUIDE.read_text()))
    assert len(excerpts) >= 8
    for found in excerpts:
        source = (ROOT / found["path"]).read_text()
        assert found["code"] in source, f"{found['path']} no longer has:\n{found['code']}"


def test_the_file_list_is_the_features_real_one():
    listing = FILES.search(GUIDE.read_text())
    assert listing is not None
    listed = {line.split()[0] for line in listing["listing"].splitlines() if line.strip()}
    real = {
        str(path.relative_to(ROOT))
        for folder in (
            ROOT / "porch" / "features" / FEATURE,
            ROOT / "templates" / FEATURE,
            ROOT / "tests" / "porch" / "features" / FEATURE,
        )
        for path in folder.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert listed == real | {"porch/features/registry.py"}


def test_only_the_registry_names_the_example_outside_its_folders():
    assert outside(FEATURE) == []
    assert f"{FEATURE}.PACKAGE" in Path(ROOT / "porch" / "features" / "registry.py").read_text()
