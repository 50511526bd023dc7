"""The embedded tracker (tracker.xlsx in a folder), the scheduled sync job and `porch sync`."""

from __future__ import annotations

import datetime as dt
import logging
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import Engine, insert

from porch.core.clock import ManualClock
from porch.core.config import Config
from porch.core.store.schema import activity, workspaces
from porch.runtime.cli import main
from porch.runtime.scheduler import Scheduler
from porch.runtime.settings import Settings
from porch.runtime.tracker_sync import backfill, sync_job, sync_once
from porch.sandbox.google_api import FakeGoogle
from porch.sheets_sync import outbox
from porch.sheets_sync.layout import COLUMNS, SHEET_ORDER
from tests.sheets_sync.conftest import NOW, REPO, Account, put_member, put_rows, with_sheet


@pytest.fixture
def local(config: Config) -> Config:
    return with_sheet(config, None)


def workbook_path(settings: Settings) -> Path:
    return settings.config_path.parent / "tracker" / "tracker.xlsx"


def member_ids(path: Path) -> list[str]:
    sheet = load_workbook(path)["Members"]
    return [row[0] for row in sheet.iter_rows(min_row=2, max_col=1, values_only=True) if row[0]]


def test_the_local_tracker_is_one_readable_workbook(
    engine: Engine, local: Config, settings: Settings
) -> None:
    put_member(engine, "U1", Name='=HYPERLINK("http://evil.example")', Profile="javascript:x")
    put_member(engine, "U2", Name="Ada", Profile="https://team.slack.com/team/U2")
    put_rows(engine, "Wins", {"W1": {"Link": "https://team.slack.com/archives/C1/p1"}})

    report = sync_once(engine=engine, config=local, settings=settings, now=NOW)

    path = workbook_path(settings)
    assert report.rows_written == 3
    workbook = load_workbook(path)
    assert workbook.sheetnames == list(SHEET_ORDER)
    sheet = workbook["Members"]
    assert tuple(cell.value for cell in sheet[1]) == COLUMNS["Members"]
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet.auto_filter.ref == "A1:M3"
    assert sheet["C2"].value == dt.datetime(2026, 11, 20, 10, 30)  # Berlin time
    assert sheet["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert sheet["B2"].value == "'" + '=HYPERLINK("http://evil.example")'
    assert sheet["B2"].data_type == "s"
    # Porch's http(s) links are clickable, in the Hyperlink style; anything else is plain text.
    assert sheet["J3"].value == "https://team.slack.com/team/U2"
    assert sheet["J3"].hyperlink.target == "https://team.slack.com/team/U2"
    assert sheet["J3"].style == "Hyperlink"
    assert sheet["J2"].value == "javascript:x" and sheet["J2"].hyperlink is None
    assert sheet["B2"].hyperlink is None
    wins = workbook["Wins"]
    link = wins.cell(row=2, column=COLUMNS["Wins"].index("Link") + 1)
    assert link.hyperlink.target == "https://team.slack.com/archives/C1/p1"
    with zipfile.ZipFile(path) as archive:
        assert any(name.startswith("xl/charts/chart") for name in archive.namelist())
    assert sorted(p.name for p in path.parent.iterdir()) == ["tracker.xlsx"]  # no temp files

    mtime = path.stat().st_mtime_ns
    assert sync_once(engine=engine, config=local, settings=settings, now=NOW).rows_written == 0
    assert path.stat().st_mtime_ns == mtime  # nothing queued, nothing written


def test_formulas_hidden_behind_invisible_characters_stay_text_in_the_workbook(
    engine: Engine, local: Config, settings: Settings
) -> None:
    names = {
        "U1": " =1+1",
        "U2": '\u200b=HYPERLINK("http://evil.example")',
        "U3": "\u2066+1",
        "U4": "\uff1dSUM(A1:A9)",
        "U5": "Ada",
    }
    for user_id, name in names.items():
        put_member(engine, user_id, Name=name)

    sync_once(engine=engine, config=local, settings=settings, now=NOW)

    sheet = load_workbook(workbook_path(settings))["Members"]
    written = {
        row[0].value: row[1] for row in sheet.iter_rows(min_row=2, max_col=2) if row[0].value
    }
    assert written["U5"].value == "Ada"
    for user_id, name in names.items():
        if user_id != "U5":
            assert written[user_id].value == "'" + name
            assert written[user_id].data_type == "s"


def test_manager_columns_survive_and_deleted_rows_come_back(
    engine: Engine, local: Config, settings: Settings
) -> None:
    for user_id in ("U1", "U2", "U3"):
        put_member(engine, user_id)
    sync_once(engine=engine, config=local, settings=settings, now=NOW)
    path = workbook_path(settings)
    workbook = load_workbook(path)
    sheet = workbook["Members"]
    sheet.cell(row=1, column=14, value="Notes")
    sheet.cell(row=3, column=14, value="met at the meetup")
    sheet.delete_rows(4)  # U3
    workbook.save(path)

    put_member(engine, "U2", Status="Introduced")
    sync_once(engine=engine, config=local, settings=settings, now=NOW)

    sheet = load_workbook(path)["Members"]
    assert member_ids(path) == ["U1", "U2", "U3"]
    assert sheet["N3"].value == "met at the meetup"
    assert sheet["I3"].value == "Introduced"


def test_backfill_rewrites_the_workbook_with_progress(
    engine: Engine, local: Config, settings: Settings
) -> None:
    for user_id in ("U1", "U2"):
        put_member(engine, user_id)
    seen: list[tuple[int, int]] = []

    report = backfill(
        engine=engine,
        config=local,
        settings=settings,
        now=NOW,
        progress=lambda done, total: seen.append((done, total)),
    )

    assert report.rows_written == 2
    assert seen == [(2, 2)]
    assert member_ids(workbook_path(settings)) == ["U1", "U2"]


def test_the_sync_job_keeps_syncing_and_survives_failures(
    engine: Engine,
    config: Config,
    local: Config,
    settings: Settings,
    fake: FakeGoogle,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with engine.begin() as conn:
        conn.execute(insert(workspaces).values(team_id="T1", installed_at=NOW))
    clock = ManualClock(NOW)
    every = dt.timedelta(seconds=local.tracker.sync_every_seconds)
    put_member(engine, "U1")
    scheduler = Scheduler(
        engine=engine, clock=clock, jobs=[sync_job(config=local, settings=settings)]
    )
    scheduler.run_due()
    assert member_ids(workbook_path(settings)) == ["U1"]
    put_member(engine, "U2")
    scheduler.run_due()  # not due yet
    assert member_ids(workbook_path(settings)) == ["U1"]
    clock.advance(every)
    scheduler.run_due()
    assert member_ids(workbook_path(settings)) == ["U1", "U2"]

    unshared = with_sheet(config, fake.create_spreadsheet())
    put_member(engine, "U3")
    failing = Scheduler(
        engine=engine, clock=clock, jobs=[sync_job(config=unshared, settings=settings)]
    )
    with caplog.at_level(logging.ERROR, logger="porch.runtime.scheduler"):
        for _ in range(2):
            clock.advance(every)
            [run] = failing.run_due()
            assert run.error
    # The first failure with its traceback; the second, a minute later at most, only counted.
    logged = [
        r
        for r in caplog.records
        if r.levelno >= logging.ERROR and "job tracker-sync for workspace T1" in r.getMessage()
    ]
    assert len(logged) == 1 and logged[0].exc_info
    with engine.connect() as conn:  # all three wait for the Sheet (it is a new target)
        assert outbox.count_pending(conn, team_id="T1") == 3


def cli_env(settings: Settings, account: Account, fake: FakeGoogle) -> dict[str, str]:
    return {
        "DATABASE_URL": settings.database_url,
        "GOOGLE_APPLICATION_CREDENTIALS": str(account.key_path),
        "SHEETS_API_URL": fake.url,
        "PORCH_CONFIG": "",
    }


def write_config(path: Path, sheet: str) -> Path:
    text = (REPO / "community.yml").read_text(encoding="utf-8")
    assert "\n  sheet:\n" in text
    path.write_text(text.replace("\n  sheet:\n", f"\n  sheet: {sheet}\n"), encoding="utf-8")
    return path


def test_porch_sync_command(
    engine: Engine,
    settings: Settings,
    account: Account,
    fake: FakeGoogle,
    sheet_id: str,
    tmp_path: Path,
) -> None:
    for user_id in ("U1", "U2"):
        put_member(engine, user_id)
    path = write_config(tmp_path / "community.yml", sheet_id)
    env = cli_env(settings, account, fake)
    runner = CliRunner()

    result = runner.invoke(main, ["sync", "--config", str(path)], env=env)
    assert result.exit_code == 0, result.output
    assert f"Google Sheet {sheet_id}: 2 rows written" in result.output

    result = runner.invoke(main, ["sync", "--backfill", "--config", str(path)], env=env)
    assert result.exit_code == 0, result.output
    assert "2 rows written" in result.output
    assert len(fake.records(sheet_id, "Members")) == 2

    unshared = write_config(tmp_path / "other.yml", fake.create_spreadsheet())
    result = runner.invoke(main, ["sync", "--config", str(unshared)], env=env)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"porch sync: The Google Sheet {fake.books and list(fake.books)[-1]} is not shared with "
        f"Porch's service account: share it with {account.email} as an Editor"
    ]
    assert os.path.exists(path)


def test_a_change_patches_the_workbook_in_place(
    engine: Engine, local: Config, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.porch.features.health.test_weeks import at, event, seed

    seed(engine)
    for user_id in ("U1", "U2"):
        put_member(engine, user_id, Profile=f"https://team.slack.com/team/{user_id}")
    sync_once(engine=engine, config=local, settings=settings, now=at(24))
    path = workbook_path(settings)
    workbook = load_workbook(path)  # a manager adds notes, and saves: the next write is full
    workbook["Members"].cell(row=1, column=14, value="Notes")
    workbook["Members"].cell(row=3, column=14, value="met at the meetup")
    workbook.save(path)
    put_member(engine, "U1", Status="Welcomed")
    sync_once(engine=engine, config=local, settings=settings, now=at(24))

    put_member(engine, "U2", Status="Introduced", **{"Last active": "2026-11-24 12:05"})
    put_member(engine, "U3", Name="<Zoë & co>", Profile="https://team.slack.com/team/U3?a=1&b")
    with engine.begin() as conn:  # new activity: this week's Health row and the Dashboard change
        conn.execute(insert(activity), [event("UC", at(24, hour=12))])
    caplog.clear()  # only this cycle's records count (another test may have turned INFO on)
    with caplog.at_level(logging.INFO, logger="porch.sheets_sync.local"):
        report = sync_once(engine=engine, config=local, settings=settings, now=at(24, hour=13))

    assert not [r for r in caplog.records if "in full" in r.getMessage()]
    assert report.rows_written == 3 and report.feature_rows == 2  # U2, U3 and week 48
    workbook = load_workbook(path)
    members = workbook["Members"]
    assert member_ids(path) == ["U1", "U2", "U3"]
    assert members["I3"].value == "Introduced"
    assert members["H3"].value == dt.datetime(2026, 11, 24, 13, 5)  # Berlin time, a real date
    assert members["H3"].number_format == "yyyy-mm-dd hh:mm"
    assert members["N3"].value == "met at the meetup"  # the manager's note stays
    assert members["B4"].value == "<Zoë & co>"
    assert members.auto_filter.ref == "A1:N4"
    # Links stay clickable through the patch: the old ones kept, the new row's added.
    for number, user_id in ((2, "U1"), (3, "U2")):
        assert members[f"J{number}"].hyperlink.target == f"https://team.slack.com/team/{user_id}"
    assert members["J4"].hyperlink.target == "https://team.slack.com/team/U3?a=1&b"
    assert members["J4"].style == "Hyperlink"
    health = {row[0]: row for row in workbook["Health"].iter_rows(min_row=2, values_only=True)}
    # UC is now active too: UA, UB and UC engaged in the 30 days to week 48's end (now).
    assert health["2026-W48"][4] == 3
    dash = workbook["Dashboard"]
    assert dash["B2"].value == dt.datetime(2026, 11, 24, 14, 0)  # updated 13:00 UTC
    assert dash["B8"].value == 3  # active members this week
    with zipfile.ZipFile(path) as archive:
        assert any(name.startswith("xl/charts/chart") for name in archive.namelist())
    assert sorted(p.name for p in path.parent.iterdir()) == ["tracker.xlsx"]

    # A first link in a worksheet that had none gets its relationships part in the patch too.
    put_rows(engine, "Wins", {"W1": {"Link": "https://team.slack.com/archives/C1/p1"}})
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="porch.sheets_sync.local"):
        sync_once(engine=engine, config=local, settings=settings, now=at(24, hour=13))
    assert not [r for r in caplog.records if "in full" in r.getMessage()]
    wins = load_workbook(path)["Wins"]
    link = wins.cell(row=2, column=COLUMNS["Wins"].index("Link") + 1)
    assert link.hyperlink.target == "https://team.slack.com/archives/C1/p1"


def test_health_rows_are_every_week_in_order_however_seldom_the_tracker_syncs(
    engine: Engine, local: Config, settings: Settings
) -> None:
    from porch.core.store.schema import members
    from tests.porch.features.health.test_weeks import at, event, member

    with engine.begin() as conn:
        conn.execute(insert(members), [member("UA", at(1)), member("UB", at(3))])
        conn.execute(insert(activity), [event("UA", at(3))])  # week 45
    # The first sync of week 45, and another one after more activity that week.
    sync_once(engine=engine, config=local, settings=settings, now=at(3, hour=13))
    with engine.begin() as conn:
        conn.execute(insert(activity), [event("UB", at(4))])
    sync_once(engine=engine, config=local, settings=settings, now=at(4, hour=13))
    with engine.begin() as conn:  # week 46, synced; week 47 has activity but no new member
        conn.execute(insert(activity), [event("UA", at(10), n=1)])
    sync_once(engine=engine, config=local, settings=settings, now=at(10, hour=13))
    with engine.begin() as conn:
        conn.execute(insert(activity), [event("UB", at(17), n=2), event("UA", at(18), n=3)])
    # No sync until week 49.
    with engine.begin() as conn:
        conn.execute(insert(activity), [event("UA", at(1, month=12), n=4)])
    sync_once(engine=engine, config=local, settings=settings, now=at(1, hour=13, month=12))

    workbook = load_workbook(workbook_path(settings))
    weeks = [row[0] for row in workbook["Health"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert weeks == ["2026-W45", "2026-W46", "2026-W47", "2026-W48", "2026-W49"]
    active = {row[0]: row[4] for row in workbook["Health"].iter_rows(min_row=2, values_only=True)}
    assert active["2026-W47"] == 2


def test_the_dashboard_charts_fit_their_columns_and_do_not_overlap(
    engine: Engine, local: Config, settings: Settings
) -> None:
    from openpyxl.utils import column_index_from_string, get_column_letter

    from porch.sheets_sync.local import PIXELS_PER_CHAR
    from tests.porch.features.health.test_weeks import seed

    seed(engine)
    put_rows(engine, "Feedback", {"F1": {"Tag": "bug"}, "F2": {"Tag": "idea"}})
    sync_once(engine=engine, config=local, settings=settings, now=NOW)

    sheet = load_workbook(workbook_path(settings))["Dashboard"]
    emu_per_pixel = 9525
    row_pixels = 20  # the default row height, 15 points

    # The columns the file sizes (A-F), read before any look-up adds a default one.
    sized = sorted(column_index_from_string(letter) for letter in sheet.column_dimensions)
    assert sized == list(range(1, len(sized) + 1))
    edges = [0.0]  # the left edge of each column, in pixels, then the right edge of the last
    for index in sized:
        width = sheet.column_dimensions[get_column_letter(index)].width
        edges.append(edges[-1] + width * PIXELS_PER_CHAR)
    boxes = []
    assert len(sheet._charts) == 4
    for chart in sheet._charts:
        start = chart.anchor._from
        left = edges[start.col] + start.colOff / emu_per_pixel
        top = start.row * row_pixels + start.rowOff / emu_per_pixel
        width = chart.anchor.ext.width / emu_per_pixel
        height = chart.anchor.ext.height / emu_per_pixel
        assert width > 300 and height > 200  # readable
        # Within the Dashboard's own columns: no spilling past the last of them.
        assert left + width <= edges[-1], (start.col, left + width, edges[-1])
        boxes.append((left, top, left + width, top + height))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]
            assert apart, (a, b)
