"""Privacy, as conversations through the real endpoint: a member asks what Porch holds
(/porch my-data), asks to be forgotten (/porch forget-me, then the button), and then no table and
no worksheet holds their ID, name or words; reconciliation, a rejoin and their later messages
are handled as a forgotten member's. (The domain on its own: test_rights.py.)"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from sqlalchemy import Engine, MetaData, select

from porch.core.mrkdwn_html import block_texts
from porch.core.store.schema import activity, forgotten_members, members, tracker_rows
from porch.features.privacy.answers import member_view
from porch.features.privacy.ids import Action
from porch.features.privacy.rights import Privacy
from porch.runtime.settings import Settings
from porch.runtime.tracker_sync import sync_once
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace
from porch.sheets_sync.local import LocalTracker

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


def forget(workspace: SandboxWorkspace, user_id: str) -> None:
    """Erase the member in the store, as the confirmation button does (its HTTP scenario is
    test_forget_me_asks_first_then_erases_every_table_and_worksheet)."""
    features = workspace.runtime.porch.features
    privacy = Privacy(config=workspace.config, declarations=features.personal_data)
    with workspace.engine.begin() as conn:
        privacy.forget(
            conn, team_id=workspace.fake.team_id, user_id=user_id, now=workspace.clock.now()
        )


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


def answer_text(response) -> str:
    answer = json.loads(response.body)
    return "\n".join(block_texts(answer.get("blocks"), answer["text"]))


def test_my_data_reads_in_plain_words_and_in_the_members_own_timezone(
    workspace: SandboxWorkspace,
):
    # She joins at 09:00 UTC on 2 November: still 1 November in Honolulu.
    workspace.join("U0KAI00001", "kai", "Kai Akana", tz="Pacific/Honolulu")
    workspace.say("U0KAI00001", "wins", "Shipped my first page")
    workspace.settle()

    text = answer_text(workspace.command("U0KAI00001", "my-data"))

    assert "You joined on 1 November 2026." in text
    assert "Your timezone: Pacific/Honolulu" in text
    assert "Your name: Kai Akana (kai)" in text
    for jargon in ("tz ", "team_join", "joined via", "Working copies", "_at", "UTC"):
        assert jargon not in text, jargon
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)  # no ISO dates or times
    assert "porch members" not in text and "export" not in text  # no CLI command
    assert "`/porch forget-me`" in text  # what the member can do themselves
    # Each kind of data by the name its declaration gives it, never a table's name.
    assert "*Your activity*" in text and "Activity*" not in text


def test_my_data_dates_fall_back_to_the_community_timezone():
    summary = {
        "profile": {"display_name": "kai", "joined_at": "2026-11-02T09:00:00+00:00"},
        "data": [],
    }
    view = member_view(summary, declarations=[], community_tz=ZoneInfo("Pacific/Honolulu"))
    assert view["profile"]["joined"] == "1 November 2026"
    assert view["profile"]["timezone"] == "Pacific/Honolulu"
    assert not view["profile"]["timezone_is_yours"]
    naive = {"profile": {"joined_at": dt.datetime(2026, 11, 2, 9)}, "data": []}
    assert (
        member_view(naive, declarations=[], community_tz=ZoneInfo("UTC"))["profile"]["joined"]
        == "2 November 2026"
    )


def test_the_forget_me_question_says_plainly_what_happens(workspace: SandboxWorkspace):
    community(workspace)

    text = answer_text(workspace.command(ANAIS, "forget-me"))

    assert "right away" in text
    assert "From then on Porch does not record you" in text
    assert "leave the workspace and join it again" in text and "start afresh" in text
    assert "will not import or welcome you again" not in text  # the old, self-contradicting line


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
    team = workspace.runtime.team_id
    before = workspace.runtime.reconcile(team_id=team, welcome=False)  # everyone else known
    forget(workspace, ANAIS)

    imported = workspace.runtime.reconcile(team_id=team, welcome=False)
    welcomed = workspace.runtime.reconcile(team_id=team)
    with workspace.engine.connect() as conn:
        marks = conn.execute(select(forgotten_members.c.member_hash)).scalars().all()

    for counts in (imported, welcomed):  # Anaïs is skipped, no longer known
        assert counts["skipped"] == before["skipped"] + 1
        assert counts["known"] == before["known"] + before["recorded"] - 1
        assert counts["recorded"] == 0 and counts["welcomed"] == 0
    assert len(marks) == 1 and ANAIS not in marks[0]
    assert ANAIS not in everything_stored(workspace.engine)


def test_rejoining_the_workspace_is_a_fresh_start(workspace: SandboxWorkspace):
    community(workspace)
    forget(workspace, ANAIS)
    workspace.event(slack.team_join(workspace.fake.user(ANAIS)))
    with workspace.engine.connect() as conn:
        again = conn.execute(select(members.c.user_id).where(members.c.user_id == ANAIS)).first()
        marks = conn.execute(select(forgotten_members)).all()
    assert again is not None and marks == []


def test_what_a_forgotten_member_does_afterwards_is_not_recorded(workspace: SandboxWorkspace):
    community(workspace)
    forget(workspace, ANAIS)

    workspace.say(ANAIS, "wins", "Another win after leaving Porch")
    workspace.react(ANAIS, "wins", workspace.say(BEN, "wins", "Ben again"), "tada", author=BEN)
    workspace.settle()

    with workspace.engine.connect() as conn:
        tables = [conn.execute(select(t)).all() for t in (members, tracker_rows)]
        tables.append(conn.execute(select(activity)).all())
    kept = json.dumps([[list(r) for r in rows] for rows in tables], default=str)
    assert ANAIS not in kept and "Another win" not in kept
    assert "Ben again" in kept  # everyone else is recorded as before
