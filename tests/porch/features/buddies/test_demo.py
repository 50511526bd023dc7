"""The demo shows a newcomer paired with a buddy, in one group DM."""

from __future__ import annotations

from pathlib import Path


def test_the_demo_shows_a_newcomer_paired_with_a_buddy_once(demo: tuple[str, Path]):
    output, _ = demo
    # Ben, the ambassador the demo invited earlier, has no newcomer yet: he is her buddy.
    assert output.count("Group DM to Gia and Ben: ") == 1
    assert "@Gia, meet @Ben, your buddy in Indie Makers Circle!" in output
