"""community_hours, the check-in and the survey in community.yml: clear errors, and the response
clock that only runs while the team is around."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from porch.core.config import ConfigError
from porch.features.registry import load_config
from porch.features.response_alerts.config import CommunityHours
from porch.features.response_alerts.deadline import response_deadline
from tests.conftest import EXAMPLE_CONFIG

EXAMPLE = EXAMPLE_CONFIG.read_text()
BERLIN = ZoneInfo("Europe/Berlin")


def only_issue(tmp_path: Path, old: str, new: str) -> str:
    assert old in EXAMPLE, old
    path = tmp_path / "community.yml"
    path.write_text(EXAMPLE.replace(old, new, 1))
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [issue] = caught.value.issues
    return str(issue)


def test_community_hours_must_end_after_they_start(tmp_path: Path):
    issue = only_issue(tmp_path, '    end: "18:00"', '    end: "08:00"')
    assert "response_alerts.community_hours" in issue
    assert issue.endswith("end (08:00) must be later than start (09:00)")


def test_a_misspelt_weekday_and_a_survey_month_out_of_range_are_named(tmp_path: Path):
    weekdays = "  weekdays: [monday, tuesday, wednesday, thursday, friday]\n\nnps:"
    issue = only_issue(tmp_path, weekdays, "  weekdays: [monday, tuesdy]\n\nnps:")
    assert "manager_check_in.weekdays.1:" in issue and "'monday'" in issue
    issue = only_issue(tmp_path, "month_of_quarter: 2", "month_of_quarter: 4")
    assert "nps.month_of_quarter: must be at most 3, not 4" in issue


def test_the_deadline_within_one_day_and_across_a_weekend():
    hours = CommunityHours()
    monday = dt.datetime(2026, 11, 2, 10, 0, tzinfo=BERLIN)
    assert response_deadline(monday, hours=4, community_hours=hours, tz=BERLIN) == (
        dt.datetime(2026, 11, 2, 14, 0, tzinfo=BERLIN)
    )
    saturday = dt.datetime(2026, 11, 7, 12, 0, tzinfo=BERLIN)
    assert response_deadline(saturday, hours=9.5, community_hours=hours, tz=BERLIN) == (
        dt.datetime(2026, 11, 10, 9, 30, tzinfo=BERLIN)
    )
