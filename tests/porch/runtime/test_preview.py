"""`porch preview` renders mrkdwn as Slack shows it: bold (also around a mention), quoted lines
and mentions, never the raw `*` and `>` a manager would otherwise take for the real copy."""

from __future__ import annotations

import re
from pathlib import Path

from porch.core.config import Config
from porch.core.mrkdwn_html import to_html
from porch.runtime.preview import write_preview


def cards(page: str, template: str) -> list[str]:
    every = page.split('<section class="card">')
    return [card for card in every if f"templates/{template}" in card]


def test_the_spotlight_samples_show_bold_quotes_and_mentions_not_raw_mrkdwn(
    tmp_path: Path, config: Config
):
    page = write_preview(config=config, out=tmp_path / "preview.html").read_text()

    drafts = cards(page, "spotlight/draft.j2")
    assert len(drafts) == 2
    for card in drafts:
        body = card.split('<div class="body">', 1)[1].split('<p class="fallback">', 1)[0]
        text = re.sub(r"<[^>]+>", "\n", body)  # the words the manager reads
        assert "*" not in text, text
        assert not re.search(r"^\s*(>|&gt;)", text, re.MULTILINE), text
        assert '<b>1. <span class="mention">@Ana</span></b>' in body
        assert "<blockquote>Every month a few people" in body


def test_mrkdwn_to_html_keeps_bold_around_mentions_and_quotes_lines():
    names = {"U1": "Ana", "C1": "general"}
    assert to_html("*1. <@U1>*: score 3", names=names) == (
        '<b>1. <span class="mention">@Ana</span></b>: score 3'
    )
    assert to_html("*For <#C1>:*\n>Hello\n&gt; again\nBye", names=names) == (
        '<b>For <span class="mention">#general</span>:</b><br>'
        "<blockquote>Hello<br>again</blockquote>Bye"
    )
    assert to_html("a <https://x.example/a_b_c|the_link> b", names=names) == (
        'a <a href="https://x.example/a_b_c">the_link</a> b'
    )
