"""The Google Sheet tracker, end to end: real gspread and google-auth against the fake Google.

Every failure test ends with the same check: each row is in the Sheet exactly once, with its
latest values, and the outbox is empty.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import json
from collections import Counter
from pathlib import Path
from typing import Any

import gspread
import pytest
from sqlalchemy import Engine

from porch.core import locks
from porch.core.config import Config
from porch.runtime.settings import Settings
from porch.runtime.tracker_sync import (
    SyncReport,
    backfill,
    lease_name,
    make_tracker,
    sync_once,
)
from porch.sandbox.google_api import FakeGoogle, Formula
from porch.sheets_sync import dashboard, outbox
from porch.sheets_sync.client import (
    RequestStats,
    RetryPolicy,
    SheetsHTTPClient,
    TrackerError,
    WriteLimiter,
    api_base,
    load_credentials,
)
from porch.sheets_sync.google import GoogleSheetTracker
from porch.sheets_sync.layout import COLUMNS, SHEET_ORDER
from tests.sheets_sync.conftest import (
    FAST_RETRY,
    NOW,
    Account,
    VirtualTime,
    put_member,
    put_rows,
    with_sheet,
)


def google(
    config: Config, settings: Settings, limiter: WriteLimiter, **options: Any
) -> GoogleSheetTracker:
    options.setdefault("retry", FAST_RETRY)
    assert config.tracker.sheet and settings.google_credentials
    return GoogleSheetTracker(
        sheet=config.tracker.sheet,
        credentials_path=settings.google_credentials,
        api_url=settings.sheets_api_url,
        tz=config.community.tz,
        feedback_tags=list(config.feedback.tags.values()),
        limiter=limiter,
        **options,
    )


def sync(
    engine: Engine, config: Config, settings: Settings, tracker: Any, now: dt.datetime = NOW
) -> SyncReport:
    return sync_once(engine=engine, config=config, settings=settings, now=now, tracker=tracker)


def manager_view(fake: FakeGoogle, account: Account, sheet_id: str) -> gspread.Spreadsheet:
    """The Sheet as a manager's gspread client sees it (formatted values, by header)."""
    http = functools.partial(
        SheetsHTTPClient,
        base_url=api_base(fake.url),
        retry=FAST_RETRY,
        limiter=None,
        stats=RequestStats(),
    )
    client = gspread.Client(auth=load_credentials(account.key_path), http_client=http)  # type: ignore[arg-type]
    return client.open_by_key(sheet_id)


def keys(fake: FakeGoogle, sheet_id: str, sheet: str = "Members") -> Counter[str]:
    key = COLUMNS[sheet][0]
    return Counter(str(row[key]) for row in fake.records(sheet_id, sheet))


def pending(engine: Engine) -> int:
    with engine.connect() as conn:
        return outbox.count_pending(conn, team_id="T1")


def apis(fake: FakeGoogle, sheet_id: str) -> list[str]:
    return [entry.api for entry in fake.writes(sheet_id)]


def members(engine: Engine, count: int, start: int = 0) -> list[str]:
    ids = [f"U{i:05d}" for i in range(start, start + count)]
    for user_id in ids:
        put_member(engine, user_id)
    return ids


# ---- layout and values ---------------------------------------------------------------------


