"""The demo's showcase scene: Ana's hashtag brings one suggestion, she submits with consent,
Sam approves (twice, by accident): one credited post, and the site built at the end shows it."""

from __future__ import annotations

import re
from pathlib import Path


def test_the_demo_shows_a_submission_approved_then_on_the_built_site(demo):
    output, _ = demo
    scene = output[output.index("Ana submits it with /porch share") :]
    assert scene.count("Pricing teardown, made by @Ana") == 1
    assert scene.count("Pricing teardown is in the showcase!") == 1
    [site] = re.findall(r"site\s+(\S+index\.html)", output)
    page = (Path(site).parent / "showcase" / "index.html").read_text(encoding="utf-8")
    assert "Pricing teardown" in page and "Nothing here yet" not in page
