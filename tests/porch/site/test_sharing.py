"""A shared link unfurls with the page's title, the community's promise and its address; a link
that leads nowhere gets a page in the community's words with the way back."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

from tests.porch.site.helpers import article_text, community_data


class _Meta(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        key = values.get("property") or values.get("name")
        if tag == "meta" and key and values.get("content") is not None:
            self.meta[key] = values["content"] or ""


def meta_tags(html: str) -> dict[str, str]:
    parser = _Meta()
    parser.feed(html)
    return parser.meta


def promise() -> str:
    p = community_data()["community"]["promise"]
    return f"This is the place where {p['who']} get {p['outcome']} through {p['format']}."


def test_a_shared_link_unfurls_with_a_description_and_open_graph_tags(
    page: Callable[[str], str],
) -> None:
    home = meta_tags(page(""))
    assert home["description"] == promise()
    assert home["og:type"] == "website"
    assert home["og:title"] == "Harbour Knitters"
    assert home["og:site_name"] == "Harbour Knitters"
    assert home["og:description"] == promise()
    assert home["og:url"] == "https://makers.example.org/"
    faq = meta_tags(page("faq"))
    assert faq["og:title"] == "FAQ - Harbour Knitters"
    assert faq["og:url"] == "https://makers.example.org/faq/"
    assert faq["og:description"] == promise()


def test_a_link_that_leads_nowhere_gets_a_page_in_the_communitys_words(built_site: Path) -> None:
    html = (built_site / "404.html").read_text(encoding="utf-8")
    text = article_text(html)
    assert "404 - Not found" not in html
    assert "This page isn't here" in text
    assert "Harbour Knitters" in text and "#harbour-lounge" in text
    assert "<title>Page not found - Harbour Knitters</title>" in html
    # Absolute links: the page is served for a missing URL at any depth.
    assert 'href="https://makers.example.org/">home page</a>' in html
    assert 'href="/faq/">FAQ</a>' in html
