"""The managers' page describes the alerts, the morning check-in and the survey as configured."""

from __future__ import annotations

from collections.abc import Callable

from tests.porch.site.helpers import article_text


def test_the_managers_page_describes_alerts_check_in_and_survey(page: Callable[[str], str]):
    text = " ".join(article_text(page("metrics")).split())
    for phrase in (
        "Alerts, the morning check-in and the survey",
        "counted only between 09:00 and 18:00 on Monday, Tuesday, Wednesday, Thursday, Friday",
        "Porch posts one alert with a link to the question",
        "At 09:00 on check-in days",
        "the one post most worth a reply",
        "last 30 days get one direct message",
        "No more surveys",
        "promoters (9 or 10) minus the share of detractors (0 to 6)",
    ):
        assert phrase in text, phrase
