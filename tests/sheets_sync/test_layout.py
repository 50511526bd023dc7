"""Cell values and headers (pure logic)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from porch.sheets_sync.layout import (
    COLUMNS,
    KEY_COLUMN,
    MAX_CELL_CHARS,
    column_letter,
    link_target,
    normalize_header,
    sanitize,
    serial,
    sheet_cell,
)

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("text", ["=1+1", "+33 6 12", "-2", "@channel", "\tx", "\rx"])
def test_text_that_could_run_as_a_formula_gets_a_leading_apostrophe(text: str) -> None:
    assert sanitize(text) == "'" + text
    assert sheet_cell("text", text, BERLIN) == "'" + text


# Text a spreadsheet may still read as a formula: after whitespace it trims, after characters
# nobody sees (zero-width, bidi controls), or with the fullwidth signs some locales accept.
HIDDEN_FORMULAS = [
    " =1+1",
    "   +33 6 12",
    "\n=cmd|' /C calc'!A0",
    "\u00a0@channel",
    "\u3000-2",
    "\u200b=1+1",
    "\u200c=1",
    "\u200d+1",
    "\u2060-1",
    '\ufeff=HYPERLINK("http://evil.example")',
    "\u200e=1",
    "\u200f=1",
    "\u202a=1",
    "\u202b=1",
    "\u202c=1",
    "\u202d=1",
    "\u202e=1",
    "\u2066=1",
    "\u2067=1",
    "\u2068=1",
    "\u2069=1",
    " \u200b\u202e \u2066=1",
    "\uff1d1+1",
    "\uff0b1",
    "\uff0d1",
    "\uff20channel",
    " \uff1dSUM(A1:A9)",
]


@pytest.mark.parametrize("text", HIDDEN_FORMULAS)
def test_text_that_hides_a_formula_trigger_gets_a_leading_apostrophe(text: str) -> None:
    assert sanitize(text) == "'" + text
    assert sheet_cell("long_text", text, BERLIN) == "'" + text


@pytest.mark.parametrize(
    "text", ["Ada", "a=b", "'quoted", "", "   ", "\u200bAda", " Ada = b", "\u00e9=", "x\uff1d1"]
)
def test_other_text_is_left_alone(text: str) -> None:
    assert sanitize(text) == text


def test_cells_never_exceed_the_sheets_limit() -> None:
    written = sheet_cell("long_text", "=" + "x" * 80_000, BERLIN)
    assert isinstance(written, str)
    assert len(written) < MAX_CELL_CHARS
    assert written.startswith("'=")


def test_dates_become_serial_numbers_in_the_community_timezone() -> None:
    # 09:30 UTC is 10:30 in Berlin in November.
    assert sheet_cell("datetime", "2026-11-20T09:30:00+00:00", BERLIN) == serial(
        dt.datetime(2026, 11, 20, 10, 30)
    )
    # Without an offset a timestamp is UTC (what the domain code writes).
    assert sheet_cell("datetime", "2026-11-20 09:30", BERLIN) == serial(
        dt.datetime(2026, 11, 20, 10, 30)
    )
    assert sheet_cell("date", "2026-11-16", BERLIN) == 46342
    assert serial(dt.datetime(1899, 12, 31)) == 1


def test_values_that_do_not_fit_their_column_are_kept_as_text() -> None:
    assert sheet_cell("datetime", "soon", BERLIN) == "soon"
    assert sheet_cell("int", "12", BERLIN) == 12
    assert sheet_cell("int", "-3", BERLIN) == -3
    assert sheet_cell("int", "many", BERLIN) == "many"
    assert sheet_cell("pct", 12.345, BERLIN) == 12.3
    assert sheet_cell("text", True, BERLIN) == "Yes"
    assert sheet_cell("text", None, BERLIN) == ""


def test_headers_are_defined_once_with_the_key_first() -> None:
    assert COLUMNS["Members"] == (
        "User ID",
        "Name",
        "Joined",
        "Joined via",
        "Welcomed",
        "Introduced",
        "First post",
        "Last active",
        "Status",
        "Profile",
        "Join answers",
        "Path",
        "Buddy",
    )
    assert COLUMNS["Health"][-4:] == (  # moderation's figures, then live events'
        "Reports",
        "Minutes to first action",
        "Repeat cases",
        "Live attendance",
    )
    assert set(COLUMNS) == {
        "Members",
        "Feedback",
        "Wins",
        "Content",
        "Rituals",
        "Health",
        "Inbox",
        "Candidates",
        "Moderation",
        "Decisions",
        "Events",
    }
    assert all(KEY_COLUMN[sheet] == headers[0] for sheet, headers in COLUMNS.items())
    assert normalize_header("  last   ACTIVE ") == normalize_header("Last active")


def test_only_porch_built_http_links_are_made_clickable() -> None:
    assert link_target("link", "https://team.slack.com/team/U1") == "https://team.slack.com/team/U1"
    assert link_target("link", "http://127.0.0.1:3000/archives/C1/p1") is not None
    for value in (
        "javascript:alert(1)",
        "data:text/html,x",
        "https://",
        "https://a b.example",
        "https://team.slack.com/\u200bteam",
        '=HYPERLINK("https://evil.example")',
        "",
        None,
    ):
        assert link_target("link", value) is None, value
    assert link_target("text", "https://team.slack.com/team/U1") is None


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AZ",
        "ZZ",
        "AAA",
    ]