def test_first_sync_lays_out_the_sheet_then_costs_nothing_when_idle(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    account: Account,
    limiter: WriteLimiter,
) -> None:
    members(engine, 3)
    put_rows(
        engine,
        "Feedback",
        {"F1": {"Tag": "bug", "Feedback": "Export is slow", "Received": NOW.isoformat()}},
    )
    tracker = google(config, settings, limiter)

    report = sync(engine, config, settings, tracker)

    assert report.rows_written == 4
    assert apis(fake, sheet_id) == ["batchUpdate", "values.batchUpdate"]
    book = fake.book(sheet_id)
    titles = [s.title for s in sorted(book.sheets, key=lambda s: s.index)]
    assert titles == [*SHEET_ORDER, "Sheet1"]
    sheet = fake.worksheet(sheet_id, "Members")
    assert sheet.frozen_rows == 1
    assert all(sheet.header_formats[c]["textFormat"]["bold"] for c in range(9))
    assert sheet.widths[1] == 150 and sheet.widths[2] == 135
    assert sheet.column_formats[2] == {"type": "DATE_TIME", "pattern": "yyyy-mm-dd hh:mm"}
    assert sheet.basic_filter is not None
    dash = fake.worksheet(sheet_id, "Dashboard")
    assert [c["chartId"] for c in dash.charts] == list(dashboard.CHART_IDS)
    kinds = [c["spec"].get("basicChart", {}).get("chartType", "PIE") for c in dash.charts]
    assert kinds == ["LINE", "COLUMN", "PIE", "LINE"]
    # Each chart fits within the Dashboard's columns, and none overlaps another (rows are 21 px).
    columns = sum(dash.widths[c] for c in range(dashboard.WIDTH))
    boxes = []
    for chart in dash.charts:
        place = chart["position"]["overlayPosition"]
        left = sum(dash.widths[c] for c in range(place["anchorCell"]["columnIndex"]))
        top = place["anchorCell"]["rowIndex"] * 21
        assert left + place["widthPixels"] <= columns
        boxes.append((top, top + place["heightPixels"]))
    boxes.sort()
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(boxes))

    # A manager sees real dates (09:30 UTC is 10:30 in Berlin), one row per member.
    records = manager_view(fake, account, sheet_id).worksheet("Members").get_all_records()
    assert [r["User ID"] for r in records] == ["U00000", "U00001", "U00002"]
    assert records[0]["Joined"] == "2026-11-20 10:30"
    assert fake.grid(sheet_id, "Dashboard")[4][4:6] == ["bug", 1]
    assert pending(engine) == 0

    fake.reset_log()
    assert sync(engine, config, settings, tracker).write_requests == 0
    assert fake.log == []  # nothing queued: not even a read


def test_untrusted_text_lands_as_inert_text(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    limiter: WriteLimiter,
) -> None:
    names = {
        "U1": '=HYPERLINK("http://evil.example","click")',
        "U2": "+1 555 0100",
        "U3": "@channel",
        "U4": "-rm",
        "U5": "\tTabbed",
        "U6": "Ada Lovelace",
        "U7": " =1+1",
        "U8": '\u200b=HYPERLINK("http://evil.example")',
        "U9": "\u202e@channel",
        "U10": "\uff1dSUM(A1:A9)",
    }
    for user_id, name in names.items():
        put_member(engine, user_id, Name=name)

    sync(engine, config, settings, google(config, settings, limiter))

    written = {r["User ID"]: r["Name"] for r in fake.records(sheet_id, "Members")}
    assert written["U6"] == "Ada Lovelace"
    for user_id, name in names.items():
        if user_id != "U6":
            assert written[user_id] == "'" + name
    cells = fake.worksheet(sheet_id, "Members").cells.values()
    assert not any(isinstance(value, Formula) for value in cells)


def test_rows_are_upserted_by_key_and_columns_found_by_header(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    account: Account,
    limiter: WriteLimiter,
) -> None:
    members(engine, 3)
    tracker = google(config, settings, limiter)
    sync(engine, config, settings, tracker)

    # A manager moves Status to column B and writes notes in a column of their own.
    spreadsheet = manager_view(fake, account, sheet_id)
    worksheet = spreadsheet.worksheet("Members")
    source = {"sheetId": worksheet.id, "dimension": "COLUMNS", "startIndex": 8, "endIndex": 9}
    spreadsheet.batch_update(
        {"requests": [{"moveDimension": {"source": source, "destinationIndex": 1}}]}
    )
    worksheet.update_cell(1, 14, "Notes")
    worksheet.update_cell(3, 14, "call on Friday")

    put_member(engine, "U00001", Status="Introduced")
    members(engine, 1, start=3)
    fake.reset_log()
    report = sync(engine, config, settings, tracker)

    assert report.write_requests == 1
    assert apis(fake, sheet_id) == ["values.batchUpdate"]
    records = {r["User ID"]: r for r in fake.records(sheet_id, "Members")}
    assert list(records) == ["U00000", "U00001", "U00002", "U00003"]
    assert records["U00001"]["Status"] == "Introduced"
    assert records["U00001"]["Notes"] == "call on Friday"
    header = fake.grid(sheet_id, "Members")[0]
    assert header[:3] == ["User ID", "Status", "Name"]  # the manager's order is kept
    assert header.count("Status") == 1


