"""A member's buddy data and join answers are theirs: exported and erased like the rest."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, insert, select

from porch.core import personal_records
from porch.core.config import Config
from porch.features.buddies.config import BuddiesConfig
from porch.features.buddies.tables import buddy_pairings, buddy_volunteers
from porch.features.join_paths.tables import join_answers
from tests.porch.features.community import TEAM, Community
from tests.porch.features.join_paths.paths_config import with_paths

GIA, CLO = "U0GIA00001", "U0CLO00001"
NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)


def test_export_and_erasure_cover_pairings_choices_and_answers(engine: Engine, config: Config):
    config = with_paths(config).model_copy(update={"buddies": BuddiesConfig(enabled=True)})
    community = Community(engine, config, NOW, running=())
    community.member(GIA, "Gia")
    community.member(CLO, "Clo")
    with engine.begin() as conn:
        conn.execute(
            insert(join_answers).values(
                team_id=TEAM,
                user_id=GIA,
                answers={"role": ["Designer"]},
                free_text="I draw",
                paths=["design"],
                steps_done=[],
                answered_at=NOW,
                updated_at=NOW,
            )
        )
        conn.execute(
            insert(buddy_volunteers).values(
                team_id=TEAM, user_id=CLO, available=True, changed_at=NOW
            )
        )
        conn.execute(
            insert(buddy_pairings).values(
                team_id=TEAM,
                newcomer_id=GIA,
                buddy_id=CLO,
                interests=["design"],
                paired_at=NOW,
                check_in_due=NOW,
            )
        )
    declared = community.features.personal_data

    def exported(user_id: str) -> set[str]:
        with engine.connect() as conn:
            found = personal_records.gather(
                conn, team_id=TEAM, user_id=user_id, declarations=declared, retention_days={}
            )
        return {part["data"] for part in found}

    assert {"join_answers", "buddy_pairings"} <= exported(GIA)
    assert "buddy_volunteers" in exported(CLO)

    with engine.begin() as conn:  # the buddy goes: the pairing stays the newcomer's, unnamed
        personal_records.erase(conn, team_id=TEAM, user_id=CLO, declarations=declared, now=NOW)
    with engine.connect() as conn:
        assert conn.execute(select(buddy_pairings.c.buddy_id)).scalars().all() == [None]
        assert conn.execute(select(buddy_volunteers)).all() == []
    with engine.begin() as conn:
        personal_records.erase(conn, team_id=TEAM, user_id=GIA, declarations=declared, now=NOW)
    with engine.connect() as conn:
        for table in (join_answers, buddy_pairings):
            assert conn.execute(select(table)).all() == [], table.name
