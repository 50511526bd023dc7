"""`porch preview`: the showcase's messages with sample data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from porch.core.feature import PreviewSample
from porch.core.templating import Mrkdwn, mention
from porch.features.showcase.submissions import NOT_YOURS

if TYPE_CHECKING:
    from porch.features.showcase.showcase import Showcase


def samples(showcase: Showcase) -> list[PreviewSample]:
    review = f"#{showcase.config.channels.showcase}"
    public = f"#{showcase.public_channel}"
    entry: dict[str, Any] = {
        "entry_id": "sc-sample",
        "author_id": "U0SAMPLE2",
        "title": "How I cut onboarding to two fields",
        "url": "https://example.org/onboarding-teardown",
        "description": "A teardown of our sign-up form.",
        "status": "pending",
        "label": "Pending review",
        "reviewer_id": "",
        "withdrawable": True,
    }
    approved = {**entry, "status": "approved", "label": "Approved", "reviewer_id": "U0SAMPLE1"}
    context = {
        "entry": entry,
        "author_name": "Dana",
        "description": Mrkdwn("A teardown of our sign-up form: what we cut and what it did."),
        "post_in": showcase.public_channel,
    }
    return [
        (
            "A hashtag in a member's message: the private suggestion",
            "Only visible to the member",
            "showcase/suggest.j2",
            {"hashtag": "#showcase", "source": "C0GENERAL1 1700000000.000100"},
        ),
        (
            "The Submit to showcase form",
            "A modal",
            "showcase/modal.j2",
            {
                "community_name": showcase.config.community.name,
                "post_in": showcase.public_channel,
                "title": "",
                "url": "https://example.org/onboarding-teardown",
                "description": "",
            },
        ),
        ("A submission, for review", review, "showcase/card.j2", context),
        ("A submission, approved", review, "showcase/card.j2", {**context, "entry": approved}),
        (
            "Approved work, with credit",
            public,
            "showcase/featured.j2",
            {**context, "entry": approved},
        ),
        ("The author's confirmation", "DM to the member", "showcase/received.j2", context),
        (
            "The author hears: approved",
            "DM to the member",
            "showcase/told.j2",
            {**context, "entry": approved},
        ),
        (
            "The author hears: changes requested",
            "DM to the member",
            "showcase/told.j2",
            {**context, "entry": {**approved, "status": "changes", "label": "Changes requested"}},
        ),
        (
            "The author hears: not featured",
            "DM to the member",
            "showcase/told.j2",
            {**context, "entry": {**approved, "status": "rejected", "label": "Rejected"}},
        ),
        (
            "Submit to showcase, on someone else's message",
            "A modal",
            "showcase/explain.j2",
            {"problem": NOT_YOURS},
        ),
        ("A withdrawn showcase post", public, "showcase/withdrawn.j2", context),
        (
            "A member's reply about a showcase entry",
            "Only visible to the member",
            "showcase/answer.j2",
            {"text": Mrkdwn(f"{mention('U0SAMPLE2')} withdrew it.")},
        ),
    ]
