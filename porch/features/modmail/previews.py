"""Sample contexts for the replies inbox's templates in `porch preview`: a member's DM as a
card, the thread, the answer, the acknowledgement."""

from __future__ import annotations

from typing import Any

from porch.core.config import Config
from porch.core.excerpts import excerpt
from porch.core.feature import PreviewSample
from porch.core.templating import Mrkdwn, mention


def samples(*, config: Config) -> list[PreviewSample]:
    manager = config.managers.users[0] if config.managers.users else "U0MANAGER"
    managers_channel = f"#{config.channels.moderators}"
    card: dict[str, Any] = {
        "conversation_id": 1,
        "member_name": "Ana",
        "profile": "https://example.slack.com/team/U0SAMPLE1",
        "joined": "02 Nov 2026",
        "onboarding": "Welcomed, checklist 2 of 4",
        "excerpt": excerpt("Hi! Is there a place to get feedback on a pricing page?", limit=500),
        "opened": "04 Nov 2026, 10:12",
        "answered_by": None,
        "answered_at": "",
        "closed_by": None,
        "closed_at": "",
    }
    answered = {
        **card,
        "answered_by": mention(manager),
        "answered_at": "04 Nov 2026, 10:40",
        "closed_by": mention(manager),
        "closed_at": "04 Nov 2026, 11:05",
    }
    reply = "Hi Ana! Post it in #feedback with a screenshot: Friday is review day."
    return [
        ("A member wrote to Porch", managers_channel, "modmail/card.j2", card),
        ("The member's card, answered and closed", managers_channel, "modmail/card.j2", answered),
        (
            "The member wrote again",
            f"{managers_channel}, in the card's thread",
            "modmail/relay.j2",
            {"member_name": "Ana", "excerpt": excerpt("Also: may I share a Figma link?", limit=99)},
        ),
        ("Message received (once per conversation)", "Direct message", "modmail/ack.j2", {}),
        (
            "A manager's answer",
            "Direct message",
            "modmail/reply.j2",
            {"parts": [Mrkdwn(reply)], "manager": mention(manager)},
        ),
    ]
