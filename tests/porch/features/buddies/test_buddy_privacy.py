"""A pairing is both members': the buddy's export and /porch my-data list it as the newcomer's
do, and nobody else's does. Erasing the buddy keeps the newcomer's side: her pairing (unnamed)
and her tracker row, whose Buddy cell is blanked in the store and in the Sheet."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import select

from porch.core import tracker_queue
from porch.features.buddies.tables import buddy_pairings
from porch.features.privacy.rights import Privacy
from porch.runtime.settings import Settings
from porch.runtime.tracker_sync import sync_once
from porch.sandbox.workspace import SandboxWorkspace
from porch.sheets_sync.local import LocalTracker
from tests.conftest import MONDAY_MORNING
from tests.porch.features.buddies.test_journeys import (
    BEN,
    CLO,
    DAY,
    GIA,
    answer,
    buddies_on,
    pairings,
    volunteers,
)
from tests.porch.features.privacy.test_journeys import answer_text, everything_in_workbook


def paired(workspace_factory, config) -> SandboxWorkspace:  # type: ignore[no-untyped-def]
    """Ben and Clo offered; Gia (a designer) joins and is paired with Clo."""
    workspace = workspace_factory(buddies_on(config))
    volunteers(workspace)
    workspace.join(GIA, "Gia")
    answer(workspace, GIA, "Designer")
    workspace.at(MONDAY_MORNING + 11 * DAY + dt.timedelta(minutes=5))
    [pairing] = pairings(workspace)
    assert (pairing.newcomer_id, pairing.buddy_id) == (GIA, CLO)
    return workspace


def privacy(workspace: SandboxWorkspace) -> Privacy:
    features = workspace.runtime.porch.features
    return Privacy(config=workspace.config, declarations=features.personal_data)


def exported_pairings(workspace: SandboxWorkspace, user_id: str) -> list[dict]:
    """What `porch members export USER_ID` prints about buddy pairings."""
    with workspace.engine.connect() as conn:
        data = privacy(workspace).my_data(conn, team_id=workspace.fake.team_id, user_id=user_id)
    return [
        item for part in data["data"] if part["data"] == "buddy_pairings" for item in part["items"]
    ]


def members_row(workspace: SandboxWorkspace, user_id: str) -> dict | None:
    with workspace.engine.connect() as conn:
        return tracker_queue.get_row(
            conn, team_id=workspace.fake.team_id, sheet="Members", key=user_id
        )


def test_the_buddy_export_and_my_data_list_the_pairing_and_nobody_elses(workspace_factory, config):
    workspace = paired(workspace_factory, config)

    [newcomers] = exported_pairings(workspace, GIA)
    [buddys] = exported_pairings(workspace, CLO)
    assert newcomers == buddys
    assert (buddys["newcomer_id"], buddys["buddy_id"], buddys["interests"]) == (
        GIA,
        CLO,
        ["design"],
    )
    assert exported_pairings(workspace, BEN) == []  # a volunteer without a pairing

    for _ in range(2):  # asked twice, answered the same
        text = answer_text(workspace.command(CLO, "my-data"))
        assert "buddy pairings" in text.lower()
    assert "buddy pairings" not in answer_text(workspace.command(BEN, "my-data")).lower()


def test_erasing_the_buddy_blanks_the_newcomers_buddy_cell_and_keeps_her_row(
    workspace_factory, config, tmp_path: Path
):
    workspace = paired(workspace_factory, config)
    tracker = LocalTracker(folder=tmp_path / "tracker", tz=workspace.config.community.tz)
    workbook_path = tmp_path / "tracker" / "tracker.xlsx"

    def sync() -> None:
        sync_once(
            engine=workspace.engine,
            config=workspace.config,
            settings=Settings(config_path=tmp_path / "community.yml", database_url="unused"),
            now=workspace.clock.now(),
            tracker=tracker,
            team_id=workspace.fake.team_id,
        )

    sync()
    before = members_row(workspace, GIA)
    assert before is not None and CLO in before["Buddy"]
    assert CLO in everything_in_workbook(workbook_path)

    for _ in range(2):  # forget-me confirmed twice: the second finds nothing more to do
        with workspace.engine.begin() as conn:
            privacy(workspace).forget(
                conn, team_id=workspace.fake.team_id, user_id=CLO, now=workspace.clock.now()
            )

    after = members_row(workspace, GIA)
    assert after == {**before, "Buddy": ""}  # her row stays, only the mention goes
    assert members_row(workspace, CLO) is None
    [pairing] = pairings(workspace)
    assert (pairing.newcomer_id, pairing.buddy_id, pairing.interests) == (GIA, None, ["design"])
    assert exported_pairings(workspace, CLO) == []
    [hers] = exported_pairings(workspace, GIA)
    assert "buddy_id" not in hers

    sync()
    workbook = everything_in_workbook(workbook_path)
    assert CLO not in workbook, [line for line in workbook.splitlines() if CLO in line]
    assert "Clo (" not in workbook
    assert GIA in workbook and "Gia" in workbook

    # Her next change keeps the row hers and Clo unnamed.
    workspace.at(MONDAY_MORNING + 18 * DAY + dt.timedelta(minutes=20))
    answer(workspace, GIA, "Developer")
    workspace.settle()
    sync()
    row = members_row(workspace, GIA)
    assert row is not None and CLO not in json.dumps(row)
    assert CLO not in everything_in_workbook(workbook_path)
    with workspace.engine.connect() as conn:
        assert conn.execute(select(buddy_pairings.c.buddy_id)).scalars().all() == [None]
