"""`porch preview`: every message Porch can send, rendered from the real templates.

Managers review the copy (including their own template overrides) before going live. The page
imitates Slack's look closely enough to judge tone, length and buttons.
"""

from __future__ import annotations

import datetime as dt
import html
import traceback
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, TemplateSyntaxError, select_autoescape
from markupsafe import Markup
from sqlalchemy import Connection

from porch.core import channel_directory, member_records
from porch.core.config import Config, ConfigIssue
from porch.core.domain_events import Newcomer
from porch.core.message_context import MessageContext
from porch.core.mrkdwn_html import to_html
from porch.core.store import connect, migrate
from porch.core.templating import PACKAGED_TEMPLATES, Message
from porch.features.registry import build_features
from porch.features.registry import templates as feature_templates

TEAM = "T0PREVIEW"
SAMPLE_MEMBER = Newcomer(
    user_id="U0SAMPLE1",
    display_name="Ana",
    real_name="Ana Lima",
    tz="Europe/Lisbon",
    is_bot=False,
    is_guest=False,
    is_deleted=False,
)
NAMES = {"U0SAMPLE1": "Ana", "U0SAMPLE2": "Ben", "U0SAMPLE3": "Chloé"}
MANAGER_NAME = "Sam (community manager)"
FIELD = "onboarding.templates_dir"


def samples(config: Config) -> list[tuple[str, str, str, Message]]:
    """(title, where it appears, template, message) for every template Porch ships."""
    templates = feature_templates(config.onboarding.templates_dir)
    return [
        (title, where, name, templates.render(name, **context))
        for title, where, name, context in sample_contexts(config)
    ]


def template_issues(config: Config) -> list[ConfigIssue]:
    """`porch check` for `onboarding.templates_dir`: every template there compiles, and each one
    Porch sends renders with sample data into a message Slack accepts. A manager's typo would
    otherwise surface as a failed welcome, one newcomer at a time."""
    if not config.onboarding.templates_dir:
        return []
    folder = Path(config.onboarding.templates_dir)
    templates = feature_templates(folder)
    shipped = {
        path.relative_to(PACKAGED_TEMPLATES).as_posix() for path in PACKAGED_TEMPLATES.rglob("*.j2")
    }
    issues: list[ConfigIssue] = []
    broken: set[str] = set()
    for file in sorted(folder.rglob("*.j2")):
        name = file.relative_to(folder).as_posix()
        try:
            templates.compile(name)
        except TemplateSyntaxError as exc:
            broken.add(name)
            issues.append(
                ConfigIssue(file, exc.lineno, FIELD, f"{name} does not compile: {exc.message}")
            )
            continue
        if name not in shipped:
            issues.append(
                ConfigIssue(
                    file,
                    1,
                    FIELD,
                    f"{name} is not a template Porch sends, so it changes nothing (overrides use "
                    "the names in Porch's templates/ folder, e.g. app_home.j2)",
                    warning=True,
                )
            )
    for _title, _where, name, context in sample_contexts(config):
        file = folder / name
        if name in broken or not file.is_file():
            continue
        try:
            message = templates.render(name, **context)
        except Exception as exc:  # whatever the template does wrong, the manager fixes it
            broken.add(name)
            line = _template_line(exc, file)
            issues.append(
                ConfigIssue(file, line, FIELD, f"{name} fails with sample data: {_reason(exc)}")
            )
            continue
        if not message.blocks and not message.text:
            broken.add(name)
            issues.append(ConfigIssue(file, 1, FIELD, f"{name} renders an empty message"))
    return issues


def _template_line(exc: BaseException, file: Path) -> int:
    """The template line Jinja was running (its tracebacks carry template file and line)."""
    if isinstance(exc, TemplateSyntaxError) and exc.lineno:
        return exc.lineno
    target = file.resolve()
    line = 1
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.lineno and Path(frame.filename).resolve() == target:
            line = frame.lineno
    return line


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TemplateSyntaxError):
        return exc.message or str(exc)
    return str(exc) or type(exc).__name__


