"""What the site's privacy page (site/privacy.md) shows: the `privacy` section as written, plus
the table of what Porch keeps, why and for how long, from the features' declarations (not the
infrastructure's working copies, which the page describes in prose)."""

from __future__ import annotations

from typing import Any

from porch.core.personal_data import INFRASTRUCTURE
from porch.features.privacy.rights import Privacy, label


def site_context(privacy: Privacy) -> dict[str, Any]:
    return {
        "privacy": {
            **privacy.config.privacy.model_dump(mode="json"),
            "collected": collected(privacy),
        }
    }


def collected(privacy: Privacy) -> list[dict[str, str]]:
    days = privacy.retention_days
    rows = []
    for declared in privacy.declarations:
        if declared in INFRASTRUCTURE:
            continue
        what = label(declared)
        where = " (tracker)" if declared.worksheet else ""
        if declared.retention:
            kept = f"The text is kept {days[declared.retention]} days."
        else:
            kept = "Kept while you are a member, or until you ask for it to be erased."
        rows.append({"what": what + where, "purpose": declared.purpose, "kept": kept})
    return rows
