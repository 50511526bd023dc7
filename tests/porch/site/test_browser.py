"""Drive headless Chromium through the built site, as a newcomer would."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "site"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PAGES = {
    "home": "",
    "guidelines": "guidelines/",
    "getting-started": "getting-started/",
    "feedback": "feedback/",
    "ugc": "ugc/",
    "ambassadors": "ambassadors/",
    "showcase": "showcase/",
    "faq": "faq/",
    "privacy": "privacy/",
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Debian's chromium is not at {CHROMIUM}"),
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output clean; failures show up as browser errors instead."""


@pytest.fixture(scope="module")
def base_url(built_site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def visit(browser: Any, base_url: str) -> Iterator[Any]:
    """A fresh light-mode page that records console errors and refuses off-host requests."""
    context = browser.new_context(color_scheme="light", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(5000)
    page = context.new_page()
    page.problems = []
    page.on(
        "console",
        lambda msg: msg.type == "error" and page.problems.append(f"console: {msg.text}"),
    )
    page.on("pageerror", lambda exc: page.problems.append(f"page error: {exc}"))

    def on_dialog(dialog: Any) -> None:
        page.problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)

    def only_localhost(route: Any) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            page.problems.append(f"off-host request: {route.request.url}")
            route.abort()

    page.route("**/*", only_localhost)
    try:
        yield page
    finally:
        context.close()


def _settle(page: Any) -> None:
    """Wait until every CSS transition has ended. Material fades its tabs in one after another:
    a screenshot or an axe run mid-fade would see half-transparent text."""
    page.wait_for_function(
        "document.getAnimations().every(animation => animation.playState !== 'running')"
    )


def _shot(page: Any, name: str) -> None:
    _settle(page)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _serious_violations(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    _settle(page)
    return [
        f"{v['id']} ({v['impact']}): {[node['target'] for node in v['nodes']]}"
        for v in Axe().run(page).response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_every_page_loads_cleanly_and_passes_axe(visit: Any, base_url: str) -> None:
    serious: dict[str, list[str]] = {}
    for name, url in PAGES.items():
        response = visit.goto(base_url + url, wait_until="load")
        assert response is not None and response.status == 200, url
        assert visit.locator("article h1").count() == 1, url
        _shot(visit, f"{name}-light")
        if found := _serious_violations(visit):
            serious[url or "/"] = found
    assert visit.problems == []
    assert serious == {}


def test_navigation_reaches_the_guidelines(visit: Any, base_url: str) -> None:
    visit.goto(base_url, wait_until="load")
    visit.locator(".md-tabs").get_by_role("link", name="Guidelines").click()
    visit.wait_for_url(base_url + "guidelines/")
    assert visit.locator("article h1").inner_text().startswith("Community guidelines")
    visit.locator(".md-tabs").get_by_role("link", name="Take part").click()
    visit.wait_for_url(base_url + "feedback/")
    visit.locator(".md-nav--primary").get_by_role("link", name="Ambassadors").click()
    visit.wait_for_url(base_url + "ambassadors/")
    assert visit.problems == []


def test_search_finds_the_guidelines(visit: Any, base_url: str) -> None:
    visit.goto(base_url, wait_until="load")
    search = visit.get_by_role("textbox", name="Search")
    search.click()
    # Typed, not filled: Material's search listens for key events.
    search.press_sequentially("Zebra", delay=20)
    result = visit.locator(".md-search-result__item a").first
    result.wait_for()
    assert result.get_attribute("href").startswith(base_url + "guidelines/")
    assert "Zebra rule comes first" in visit.locator(".md-search-result").inner_text()
    _shot(visit, "search")
    result.click()
    visit.wait_for_url(base_url + "guidelines/**")
    assert visit.problems == []


def test_member_text_stays_text_on_the_page_and_in_search(visit: Any, base_url: str) -> None:
    visit.goto(base_url + "showcase/", wait_until="load")
    card = visit.locator(".porch-showcase li")
    assert "Launch teardown <script>alert('t')</script>" in card.inner_text()
    assert card.locator("script, b").count() == 0
    assert card.get_by_role("link").all_inner_texts() == ["See it"]
    search = visit.get_by_role("textbox", name="Search")
    search.click()
    search.press_sequentially("teardown", delay=20)
    results = visit.locator(".md-search-result__item")
    results.first.wait_for()
    assert visit.locator(".md-search-result script, .md-search-result b").count() == 0
    assert visit.problems == []


def test_dark_mode_toggle(visit: Any, base_url: str) -> None:
    visit.goto(base_url + "guidelines/", wait_until="load")
    scheme = visit.locator("body").get_attribute
    assert scheme("data-md-color-scheme") == "default"
    visit.get_by_title("Switch to dark mode").click()
    assert scheme("data-md-color-scheme") == "slate"
    _shot(visit, "guidelines-dark")
    assert _serious_violations(visit) == []
    # The choice sticks when the reader moves on.
    for name in ("home", "showcase", "getting-started"):
        visit.goto(base_url + PAGES[name], wait_until="load")
        assert scheme("data-md-color-scheme") == "slate"
        _shot(visit, f"{name}-dark")
        assert _serious_violations(visit) == []
    visit.get_by_title("Switch to light mode").click()
    assert scheme("data-md-color-scheme") == "default"
    assert visit.problems == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_page_scrolls_sideways_on_a_phone(browser: Any, base_url: str, scheme: str) -> None:
    """A 390 px phone: nothing wider than the screen, and the rituals calendar shows every
    ritual's prompt without scrolling inside the table."""
    context = browser.new_context(
        color_scheme=scheme, viewport={"width": 390, "height": 844}, device_scale_factor=1
    )
    context.set_default_timeout(5000)
    page = context.new_page()
    try:
        too_wide = {}
        for name, url in PAGES.items():
            page.goto(base_url + url, wait_until="load")
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if widths[0] > widths[1]:
                too_wide[name] = widths
            if name in ("home", "getting-started"):
                _shot(page, f"{name}-phone-{scheme}")
        assert too_wide == {}
        page.goto(base_url + PAGES["getting-started"], wait_until="load")
        for box in page.locator(".porch-calendar td").evaluate_all(
            "cells => cells.map(cell => cell.getBoundingClientRect())"
        ):
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert (
            page.locator(".porch-calendar").get_by_text("Which pattern fought back?").is_visible()
        )
    finally:
        context.close()


def test_home_and_calendar_on_a_desktop_in_both_schemes(browser: Any, base_url: str) -> None:
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        try:
            for name in ("home", "getting-started"):
                page.goto(base_url + PAGES[name], wait_until="load")
                _shot(page, f"{name}-desktop-{scheme}")
        finally:
            context.close()
