"""The program's cadence and what it offers other features: one check-in reminder per
ambassador a month, one quarterly prompt in the ambassadors' channel (however often the job
runs), accepted ambassadors as buddies, the period's invitations; and a crash before the
commit leaves one invitation."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, insert, select

from porch.core import channel_directory, effect_queue
from porch.core.config import Config
from porch.core.store.schema import effects, members
from porch.features.ambassadors.program import make_program
from porch.features.registry import build_features, templates
from tests.porch.features.ambassadors.community import ANA, BEN, ELI, program
from tests.porch.features.recording import RecordingDelivery

TEAM = "T0CADENCE"
JOINED = dt.datetime(2026, 9, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def setup(engine: Engine, config: Config):
    config = program(config)
    features = build_features(config=config, templates=templates())
    with engine.begin() as conn:
        channel_directory.remember(
            conn,
            team_id=TEAM,
            ids_by_name={config.channels.moderators: "C0MODS0001", "ambassadors": "C0AMB00001"},
        )
        for user in (ANA, BEN, ELI):
            conn.execute(
                insert(members).values(
                    team_id=TEAM,
                    user_id=user,
                    is_guest=False,
                    is_deleted=False,
                    joined_at=JOINED,
                    updated_at=JOINED,
                )
            )
    return config, features


def feature(features, name: str = "ambassadors"):
    return next(f for f in features.features if f.name == name)


def join_program(engine: Engine, config: Config, user_id: str, now: dt.datetime) -> None:
    program_ = make_program(config=config, templates=templates())
    with engine.begin() as conn:
        assert program_.invite(conn, team_id=TEAM, user_id=user_id, by="U0SAM", now=now) == (
            "invited"
        )
        assert (
            program_.answer(conn, team_id=TEAM, user_id=user_id, number=1, accept=True, now=now)
            == "accepted"
        )


def test_monthly_check_ins_and_the_quarterly_prompt_once_each(setup, engine: Engine):
    config, features = setup
    join_program(engine, config, ANA, dt.datetime(2026, 11, 20, tzinfo=dt.UTC))
    (job,) = [j for j in features.jobs if j.name == "ambassador-cadence"]
    clock = {"now": dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC)}
    worker = RecordingDelivery(engine=engine, features=features, now=lambda: clock["now"])

    def run(moment: dt.datetime) -> None:
        clock["now"] = moment
        for _ in range(2):  # two replicas, or a restart
            job.run(engine, TEAM, moment)
        worker.deliver()

    def sent() -> list[str]:
        return [
            e.key
            for e in worker.delivered
            if e.key.startswith(("ambassador-check", "ambassador-q"))
        ]

    run(dt.datetime(2026, 11, 25, 12, 0, tzinfo=dt.UTC))  # joined this month: nothing yet
    run(dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC))  # 09:00 in Berlin: before 10:00
    assert sent() == []
    run(dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC))
    run(dt.datetime(2026, 12, 15, 9, 30, tzinfo=dt.UTC))
    assert sent() == [f"ambassador-check-in:{ANA}:2026-12"]
    run(dt.datetime(2027, 1, 1, 9, 30, tzinfo=dt.UTC))
    run(dt.datetime(2027, 1, 2, 9, 30, tzinfo=dt.UTC))
    assert sent()[1:] == [f"ambassador-check-in:{ANA}:2027-01", "ambassador-quarterly:2027-Q1"]
    [quarterly] = [e for e in worker.delivered if e.key.startswith("ambassador-quarterly")]
    assert quarterly.payload["channel_name"] == config.channels.ambassadors
    assert "share your update" in str(quarterly.payload["blocks"])


def test_accepted_ambassadors_are_buddies_and_the_period_counts_them(setup, engine: Engine):
    config, features = setup
    now = dt.datetime(2026, 11, 10, tzinfo=dt.UTC)
    join_program(engine, config, ANA, now)
    program_ = make_program(config=config, templates=templates())
    with engine.begin() as conn:
        program_.invite(conn, team_id=TEAM, user_id=BEN, by="U0SAM", now=now)
    ambassadors = feature(features)
    figure = features.period_figure("ambassadors")
    with engine.connect() as conn:
        assert list(ambassadors.buddy_candidates(conn, TEAM)) == [ANA]
        assert figure(
            conn,
            team_id=TEAM,
            since=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
            until=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
        ) == {"invited": 2, "accepted": 1}
        assert figure(
            conn,
            team_id=TEAM,
            since=dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
            until=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
        ) == {"invited": 0, "accepted": 0}


class Crash(Exception):
    pass


def test_a_crash_before_the_commit_then_a_retry_sends_one_invitation(setup, engine: Engine):
    config, _features = setup
    program_ = make_program(config=config, templates=templates())
    now = dt.datetime(2026, 11, 10, tzinfo=dt.UTC)
    with pytest.raises(Crash), engine.begin() as conn:
        program_.invite(conn, team_id=TEAM, user_id=ELI, by="U0SAM", now=now)
        raise Crash  # the process dies before the commit
    for _ in range(2):  # Slack's retry, then a second click
        with engine.begin() as conn:
            program_.invite(conn, team_id=TEAM, user_id=ELI, by="U0SAM", now=now)
    with engine.connect() as conn:
        keys = conn.execute(
            select(effects.c.effect_key).where(effects.c.effect_key.startswith("ambassador-"))
        ).scalars()
        assert list(keys) == [f"ambassador-invitation:{ELI}:1"]
        assert effect_queue.exists(conn, team_id=TEAM, key=f"ambassador-invitation:{ELI}:1")
