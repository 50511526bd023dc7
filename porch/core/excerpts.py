"""A member's words, echoed back into Slack safely: decoded, escaped, bounded, cut cleanly.

Message text arrives the way Slack sends it: `&`, `<` and `>` already written as entities and
real mentions or broadcasts as `<@U123>` and `<!channel>`. Echoed as it is, a member's
`<!channel>` would ping a whole channel; escaped again, their "R&D" would show as "R&amp;D".
So the entities are decoded first and the whole text is escaped once, which shows every special
token as the characters the member typed and pings nobody. The bound applies to the escaped
text (what Slack counts against a section's 3,000 characters), and a cut falls between words
with an ellipsis, never inside a word or an entity.
"""

from __future__ import annotations

import re

from porch.core.templating import Mrkdwn, escape

ELLIPSIS = "…"
# A cut may step back this far to reach a space; a longer word is cut where it is.
WORD_SLACK = 40
SPACE = re.compile(r"\s")


def decode(slack_text: str) -> str:
    """Slack's message text as the member typed it (its three entities undone)."""
    return slack_text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def excerpt(slack_text: str, *, limit: int) -> Mrkdwn:
    """The text as safe mrkdwn of at most `limit` characters, cut cleanly when it is longer."""
    plain = decode(slack_text).strip()
    escaped = escape(plain)
    if len(escaped) <= limit:
        return Mrkdwn(escaped)
    budget = limit - len(ELLIPSIS)
    size = 0
    end = 0
    for index, char in enumerate(plain):
        size += len(escape(char))
        if size > budget:
            break
        end = index + 1
    cut = plain[:end]
    space = max((m.start() for m in SPACE.finditer(cut)), default=-1)
    if space > 0 and end - space <= WORD_SLACK:
        cut = cut[:space]
    return Mrkdwn(escape(cut.rstrip(" \t\n,;:-")) + ELLIPSIS)


def chunks(text: str, *, limit: int) -> list[str]:
    """Text split into parts of at most `limit` characters, at line breaks where it can, else
    at spaces, else anywhere (for a message longer than one Block Kit section holds)."""
    parts: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        # One past the bound: a break right after a full part is a break too.
        window = rest[: limit + 1]
        cut = window.rfind("\n")
        if cut <= 0:
            cut = window.rfind(" ")
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts
