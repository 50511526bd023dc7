"""`porch demo`, the README's first command, tells the whole story and writes every output."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path


def test_the_demo_shows_a_welcome_the_thread_mention_an_introduction_and_a_nudge(demo):
    output, _ = demo
    assert "DM to Ana · Indie Makers Circle bot" in output
    assert "Welcome to Indie Makers Circle, Ana!" in output
    assert "Welcome @Ana @Ben!" in output  # tagged together in the introductions thread
    assert "#introductions (thread) · Ana" in output
    assert "The bot reacts :wave: to Ana's message" in output
    assert "Hi Ben, you joined Indie Makers Circle a few days ago" in output


def test_the_demo_welcomes_each_newcomer_once_and_skips_bots_and_guests(demo):
    output, _ = demo
    assert output.count("Welcome to Indie Makers Circle, Ben!") == 1
    assert "DM to Deploy Bot" not in output and "DM to Gus" not in output
    assert "DM to Dana" not in output  # imported at install, not welcomed
    assert "Welcome to Indie Makers Circle, Farid!" in output  # found by reconciliation


def test_the_demo_shows_a_members_reply_answered_by_a_manager(demo):
    output, _ = demo
    question = "Is there somewhere I can get feedback on my onboarding emails"
    assert "DM to Porch · Ana" in output
    assert output.count(question) == 2  # her DM, and one card though Slack delivered it twice
    assert "Ana wrote to Porch" in output
    answer = "Hi Ana! Post them in #feedback on Friday"
    assert output.count(answer) == 2  # Sam's reply in the thread, and the DM Ana gets
    assert "DM to Ana · Indie Makers Circle bot\n    " + answer in output
    assert "Dana offered to review emails" in output  # the internal note, shown in the thread
    assert output.count("Dana offered to review emails") == 1  # ...and never sent to Ana
    assert "Closed by @Sam" in output


def test_the_demo_escapes_member_names(demo):
    _, out = demo
    transcript = (out / "transcript.txt").read_text()
    assert "Chloé <!channel>" in transcript  # shown as text, escaped in Slack


def test_the_demo_writes_the_transcript_tracker_and_site(demo):
    output, out = demo
    assert (out / "transcript.txt").exists()
    assert (out / "porch.db").exists()
    assert "tracker" in output and "site" in output
    assert any((out / "tracker").iterdir())


def test_the_narrated_counts_match_the_store_and_the_transcript(demo):
    output, out = demo
    with contextlib.closing(sqlite3.connect(out / "porch.db")) as conn:
        imported = conn.execute(
            "SELECT count(*) FROM members WHERE joined_via = 'import'"
        ).fetchone()[0]
    assert f"the {imported} members already in the workspace" in output
    assert "Reconciliation finds 1 member to welcome." in output
    assert output.count("Welcome to Indie Makers Circle, Farid!") == 1
    month = output[output.index("A month in:") : output.index("Spotlight for November 2026: draft")]
    assert "Hi Ana, it has been 30 days" in month
    assert "Hi Chloé <!channel>, we have not seen you" in month
    assert "Hi Farid, we have not seen you" in month
    assert "Ben" not in month.split(")", 1)[1]  # opted out: nothing for him


def test_the_months_spotlight_is_drafted_for_the_managers_and_posted_once(demo):
    output, _ = demo
    draft = output.index("#community-team · Indie Makers Circle bot\n    ✨ Spotlight for November")
    assert "@Ben: score 3.5. 1 reply to others, 1 reaction received, 1 first answer" in output
    assert output.count("#general · Indie Makers Circle bot\n    ✨ Spotlight for November") == 1
    assert output.index("Sam approves it") > draft


def test_the_outputs_are_listed_with_absolute_paths(demo):
    output, _ = demo
    listed = output[output.index("Outputs") :].splitlines()[1:]
    labels = [line.split()[0] for line in listed if line.strip()]
    assert labels == ["transcript", "database", "tracker", "site"]
    for line in listed:
        if line.strip():
            assert Path(line.split(maxsplit=1)[1]).is_absolute(), line


def test_the_demo_database_is_one_self_contained_file(demo, tmp_path: Path):
    _, out = demo
    wal = out / "porch.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    copy = tmp_path / "porch.db"
    shutil.copyfile(out / "porch.db", copy)  # the file alone, without any -wal or -shm
    with contextlib.closing(sqlite3.connect(copy)) as conn:
        names = {row[0] for row in conn.execute("SELECT user_id FROM members")}
    assert {"U0ANA00001", "U0BEN00001", "U0CHLOE001", "U0FARID001"} <= names


def test_the_demo_shows_a_goals_thread_a_wins_thread_and_its_recap(demo):
    output, _ = demo
    assert output.count("#general · Indie Makers Circle bot\n    Monday goals") >= 1
    assert "#general (thread) · Dana\n    Ship the onboarding emails" in output
    assert output.count("#wins · Indie Makers Circle bot\n    Friday wins\n") == 1
    recap = "Friday wins recap: 4 members took part, 2 of them new here"
    assert output.count(recap + ".") == 1  # in the thread
    assert output.count(recap + " (see the thread).") == 1  # in the channel
    # Ana's first win (she is new) outranks Eli's, which has more reactions.
    featured = output.split(recap + ".", 1)[1]
    assert featured.index("@Ana: Did my 5 customer calls") < featured.index("@Eli: Closed")


def test_the_demo_ends_with_the_health_report(demo):
    output, _ = demo
    story = output[: output.index("Outputs")]
    report = story[story.index("Sam runs `porch report`") :]
    assert "Community Health Score" in report
    # Dana's question was answered by Eli 40 minutes later.
    assert "Time to first response, median" in report and "40 min" in report
    assert "Status: Healthy" in report  # the band of the score (82.8)
