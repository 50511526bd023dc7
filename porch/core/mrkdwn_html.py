"""Showing Slack messages to people outside Slack: the demo transcript and `porch preview`."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import Any

EMOJI = {
    "wave": "👋",
    "sparkles": "✨",
    "seedling": "🌱",
    "white_check_mark": "✅",
    "white_square": "⬜",
    "incoming_envelope": "📨",
    "tada": "🎉",
    "bulb": "💡",
    "bug": "🐛",
    "heart": "❤️",
    "question": "❓",
    "envelope_with_arrow": "📩",
    "hourglass_flowing_sand": "⏳",
    "sunrise": "🌅",
    "pray": "🙏",
    "star": "⭐",
    "fast_forward": "⏩",
    "inbox_tray": "📥",
    "speech_balloon": "💬",
}

_ANGLE = re.compile(r"<([^<>]+)>")
_EMOJI = re.compile(r":([a-z0-9_+\-]+):")


def block_texts(blocks: list[dict[str, Any]] | None, fallback: str = "") -> list[str]:
    """The mrkdwn/plain text of each block, buttons as [Label]."""
    if not blocks:
        return [fallback]
    out: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind in ("section", "header"):
            out.append(block["text"]["text"])
        elif kind == "context":
            out.append(" ".join(e.get("text", "") for e in block.get("elements", [])))
        elif kind == "actions":
            out.append("  ".join(f"[{_label(e)}]" for e in block.get("elements", [])))
        elif kind == "divider":
            out.append("―" * 20)
        elif kind == "input":
            out.append(f"{block['label']['text']}: {block['element'].get('initial_value', '')}")
    return out


def _label(element: Mapping[str, Any]) -> str:
    """A button's text, or a menu's placeholder and current choice ("Set status ▾")."""
    if "text" in element:
        return element["text"]["text"]
    chosen = (element.get("initial_option") or {}).get("text", {}).get("text")
    placeholder = (element.get("placeholder") or {}).get("text", "")
    return f"{chosen or placeholder} ▾"


def to_plain(text: str, *, names: Mapping[str, str]) -> str:
    """mrkdwn to terminal text: mentions become @name, links their label, entities decoded."""

    def angle(match: re.Match[str]) -> str:
        return _reference(match.group(1), names, plain=True)

    text = _ANGLE.sub(angle, text)
    text = _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)
    text = re.sub(r"(?<!\w)\*([^*\n]+)\*(?!\w)", r"\1", text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def to_html(text: str, *, names: Mapping[str, str]) -> str:
    """mrkdwn to HTML for the preview page, as Slack shows it: bold, italics, code, links,
    mentions, emoji and quoted lines (`>` or `&gt;` at the start of a line).

    Mentions and links are set aside before the inline formatting runs over the whole text, so
    bold around a mention (`*1. <@U1>*`) is still bold."""
    references: list[str] = []

    def hold(match: re.Match[str]) -> str:
        references.append(_reference(match.group(1), names, plain=False))
        return f"\x00{len(references) - 1}\x00"

    formatted = _inline_html(_ANGLE.sub(hold, text))
    html_text = _quotes(formatted.split("\n"))
    return _HELD.sub(lambda m: references[int(m.group(1))], html_text)


_HELD = re.compile("\x00(\\d+)\x00")
_QUOTED = re.compile(r"^(?:>|&gt;) ?")


def _quotes(lines: list[str]) -> str:
    """Lines joined with <br>, each run of quoted lines as one <blockquote>."""
    out: list[str] = []
    quoted: list[str] = []
    for line in lines:
        if _QUOTED.match(line):
            quoted.append(_QUOTED.sub("", line, count=1))
            continue
        if quoted:
            out.append(f"<blockquote>{'<br>'.join(quoted)}</blockquote>")
            quoted = []
        out.append(line + "<br>")
    if quoted:
        out.append(f"<blockquote>{'<br>'.join(quoted)}</blockquote>")
    joined = "".join(out)
    return joined.removesuffix("<br>")


def _inline_html(text: str) -> str:
    # The text is already mrkdwn-escaped (&amp; &lt; &gt;), which is also valid HTML.
    text = text.replace('"', "&quot;")
    text = re.sub(r"(?<!\w)\*([^*\n]+)\*(?!\w)", r"<b>\1</b>", text)
    text = re.sub(r"(?<!\w)_([^_\n]+)_(?!\w)", r"<i>\1</i>", text)
    text = re.sub(r"`([^`\n]+)`", r"<code>\1</code>", text)
    return _EMOJI.sub(lambda m: EMOJI.get(m.group(1), m.group(0)), text)


def _reference(inner: str, names: Mapping[str, str], *, plain: bool) -> str:
    escape: Callable[[str], str] = (lambda s: s) if plain else html.escape
    if inner.startswith("@"):
        user = inner[1:].split("|", 1)[0]
        label = "@" + names.get(user, user)
        return label if plain else f'<span class="mention">{escape(label)}</span>'
    if inner.startswith("#"):
        channel = inner[1:].split("|", 1)[0]
        label = "#" + names.get(channel, channel)
        return label if plain else f'<span class="mention">{escape(label)}</span>'
    if inner.startswith("!date^"):
        # Slack shows a date in the reader's own timezone; elsewhere, its fallback text.
        fallback = inner.partition("|")[2]
        return fallback if plain else escape(html.unescape(fallback))
    if inner.startswith("!"):
        return "@" + inner[1:].split("|", 1)[0]
    url, _, label = inner.partition("|")
    if plain:
        return label or url
    return f'<a href="{escape(url)}">{escape(label or url)}</a>'
