"""The demo's office hour: announced, answered, reminded, attended and recapped, each once."""

from __future__ import annotations


def test_the_demo_shows_an_office_hour_announced_reminded_attended_and_recapped(demo):
    output, _ = demo
    scene = output[output.index("Sam runs `/porch event`") :]
    assert scene.count(":calendar: Office hour: pricing your first plan") == 1
    assert "Ana clicks [Going]" in scene and "Eli clicks [Maybe]" in scene
    # One reminder per member and offset: 24 hours (here 2 hours) and 15 minutes before.
    assert scene.count("starts in 15 minutes: Thursday 05 November, 18:00 CET") == 2
    assert scene.count("starts in 2 hours") == 2
    assert scene.count("is starting now in #general") == 1
    assert "Ana clicks [Check in]" in scene
    assert scene.count("Recap: Office hour: pricing your first plan") == 1
    assert (
        "1 attended (2 said Going). 1 question in this thread: 1 answered, 0 still open." in scene
    )
    assert "Sam clicks [Count Going as attended]" in scene
    assert "Events worksheet: 2 going, 2 attended, 1 question (0 unanswered)" in scene
