"""The domain (porch.core and porch.features) stays free of Slack and Sheets: it records what
should happen, no more. The runtime and the sandbox are where Slack and Sheets I/O live."""

from __future__ import annotations

import ast

from tests.conftest import ROOT

FORBIDDEN = ("slack_sdk", "slack_bolt", "gspread", "google", "requests", "waitress")


def test_porch_imports_no_slack_or_sheets_code():
    offenders = []
    domain = [
        *(ROOT / "porch" / "core").rglob("*.py"),
        *(ROOT / "porch" / "features").rglob("*.py"),
    ]
    for path in sorted(domain):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] in FORBIDDEN:
                    offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert not offenders
