"""The demo's alerts scene: one alert for Eli's question, edited once Ana answers, and one
morning check-in listing the newcomer and her open question."""

from __future__ import annotations


def test_the_demo_shows_one_alert_its_answer_and_one_check_in(demo):
    output, _ = demo
    scene = output[output.index("Eli asks another question") :]
    assert scene.count("A question is still waiting for an answer. Eli asked in #general") == 1
    assert "#community-team (edited)" in scene
    assert "was answered by @Ana after 4.5 h" in scene
    # The first Friday's check-in (during the wins ritual) lists the first newcomers; the
    # scene's Friday lists Gia, once.
    assert output.count("• @Gia: welcomed") == 1
    check_in = scene[scene.index("Good morning!") :]
    assert "• @Gia: welcomed, has posted" in check_in
    assert "Questions still waiting for an answer (1)" in check_in
    assert "Most worth a reply today: the question Gia asked in #general" in check_in
    assert "DM to Dana" not in output  # no survey in the demo
