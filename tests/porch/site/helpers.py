"""Helpers for the site tests: a community.yml of our own and the text of a built page."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, insert

REPO = Path(__file__).resolve().parents[3]

# Member text that must come out as text, never as markup or a link: an approved showcase
# entry in the store the site is built beside.
HOSTILE_SHOWCASE = {
    "title": "Launch teardown <script>alert('t')</script>",
    "author": "Ada <b>Bold</b>",
    "description": (
        "We cut the form to two fields.\n\n[click me](javascript:alert(1)) {{ community.name }}"
    ),
    "url": "https://ada.example.org/teardown",
    "published": dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC),
}
SITE_TEAM = "T0SITE0001"


def store_with_showcase(
    directory: Path, *shown: dict[str, Any], team_id: str = SITE_TEAM
) -> Engine:
    """A migrated SQLite store in `directory` (porch.db) whose workspace has these approved
    showcase entries (HOSTILE_SHOWCASE's shape), each by a member of that name."""
    from porch.core.store import connect, migrate
    from porch.core.store.schema import members, workspaces
    from porch.features.showcase import entries

    engine = connect(f"sqlite:///{directory / 'porch.db'}")
    migrate(engine)
    with engine.begin() as conn:
        now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
        conn.execute(insert(workspaces).values(team_id=team_id, installed_at=now))
        for number, entry in enumerate(shown):
            author = f"U0AUTHOR{number:02d}"
            conn.execute(
                insert(members).values(
                    team_id=team_id,
                    user_id=author,
                    display_name=entry["author"],
                    is_guest=False,
                    is_deleted=False,
                    updated_at=now,
                )
            )
            entry_id = f"sc-site-{number}"
            entries.create(
                conn,
                team_id=team_id,
                entry_id=entry_id,
                author_id=author,
                title=entry["title"],
                url=entry["url"],
                description=entry["description"],
                source=None,
                now=now,
            )
            entries.change(
                conn,
                team_id=team_id,
                entry_id=entry_id,
                now=now,
                status=entry.get("status", entries.APPROVED),
                published_at=entry["published"],
            )
    return engine


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
