"""The program's App Home section: managers see the candidates (with Invite) and the program's
size; an ambassador sees the button to suggest a ritual prompt; any other member with a level
sees it. Managers are those in managers.users (rendering makes no Web API call)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from porch.core.feature import HomeSection
from porch.core.templating import mention
from porch.features.ambassadors.levels import evidence_lines
from porch.features.ambassadors.program import Program
from porch.features.ambassadors.tables import ambassador_levels

TEMPLATE = "ambassadors/_home.j2"
SHOWN = 10


def home_section(program: Program) -> HomeSection:
    def section(conn: Connection, team_id: str, user_id: str) -> dict[str, Any] | None:
        if user_id in program.config.managers.users:
            found = program.candidates(conn, team_id=team_id)
            return {
                "template": TEMPLATE,
                "manager": True,
                "candidates": [
                    {
                        "mention": mention(c["user_id"]),
                        "user_id": c["user_id"],
                        "level": c["level"],
                        "state": c["state"],
                        "evidence": evidence_lines(c["evidence"]),
                    }
                    for c in found[:SHOWN]
                ],
                "more": max(0, len(found) - SHOWN),
                "count": len(program.accepted(conn, team_id)),
                "cap": program.section.max_ambassadors,
            }
        row = program.row(conn, team_id=team_id, user_id=user_id)
        level = conn.execute(
            select(ambassador_levels.c.level).where(
                ambassador_levels.c.team_id == team_id, ambassador_levels.c.user_id == user_id
            )
        ).scalar()
        if row is None and not level:
            return None
        return {
            "template": TEMPLATE,
            "manager": False,
            "ambassador": row is not None and row.state == "accepted",
            "level": program.levels.level_name(level or 0),
            "page": program.page,
        }

    return section
