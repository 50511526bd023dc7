"""The weekly scorecard, as conversations over HTTP: four simulated weeks of a small community,
the scorecard the managers get every Monday (checked against figures worked out by hand), once
however many replicas run, and the decision recorded once however often it is submitted."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from sqlalchemy import func, select

from porch.core.store.schema import effects, tracker_rows
from porch.features.sprint.ids import Action, Input, View
from porch.features.sprint.tables import sprint_decisions
from porch.sandbox import slack_requests as slack
from porch.sandbox.workspace import SandboxWorkspace

UTC = dt.UTC
# Ten members, all joining on Monday 2 November (the sandbox's first morning, week 2026-W45).
MEMBERS = [f"U0MEMBER{n:02d}" for n in range(10)]
A, B, C, D = MEMBERS[:4]
WEEKS = ("2026-W45", "2026-W46", "2026-W47", "2026-W48")
# Monday of each week; the scorecard of a week is posted the Monday after, 09:00 in Berlin.
MONDAYS = [dt.date(2026, 11, 2) + dt.timedelta(weeks=n) for n in range(5)]

# What a member does: (user, day of the week 0-6, "post" or "reply").
Act = tuple[str, int, str]


def at_noon(monday: dt.date, day: int) -> dt.datetime:
    return dt.datetime.combine(monday + dt.timedelta(days=day), dt.time(12), tzinfo=UTC)


def scorecard_time(monday: dt.date) -> dt.datetime:
    return dt.datetime.combine(monday, dt.time(8, 0), tzinfo=UTC)  # 09:00 in Berlin


def play_week(workspace: SandboxWorkspace, monday: dt.date, acts: Sequence[Act]) -> None:
    """One week: every post on its day at noon; every reply answers that week's first post."""
    parent = None
    for user, day, kind in sorted(acts, key=lambda act: act[1]):
        workspace.at(at_noon(monday, day))
        if kind == "post" or parent is None:
            ts = workspace.say(user, "general", f"What did you ship, {user}?")
            parent = parent or ts
        else:
            workspace.say(user, "general", "Shipped the pricing page.", thread_ts=parent)


def scorecards(workspace: SandboxWorkspace) -> list[str]:
    channel = workspace.fake.channel_id(workspace.config.channels.moderators)
    return [text(m) for m in workspace.fake.messages(channel) if "Weekly scorecard" in m["text"]]


def text(message: dict) -> str:
    parts = [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]
    parts += [e["text"] for b in message["blocks"] if b["type"] == "context" for e in b["elements"]]
    return "\n".join(parts)


def four_weeks(workspace: SandboxWorkspace, weeks: Sequence[Sequence[Act]]) -> list[str]:
    for user in MEMBERS:
        workspace.join(user, user[-4:].title())
    for monday, acts in zip(MONDAYS[:4], weeks, strict=True):
        play_week(workspace, monday, acts)
    workspace.at(scorecard_time(MONDAYS[4]))
    return scorecards(workspace)


# Rising: each week one more returning engager (a member seen on two days of the last 30) and
# one more reply. Ten members: replies per 1,000 members = replies x 100.
RISING = [
    [(A, 0, "post"), (A, 1, "post"), (B, 1, "reply")],  # returning: A -> 1; replies 1 -> 100
    [(B, 2, "post"), (C, 2, "reply"), (A, 3, "reply")],  # A, B -> 2; replies 2 -> 200
    [(C, 0, "post"), (D, 0, "reply"), (A, 1, "reply"), (B, 1, "reply")],  # A, B, C -> 3; 300
    [(D, 1, "post"), (A, 2, "reply"), (B, 2, "reply"), (C, 3, "reply"), (A, 3, "reply")],
    # A, B, C, D -> 4; replies 4 -> 400
]

# Flat, then falling: A is the only returning engager throughout; replies 2, 2, 1, 1.
FLAT = [
    [(A, 0, "post"), (B, 0, "reply"), (C, 0, "reply"), (A, 1, "post")],  # 1; 200
    [(A, 0, "post"), (A, 1, "reply"), (A, 2, "reply")],  # 1; 200
    [(A, 0, "post"), (A, 1, "reply")],  # 1; 100
    [(A, 0, "post"), (A, 2, "reply")],  # 1; 100
]


def test_rising_figures_two_weeks_running_keep_the_rituals(workspace_factory, config):
    workspace = workspace_factory(config)
    cards = four_weeks(workspace, RISING)

    assert len(cards) == 4  # one a Monday, for the week that ended
    assert "2026-W45" in cards[0] and "too early to call" in cards[0]
    assert "Porch has measured 1 so far" in cards[0]
    assert "Porch has measured 2 so far" in cards[1]
    assert "Returning engagers*: – → – → 1" in cards[0]
    assert "Returning engagers*: – → 1 → 2 (▲)" in cards[1]
    assert "Replies per 1,000 members*: – → 100 → 200 (▲)" in cards[1]

    week47, week48 = cards[2], cards[3]
    assert "Weekly scorecard, 2026-W47" in week47
    assert "Returning engagers*: 1 → 2 → 3 (▲ ▲)" in week47
    assert "Replies per 1,000 members*: 100 → 200 → 300 (▲ ▲)" in week47
    assert "Reactions per 1,000 members*: 0 → 0 → 0 (= =)" in week47
    assert (
        "Verdict: keep the same rituals for another month.* Returning engagers went 1 → 2 → 3 "
        "and replies per 1,000 members 100 → 200 → 300: both rose two weeks running."
    ) in week47
    assert "Returning engagers*: 2 → 3 → 4 (▲ ▲)" in week48
    assert "Replies per 1,000 members*: 200 → 300 → 400 (▲ ▲)" in week48
    assert "Verdict: keep the same rituals" in week48


