"""Message copy lives in templates/: Jinja2 templates that build Slack Block Kit messages.

A template writes mrkdwn between `{% call msg.section() %}` ... `{% endcall %}` and adds buttons
with `{{ msg.button(..., action_id=ids.OPT_OUT) }}`: `ids` names every action and input ID
(each feature's ids.py, listed by the registry), so a template and its listener cannot
disagree on the string.

Every value printed with `{{ }}` is escaped for mrkdwn (`&`, `<`, `>`), so a member called
`<!channel>` pings nobody; values Porch builds itself (mentions, links) are wrapped in `Mrkdwn`
and pass through untouched. Managers override any template by putting a
file of the same name in `onboarding.templates_dir`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from porch.core.resources import project_path

PACKAGED_TEMPLATES = project_path("templates")


class Mrkdwn(str):
    """Text that is already valid, safe mrkdwn (built by Porch, never by a member)."""


def escape(value: object) -> str:
    """Escape text for Slack mrkdwn, as Slack asks: only &, < and > are special."""
    if isinstance(value, Mrkdwn):
        return value
    text = "" if value is None else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mention(user_id: str) -> Mrkdwn:
    if not re.fullmatch(r"[UW][A-Z0-9]+", user_id):
        raise ValueError(f"not a Slack user id: {user_id!r}")
    return Mrkdwn(f"<@{user_id}>")


def channel_link(channel_id: str | None, name: str) -> Mrkdwn:
    """`<#C123>` when the ID is known (Slack renders the live name), else a plain #name."""
    if channel_id and re.fullmatch(r"[CG][A-Z0-9]+", channel_id):
        return Mrkdwn(f"<#{channel_id}>")
    return Mrkdwn("#" + escape(name))


def link(url: str, label: str) -> Mrkdwn:
    return Mrkdwn(f"<{escape(url)}|{escape(label)}>")


