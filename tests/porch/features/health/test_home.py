"""The managers' App Home shows the latest week of community health; members never see it."""

from __future__ import annotations

import json

from sqlalchemy import Engine

from porch.core.config import Config
from porch.features.registry import Features, build_features, templates
from tests.porch.features.health.test_weeks import at, seed

TEAM = "T1"


def home_text(engine: Engine, features: Features, user_id: str) -> str:
    with engine.connect() as conn:
        return json.dumps(features.app_home.view(conn, team_id=TEAM, user_id=user_id)["blocks"])


def test_before_the_first_sync_the_section_says_when_figures_come(
    engine: Engine, config: Config
) -> None:
    features = build_features(config=config, templates=templates())
    manager = config.managers.users[0]
    assert "the first weekly figures appear after the tracker" in home_text(
        engine, features, manager
    )


def test_managers_see_the_latest_week_next_to_the_week_before(
    engine: Engine, config: Config
) -> None:
    features = build_features(config=config, templates=templates())
    (hook,) = [f.before_tracker_sync for f in features.features if f.before_tracker_sync]
    seed(engine)
    with engine.begin() as conn:  # what the tracker sync asks for before it writes
        hook(conn, TEAM, at(24), False)

    home = home_text(engine, features, config.managers.users[0])
    assert "Community health, week 2026-W48" in home
    assert "(week before:" in home
    assert "/porch health" in home
    assert "Community health" not in home_text(engine, features, "UA")
