"""The demo's sprint scene: the scorecard of the sprint's second week, its verdict, and Sam's
decision recorded once (though submitted twice)."""

from __future__ import annotations


def test_the_demo_shows_a_scorecard_its_verdict_and_one_decision(demo):
    output, _ = demo
    scene = output[output.index("Sam starts a 30-day sprint") : output.index("A month in")]
    assert "30-day sprint, week 1 of 4: set the foundations" in scene
    card = scene[scene.index("Weekly scorecard, 2026-W47") :]
    assert "Returning engagers: " in card and "Verdict: " in card
    assert "30-day sprint, week 2 of 4" in scene
    assert scene.count("recorded the decision for 2026-W47: Reduce formats") == 1
