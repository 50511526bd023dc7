"""The response_alerts section of community.yml: a clear error, with its line."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import config_issue_after


def test_community_hours_must_end_after_they_start(tmp_path: Path):
    issue = config_issue_after(tmp_path, '    end: "18:00"', '    end: "08:00"')
    assert "response_alerts.community_hours" in issue
    assert issue.endswith("end (08:00) must be later than start (09:00)")
