"""Pages promise only what Porch does: one response time, and every kind of words it keeps."""

from __future__ import annotations

import pytest

from porch.core.feature import PersonalData
from porch.features import spotlight
from porch.features.privacy.page import what
from porch.features.registry import build_features, templates
from tests.porch.site.helpers import community_data
from tests.porch.site.test_render import CONFIG, render_site_page


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


def _kept_words(page: str) -> str:
    return page.split("The only names and words it keeps are these")[1].split("## Who can read")[0]


def test_the_privacy_page_lists_every_declaration_that_keeps_words():
    features = build_features(config=CONFIG, templates=templates()).features
    page = render_site_page("privacy.md")
    kept = _kept_words(page)
    with_text = [d for feature in features for d in feature.personal_data if d.text_columns]
    assert len(with_text) >= 6
    for declared in with_text:
        assert f"- **{what(declared)}**: " in kept, declared.table
    for promised in ("Your ritual replies", "Inbox messages", "Your survey answers"):
        assert promised in kept
    assert "The words it does keep are the wins and feedback" not in page
    # The tracker sentence names every worksheet that holds a member's rows.
    readers = page.split("## Who can read it")[1]
    worksheets = "Members, Wins, Feedback, Inbox, Moderation, Content and Candidates worksheets"
    assert f"its {worksheets}" in readers


def test_a_feature_that_starts_keeping_words_is_on_the_privacy_page(
    monkeypatch: pytest.MonkeyPatch,
):
    guestbook = PersonalData(
        table="guestbook_notes",
        label="Your guestbook notes",
        user_columns=("user_id",),
        purpose="Notes you leave in the guestbook.",
        text_columns=("note",),
        timestamp_column="at",
        retention="inbox_text",
    )
    monkeypatch.setattr(spotlight, "PERSONAL_DATA", (*spotlight.PERSONAL_DATA, guestbook))
    page = render_site_page("privacy.md", privacy={"retention": {"inbox_text": 45}})
    assert "- **Your guestbook notes**: cleared after 45 days." in _kept_words(page)
    assert "| Your guestbook notes | Notes you leave in the guestbook." in page
