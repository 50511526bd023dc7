"""The manager_check_in section of community.yml: a misspelt weekday is named, with its line."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import config_issue_after


def test_a_misspelt_weekday_is_named(tmp_path: Path):
    weekdays = "  weekdays: [monday, tuesday, wednesday, thursday, friday]\n\nnps:"
    issue = config_issue_after(tmp_path, weekdays, "  weekdays: [monday, tuesdy]\n\nnps:")
    assert "manager_check_in.weekdays.1:" in issue and "'monday'" in issue