def test_a_porch_column_deleted_by_hand_comes_back_filled_on_the_right(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    account: Account,
    limiter: WriteLimiter,
) -> None:
    members(engine, 3, start=0)
    for user_id in ("U00000", "U00001", "U00002"):
        put_member(engine, user_id, **{"Joined via": "invite"})
    tracker = google(config, settings, limiter)
    sync(engine, config, settings, tracker)
    spreadsheet = manager_view(fake, account, sheet_id)
    worksheet = spreadsheet.worksheet("Members")
    gone = {"sheetId": worksheet.id, "dimension": "COLUMNS", "startIndex": 3, "endIndex": 4}
    spreadsheet.batch_update({"requests": [{"deleteDimension": {"range": gone}}]})
    worksheet.update_cell(1, len(COLUMNS["Members"]), "Notes")

    put_member(engine, "U00000", Status="Welcomed")
    sync(engine, config, settings, tracker)

    header = fake.grid(sheet_id, "Members")[0]
    assert header[-2:] == ["Notes", "Joined via"]
    assert [r["Joined via"] for r in fake.records(sheet_id, "Members")] == ["invite"] * 3


def test_links_are_clickable_rich_links_never_formulas(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    account: Account,
    limiter: WriteLimiter,
) -> None:
    profile = "https://team.slack.com/team/U00001"
    permalink = "https://team.slack.com/archives/C1/p1700000000000100"
    put_member(engine, "U00001", Profile=profile)
    put_member(engine, "U00002", Profile="javascript:alert(1)")
    put_rows(engine, "Wins", {"W1": {"Link": permalink}, "W2": {"Link": "see #wins"}})
    tracker = google(config, settings, limiter)
    sent: list[Any] = []
    for name in ("batch_update", "values_batch_update"):
        real = getattr(tracker.http, name)

        def spy(*args: Any, real: Any = real, **kwargs: Any) -> Any:
            sent.append([args, kwargs])
            return real(*args, **kwargs)

        setattr(tracker.http, name, spy)
    sync(engine, config, settings, tracker)

    payload = json.dumps(sent)
    assert "formulaValue" not in payload and "HYPERLINK" not in payload.upper()
    updates = [
        request["updateCells"]
        for args, _ in sent
        if isinstance(args[-1], dict) and "requests" in args[-1]
        for request in args[-1]["requests"]
        if "updateCells" in request
    ]
    assert updates and {u["fields"] for u in updates} == {"userEnteredFormat.textFormat.link"}
    profile_col = COLUMNS["Members"].index("Profile")
    link_col = COLUMNS["Wins"].index("Link")
    assert fake.links(sheet_id, "Members") == {(1, profile_col): profile}
    assert fake.links(sheet_id, "Wins") == {(1, link_col): permalink}
    members_grid = fake.grid(sheet_id, "Members")
    assert members_grid[1][profile_col] == profile  # the text is the plain URL, RAW
    assert members_grid[2][profile_col] == "javascript:alert(1)"  # not a link: plain text
    assert not any(isinstance(v, Formula) for row in members_grid for v in row)

    # A later change to the row rewrites its values only; the link stays.
    put_member(engine, "U00001", Status="Introduced")
    fake.reset_log()
    sync(engine, config, settings, tracker)
    assert apis(fake, sheet_id) == ["values.batchUpdate"]
    assert fake.links(sheet_id, "Members") == {(1, profile_col): profile}

    # The fake refuses what Google refuses: a name the discovery document does not have.
    spreadsheet = manager_view(fake, account, sheet_id)
    bad = {
        "updateCells": {
            "range": {"sheetId": spreadsheet.worksheet("Wins").id},
            "rows": [{"values": [{"userEnteredFormat": {"textFormat": {"url": permalink}}}]}],
            "fields": "userEnteredFormat.textFormat.link",
        }
    }
    with pytest.raises(gspread.exceptions.APIError, match="Unknown name"):
        spreadsheet.batch_update({"requests": [bad]})


# ---- quota and faults ----------------------------------------------------------------------


def test_a_burst_of_429s_is_retried_with_backoff(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    limiter: WriteLimiter,
) -> None:
    members(engine, 20)
    fake.fail_next(429, times=2, only="read")
    fake.fail_next(429, times=3, only="write")

    report = sync(engine, config, settings, google(config, settings, limiter))

    assert report.retries >= 5
    assert keys(fake, sheet_id) == Counter({f"U{i:05d}": 1 for i in range(20)})
    assert pending(engine) == 0


