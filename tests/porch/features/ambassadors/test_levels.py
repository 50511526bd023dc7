"""Levels, as conversations: members help each other, the daily job works out their levels
from what participation recorded, the one who reaches the threshold reaches the managers once,
and a level is lost only after the grace period."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert, select

from porch.core import channel_directory
from porch.core.config import Config, ConfigError
from porch.core.domain_events import MessagePosted, ReactionChanged
from porch.core.store.schema import members, tracker_rows
from porch.features.ambassadors.tables import ambassador_levels
from porch.features.registry import build_features, load_config, templates
from tests.conftest import EXAMPLE_CONFIG
from tests.porch.features.ambassadors.community import ANA, BEN, ELI, program
from tests.porch.features.recording import RecordingDelivery

TEAM = "T0AMBASS1"
DAY = dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC)
CHANNELS = {"general": "C0GENERAL1", "wins": "C0WINS0001"}


class Community:
    def __init__(self, engine: Engine, config: Config) -> None:
        self.engine = engine
        self.config = program(config)
        self.features = build_features(config=self.config, templates=templates())
        self.now = DAY
        self.ids = {**CHANNELS, self.config.channels.moderators: "C0MODS0001"}
        self.worker = RecordingDelivery(engine=engine, features=self.features, now=lambda: self.now)
        self.ts = 0
        with engine.begin() as conn:
            channel_directory.remember(conn, team_id=TEAM, ids_by_name=self.ids)
            for user in (ANA, BEN, ELI):
                conn.execute(
                    insert(members).values(
                        team_id=TEAM,
                        user_id=user,
                        display_name=user,
                        is_guest=False,
                        is_deleted=False,
                        joined_at=DAY - dt.timedelta(days=60),
                        updated_at=DAY,
                    )
                )

    def handle(self, event: object) -> None:
        for _ in range(2):  # Slack redelivers
            with self.engine.begin() as conn:
                for handler in self.features.handlers_for(type(event)):
                    handler(conn, TEAM, event, self.now)

    def say(self, user: str, channel: str, text: str, thread_ts: str | None = None) -> str:
        self.ts += 1
        ts = f"{int(self.now.timestamp())}.{self.ts:06d}"
        self.handle(MessagePosted(user, self.ids[channel], ts, thread_ts, text))
        return ts

    def react(self, user: str, channel: str, ts: str) -> None:
        self.handle(ReactionChanged(user, self.ids[channel], ts, "pray", True))

    def daily(self) -> dict[str, int]:
        (job,) = [j for j in self.features.jobs if j.name == "ambassador-levels"]
        totals = job.run(self.engine, TEAM, self.now)
        job.run(self.engine, TEAM, self.now)  # a second run (another replica, a restart)
        self.worker.deliver()
        return totals

    def level(self, user: str) -> tuple[int, dict] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(ambassador_levels.c.level, ambassador_levels.c.evidence).where(
                    ambassador_levels.c.team_id == TEAM, ambassador_levels.c.user_id == user
                )
            ).first()
        return (row.level, dict(row.evidence)) if row else None

    def cards(self) -> list[str]:
        return [
            str(e.payload["blocks"])
            for e in self.worker.delivered
            if e.key.startswith("ambassador-candidate:")
        ]


def helpful_week(community: Community) -> None:
    """Eli asks; Ana answers first and Ben after; Eli thanks Ana; Ana shares a win, and
    replies to Ben the next day."""
    question = community.say(ELI, "general", "How do you all handle VAT?")
    answer = community.say(ANA, "general", "A merchant of record does it.", thread_ts=question)
    community.say(BEN, "general", "Same here.", thread_ts=question)
    community.react(ELI, "general", answer)
    community.say(ANA, "wins", "Shipped my first paid plan!")
    community.now += dt.timedelta(days=1)
    post = community.say(BEN, "general", "Anyone tried Paddle")
    community.say(ANA, "general", "Yes, it was fine.", thread_ts=post)
    community.now += dt.timedelta(hours=1)


def test_the_daily_job_works_out_levels_and_the_candidate_reaches_the_managers_once(
    engine: Engine, config: Config
):
    community = Community(engine, config)
    helpful_week(community)

    totals = community.daily()

    level, evidence = community.level(ANA)
    assert level == 2
    assert evidence == {
        "days_active": 2,
        "replies_to_others": 2,
        "first_answers": 1,
        "reactions_received": 1,
        "wins_shared": 1,
        "content_approved": 0,
        "tenure_days": 61,
    }
    assert community.level(BEN)[0] == 1  # active, but not yet at the threshold
    assert totals["candidates"] == 1
    [card] = community.cards()
    assert f"<@{ANA}> reached leader" in card
    assert "porch_ambassador_invite" in card and ANA in card
    with engine.connect() as conn:
        rows = conn.execute(
            select(tracker_rows.c.row_values).where(tracker_rows.c.sheet == "Candidates")
        ).scalars()
        [row] = list(rows)
    assert row["User ID"] == ANA and row["Level"] == "leader" and row["First answers"] == 1

    community.now += dt.timedelta(days=1)
    community.daily()
    assert len(community.cards()) == 1  # still a candidate: no second card


def test_a_level_is_lost_only_after_the_grace_period(engine: Engine, config: Config):
    community = Community(engine, config)
    helpful_week(community)
    community.daily()

    community.now += dt.timedelta(days=31)  # the window no longer holds any of it
    community.daily()
    assert community.level(ANA)[0] == 2  # falling short, within the grace period

    community.now += dt.timedelta(days=6)
    community.daily()
    assert community.level(ANA)[0] == 2

    community.now += dt.timedelta(days=1)  # 7 days short: demoted
    community.daily()
    assert community.level(ANA)[0] == 0

    helpful_week(community)  # back at it: promoted at once, and the managers hear again
    community.daily()
    assert community.level(ANA)[0] == 2
    assert len(community.cards()) == 2


def test_the_old_threshold_names_its_replacement(tmp_path: Path):
    path = tmp_path / "community.yml"
    text = EXAMPLE_CONFIG.read_text().replace(
        "  first_response_hours: 4\n", "  first_response_hours: 4\n  ambassador_min_posts_30d: 8\n"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert "thresholds.ambassador_min_posts_30d: no longer exists" in str(raised.value)
    assert "ambassadors.levels" in str(raised.value)


def test_a_level_that_asks_less_than_the_one_below_is_refused(tmp_path: Path):
    path = tmp_path / "community.yml"
    text = EXAMPLE_CONFIG.read_text().replace(
        "    - name: leader\n      days_active: 10\n", "    - name: leader\n      days_active: 1\n"
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"community.yml:\d+: ambassadors.levels: .*asks less"):
        load_config(path)
