"""Each worksheet's columns are declared once; its row builder and put_row agree with them."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

import pytest
from sqlalchemy import Engine

from porch.core import tracker_queue, worksheets
from porch.core.member_records import member_row
from porch.core.worksheets import MemberRow, RowError, WinRow
from porch.features import registry
from porch.features.feedback.worksheet import FeedbackRow
from porch.sheets_sync.layout import COLUMNS, KEY_COLUMN, SPECS

NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


def sample(row: type[worksheets.SheetRow]) -> worksheets.SheetRow:
    """A row with every field set, whatever its type."""
    values = {
        "str": "x",
        "int": 3,
        "float": 12.5,
        "dt.date": dt.date(2026, 11, 16),
        "dt.datetime | None": NOW,
        "int | None": 42,
    }
    fields = {f.name: values[str(f.type)] for f in dataclasses.fields(row)}
    first = dataclasses.fields(row)[0].name
    return row(**fields | {first: "K1"})


@pytest.mark.parametrize("row_class", registry.worksheet_rows(), ids=lambda row: row.SHEET)
def test_every_builder_produces_exactly_its_sheets_columns(
    row_class: type[worksheets.SheetRow],
) -> None:
    sheet = row_class.SHEET
    row = sample(row_class)
    assert tuple(row.cells()) == COLUMNS[sheet] == worksheets.headers(row_class)
    assert tuple((c.header, c.kind) for c in SPECS[sheet]) == tuple(
        (c.header, c.kind) for c in row_class.columns()
    )
    assert row.key == "K1" == row.cells()[KEY_COLUMN[sheet]]
    assert type(row).from_cells(row.cells()) == row  # queued rows can be read back and changed


def test_the_domain_builders_are_the_typed_rows() -> None:
    member = SimpleNamespace(
        user_id="U1",
        display_name="Ada",
        real_name="Ada Lovelace",
        joined_at=NOW,
        joined_via="team_join",
        welcomed_at=NOW,
        introduced_at=None,
        first_post_at=None,
        last_active_at=NOW,
        opted_out_at=None,
        is_deleted=False,
        welcome_status="sent",
    )
    row = member_row(member)
    assert isinstance(row, MemberRow)
    assert row.cells()["Joined"] == "2026-11-20 09:30"
    assert row.cells()["Introduced"] == ""
    assert row.cells()["Status"] == "Welcomed"
    assert row.cells()["Profile"] == ""  # no workspace URL known: no link to build
    linked = member_row(member, workspace_url="https://team.slack.com/")
    assert linked.cells()["Profile"] == "https://team.slack.com/team/U1"


@pytest.mark.parametrize(
    ("joined_via", "status"),
    [("import", "Joined before Porch"), ("reconcile", "Joined unnoticed")],
)
def test_members_recorded_without_a_welcome_say_why(joined_via: str, status: str) -> None:
    member = SimpleNamespace(
        user_id="U1",
        display_name="Ada",
        real_name="",
        joined_at=NOW,
        joined_via=joined_via,
        welcomed_at=None,
        introduced_at=None,
        first_post_at=None,
        last_active_at=None,
        opted_out_at=None,
        is_deleted=False,
        welcome_status="not needed",
    )
    assert member_row(member).cells()["Status"] == status


def test_put_row_rejects_a_row_with_unknown_or_missing_columns(engine: Engine) -> None:
    win = WinRow(
        win_id="C1:1.0",
        posted=NOW,
        member="Ada",
        win="Shipped",
        channel="#wins",
        link="",
        reactions=0,
    )
    with engine.begin() as conn:
        tracker_queue.put(conn, team_id="T1", row=win, now=NOW)
        with pytest.raises(RowError, match=r"missing columns \['Link', 'Reactions'\]"):
            partial = {k: v for k, v in win.cells().items() if k not in ("Link", "Reactions")}
            worksheets.check_cells(WinRow, win.key, partial)
        with pytest.raises(RowError, match=r"unknown columns \['Reaction'\]"):
            worksheets.check_cells(WinRow, win.key, win.cells() | {"Reaction": 1})
        with pytest.raises(RowError, match="must be the same"):
            worksheets.check_cells(WinRow, "C1:2.0", win.cells())
        with pytest.raises(RowError, match="must be the row's key"):
            tracker_queue.put_row(
                conn, team_id="T1", sheet="Wins", key="C1:2.0", values=win.cells(), now=NOW
            )
        with pytest.raises(ValueError, match="cannot be queued on the Feedback sheet"):
            tracker_queue.put_row(
                conn, team_id="T1", sheet="Feedback", key=win.key, values=win, now=NOW
            )
        assert tracker_queue.get_row(conn, team_id="T1", sheet="Wins", key=win.key) == win.cells()


def test_a_queued_row_is_changed_through_its_type(engine: Engine) -> None:
    item = FeedbackRow(
        feedback_id="C2:1.0",
        received=NOW,
        sender="Ada",
        tag="",
        feedback="Export is slow",
        channel="#feedback",
        link="",
        status="New",
        acknowledged=None,
    )
    with engine.begin() as conn:
        tracker_queue.put(conn, team_id="T1", row=item, now=NOW)
        stored = tracker_queue.get_row(conn, team_id="T1", sheet="Feedback", key=item.key)
        assert stored is not None
        tagged = dataclasses.replace(FeedbackRow.from_cells(stored), tag="bug", status="Tagged")
        tracker_queue.put(conn, team_id="T1", row=tagged, now=NOW)
        stored = tracker_queue.get_row(conn, team_id="T1", sheet="Feedback", key=item.key)
    assert stored is not None and stored["Tag"] == "bug" and stored["Acknowledged"] == ""
