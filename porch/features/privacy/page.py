"""What the site's privacy page (site/privacy.md) shows: the `privacy` section as written, plus
what Porch keeps, why and for how long, from the features' declarations (not the
infrastructure's working copies, which the page describes in prose).

Every sentence on the page that lists kinds of data comes from here, so a feature that starts
keeping a member's words is on the page the moment it declares them (PersonalData.text_columns):
the table (`collected`), the words kept and when they are cleared (`words`), and what goes to
the tracker (`tracker`)."""

from __future__ import annotations

from typing import Any

from porch.core.feature import PersonalData
from porch.core.personal_data import INFRASTRUCTURE
from porch.features.privacy.rights import Privacy, label


def site_context(privacy: Privacy) -> dict[str, Any]:
    return {
        "privacy": {
            **privacy.config.privacy.model_dump(mode="json"),
            "collected": collected(privacy),
            "words": words(privacy),
            "tracker": tracker(privacy),
        }
    }


def _member_facing(privacy: Privacy) -> list[PersonalData]:
    return [declared for declared in privacy.declarations if declared not in INFRASTRUCTURE]


def what(declared: PersonalData) -> str:
    """What a member calls it, e.g. "Your feedback" or "Wins (tracker)" (the same name
    /porch my-data uses)."""
    return label(declared) + (" (tracker)" if declared.worksheet else "")


def _kept(privacy: Privacy, declared: PersonalData) -> str:
    if declared.retention:
        return f"The text is kept {privacy.retention_days[declared.retention]} days."
    return "Kept while you are a member, or until you ask for it to be erased."


def collected(privacy: Privacy) -> list[dict[str, str]]:
    return [
        {"what": what(declared), "purpose": declared.purpose, "kept": _kept(privacy, declared)}
        for declared in _member_facing(privacy)
    ]


def words(privacy: Privacy) -> list[dict[str, str]]:
    """Everything that keeps names or words someone wrote (its text columns), and for how long."""
    rows = []
    for declared in _member_facing(privacy):
        if not declared.text_columns:
            continue
        if declared.retention:
            kept = f"cleared after {privacy.retention_days[declared.retention]} days"
        else:
            kept = "kept while you are a member, or until you ask for them to be erased"
        rows.append({"what": what(declared), "kept": kept})
    return rows


def tracker(privacy: Privacy) -> list[str]:
    """The worksheets of the managers' tracker that hold a member's rows, in declaration order."""
    return [declared.worksheet for declared in _member_facing(privacy) if declared.worksheet]