def test_503_for_minutes_keeps_every_row_queued_until_the_sheet_answers(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    clock: VirtualTime,
    limiter: WriteLimiter,
) -> None:
    tracker = google(config, settings, limiter)
    members(engine, 5)
    sync(engine, config, settings, tracker)
    members(engine, 5, start=5)
    put_member(engine, "U00000", Status="Introduced")
    fake.outage(seconds=300)

    for _ in range(3):  # every cycle during the outage fails, and loses nothing
        with pytest.raises(TrackerError, match="HTTP 503"):
            sync(engine, config, settings, tracker)
        assert pending(engine) == 6
        clock.advance(60)
    clock.advance(180)
    report = sync(engine, config, settings, tracker)

    assert report.rows_written == 6
    assert keys(fake, sheet_id) == Counter({f"U{i:05d}": 1 for i in range(10)})
    assert fake.records(sheet_id, "Members")[0]["Status"] == "Introduced"
    assert pending(engine) == 0


def test_a_crash_between_write_and_confirm_does_not_duplicate_rows(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    limiter: WriteLimiter,
) -> None:
    tracker = google(config, settings, limiter)
    members(engine, 3)
    sync(engine, config, settings, tracker)

    # The next write reaches the Sheet, but the process dies before it hears back.
    members(engine, 3, start=3)
    put_member(engine, "U00001", Status="Welcomed")
    fake.lose_responses(1)
    crashing = google(config, settings, limiter, retry=RetryPolicy(attempts=1))
    with pytest.raises(TrackerError):
        sync(engine, config, settings, crashing)
    assert keys(fake, sheet_id) == Counter({f"U{i:05d}": 1 for i in range(6)})  # applied...
    assert pending(engine) == 4  # ...but never confirmed

    members(engine, 1, start=6)  # arrives before the restart
    report = sync(engine, config, settings, google(config, settings, limiter))

    assert report.rows_written == 5
    assert keys(fake, sheet_id) == Counter({f"U{i:05d}": 1 for i in range(7)})
    assert fake.records(sheet_id, "Members")[1]["Status"] == "Welcomed"
    assert pending(engine) == 0


def test_a_lost_response_is_retried_in_place(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    limiter: WriteLimiter,
) -> None:
    tracker = google(config, settings, limiter)
    members(engine, 2)
    sync(engine, config, settings, tracker)
    members(engine, 2, start=2)
    fake.lose_responses(1)
    fake.reset_log()

    sync(engine, config, settings, tracker)

    assert apis(fake, sheet_id) == ["values.batchUpdate", "values.batchUpdate"]
    assert keys(fake, sheet_id) == Counter({f"U{i:05d}": 1 for i in range(4)})


def test_a_lost_layout_response_is_replanned_not_repeated(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    limiter: WriteLimiter,
) -> None:
    members(engine, 2)
    fake.lose_responses(1)  # the very first write: the layout batchUpdate

    sync(engine, config, settings, google(config, settings, limiter))

    titles = Counter(sheet.title for sheet in fake.book(sheet_id).sheets)
    assert all(count == 1 for count in titles.values())
    assert len(fake.worksheet(sheet_id, "Dashboard").charts) == 4
    assert keys(fake, sheet_id) == Counter({"U00000": 1, "U00001": 1})


def test_rows_deleted_by_hand_are_written_again_once(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    account: Account,
    limiter: WriteLimiter,
) -> None:
    tracker = google(config, settings, limiter)
    members(engine, 3)
    sync(engine, config, settings, tracker)
    spreadsheet = manager_view(fake, account, sheet_id)
    row = {"sheetId": spreadsheet.worksheet("Members").id, "dimension": "ROWS"}
    spreadsheet.batch_update(
        {"requests": [{"deleteDimension": {"range": row | {"startIndex": 2, "endIndex": 3}}}]}
    )

    members(engine, 1, start=3)
    report = sync(engine, config, settings, tracker)

    assert report.restored == 1
    assert keys(fake, sheet_id) == Counter({f"U{i:05d}": 1 for i in range(4)})