def sample_contexts(config: Config) -> list[tuple[str, str, str, dict[str, Any]]]:
    """(title, where it appears, template, context) for every template Porch ships.

    The context comes from the real code on a throwaway store (the sample member's record and
    App Home), built with the shipped templates so a broken override cannot stop the others
    from being shown.
    """
    engine = connect("sqlite://")
    migrate(engine)
    features = build_features(config=config, templates=feature_templates())
    now = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    names = {name: f"C0PREVIEW{i}" for i, name in enumerate(_channel_names(config))}
    with engine.begin() as conn:
        channel_directory.remember(conn, team_id=TEAM, ids_by_name=names)
        _sample_member(conn, now=now)
        member = member_records.get(conn, team_id=TEAM, user_id=SAMPLE_MEMBER.user_id)
        home_sections = [
            part
            for section in features.app_home.sections
            if (part := section(conn, TEAM, SAMPLE_MEMBER.user_id))
        ]
    # Rendering needs no store: the context is plain data from here on.
    context: dict[str, Any] = MessageContext(
        config=config, team_id=TEAM, channel_ids=names
    ).for_member(member)
    entries: list[tuple[str, str, str, dict[str, Any]]] = [
        ("App Home", "Home tab", "app_home.j2", {"sections": home_sections}),
        ("/porch help", "Only visible to the manager", "command_help.j2", {}),
        (
            "A manager-only button, modal or command, used by someone else",
            "Only visible to them",
            "managers_only.j2",
            {},
        ),
        *features.previews(),
    ]
    return [(title, where, name, {**context, **extra}) for title, where, name, extra in entries]


def _sample_member(conn: Connection, *, now: dt.datetime) -> None:
    """Ana's record, as a newcomer who just joined (the store's members table)."""
    member_records.insert_newcomer(
        conn,
        team_id=TEAM,
        user=SAMPLE_MEMBER,
        via="team_join",
        welcome_status="pending",
        now=now,
    )


def write_preview(*, config: Config, out: Path) -> Path:
    names = {**NAMES, **{f"C0PREVIEW{i}": n for i, n in enumerate(_channel_names(config))}}
    names.update({user: MANAGER_NAME for user in config.managers.users})
    cards = []
    for title, where, template, message in samples(config):
        blocks = "".join(_block_html(block, names) for block in message.blocks)
        cards.append(
            f'<section class="card"><h2>{html.escape(title)}</h2>'
            f'<p class="where">{html.escape(where)} · <code>templates/{template}</code></p>'
            f'<div class="message"><div class="avatar">P</div><div class="body">'
            f'<div class="author">{html.escape(config.community.name)} <span>APP</span></div>'
            f"{blocks}</div></div>"
            f'<p class="fallback">Notification text: {html.escape(message.text)}</p></section>'
        )
    environment = Environment(
        loader=FileSystemLoader(str(PACKAGED_TEMPLATES)), autoescape=select_autoescape(["html"])
    )
    page = environment.get_template("preview_page.html").render(
        title=f"{config.community.name}: message preview",
        community=config.community.name,
        cards=Markup("\n".join(cards)),
    )
    out.write_text(page, encoding="utf-8")
    return out.resolve()


def _block_html(block: dict[str, Any], names: dict[str, str]) -> str:
    kind = block["type"]
    if kind == "section":
        return f'<div class="section">{to_html(block["text"]["text"], names=names)}</div>'
    if kind == "header":
        return f'<div class="header">{html.escape(block["text"]["text"])}</div>'
    if kind == "context":
        text = " ".join(e["text"] for e in block["elements"])
        return f'<div class="context">{to_html(text, names=names)}</div>'
    if kind == "divider":
        return "<hr>"
    if kind == "actions":
        buttons = "".join(
            f'<span class="button {e.get("style", "")}">'
            f"{html.escape((e.get('text') or e.get('placeholder') or {}).get('text', ''))}</span>"
            for e in block["elements"]
        )
        return f'<div class="actions">{buttons}</div>'
    if kind == "input":
        return (
            f'<label class="input">{html.escape(block["label"]["text"])}'
            f'<textarea rows="4">{html.escape(block["element"].get("initial_value", ""))}'
            "</textarea></label>"
        )
    return ""


def _channel_names(config: Config) -> list[str]:
    return sorted(set(config.channels.model_dump().values()))
