"""Helpers for the site tests: a community.yml of our own and the text of a built page."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[3]

# Member text that must come out as text, never as markup or a link.
HOSTILE_SHOWCASE = [
    {
        "title": "Launch teardown <script>alert('t')</script>",
        "author": "Ada <b>Bold</b>",
        "text": (
            "We cut the form to two fields.\n\n[click me](javascript:alert(1)) {{ community.name }}"
        ),
        "url": "https://ada.example.org/teardown",
        "date": "2026-03-04",
    }
]


def community_data() -> dict[str, Any]:
    """The example config with values no page could contain by accident."""
    data = yaml.safe_load((REPO / "community.yml").read_text(encoding="utf-8"))
    data["community"]["name"] = "Harbour Knitters"
    data["channels"].update(
        home="harbour-lounge", introductions="say-hello", feedback="yarn-feedback", wins="cast-off"
    )
    data["onboarding"]["recommended_channels"] = ["say-hello", "cast-off"]
    data["guidelines"]["rules"] = [
        {"title": "Zebra rule comes first", "detail": "Stripes before solids, always."},
        {"title": "Alpaca rule is second", "detail": "Soft words, firm opinions."},
        {"title": "Yak rule closes the list", "detail": "Shave only what you need."},
    ]
    data["rituals"] = [
        {
            "id": "sunday-swatch",
            "name": "Swatch Sunday",
            "weekday": "sunday",
            "time": "18:45",
            "channel": "wins",
            "prompt": "Show the swatch | you tested this week.",
        },
        {
            "id": "tuesday-tension",
            "name": "Tension Tuesday",
            "weekday": "tuesday",
            "time": "07:15",
            "channel": "home",
            "prompt": "Which pattern fought back?",
        },
    ]
    data["feedback"]["tags"] = {"bug": "dropped-stitch", "bulb": "pattern-idea", "llama": "misc"}
    data["ambassadors"].update(
        criteria=["Has finished at least one cardigan."],
        offer=["First pick of the yarn swap."],
        commitment=["Host one stitch-along a quarter."],
        cadence="A tea call on the second Thursday.",
        apply="Knit the word AMBASSADOR into a scarf.",
        starting_cohort=7,
    )
    return data


def write_config(directory: Path, data: dict[str, Any] | None = None) -> Path:
    path = directory / "community.yml"
    path.write_text(yaml.safe_dump(data or community_data(), sort_keys=False), encoding="utf-8")
    return path


_BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "td", "th", "tr", "div", "a"})


class _Text(HTMLParser):
    """The visible text of a page's article, as a reader would see it."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._depth = 0
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "article":
            self._depth += 1
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self._depth -= 1
        if tag in _BLOCKS:
            self.parts.append(" ")
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if self._depth and not self._skip:
            self.parts.append(data)


def article_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return " ".join("".join(parser.parts).split())
