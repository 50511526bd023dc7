"""The demo shows Gia answering the join questions and getting her path's channel."""

from __future__ import annotations

from pathlib import Path


def test_the_demo_shows_gia_answering_and_joining_her_paths_channel(demo: tuple[str, Path]):
    output, _ = demo
    scene = output[output.index("clicks [Tell us about you]") :]
    assert scene.count("Thanks, Gia! Here is where to start") == 1  # delivered twice, sent once
    assert "[Join #design-crit]" in scene and "Gia is in #design-crit." in scene
