"""The nps section of community.yml: a survey month out of range is named, with its line."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import config_issue_after


def test_a_survey_month_out_of_range_is_named(tmp_path: Path):
    issue = config_issue_after(tmp_path, "month_of_quarter: 2", "month_of_quarter: 4")
    assert "nps.month_of_quarter: must be at most 3, not 4" in issue
