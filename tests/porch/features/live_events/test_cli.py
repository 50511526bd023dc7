"""`porch events calendar`: the .ics with the store's one-off events as well."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import create_engine, insert

from porch.core.store.schema import workspaces
from porch.features.live_events.calendar import entries_of
from porch.features.live_events.tables import live_events
from porch.runtime.cli import main
from porch.sandbox.slack_api import FakeSlack
from tests.porch.features.rituals.test_cli import installed
from tests.porch.runtime.test_cli import fake

__all__ = ["fake"]


def test_the_calendar_adds_the_stored_one_off_events(fake: FakeSlack, tmp_path: Path):
    env = installed(fake, tmp_path)
    engine = create_engine(env["DATABASE_URL"])
    with engine.begin() as conn:
        team = conn.execute(workspaces.select()).first().team_id
        now = dt.datetime.now(dt.UTC)
        for event_id, state in (("one-aaaa1111", "scheduled"), ("one-bbbb2222", "cancelled")):
            conn.execute(
                insert(live_events).values(
                    team_id=team,
                    event_id=event_id,
                    title=f"AMA {event_id}",
                    description="",
                    place="general",
                    starts_at=now + dt.timedelta(days=3),
                    length_minutes=60,
                    state=state,
                    version=1,
                    created_at=now,
                    announce_at=now,
                )
            )
    engine.dispose()
    out = tmp_path / "calendar.ics"
    result = CliRunner().invoke(main, ["events", "calendar", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    titles = [str(e["SUMMARY"]) for e in entries_of(out.read_bytes())]
    assert "AMA one-aaaa1111" in titles and "AMA one-bbbb2222" not in titles
    assert "Monday goals" in titles
