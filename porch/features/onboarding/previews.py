"""`porch preview`: the messages onboarding, introductions and follow-ups send, with sample
data (the preview adds the community, its links and a sample member, Ana)."""

from __future__ import annotations

import datetime as dt

from porch.core.config import Config
from porch.core.feature import PreviewSample
from porch.core.templating import Mrkdwn, mention
from porch.features.onboarding.follow_ups import next_rituals

# The newcomers tagged in the sample introductions thread (the preview shows them by name).
TAGGED = ("U0SAMPLE1", "U0SAMPLE2", "U0SAMPLE3")
# The quiet note as it would go out on a Friday afternoon, 23 days after the member was seen.
QUIET_NOTE_AT = dt.datetime(2026, 11, 27, 14, 30, tzinfo=dt.UTC)
QUIET_DAYS = 23


def previews(config: Config) -> list[PreviewSample]:
    manager = config.managers.users[0] if config.managers.users else "U0MANAGER"
    follow_ups = config.onboarding.follow_ups
    moderators = f"#{config.channels.moderators}"
    introductions = f"#{config.channels.introductions}"
    return [
        (
            "Welcome DM",
            "Direct message",
            "onboarding/welcome_dm.j2",
            {"personal_note": None, "sent_by": None},
        ),
        (
            "Welcome DM, personalised by a manager",
            "Direct message",
            "onboarding/welcome_dm.j2",
            {
                "personal_note": "Hi Ana! Great to have you here. Your launch post last week "
                "was brilliant: come tell us what is next.",
                "sent_by": manager,
            },
        ),
        ("Warm welcome card", moderators, "onboarding/warm_welcome_card.j2", {}),
        (
            "Warm welcome card, after sending",
            moderators,
            "onboarding/warm_welcome_done.j2",
            {"manager": mention(manager)},
        ),
        ("Personalise the welcome", "Modal", "onboarding/personalise_modal.j2", {}),
        (
            "Personalise, sent empty",
            "Modal, under the note",
            "onboarding/personalise_empty.j2",
            {},
        ),
        ("Introductions thread", introductions, "onboarding/intro_thread.j2", {}),
        (
            "Newcomers tagged in the thread",
            f"{introductions}, in the thread",
            "onboarding/intro_mentions.j2",
            {"mentions": Mrkdwn(" ".join(mention(u) for u in TAGGED)), "count": len(TAGGED)},
        ),
        (
            f"Nudge after {follow_ups.nudge_after_days} days without an introduction",
            "Direct message",
            "onboarding/nudge_introduce.j2",
            {},
        ),
        *(
            (
                f"Check-in after {days} days",
                "Direct message",
                "onboarding/check_in.j2",
                {"days": days},
            )
            for days in follow_ups.check_in_days
        ),
        (
            f"Not active for {follow_ups.inactive_after_days} days or more",
            "Direct message",
            "onboarding/inactive.j2",
            {
                "days": max(QUIET_DAYS, follow_ups.inactive_after_days),
                "rituals": next_rituals(config, QUIET_NOTE_AT),
            },
        ),
        (
            "/porch welcome",
            "Only visible to the manager",
            "onboarding/command_welcome_sent.j2",
            {"users": ["U0SAMPLE1"], "count": 1},
        ),
    ]