def test_rows_sorted_by_a_manager_are_still_updated_by_key(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    account: Account,
    limiter: WriteLimiter,
) -> None:
    tracker = google(config, settings, limiter)
    for user_id, name in (("U1", "Cleo"), ("U2", "Ada"), ("U3", "Bo")):
        put_member(engine, user_id, Name=name)
    sync(engine, config, settings, tracker)
    spreadsheet = manager_view(fake, account, sheet_id)
    grid = {"sheetId": spreadsheet.worksheet("Members").id, "startRowIndex": 1}
    spreadsheet.batch_update(
        {"requests": [{"sortRange": {"range": grid, "sortSpecs": [{"dimensionIndex": 1}]}}]}
    )

    put_member(engine, "U1", Name="Cleo", Status="Introduced")
    sync(engine, config, settings, tracker)

    records = fake.records(sheet_id, "Members")
    assert [(r["User ID"], r["Name"]) for r in records] == [
        ("U2", "Ada"),
        ("U3", "Bo"),
        ("U1", "Cleo"),
    ]
    assert [r["Status"] for r in records] == ["", "", "Introduced"]


def test_large_payloads_are_split_under_the_limit(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    limiter: WriteLimiter,
) -> None:
    members(engine, 300)
    limit = 8_000
    report = sync(engine, config, settings, google(config, settings, limiter, max_payload=limit))

    values_writes = [e for e in fake.writes(sheet_id) if e.api == "values.batchUpdate"]
    assert len(values_writes) > 1
    assert all(entry.bytes <= limit + 200 for entry in values_writes)
    assert report.rows_written == 300
    assert keys(fake, sheet_id) == Counter({f"U{i:05d}": 1 for i in range(300)})


def test_the_grid_grows_with_headroom_and_the_filter_follows(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    limiter: WriteLimiter,
) -> None:
    tracker = google(config, settings, limiter, min_headroom=20)
    members(engine, 5)
    sync(engine, config, settings, tracker)
    rows_before = fake.worksheet(sheet_id, "Members").rows
    assert rows_before == 6 + 20  # header, 5 members, headroom
    members(engine, 30, start=5)
    fake.reset_log()

    sync(engine, config, settings, tracker)

    sheet = fake.worksheet(sheet_id, "Members")
    assert apis(fake, sheet_id) == ["batchUpdate", "values.batchUpdate"]
    assert sheet.rows == 36 + 36  # the grid doubles
    assert sheet.basic_filter is not None
    assert sheet.basic_filter["range"]["endRowIndex"] == sheet.rows
    assert sheet.column_formats[2]["type"] == "DATE_TIME"
    assert len(keys(fake, sheet_id)) == 35

    members(engine, 30, start=35)
    fake.reset_log()
    sync(engine, config, settings, tracker)
    assert apis(fake, sheet_id) == ["values.batchUpdate"]  # still room: one request


def test_headroom_gives_way_near_the_10_million_cell_limit(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    limiter: WriteLimiter,
) -> None:
    # A manager's own worksheet already takes 9.7 million of the 10 million cells.
    fake.book(sheet_id).sheets[0].rows = 970_000
    fake.book(sheet_id).sheets[0].cols = 10
    members(engine, 50)

    sync(engine, config, settings, google(config, settings, limiter))

    assert fake.book(sheet_id).cell_count() <= 10_000_000
    assert len(keys(fake, sheet_id)) == 50

    fake.book(sheet_id).sheets[-1].rows = 999_000  # now nothing fits any more
    members(engine, 1, start=50)
    message = error_for(engine, config, settings, pending_after=1)
    assert "above Google's limit of 10,000,000 per spreadsheet" in message


def test_writes_stay_under_60_per_minute(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    limiter: WriteLimiter,
) -> None:
    tracker = google(config, settings, limiter)
    for i in range(80):  # 80 cycles back to back, each with a change to write
        put_member(engine, f"U{i:05d}")
        sync(engine, config, settings, tracker)

    statuses = {entry.status for entry in fake.log}
    assert statuses == {200}  # Google never had to say 429
    assert len(fake.writes(sheet_id)) == 81  # one write per cycle, plus the first layout
    assert fake.max_writes_per_minute(sheet_id) <= 50


# ---- leases, backfill, moving targets ------------------------------------------------------


