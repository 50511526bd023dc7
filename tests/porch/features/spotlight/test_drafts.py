"""The monthly spotlight's domain against a real store: the draft is made once at its moment
and never names a manager; one decision wins (approve, skip or edit); the public post is
recorded once, with the managers' words. The worker is a RecordingDelivery."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from porch.core import activity_log, channel_directory
from porch.core.config import Config
from porch.features.registry import build_features, templates
from porch.features.spotlight.drafts import Spotlight
from porch.features.spotlight.tables import spotlight_picks, spotlights
from tests.porch.features.recording import RecordingDelivery

TEAM = "T0SPOT0001"
MONTH = "2026-11"
MANAGER = "U0MANAGER1"
GENERAL, WINS = "C0GENERAL1", "C0WINS0001"
# 1 December, 10:00 in Berlin: the example config's drafting moment (day 1, 10:00).
DRAFT_TIME = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def november(engine: Engine) -> None:
    """Ben answers Ana's question first (1 reply to others + 1 first answer = 3 points), Dana
    shares a win (3 points); the manager answers too, and is never a candidate."""
    at = dt.datetime(2026, 11, 10, 12, 0, tzinfo=dt.UTC)
    rows = [
        (GENERAL, "100.1", "question", "U0ANA00001", None),
        (GENERAL, "100.2", "reply", "U0BEN00001", "100.1"),
        (GENERAL, "100.3", "reply", MANAGER, "100.1"),
        (WINS, "200.1", "message", "U0DANA0001", None),
    ]
    with engine.begin() as conn:
        channel_directory.remember(
            conn, team_id=TEAM, ids_by_name={"general": GENERAL, "wins": WINS}
        )
        for channel_id, ts, kind, user_id, thread_ts in rows:
            activity_log.record(
                conn,
                team_id=TEAM,
                channel_id=channel_id,
                ts=ts,
                kind=kind,
                user_id=user_id,
                at=at,
                thread_ts=thread_ts,
            )


def setup(engine: Engine, config: Config) -> tuple[Spotlight, RecordingDelivery]:
    features = build_features(config=config, templates=templates())
    spotlight = Spotlight(config=config, templates=templates())
    return spotlight, RecordingDelivery(engine=engine, features=features, now=lambda: DRAFT_TIME)


def drafted(engine: Engine, spotlight: Spotlight, *, at: dt.datetime = DRAFT_TIME) -> bool:
    with engine.begin() as conn:
        return spotlight.draft_if_due(conn, team_id=TEAM, now=at)


def test_the_draft_is_made_once_at_its_moment_and_names_no_manager(engine, config):
    spotlight, worker = setup(engine, config)
    november(engine)

    assert not drafted(engine, spotlight, at=DRAFT_TIME - dt.timedelta(minutes=1))
    assert drafted(engine, spotlight)
    assert not drafted(engine, spotlight, at=DRAFT_TIME + dt.timedelta(days=1))

    with engine.begin() as conn:
        picks = conn.execute(select(spotlight_picks).order_by(spotlight_picks.c.rank)).all()
    assert [(p.user_id, p.score) for p in picks] == [("U0BEN00001", 3.0), ("U0DANA0001", 3.0)]
    [card] = worker.deliver()
    assert card.key == f"spotlight-draft:{MONTH}"
    assert card.payload["channel_name"] == config.channels.moderators
    assert "Spotlight for November 2026: draft" in card.payload["text"]


def test_a_month_nobody_scored_in_is_remembered_without_a_draft(engine, config):
    spotlight, worker = setup(engine, config)
    assert not drafted(engine, spotlight)
    assert not drafted(engine, spotlight, at=DRAFT_TIME + dt.timedelta(minutes=1))
    with engine.begin() as conn:
        assert spotlight.state_of(conn, team_id=TEAM, month=MONTH) == "empty"
    assert worker.deliver() == []


def test_one_decision_wins_and_the_spotlight_is_posted_once(engine, config):
    spotlight, worker = setup(engine, config)
    november(engine)
    drafted(engine, spotlight)
    worker.deliver()

    decide = {"team_id": TEAM, "month": MONTH, "manager_id": MANAGER, "now": DRAFT_TIME}
    with engine.begin() as conn:
        assert spotlight.approve(conn, **decide)
        assert not spotlight.approve(conn, **decide)
        assert not spotlight.skip(conn, **decide)
        assert not spotlight.save_note(conn, note="Too late", **decide)
        assert spotlight.edit_view(conn, team_id=TEAM, month=MONTH) is None

    delivered = worker.deliver()
    assert [(e.kind, e.key) for e in delivered] == [
        ("post", f"spotlight-post:{MONTH}"),
        ("update", f"spotlight-draft:{MONTH}:approved"),
    ]
    assert delivered[0].payload["channel_name"] == config.channels.home
    assert f"Approved by <@{MANAGER}>" in str(delivered[1].payload["blocks"])


def test_the_managers_words_are_kept_for_the_post(engine, config):
    spotlight, worker = setup(engine, config)
    november(engine)
    drafted(engine, spotlight)
    worker.deliver()

    words = "Huge thanks <!channel> to these two."
    with engine.begin() as conn:
        view = spotlight.edit_view(conn, team_id=TEAM, month=MONTH)
        assert view is not None and view["type"] == "modal"
        assert spotlight.save_note(
            conn, team_id=TEAM, month=MONTH, note=f"  {words}  ", manager_id=MANAGER, now=DRAFT_TIME
        )
        assert conn.scalar(select(spotlights.c.note)) == words
        spotlight.skip(conn, team_id=TEAM, month=MONTH, manager_id=MANAGER, now=DRAFT_TIME)

    edited, skipped = worker.deliver()
    assert edited.key == f"spotlight-draft:{MONTH}:edit-1"
    assert "Huge thanks &lt;!channel&gt;" in str(edited.payload["blocks"])
    assert skipped.key == f"spotlight-draft:{MONTH}:skipped"
    assert not any(e.key.startswith("spotlight-post") for e in worker.delivered)
