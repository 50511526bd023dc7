"""Reports written once in Markdown, shown in Slack (Block Kit) and saved as HTML.

The feedback digest and the monthly health report are Markdown that Porch writes from its data;
this module turns that Markdown into Slack blocks and into a standalone HTML page (the markdown
package). Member text inside a report is data: raw HTML in the source is shown as text, never
rendered, and mrkdwn control characters are escaped, so a member's words cannot ping a channel
or inject markup in either form. Pass member text through `escape_inline` when composing.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Mapping
from typing import Any

import markdown

# Block Kit limits: a header's text, a section's text, a message's blocks.
HEADER_MAX = 150
SECTION_MAX = 3000
BLOCKS_MAX = 50

_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_HEADING = re.compile(r"(#{1,6})\s+(.*)")
_BULLET = re.compile(r"^(\s*)[-*]\s+", re.MULTILINE)

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 16px/1.5 system-ui, sans-serif; max-width: 50rem; margin: 2rem auto;
  padding: 0 1rem; color: #1d1c1d; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border: 1px solid #ddd; padding: .35rem .7rem; text-align: left; }}
th {{ background: #f4f4f4; }}
td:not(:first-child) {{ font-variant-numeric: tabular-nums; }}
</style>
</head>
<body>
{body}
</body>
</html>
"""


def escape_inline(text: str) -> str:
    """Member text made literal inside Porch's Markdown: no emphasis, links or tables from it."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(text.split()))


def chart_key() -> str:
    """A fresh placeholder for a chart: a line of its own in the Markdown, unguessable, so a
    member's words quoted in the report can never stand for one."""
    return f"porch-chart-{secrets.token_hex(8)}"


def render_html(source: str, *, title: str, charts: Mapping[str, str] | None = None) -> str:
    """A standalone HTML page; raw HTML in `source` is escaped, not rendered. `charts` maps a
    placeholder (`chart_key()`, on a line of its own in `source`) to markup Porch drew itself
    (porch.core.svg_charts), which takes its place."""
    md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    body = md.convert(source)
    for key, markup in (charts or {}).items():
        body = body.replace(f"<p>{key}</p>", f'<figure class="chart">{markup}</figure>')
    return PAGE.format(title=html.escape(title), body=body)


def without_charts(source: str, charts: Mapping[str, str]) -> str:
    """The Markdown without its chart placeholders (Slack shows the tables beside them)."""
    return "\n".join(line for line in source.split("\n") if line.strip() not in charts)


def render_blocks(source: str) -> list[dict[str, Any]]:
    """Block Kit blocks: headings become header blocks, tables monospaced sections, the rest
    mrkdwn sections (bold, links and bullets converted), within Slack's size limits."""
    blocks: list[dict[str, Any]] = []
    for chunk in _chunks(source):
        heading = _HEADING.fullmatch(chunk)
        if heading:
            text = _unescape_markdown(heading.group(2))[:HEADER_MAX]
            blocks.append({"type": "header", "text": {"type": "plain_text", "text": text}})
        elif chunk.startswith("|"):
            blocks.append(_section("```\n" + _table_text(chunk) + "\n```"))
        else:
            blocks.append(_section(_mrkdwn(chunk)))
    if len(blocks) > BLOCKS_MAX:
        blocks = [*blocks[: BLOCKS_MAX - 1], _section("_(shortened: see the full report)_")]
    return blocks


def _chunks(source: str) -> list[str]:
    """Paragraphs, lists, tables and headings, one string each."""
    chunks: list[str] = []
    current: list[str] = []
    for line in source.splitlines():
        if not line.strip() or _HEADING.fullmatch(line.strip()):
            if current:
                chunks.append("\n".join(current))
                current = []
            if line.strip():
                chunks.append(line.strip())
            continue
        current.append(line.rstrip())
    if current:
        chunks.append("\n".join(current))
    return chunks


def _section(text: str) -> dict[str, Any]:
    if len(text) > SECTION_MAX:
        text = text[: SECTION_MAX - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _escape_mrkdwn(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _unescape_markdown(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _mrkdwn(chunk: str) -> str:
    text = _escape_mrkdwn(chunk)
    text = _BULLET.sub(lambda m: m.group(1) + "• ", text)
    text = _BOLD.sub(r"*\1*", text)
    text = _LINK.sub(lambda m: f"<{m.group(2)}|{m.group(1)}>", text)
    return _unescape_markdown(text)


def _table_text(chunk: str) -> str:
    rows = []
    for line in chunk.splitlines():
        cells = [_unescape_markdown(c.strip()) for c in line.strip().strip("|").split("|")]
        if all(set(c) <= set("-: ") for c in cells):
            continue
        rows.append(cells)
    widths = [max(len(row[i]) for row in rows if i < len(row)) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in rows]
    return _escape_mrkdwn("\n".join(line.rstrip() for line in lines))
