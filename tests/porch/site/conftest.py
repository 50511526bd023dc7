"""Shared fixtures for the site tests: one site built from our own config."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from porch.site import build as site
from tests.porch.site.helpers import HOSTILE_SHOWCASE, write_config


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One site built from our own config plus a hostile showcase entry."""
    root = tmp_path_factory.mktemp("site")
    config_path = write_config(root)
    (root / "showcase.json").write_text(json.dumps(HOSTILE_SHOWCASE), encoding="utf-8")
    return site.build(config_path=config_path, site_dir=root / "public")


@pytest.fixture(scope="session")
def page(built_site: Path) -> Callable[[str], str]:
    def read(url: str) -> str:
        return (built_site / url / "index.html").read_text(encoding="utf-8")

    return read