def test_only_the_lease_holder_syncs(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    limiter: WriteLimiter,
) -> None:
    members(engine, 2)
    with engine.begin() as conn:
        locks.acquire(
            conn,
            name=lease_name("T1"),
            holder="other-replica",
            until=NOW + dt.timedelta(minutes=10),
            now=NOW,
        )
    tracker = google(config, settings, limiter)

    assert sync(engine, config, settings, tracker).skipped
    assert [e for e in fake.log if e.kind != "token"] == []
    later = NOW + dt.timedelta(minutes=11)
    assert sync(engine, config, settings, tracker, now=later).rows_written == 2


def test_backfill_rebuilds_layout_and_rows_with_progress(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    limiter: WriteLimiter,
) -> None:
    tracker = google(config, settings, limiter)
    members(engine, 40)
    sync(engine, config, settings, tracker)
    sheet = fake.worksheet(sheet_id, "Members")
    sheet.header_formats.clear()
    sheet.frozen_rows = 0
    seen: list[tuple[int, int]] = []

    report = backfill(
        engine=engine,
        config=config,
        settings=settings,
        now=NOW,
        tracker=tracker,
        progress=lambda done, total: seen.append((done, total)),
    )

    assert report.rows_written == 40
    assert seen[-1] == (40, 40)
    assert sheet.frozen_rows == 1 and sheet.header_formats[0]["textFormat"]["bold"]
    assert [c["chartId"] for c in fake.worksheet(sheet_id, "Dashboard").charts] == list(
        dashboard.CHART_IDS
    )
    assert keys(fake, sheet_id) == Counter({f"U{i:05d}": 1 for i in range(40)})


def test_moving_from_the_local_folder_to_a_sheet_writes_every_row_there(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    limiter: WriteLimiter,
) -> None:
    members(engine, 4)
    local = with_sheet(config, None)
    sync_once(engine=engine, config=local, settings=settings, now=NOW)
    assert (settings.config_path.parent / "tracker" / "tracker.xlsx").exists()
    assert pending(engine) == 0

    report = sync(engine, config, settings, google(config, settings, limiter))

    assert report.rows_written == 4
    assert len(keys(fake, sheet_id)) == 4


# ---- configuration and errors --------------------------------------------------------------


def test_the_sheet_may_be_given_by_url(
    engine: Engine, config: Config, settings: Settings, fake: FakeGoogle, sheet_id: str
) -> None:
    members(engine, 1)
    url = f"https://docs.google.com/spreadsheets/d/{sheet_id}/edit#gid=0"

    report = sync_once(engine=engine, config=with_sheet(config, url), settings=settings, now=NOW)

    assert report.rows_written == 1
    assert report.target == f"Google Sheet {sheet_id}"


def error_for(
    engine: Engine, config: Config, settings: Settings, *, pending_after: int | None = None
) -> str:
    if pending_after is None:
        members(engine, 1)
    with pytest.raises(TrackerError) as caught:
        sync_once(engine=engine, config=config, settings=settings, now=NOW)
    message = str(caught.value)
    assert "\n" not in message
    assert pending(engine) == (pending_after or 1)
    return message


def test_a_sheet_not_shared_names_the_account_to_share_it_with(
    engine: Engine, config: Config, settings: Settings, fake: FakeGoogle, account: Account
) -> None:
    private = fake.create_spreadsheet(editors=["someone@example.org"])
    message = error_for(engine, with_sheet(config, private), settings)
    assert f"share it with {account.email} as an Editor" in message


def test_a_read_only_share_is_not_enough(
    engine: Engine, config: Config, settings: Settings, fake: FakeGoogle, account: Account
) -> None:
    read_only = fake.create_spreadsheet(readers=[account.email])
    assert f"share it with {account.email}" in error_for(
        engine, with_sheet(config, read_only), settings
    )


def test_an_unknown_sheet_id(engine: Engine, config: Config, settings: Settings) -> None:
    message = error_for(engine, with_sheet(config, "1" * 44), settings)
    assert "No Google Sheet has the ID '11111" in message


def test_a_token_without_the_sheets_scope(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    tmp_path: Path,
) -> None:
    info = fake.service_account(
        email="narrow@porch-test.iam.gserviceaccount.com",
        scopes=["https://www.googleapis.com/auth/drive.metadata.readonly"],
    )
    key = fake.write_key_file(tmp_path / "narrow.json", info)
    shared = fake.create_spreadsheet(editors=[info["client_email"]])
    narrow = Settings(**{**settings.__dict__, "google_credentials": key})
    assert "lack the Google Sheets scope" in error_for(engine, with_sheet(config, shared), narrow)


