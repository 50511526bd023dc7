"""An erased member's rows leave the Google Sheet at the next sync: blanked in place (cell links
too), every other row untouched, and the next cycle has nothing left to do."""

from __future__ import annotations

import json

from sqlalchemy import Engine

from porch.core.config import Config
from porch.core.store.schema import members
from porch.core.templating import Templates
from porch.features.privacy.rights import Privacy
from porch.features.registry import build_features
from porch.runtime.settings import Settings
from porch.runtime.tracker_sync import sync_once
from porch.sandbox.google_api import FakeGoogle
from porch.sheets_sync.client import WriteLimiter
from porch.sheets_sync.layout import SHEET_ORDER
from tests.sheets_sync.conftest import NOW, put_member, put_rows
from tests.sheets_sync.test_google_sync import google

ADA = "U0ADA00001"


def whole_sheet(fake: FakeGoogle, sheet_id: str) -> str:
    cells = [fake.grid(sheet_id, title) for title in SHEET_ORDER]
    links = [list(fake.links(sheet_id, title).values()) for title in SHEET_ORDER]
    return json.dumps([cells, links], ensure_ascii=False, default=str)


def test_an_erased_member_leaves_every_worksheet_at_the_next_sync(
    engine: Engine,
    config: Config,
    settings: Settings,
    limiter: WriteLimiter,
    fake: FakeGoogle,
    sheet_id: str,
):
    with engine.begin() as conn:
        conn.execute(
            members.insert().values(
                team_id="T1", user_id=ADA, display_name="Ada Byron", updated_at=NOW
            )
        )
    put_member(engine, ADA, Name="Ada Byron", Profile=f"https://team.slack.com/team/{ADA}")
    put_member(engine, "U0GRACE001", Name="Grace")
    put_rows(
        engine,
        "Wins",
        {
            "C1:1.1": {"Member": "Ada Byron", "Win": "The analytical engine runs"},
            "C1:2.2": {"Member": "Grace", "Win": "A compiler"},
        },
    )
    tracker = google(config, settings, limiter)
    sync_once(engine=engine, config=config, settings=settings, now=NOW, tracker=tracker)
    assert "Ada Byron" in whole_sheet(fake, sheet_id)

    declared = build_features(config=config, templates=Templates()).personal_data
    privacy = Privacy(config=config, declarations=declared)
    with engine.begin() as conn:
        privacy.forget(conn, team_id="T1", user_id=ADA, now=NOW)
    sync_once(engine=engine, config=config, settings=settings, now=NOW, tracker=tracker)

    sheet = whole_sheet(fake, sheet_id)
    for trace in (ADA, "Ada Byron", "analytical engine"):
        assert trace not in sheet
    assert "Grace" in sheet and "A compiler" in sheet
    quiet = sync_once(engine=engine, config=config, settings=settings, now=NOW, tracker=tracker)
    assert quiet.write_requests == 0
