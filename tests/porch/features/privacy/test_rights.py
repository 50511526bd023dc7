"""Privacy's domain against the real store: a member's copy, erasure and its marker, deactivated
accounts under each policy, and retention clearing exactly the text that has expired. The
community is recorded through every feature's own event handlers, as the inbox processor
would; no Slack is involved. (The Slack side, once per interaction: test_interactions.py.)"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine, select

from porch.core import channel_directory
from porch.core.config import Config
from porch.core.domain_events import MessagePosted, Newcomer, TeamJoined, UserChanged
from porch.core.feature import Job
from porch.core.message_links import item_key
from porch.core.store.schema import forgotten_members, members, tracker_rows
from porch.core.tracker_queue import get_row
from porch.features.privacy.rights import Privacy
from porch.features.registry import Features, build_features, templates
from tests.conftest import MONDAY_MORNING, config_with
from tests.porch.features.privacy.test_journeys import everything_stored

TEAM = "T0PRIVACY"
ANAIS = "U0ANAIS001"
BEN = "U0BENJA001"
WIN = "Shipped the Quillon pricing page!"
FEEDBACK = "The onboarding checklist is too long for me"


@dataclass
class Community:
    """A store with the example community's channels, fed domain events like the inbox
    processor feeds them: every feature's handler, in ORDER, one transaction per event."""

    engine: Engine
    config: Config
    features: Features
    now: dt.datetime = MONDAY_MORNING
    posts: int = 0

    def __post_init__(self) -> None:
        names = sorted(set(self.config.channels.model_dump().values()))
        with self.engine.begin() as conn:
            channel_directory.remember(
                conn, team_id=TEAM, ids_by_name={name: self.channel(name) for name in names}
            )

    @staticmethod
    def channel(name: str) -> str:
        return "C0" + name.upper().replace("-", "")[:8]

    def process(self, event: Any) -> None:
        with self.engine.begin() as conn:
            for handler in self.features.handlers_for(type(event)):
                handler(conn, TEAM, event, self.now)

    def join(self, user_id: str, name: str, real_name: str) -> None:
        user = Newcomer(user_id, name, real_name, "Europe/Paris", False, False, False)
        self.process(TeamJoined(user=user))

    def say(self, user_id: str, channel: str, text: str) -> str:
        self.posts += 1
        ts = f"{self.now.timestamp():.0f}.{self.posts:06d}"
        self.process(MessagePosted(user_id, self.channel(channel), ts, None, text))
        return ts

    def job(self, name: str) -> Job:
        return next(job for job in self.features.jobs if job.name == name)

    def privacy(self) -> Privacy:
        """The domain over every declaration, as the feature and the CLI build it."""
        return Privacy(config=self.config, declarations=self.features.personal_data)

    def forget(self, user_id: str) -> dict[str, int]:
        with self.engine.begin() as conn:
            return self.privacy().forget(conn, team_id=TEAM, user_id=user_id, now=self.now)

    def row(self, sheet: str, channel: str, ts: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            row = get_row(conn, team_id=TEAM, sheet=sheet, key=item_key(self.channel(channel), ts))
        assert row is not None
        return row


@pytest.fixture
def community(engine: Engine, config: Config) -> Callable[..., Community]:
    def start(**sections: dict[str, object]) -> Community:
        configured = config_with(config, **sections) if sections else config
        features = build_features(config=configured, templates=templates())
        return Community(engine=engine, config=configured, features=features)

    return start


def anais_and_ben(community: Community) -> None:
    """Anaïs and Ben join; Anaïs posts a win and feedback; Ben posts his own win."""
    community.join(ANAIS, "anais.q", "Anaïs Quillon")
    community.join(BEN, "ben", "Benjamin Oduya")
    community.say(ANAIS, "wins", WIN)
    community.say(ANAIS, "feedback", FEEDBACK)
    community.say(BEN, "wins", "Ben's own win")


def test_my_data_is_the_members_profile_and_every_declared_copy(community):
    porch = community()
    anais_and_ben(porch)

    with porch.engine.connect() as conn:
        summary = porch.privacy().my_data(conn, team_id=TEAM, user_id=ANAIS)

    assert summary["user_id"] == ANAIS and summary["profile"]["real_name"] == "Anaïs Quillon"
    parts = {part["data"]: part for part in summary["data"]}
    assert parts["Wins"]["kept_days"] == 730 and parts["Feedback"]["kept_days"] == 365
    text = json.dumps(summary, ensure_ascii=False)
    assert WIN in text and FEEDBACK in text
    assert BEN not in text and "Ben's own win" not in text  # only her own data


def test_forget_erases_the_member_and_leaves_only_a_keyed_hash(community):
    porch = community()
    anais_and_ben(porch)

    counts = porch.forget(ANAIS)

    assert counts["members"] == 1
    stored = everything_stored(porch.engine)
    for trace in (ANAIS, "anais.q", "Anaïs Quillon", WIN, FEEDBACK):
        assert trace not in stored, trace
    assert "Benjamin Oduya" in stored and "Ben's own win" in stored
    with porch.engine.connect() as conn:
        marks = conn.execute(select(forgotten_members.c.member_hash)).scalars().all()
    assert len(marks) == 1 and ANAIS not in marks[0]


def deactivate(community: Community, user_id: str) -> None:
    # Slack may deliver it twice: the second changes nothing.
    for _ in range(2):
        community.process(UserChanged(user_id=user_id, deleted=True))


def test_deactivated_members_are_kept_by_default(community):
    porch = community()
    anais_and_ben(porch)
    deactivate(porch, ANAIS)
    with porch.engine.connect() as conn:
        row = conn.execute(select(members).where(members.c.user_id == ANAIS)).one()
    assert row.is_deleted and row.real_name == "Anaïs Quillon"


def test_deactivated_members_are_anonymized_when_configured(community):
    porch = community(privacy={"deactivated": "anonymize"})
    anais_and_ben(porch)
    deactivate(porch, ANAIS)
    assert "Anaïs Quillon" not in everything_stored(porch.engine)
    with porch.engine.connect() as conn:
        assert conn.execute(select(forgotten_members)).first() is None


def test_deactivated_members_are_erased_at_once_with_zero_days(community):
    porch = community(privacy={"deactivated": "erase", "erase_after_days": 0})
    anais_and_ben(porch)
    deactivate(porch, ANAIS)
    assert ANAIS not in everything_stored(porch.engine)
    with porch.engine.connect() as conn:
        assert len(conn.execute(select(forgotten_members)).all()) == 1


def test_deactivated_members_are_erased_after_the_configured_days(community):
    porch = community(privacy={"deactivated": "erase", "erase_after_days": 30})
    anais_and_ben(porch)
    deactivate(porch, ANAIS)
    daily = porch.job("privacy-retention")

    assert daily.every == dt.timedelta(days=1)
    assert daily.run(porch.engine, TEAM, porch.now + dt.timedelta(days=29))["erased"] == 0
    assert "Anaïs Quillon" in everything_stored(porch.engine)
    assert daily.run(porch.engine, TEAM, porch.now + dt.timedelta(days=31))["erased"] == 1
    stored = everything_stored(porch.engine)
    assert "Anaïs Quillon" not in stored and ANAIS not in stored


def test_retention_clears_exactly_the_text_that_has_expired(community, config):
    retention = config.privacy.retention.model_copy(update={"wins": 10, "feedback_excerpt": 20})
    porch = community(privacy={"retention": retention})
    porch.join(ANAIS, "anais.q", "Anaïs Quillon")
    start = porch.now
    old_win = porch.say(ANAIS, "wins", "An old win")
    old_feedback = porch.say(ANAIS, "feedback", "Old feedback")
    porch.now = start + dt.timedelta(days=5)
    new_win = porch.say(ANAIS, "wins", "A recent win")
    daily = porch.job("privacy-retention")

    counts = daily.run(porch.engine, TEAM, start + dt.timedelta(days=12))

    assert counts["purged:Wins"] == 1 and counts["purged:Feedback"] == 0
    old = porch.row("Wins", "wins", old_win)
    assert old["Win"] == "" and old["Member"] == "anais.q"  # the row stays, its text goes
    assert porch.row("Wins", "wins", new_win)["Win"] == "A recent win"
    assert porch.row("Feedback", "feedback", old_feedback)["Feedback"] == "Old feedback"

    again = daily.run(porch.engine, TEAM, start + dt.timedelta(days=21))
    # The recent win's turn has come; the old one is not counted twice.
    assert again["purged:Wins"] == 1 and again["purged:Feedback"] == 1
    with porch.engine.connect() as conn:
        queued = conn.execute(select(tracker_rows.c.row_values)).all()
    assert "Old feedback" not in json.dumps([r.row_values for r in queued])
