"""Shared fixtures for the site tests: one site built from our own config."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from porch.site import build as site
from porch.site.render import SiteStore
from tests.porch.site.helpers import HOSTILE_SHOWCASE, SITE_TEAM, store_with_showcase, write_config


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One site built from our own config, beside a store with a hostile showcase entry (and a
    withdrawn one, which must not show)."""
    root = tmp_path_factory.mktemp("site")
    config_path = write_config(root)
    withdrawn = {**HOSTILE_SHOWCASE, "title": "Taken back", "status": "withdrawn"}
    engine = store_with_showcase(root, HOSTILE_SHOWCASE, withdrawn)
    try:
        store = SiteStore(engine=engine, team_id=SITE_TEAM)
        return site.build(config_path=config_path, site_dir=root / "public", store=store)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def page(built_site: Path) -> Callable[[str], str]:
    def read(url: str) -> str:
        return (built_site / url / "index.html").read_text(encoding="utf-8")

    return read
