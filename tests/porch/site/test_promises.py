"""Pages promise only what Porch does: one response time, and every kind of words it keeps."""

from __future__ import annotations

from tests.porch.site.helpers import community_data
from tests.porch.site.test_render import render_site_page


def test_the_faq_promises_the_response_time_the_alert_uses():
    page = render_site_page(
        "faq.md",
        thresholds={"first_response_hours": 3},
        response_alerts={
            "community_hours": {"start": "08:30", "end": "17:00", "weekdays": ["monday", "friday"]}
        },
    )
    answer = page.split("## How quickly will someone answer me?")[1].split("##")[0]
    assert "every new question within 3 hours" in answer
    assert "08:30 to\n17:00 on Monday and Friday" in answer
    assert "24 hours" not in answer and "unanswered_after_hours" not in page


def test_the_faq_says_nothing_of_community_hours_without_the_alert():
    assert community_data()["response_alerts"]  # the example config has the section
    page = render_site_page("faq.md", response_alerts={"enabled": False})
    answer = page.split("## How quickly will someone answer me?")[1].split("##")[0]
    assert "within 4 hours" in answer and "while the team is around" not in answer