def test_flat_and_falling_figures_narrow_the_topic(workspace_factory, config):
    workspace = workspace_factory(config)
    cards = four_weeks(workspace, FLAT)

    week47, week48 = cards[2], cards[3]
    assert "Returning engagers*: 1 → 1 → 1 (= =)" in week47
    assert "Replies per 1,000 members*: 200 → 200 → 100 (= ▼)" in week47
    assert (
        "Verdict: narrow the topic and run fewer formats, then test again.* Returning engagers "
        "went 1 → 1 → 1 and replies per 1,000 members 200 → 200 → 100: neither has gone up in "
        "two weeks."
    ) in week47
    assert "Replies per 1,000 members*: 200 → 100 → 100 (▼ =)" in week48
    assert "Verdict: narrow the topic" in week48


def test_one_scorecard_a_week_across_replicas_and_restarts(workspace_factory, config):
    first = workspace_factory(config)
    for user in MEMBERS[:3]:
        first.join(user, user[-4:].title())
    replicas = [first]
    for monday in MONDAYS[1:4]:
        moment = scorecard_time(monday) + dt.timedelta(minutes=5)
        # A second replica on the same store, started (a restart) at the scorecard's time.
        second = workspace_factory(config, at=moment)
        replicas.append(second)
        for replica in (first, second, first):
            replica.at(moment)
        second.at(moment + dt.timedelta(hours=2))
    with first.engine.connect() as conn:
        keys = conn.scalars(
            select(effects.c.effect_key).where(effects.c.effect_key.like("sprint-scorecard:%"))
        ).all()
    assert sorted(keys) == [f"sprint-scorecard:{week}" for week in WEEKS[:3]]
    posted = [card for replica in replicas for card in scorecards(replica)]
    assert sorted(card.split("\n")[0] for card in posted) == [
        f":bar_chart: *Weekly scorecard, {week}*" for week in WEEKS[:3]
    ]


def decide(workspace: SandboxWorkspace, user: str, week: str, note: str):
    return workspace.sender.interactive(
        slack.view_submission(
            team_id=workspace.fake.team_id,
            user_id=user,
            callback_id=View.SPRINT_DECISION,
            values={Input.SPRINT_DECISION_NOTE: {Input.SPRINT_DECISION_NOTE: note}},
            private_metadata=json.dumps({"week": week, "choice": "narrow"}),
        )
    )


def test_a_decision_recorded_twice_is_one_row(workspace_factory, config):
    workspace = workspace_factory(config)
    four_weeks(workspace, FLAT)
    manager = workspace.manager

    workspace.click(A, Action.SPRINT_DECIDE_NARROW, value="2026-W47")  # not a manager
    assert workspace.fake.opened_views() == []
    workspace.click(manager, Action.SPRINT_DECIDE_NARROW, value="2026-W47")
    [opened] = workspace.fake.opened_views()
    assert "Narrow the topic" in str(opened["view"]["blocks"])

    refused = decide(workspace, A, "2026-W47", "Members only")
    assert json.loads(refused.text)["response_action"] == "errors"
    empty = decide(workspace, manager, "2026-W47", "  ")
    assert Input.SPRINT_DECISION_NOTE in json.loads(empty.text)["errors"]

    note = "Only Friday wins <!channel>, about pricing & launch."
    for _ in range(2):
        assert decide(workspace, manager, "2026-W47", note).status_code == 200
    workspace.settle()

    with workspace.engine.connect() as conn:
        rows = conn.execute(select(sprint_decisions)).all()
        sheet = (
            conn.execute(
                select(tracker_rows.c.row_values).where(tracker_rows.c.sheet == "Decisions")
            )
            .scalars()
            .all()
        )
    assert [(r.week, r.choice, r.decided_by) for r in rows] == [("2026-W47", "narrow", manager)]
    [row] = sheet
    assert row["Decision"] == "Narrow the topic" and row["Rule's verdict"] == "narrow"
    assert row["Returning engagers (3 weeks)"] == "1 → 1 → 1"

    channel = workspace.fake.channel_id(workspace.config.channels.moderators)
    recorded = [
        text(m)
        for m in workspace.fake.messages(channel)
        if "recorded the decision" in m["text"] or "recorded the decision" in text(m)
    ]
    assert len(recorded) == 1
    assert "&lt;!channel&gt;" in recorded[0] and "<!channel>" not in recorded[0]

    workspace.open_home(manager)
    workspace.settle()
    home = str(workspace.fake.home_view(manager))
    assert "This week's scorecard (2026-W48)" in home
    workspace.open_home(A)
    workspace.settle()
    assert "scorecard" not in str(workspace.fake.home_view(A))


def test_a_week_without_a_scorecard_is_a_bad_request(workspace_factory, config):
    workspace = workspace_factory(config)
    response = workspace.sender.interactive(
        slack.block_actions(
            team_id=workspace.fake.team_id,
            user_id=workspace.manager,
            action_id=Action.SPRINT_DECIDE_KEEP,
            value="2025-W01",
        )
    )
    assert response.status_code == 400
    with workspace.engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(sprint_decisions)) == 0
