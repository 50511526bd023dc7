"""The demo's moderation scene: a rule's card, a report joined to it, a reminder sent from it."""

from __future__ import annotations

from pathlib import Path


def test_the_demo_shows_a_card_a_joined_report_and_a_reminder(demo: tuple[str, Path]) -> None:
    output, _ = demo
    start = output.index("Eli posts a giveaway")
    scene = output[start : output.index("wonders what Porch keeps", start)]
    assert scene.count("for a look: Crypto pitch") == 1  # one card, the report joined it
    assert "The card now says: Reported by @Dana (1; the member never sees who)" in scene
    assert "DM to Eli" in scene and "a quick friendly note" in scene
    assert "The card now says: ✅ Reminder by @Sam: First time; pointed to #wins" in scene
