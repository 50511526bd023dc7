"""The managers' guide describes the alerts, the morning check-in and the survey by their
settings (docs/managers.md; the newcomer site no longer has a page for managers)."""

from __future__ import annotations

from tests.porch.site.helpers import REPO


def test_the_managers_guide_describes_alerts_check_in_and_survey():
    text = " ".join((REPO / "docs" / "managers.md").read_text(encoding="utf-8").split())
    for phrase in (
        "Alerts, the morning check-in and the survey",
        "counted only inside `response_alerts.community_hours` (09:00 to 18:00, Monday to Friday)",
        "Porch posts one alert with a link to the question",
        "At `manager_check_in.time` (09:00)",
        "the one post most worth a reply",
        "last `nps.active_days` (30) days get one direct message",
        "No more surveys",
        "promoters (9 or 10) minus the share of detractors (0 to 6)",
    ):
        assert phrase in text, phrase
