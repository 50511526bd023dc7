"""What the site's pages use from the showcase: the config (how a submission travels, for the
UGC page) and, when the site is built beside the store, the published entries of that
workspace as cards (the Showcase page). Approved and not withdrawn only: a withdrawn or
erased entry leaves the site at its next build."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import Connection

from porch.core.config import Config
from porch.core.message_links import member_name
from porch.features.showcase import entries
from porch.features.showcase.entries import Entry

SAFE_LINK = re.compile(r"https?://[^\s\"'<>]+", re.IGNORECASE)


def config_context(config: Config) -> dict[str, Any]:
    section = config.showcase
    return {
        **section.model_dump(mode="json"),
        "review_channel": config.channels.showcase,
        "count": 0,
        "html": Markup(""),
    }


def published_context(conn: Connection, config: Config, team_id: str) -> dict[str, Any]:
    found = entries.published(conn, team_id=team_id)
    names = {e.author_id: member_name(conn, team_id=team_id, user_id=e.author_id) for e in found}
    return {**config_context(config), "count": len(found), "html": cards(found, names)}


def cards(found: Sequence[Entry], names: dict[str, str]) -> Markup:
    """Material grid cards as one raw HTML block. Raw HTML keeps member text out of the
    Markdown parser and out of the page templates: it shows as the characters typed."""
    if not found:
        return Markup("")
    items = []
    for entry in found:
        paragraphs = [p for p in re.split(r"\n\s*\n", entry.description.strip()) if p.strip()]
        body = Markup("").join(
            Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in p.splitlines()))
            for p in paragraphs
        )
        byline = Markup("By {}").format(names.get(entry.author_id, entry.author_id))
        if entry.published_at:
            day = entry.published_at
            byline += Markup(", {}").format(f"{day.day} {day:%B %Y}")
        if SAFE_LINK.fullmatch(entry.url):
            byline += Markup(' · <a href="{}" rel="nofollow noopener ugc">See it</a>').format(
                entry.url
            )
        items.append(
            Markup('<li><p class="porch-showcase__title"><strong>{}</strong></p>{}').format(
                entry.title, body
            )
            + Markup('<p class="porch-showcase__by">{}</p></li>').format(byline)
        )
    return Markup('<div class="grid cards porch-showcase"><ul>{}</ul></div>').format(
        Markup("").join(items)
    )