@dataclass
class MessageBuilder:
    """Collects the blocks a template declares while it renders."""

    blocks: list[dict[str, Any]] = field(default_factory=list)
    _buttons: list[dict[str, Any]] = field(default_factory=list)
    _fallback: str | None = None

    def section(self, caller: Any) -> str:
        text = _tidy(caller())
        if text:
            self._flush_buttons()
            self.blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
        return ""

    def context(self, caller: Any) -> str:
        text = _tidy(caller())
        if text:
            self._flush_buttons()
            self.blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": text}]})
        return ""

    def divider(self) -> str:
        self._flush_buttons()
        self.blocks.append({"type": "divider"})
        return ""

    def button(
        self,
        label: str,
        *,
        action_id: str,
        url: str | None = None,
        value: str | None = None,
        style: str | None = None,
    ) -> str:
        button: dict[str, Any] = {
            "type": "button",
            "text": {"type": "plain_text", "text": str(label)[:75], "emoji": True},
            # str() turns a misspelt `ids.X` (StrictUndefined) into an error naming it.
            "action_id": str(action_id),
        }
        if url:
            button["url"] = str(url)
        if value is not None:
            button["value"] = str(value)
        if style:
            button["style"] = style
        self._buttons.append(button)
        return ""

    def input(
        self,
        label: str,
        *,
        action_id: str,
        initial: str = "",
        multiline: bool = True,
        max_length: int | None = None,
    ) -> str:
        """A text input, for modals (e.g. the manager personalising a welcome)."""
        self._flush_buttons()
        action_id = str(action_id)
        element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": action_id,
            "multiline": multiline,
        }
        if initial:
            element["initial_value"] = _tidy(initial)[:3000]
        if max_length:
            element["max_length"] = max_length
        self.blocks.append(
            {
                "type": "input",
                "block_id": action_id,
                "label": {"type": "plain_text", "text": str(label)[:2000]},
                "element": element,
            }
        )
        return ""

    def checkbox(self, label: str, *, action_id: str, option: str, optional: bool = True) -> str:
        """One checkbox of its own in a modal (a consent box); ticked, its value is "yes"."""
        self._flush_buttons()
        action_id = str(action_id)
        choice = {"text": {"type": "mrkdwn", "text": _tidy(option)[:150]}, "value": "yes"}
        self.blocks.append(
            {
                "type": "input",
                "block_id": action_id,
                "label": {"type": "plain_text", "text": str(label)[:2000]},
                "element": {"type": "checkboxes", "action_id": action_id, "options": [choice]},
                "optional": optional,
            }
        )
        return ""

    def select(
        self,
        label: str,
        *,
        action_id: str,
        options: list[tuple[str, str]],
        initial: str | None = None,
        modal: bool = False,
        optional: bool = False,
    ) -> str:
        """A menu of (text, value) options: beside the buttons in a message, or an input
        block of its own in a modal (`modal`)."""
        action_id = str(action_id)
        choices = [
            {"text": {"type": "plain_text", "text": str(text)[:75]}, "value": str(value)[:150]}
            for text, value in options[:100]
        ]
        element: dict[str, Any] = {
            "type": "static_select",
            "action_id": action_id,
            "placeholder": {"type": "plain_text", "text": str(label)[:150]},
            "options": choices,
        }
        chosen = [c for c in choices if c["value"] == initial]
        if chosen:
            element["initial_option"] = chosen[0]
        if not modal:
            self._buttons.append(element)
            return ""
        self._flush_buttons()
        self.blocks.append(
            {
                "type": "input",
                "block_id": action_id,
                "label": {"type": "plain_text", "text": str(label)[:2000]},
                "element": element,
                "optional": optional,
            }
        )
        return ""

    def header(self, text: str) -> str:
        self._flush_buttons()
        self.blocks.append(
            {
                "type": "header",
                "text": {"type": "plain_text", "text": str(text)[:150], "emoji": True},
            }
        )
        return ""

    def fallback(self, text: str) -> str:
        """The plain notification text (push notifications, screen readers); escaped too."""
        self._fallback = _tidy(escape(text))
        return ""

    def _flush_buttons(self) -> None:
        if self._buttons:
            self.blocks.append({"type": "actions", "elements": self._buttons})
            self._buttons = []

    def finish(self, rendered_text: str) -> Message:
        self._flush_buttons()
        text = self._fallback or _first_text(self.blocks) or _tidy(rendered_text)
        return Message(text=text, blocks=self.blocks)


@dataclass(frozen=True)
class Message:
    text: str
    blocks: list[dict[str, Any]]

    def payload(self) -> dict[str, Any]:
        return {"text": self.text, "blocks": self.blocks}


class Templates:
    """Renders message templates; built once from config and passed to whoever sends copy."""

    def __init__(
        self,
        *,
        override_dir: str | Path | None = None,
        ids: Mapping[str, StrEnum] | None = None,
    ) -> None:
        """`ids`: the features' Slack IDs by name (porch.features.registry.template_ids), added
        to the core ones templates see as `ids`."""
        loaders = []
        if override_dir:
            loaders.append(FileSystemLoader(str(override_dir)))
        loaders.append(FileSystemLoader(str(PACKAGED_TEMPLATES)))
        self._env = Environment(
            loader=ChoiceLoader(loaders),
            undefined=StrictUndefined,
            finalize=escape,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self._env.globals.update(
            mention=mention,
            link=link,
            channel_link=channel_link,
            ids=dict(ids or {}),
        )

    def render(self, name: str, **context: Any) -> Message:
        builder = MessageBuilder()
        text = self._env.get_template(name).render(msg=builder, **context)
        return builder.finish(text)

    def compile(self, name: str) -> None:
        """Parse a template without rendering it; raises jinja2.TemplateSyntaxError."""
        self._env.get_template(name)

    def names(self) -> list[str]:
        return sorted(n for n in self._env.list_templates() if n.endswith(".j2"))


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _first_text(blocks: list[dict[str, Any]]) -> str:
    for block in blocks:
        if block["type"] == "section":
            first_line = block["text"]["text"].split("\n", 1)[0]
            return first_line
    return ""
