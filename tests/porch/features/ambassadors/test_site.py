"""The site's ambassadors page says what Porch runs, from the config: how to apply, the
program's size, the levels and their criteria, the perks that exist."""

from __future__ import annotations

from tests.porch.site.test_render import render_site_page


def test_the_page_shows_the_levels_how_to_apply_and_the_cap():
    levels = [
        {"name": "regular", "days_active": 3, "tenure_days": 10},
        {"name": "mentor", "days_active": 5, "first_answers": 2, "tenure_days": 30},
    ]
    page = render_site_page(
        "ambassadors.md",
        ambassadors={"levels": levels, "max_ambassadors": 8, "window_days": 45, "grace_days": 9},
    )
    assert "| regular | 3 days active, 10 days as a member |" in page
    assert (
        "| mentor (the community team sees you as a possible ambassador) | 5 days active, "
        "2 first answers to questions, 30 days as a member |"
    ) in page
    assert "never has more than 8" in " ".join(page.split())
    assert "over the last 45 days" in " ".join(page.split())
    assert "for\n9 days" in page or "for 9 days" in page
    assert "`/porch ambassador`" in page
    assert "profile on the site" not in page  # a perk Porch does not give
