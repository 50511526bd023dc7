"""The privacy page says what the config and the declarations say: what is kept, why, for how
long, who reads the Sheet, how to ask for a copy or erasure, what happens on deactivation."""

from __future__ import annotations

from tests.porch.site.test_render import render_site_page


def test_the_privacy_page_comes_from_the_config_and_the_declarations():
    page = render_site_page(
        "privacy.md",
        privacy={
            "retention": {"wins": 90},
            "sheet_readers": "Only Sam and Priya.",
            "deactivated": "erase",
            "erase_after_days": 14,
        },
    )
    assert "| Wins (tracker) | Wins you shared" in page
    assert "The text is kept 90 days." in page  # wins, as configured
    assert "The text is kept 365 days." in page  # feedback, the default
    assert "| Your activity |" in page and "never the text" in page
    assert "Only Sam and Priya." in page
    assert "`/porch my-data`" in page and "`/porch forget-me`" in page
    assert "14 days after Slack tells it" in page