def test_a_key_google_does_not_know(
    engine: Engine, config: Config, settings: Settings, fake: FakeGoogle, tmp_path: Path
) -> None:
    key = fake.write_key_file(tmp_path / "revoked.json", registered=False)
    revoked = Settings(**{**settings.__dict__, "google_credentials": key})
    message = error_for(engine, config, revoked)
    assert "Google refused the service-account key" in message
    assert "invalid_grant" in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("not json", "it is not JSON"),
        (json.dumps({"type": "authorized_user"}), "its type is 'authorized_user'"),
        (json.dumps({"type": "service_account", "client_email": "a@b"}), "private_key, token_uri"),
        (None, "private key cannot be read"),
    ],
)
def test_malformed_key_files(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    tmp_path: Path,
    content: str | None,
    expected: str,
) -> None:
    path = tmp_path / "bad.json"
    if content is None:
        info = fake.service_account()
        info["private_key"] = (
            "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"
        )
        content = json.dumps(info)
    path.write_text(content, encoding="utf-8")
    bad = Settings(**{**settings.__dict__, "google_credentials": path})
    message = error_for(engine, config, bad)
    assert message.startswith(f"GOOGLE_APPLICATION_CREDENTIALS ({path})")
    assert expected in message


def test_a_sheet_without_credentials_is_an_error_not_the_local_folder(
    config: Config, settings: Settings
) -> None:
    no_key = Settings(**{**settings.__dict__, "google_credentials": None})
    with pytest.raises(TrackerError, match="GOOGLE_APPLICATION_CREDENTIALS is not"):
        make_tracker(config=config, settings=no_key)
    no_sheet = config.model_copy(
        update={"tracker": config.tracker.model_copy(update={"sheet": None})}
    )
    tracker = make_tracker(config=no_sheet, settings=no_key)
    assert tracker.description.startswith("local tracker")


def test_a_change_made_during_the_write_is_written_by_the_next_cycle(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    limiter: WriteLimiter,
) -> None:
    members(engine, 40)
    tracker = google(config, settings, limiter, max_payload=1_500)  # several chunks
    changed: list[int] = []

    def meanwhile(done: int, total: int) -> None:
        if not changed:  # after the first chunk, before the last one is sent
            put_member(engine, "U00039", Status="Introduced")
            changed.append(done)

    sync_once(
        engine=engine,
        config=config,
        settings=settings,
        now=NOW,
        tracker=tracker,
        progress=meanwhile,
    )
    assert changed and changed[0] < 40
    assert fake.records(sheet_id, "Members")[-1]["Status"] == ""  # the version it had read
    assert pending(engine) == 1  # so the change is not marked as written

    sync(engine, config, settings, tracker)

    assert fake.records(sheet_id, "Members")[-1]["Status"] == "Introduced"
    assert pending(engine) == 0
    assert keys(fake, sheet_id) == Counter({f"U{i:05d}": 1 for i in range(40)})


def test_health_weeks_and_the_dashboard_reach_the_sheet(
    engine: Engine,
    config: Config,
    settings: Settings,
    fake: FakeGoogle,
    sheet_id: str,
    limiter: WriteLimiter,
) -> None:
    from tests.porch.features.health.test_weeks import at, seed

    seed(engine)
    sync(engine, config, settings, google(config, settings, limiter), now=at(24))

    weeks = {row["Week"]: row for row in fake.records(sheet_id, "Health")}
    assert list(weeks) == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert weeks["2026-W47"]["Participation %"] == 66.7
    assert weeks["2026-W47"]["Week starting"] == 46342  # a date serial: Monday 16 November
    grid = fake.grid(sheet_id, "Dashboard")
    assert grid[3][:3] == ["Metric", "This week", "Last week"]
    assert grid[4][1:3] == ["2026-W48", "2026-W47"]
    # UA and UB engaged in the 30 days to both weeks' ends (week 48 ends now, before UE joins).
    assert grid[8][:3] == ["Participation %", 66.7, 66.7]
    health_id = fake.worksheet(sheet_id, "Health").sheet_id
    trend = fake.worksheet(sheet_id, "Dashboard").charts[0]["spec"]["basicChart"]
    source = trend["series"][0]["series"]["sourceRange"]["sources"][0]
    assert (source["sheetId"], source["startColumnIndex"]) == (health_id, 5)
