"""A report in Markdown, shown in Slack and saved as HTML, with member text kept as data."""

from __future__ import annotations

from porch.core.markdown_report import escape_inline, render_blocks, render_html

REPORT = f"""# Digest: 2026-11

- **bug**: 3 items ([open](https://example.slack.com/archives/C1/p1))

| Tag | Items |
|---|---|
| bug | 3 |

Said: {escape_inline("<!channel> <script>x</script> | =1+1")}
"""


def test_headings_lists_links_and_tables_become_blocks() -> None:
    blocks = render_blocks(REPORT)
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Digest: 2026-11"},
    }
    assert blocks[1]["text"]["text"] == (
        "• *bug*: 3 items (<https://example.slack.com/archives/C1/p1|open>)"
    )
    assert blocks[2]["text"]["text"] == "```\nTag  Items\nbug  3\n```"


def test_member_text_pings_nobody_in_slack_and_is_inert_in_html() -> None:
    said = render_blocks(REPORT)[3]["text"]["text"]
    assert "<!channel>" not in said and "&lt;!channel&gt;" in said
    page = render_html(REPORT, title="Digest <b>")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<title>Digest &lt;b&gt;</title>" in page
    assert "<td>bug</td>" in page
