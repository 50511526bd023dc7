"""`porch preview` samples for moderation's templates."""

from __future__ import annotations

from porch.core.config import Config
from porch.core.feature import PreviewSample
from porch.core.templating import Mrkdwn, mention
from porch.features.moderation.cases import BUTTONS, LADDER

URL = "https://example.slack.com/archives/C0GENERAL/p1700000000000100"


def previews(config: Config) -> list[PreviewSample]:
    managers = f"#{config.channels.moderators}"
    rule = config.guidelines.rules[0]
    card = {
        "author": mention("U0SAMPLE2"),
        "where": "general",
        "url": URL,
        "words": Mrkdwn("Free crypto giveaway, join t.me/pumpgroup!"),
        "rule": "Crypto pitch",
        "found": "t.me/pumpgroup",
        "guideline": rule.title,
        "guideline_detail": rule.detail,
        "reporters": Mrkdwn(mention("U0SAMPLE3")),
        "reports": 1,
        "earlier_cases": 1,
        "earlier_steps": 0,
        "steps": [],
        "state": "open",
        "cleared_by": "",
        "edited": False,
        "unmatched": False,
        "suggested": BUTTONS["warn"],
        "suggested_step": "warn",
        "buttons": [(step, label) for step, label, _ in LADDER],
        "channel_id": "C0GENERAL",
        "ts": "1700000000.000100",
    }
    handled = {
        **card,
        "steps": [{"name": "Reminder", "decided_by": "U0SAMPLE1", "reason": "First time."}],
    }
    step = {
        "who": mention("U0SAMPLE2"),
        "url": URL,
        "guideline": rule.title,
        "guideline_detail": rule.detail,
    }
    return [
        ("A message a moderation rule matched, reported too", managers, "moderation/card.j2", card),
        (
            "A moderation card once a manager reminded the member",
            managers,
            "moderation/card.j2",
            handled,
        ),
        (
            "After “Report message”",
            "A modal, only the reporter",
            "moderation/thanks.j2",
            {"again": False},
        ),
        (
            "“Report message” on an app's message",
            "A modal, only the reporter",
            "moderation/explain.j2",
            {"problem": "Only members' messages can be reported."},
        ),
        (
            "A ladder step's reason",
            "A modal, managers only",
            "moderation/reason_modal.j2",
            {"step_name": "Reminder", "author": mention("U0SAMPLE2"), "preview": "Hi …"},
        ),
        *[
            (
                f"What the member is told: {name}",
                "A DM to the member",
                "moderation/step.j2",
                {**step, "step": key},
            )
            for key, _, name in LADDER
        ],
        (
            "“Reply with guideline”",
            "A modal, managers only",
            "moderation/guideline_modal.j2",
            {"guidelines": [(r.title, str(n)) for n, r in enumerate(config.guidelines.rules)]},
        ),
        (
            "A guideline, in the message's thread",
            "#general, in the thread",
            "moderation/guideline_reply.j2",
            {"guideline": rule.title, "guideline_detail": rule.detail},
        ),
        (
            "/porch mod history @member",
            "Only visible to the manager",
            "moderation/history.j2",
            {
                "who": mention("U0SAMPLE2"),
                "cases": 2,
                "suggested": "Warn",
                "steps": [
                    {
                        "when": "2026-11-02",
                        "name": "Reminder",
                        "decided_by": "U0SAMPLE1",
                        "reason": "First time.",
                    }
                ],
            },
        ),
    ]
