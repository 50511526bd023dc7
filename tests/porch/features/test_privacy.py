"""Privacy, as conversations: a member asks what Porch holds, asks to be forgotten, and then no
table and no worksheet holds their ID, name or words; reconciliation leaves them be; retention
clears exactly what has expired."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import Engine, MetaData, select

from porch.core.domain_events import Newcomer
from porch.core.message_links import item_key
from porch.core.slack_ids import Action
from porch.core.store.schema import activity, forgotten_members, members, tracker_rows
from porch.core.tracker_queue import get_row
from porch.runtime.settings import Settings
from porch.runtime.tracker_sync import sync_once
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace
from sheets_sync.local import LocalTracker
from tests.conftest import config_with

ANAIS = "U0ANAIS001"
BEN = "U0BENJA001"
WIN = "Shipped the Quillon pricing page!"
FEEDBACK = "The onboarding checklist is too long for me"


def everything_stored(engine: Engine) -> str:
    """Every value of every column of every table, reflected from the database itself."""
    reflected = MetaData()
    reflected.reflect(bind=engine)
    values: list[str] = []
    with engine.connect() as conn:
        for table in reflected.sorted_tables:
            for row in conn.execute(select(table)):
                values += [json.dumps(v, ensure_ascii=False, default=str) for v in row]
    return "\n".join(values)


def everything_in_workbook(path: Path) -> str:
    workbook = load_workbook(path)
    return "\n".join(
        str(cell)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
        if cell is not None
    )


def sync_local(workspace: SandboxWorkspace, folder: Path) -> None:
    sync_once(
        engine=workspace.engine,
        config=workspace.config,
        settings=Settings(config_path=folder / "community.yml", database_url="unused"),
        now=workspace.clock.now(),
        tracker=LocalTracker(folder=folder / "tracker", tz=workspace.config.community.tz),
        team_id=workspace.fake.team_id,
    )


def community(workspace: SandboxWorkspace) -> str:
    """Anaïs and Ben join; Anaïs posts a win and feedback, Ben reacts to her win."""
    workspace.join(ANAIS, "anais.q", "Anaïs Quillon")
    workspace.join(BEN, "ben", "Benjamin Oduya")
    win = workspace.say(ANAIS, "wins", WIN)
    workspace.say(ANAIS, "feedback", FEEDBACK)
    workspace.say(ANAIS, "general", f"Hello <@{BEN}>!")
    workspace.react(BEN, "wins", win, "tada", author=ANAIS)
    workspace.say(BEN, "wins", "Ben's own win")
    workspace.settle()
    return win


def click_confirm(workspace: SandboxWorkspace, user_id: str) -> None:
    """The member clicks the button of the ephemeral confirmation (twice: Slack may retry)."""
    channel_id = workspace.fake.channel_id("general")
    response_url = workspace.fake.response_url(channel_id=channel_id, user_id=user_id)
    click = slack.block_actions(
        team_id=workspace.fake.team_id,
        user_id=user_id,
        action_id=Action.FORGET_ME_CONFIRM,
        value="confirm",
        channel_id=channel_id,
        message={"type": "message", "ts": "1796140000.000100", "text": "Erase?"},
        response_url=response_url,
    )
    for _ in range(2):
        assert workspace.sender.interactive(click).status_code == 200
    workspace.settle()


def test_my_data_lists_profile_wins_feedback_and_how_long_each_is_kept(
    workspace: SandboxWorkspace,
):
    community(workspace)

    response = workspace.command(ANAIS, "my-data")

    text = json.dumps(json.loads(response.body), ensure_ascii=False)
    assert "What Porch holds about you" in text
    assert "Anaïs Quillon" in text
    assert WIN in text and FEEDBACK in text
    assert "kept 730 days" in text and "kept 365 days" in text
    assert "> Shipped the Quillon" in text  # wins, feedback excerpts
    assert "Ben" not in text.replace("Benjamin", "")  # only her own data


def test_forget_me_asks_first_then_erases_every_table_and_worksheet(
    workspace: SandboxWorkspace, tmp_path: Path
):
    community(workspace)
    sync_local(workspace, tmp_path)
    workbook = tmp_path / "tracker" / "tracker.xlsx"
    assert WIN in everything_in_workbook(workbook)

    asked = workspace.command(ANAIS, "forget-me")
    assert Action.FORGET_ME_CONFIRM in asked.body.decode()
    assert ANAIS in everything_stored(workspace.engine)  # nothing erased before the click

    click_confirm(workspace, ANAIS)
    sync_local(workspace, tmp_path)

    stored = everything_stored(workspace.engine)
    sheet = everything_in_workbook(workbook)
    for trace in (ANAIS, "anais.q", "Anaïs Quillon", WIN, FEEDBACK, "Quillon"):
        assert trace not in stored, trace
        assert trace not in sheet, trace
    # Ben keeps everything of his own.
    assert BEN in stored and "Benjamin Oduya" in stored
    assert BEN in sheet and "Ben's own win" in sheet
    answers = [p["body"] for p in workspace.fake.hook_posts()]
    assert len(answers) == 1 and "erased" in answers[0]["text"]  # told once, in place


def test_a_forgotten_member_is_not_imported_or_welcomed_again(workspace: SandboxWorkspace):
    community(workspace)
    click_confirm(workspace, ANAIS)
    features = workspace.runtime.porch.features
    anais = Newcomer(ANAIS, "anais.q", "Anaïs Quillon", None, False, False, False)
    now = workspace.clock.now()

    with workspace.engine.begin() as conn:
        team = workspace.fake.team_id
        imported = features.reconcile_members(
            conn, team_id=team, users=[anais], now=now, welcome=False
        )
        welcomed = features.reconcile_members(
            conn, team_id=team, users=[anais], now=now, welcome=True
        )
        marks = conn.execute(select(forgotten_members.c.member_hash)).scalars().all()

    assert imported["skipped"] == 1 and welcomed["skipped"] == 1
    assert len(marks) == 1 and ANAIS not in marks[0]
    assert ANAIS not in everything_stored(workspace.engine)


def test_rejoining_the_workspace_is_a_fresh_start(workspace: SandboxWorkspace):
    community(workspace)
    click_confirm(workspace, ANAIS)
    workspace.event(slack.team_join(workspace.fake.user(ANAIS)))
    with workspace.engine.connect() as conn:
        again = conn.execute(select(members.c.user_id).where(members.c.user_id == ANAIS)).first()
        marks = conn.execute(select(forgotten_members)).all()
    assert again is not None and marks == []


def deactivate(workspace: SandboxWorkspace, user_id: str) -> None:
    user = {**workspace.fake.user(user_id), "deleted": True}
    workspace.event(slack.user_change(user), deliveries=2)


def test_deactivated_members_are_kept_by_default(workspace: SandboxWorkspace):
    community(workspace)
    deactivate(workspace, ANAIS)
    with workspace.engine.connect() as conn:
        row = conn.execute(select(members).where(members.c.user_id == ANAIS)).one()
    assert row.is_deleted and row.real_name == "Anaïs Quillon"


def test_deactivated_members_are_anonymized_when_configured(workspace_factory, config):
    workspace = workspace_factory(config_with(config, privacy={"deactivated": "anonymize"}))
    community(workspace)
    deactivate(workspace, ANAIS)
    assert "Anaïs Quillon" not in everything_stored(workspace.engine)
    with workspace.engine.connect() as conn:
        assert conn.execute(select(forgotten_members)).first() is None


def test_deactivated_members_are_erased_after_the_configured_days(workspace_factory, config):
    workspace = workspace_factory(
        config_with(config, privacy={"deactivated": "erase", "erase_after_days": 30})
    )
    community(workspace)
    deactivate(workspace, ANAIS)
    privacy = workspace.runtime.porch.features.privacy
    start = workspace.clock.now()
    team = workspace.fake.team_id

    privacy.daily(workspace.engine, team, start + dt.timedelta(days=29))
    assert "Anaïs Quillon" in everything_stored(workspace.engine)
    privacy.daily(workspace.engine, team, start + dt.timedelta(days=31))
    stored = everything_stored(workspace.engine)
    assert "Anaïs Quillon" not in stored and ANAIS not in stored


def cells(workspace: SandboxWorkspace, sheet: str, key: str) -> dict[str, Any]:
    with workspace.engine.connect() as conn:
        row = get_row(conn, team_id=workspace.fake.team_id, sheet=sheet, key=key)
    assert row is not None
    return row


def test_retention_clears_exactly_the_text_that_has_expired(workspace_factory, config):
    retention = config.privacy.retention.model_copy(update={"wins": 10, "feedback_excerpt": 20})
    workspace = workspace_factory(config_with(config, privacy={"retention": retention}))
    general = workspace.fake.channel_id
    workspace.join(ANAIS, "anais.q", "Anaïs Quillon")
    start = workspace.clock.now()
    old_win = workspace.say(ANAIS, "wins", "An old win")
    old_feedback = workspace.say(ANAIS, "feedback", "Old feedback")
    workspace.at(start + dt.timedelta(days=5))
    new_win = workspace.say(ANAIS, "wins", "A recent win")
    privacy = workspace.runtime.porch.features.privacy

    counts = privacy.daily(workspace.engine, workspace.fake.team_id, start + dt.timedelta(days=12))

    assert counts["purged:Wins"] == 1 and counts["purged:Feedback"] == 0
    old = cells(workspace, "Wins", item_key(general("wins"), old_win))
    assert old["Win"] == "" and old["Member"] == "anais.q"  # the row stays, its text goes
    assert cells(workspace, "Wins", item_key(general("wins"), new_win))["Win"] == "A recent win"
    feedback = cells(workspace, "Feedback", item_key(general("feedback"), old_feedback))
    assert feedback["Feedback"] == "Old feedback"

    again = privacy.daily(workspace.engine, workspace.fake.team_id, start + dt.timedelta(days=21))
    # The recent win's turn has come; the old one is not counted twice.
    assert again["purged:Wins"] == 1 and again["purged:Feedback"] == 1
    with workspace.engine.connect() as conn:
        queued = conn.execute(select(tracker_rows.c.row_values)).all()
    assert "Old feedback" not in json.dumps([r.row_values for r in queued])


def test_what_a_forgotten_member_does_afterwards_is_not_recorded(workspace: SandboxWorkspace):
    community(workspace)
    click_confirm(workspace, ANAIS)

    workspace.say(ANAIS, "wins", "Another win after leaving Porch")
    workspace.react(ANAIS, "wins", workspace.say(BEN, "wins", "Ben again"), "tada", author=BEN)
    workspace.settle()

    with workspace.engine.connect() as conn:
        tables = [conn.execute(select(t)).all() for t in (members, tracker_rows)]
        tables.append(conn.execute(select(activity)).all())
    kept = json.dumps([[list(r) for r in rows] for rows in tables], default=str)
    assert ANAIS not in kept and "Another win" not in kept
    assert "Ben again" in kept  # everyone else is recorded as before
