"""The 30-day report, at a sprint's end, and the monthly one after: the sprint's tasks, the
leading indicators week by week (SVG charts drawn from the data, each beside a table of the
same figures), the decisions recorded and what followed each, the key posts' hit rate, and the
rituals community.yml schedules for the next four weeks, with the top themes of the period's
feedback (the "feedback_themes" period figure) when the feedback feature is installed.

Saved as one HTML page in `health.reports_dir` (`sprint-<team>-<first day>.html`, or
`sprint-<team>-<YYYY-MM>.html` for a calendar month); the 30-day report is also posted to the
managers' channel once (keyed by the sprint).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from porch.core.config import Config
from porch.core.markdown_report import chart_key, escape_inline
from porch.core.svg_charts import line_chart
from porch.features.sprint.scorecard import indicators_of
from porch.features.sprint.tables import sprint_decisions, sprint_scorecards
from porch.features.sprint.verdict import CHOICE_LABELS, LABELS, RULE, figure

VERDICTS = {
    "keep": "keep the rituals",
    "narrow": "narrow the topic, fewer formats",
    "watch": "one more week",
    "early": "too early",
}
NEXT = dt.timedelta(days=28)


def report_path(config: Config, *, team_id: str, name: str) -> Path:
    return Path(config.health.reports_dir) / f"sprint-{team_id}-{name}.html"


def markdown(
    conn: Connection,
    *,
    config: Config,
    team_id: str,
    title: str,
    since: dt.datetime,
    until: dt.datetime,
    weekly: Callable[..., list[Any]] | None,
    status: Mapping[str, Any] | None = None,
    hit_rate: Callable[..., dict[str, int]] | None = None,
    calendar: Callable[..., list[dict[str, str]]] | None = None,
    themes: Callable[..., dict[str, Any]] | None = None,
) -> tuple[str, dict[str, str]]:
    """The report's Markdown and its charts (placeholder -> SVG) for [since, until)."""
    tz = config.community.tz
    last = (until - dt.timedelta(seconds=1)).astimezone(tz).date()
    out = [f"# {title}", "", f"**Period:** {since.astimezone(tz).date()} to {last}", ""]
    charts: dict[str, str] = {}
    if status is not None:
        out += _tasks(status)
    if weekly is not None:
        out += _indicators(
            weekly(conn, team_id=team_id, since=since, until=until),
            keys=(*RULE, config.sprint.third_indicator),
            charts=charts,
        )
    out += _decisions(conn, team_id=team_id, since=since, until=until, tz=tz)
    if hit_rate is not None:
        found = hit_rate(conn, team_id=team_id, since=since, until=until)
        if found["watched"]:
            share = round(100 * found["in_time"] / found["watched"])
            out += [
                "## Key posts",
                "",
                f"{found['in_time']} of {found['watched']} first comments on key posts were "
                f"answered in time ({share}%).",
                "",
            ]
    if themes is not None:
        out += _themes(themes(conn, team_id=team_id, since=since, until=until))
    if calendar is not None:
        out += _calendar(calendar(conn, team_id=team_id, since=until, until=until + NEXT))
    return "\n".join(out) + "\n", charts


def _tasks(status: Mapping[str, Any]) -> list[str]:
    out = [
        "## The sprint's tasks",
        "",
        f"{status['done']} of {status['total']} tasks done.",
        "",
        "| Week | Task | Status |",
        "|---|---|---|",
    ]
    for number, tasks in enumerate(status["weeks"], start=1):
        for state in tasks:
            if state.done:
                said = "done (ticked)" if state.ticked else "done (Porch checked)"
            else:
                said = "late" if state.late else "to do"
            out.append(f"| {number} | {escape_inline(state.task.label)} | {said} |")
    return [*out, ""]


def _indicators(rows: list[Any], *, keys: tuple[str, ...], charts: dict[str, str]) -> list[str]:
    out = ["## Leading indicators, week by week", ""]
    if not rows:
        return [*out, "No week of this period was measured.", ""]
    weeks = [row.week for row in rows]
    for key in keys:
        placeholder = chart_key()
        charts[placeholder] = line_chart(
            LABELS[key], weeks, [float(getattr(row, key)) for row in rows]
        )
        out += [placeholder, ""]
    out.append("| Week | " + " | ".join(LABELS[key] for key in keys) + " |")
    out.append("|---|" + "---|" * len(keys))
    for row in rows:
        values = " | ".join(figure(float(getattr(row, key))) for key in keys)
        out.append(f"| {row.week} | {values} |")
    return [*out, ""]


def _decisions(
    conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime, tz: Any
) -> list[str]:
    cards = {
        row.week: row
        for row in conn.execute(
            select(sprint_scorecards).where(sprint_scorecards.c.team_id == team_id)
        )
    }
    decided = conn.execute(
        select(sprint_decisions)
        .where(sprint_decisions.c.team_id == team_id)
        .order_by(sprint_decisions.c.week)
    ).all()
    out = ["## Decisions and what followed", ""]
    rows = []
    for decision in decided:
        monday = _monday(decision.week, tz)
        if not since <= monday < until:
            continue
        card = cards.get(decision.week)
        verdict = VERDICTS.get(card.verdict, card.verdict) if card is not None else ""
        rows.append(
            f"| {decision.week} | {verdict} | {CHOICE_LABELS[decision.choice]} | "
            f"{escape_inline(decision.note)} | {_followed(cards, decision.week, tz)} |"
        )
    if not rows:
        return [*out, "No decision was recorded in this period.", ""]
    head = ["| Week | Rule | Decision | Note | What followed |", "|---|---|---|---|---|"]
    return [*out, *head, *rows, ""]


def _followed(cards: Mapping[str, Any], week: str, tz: Any) -> str:
    """The rule's two figures from the decided week to the next one (its scorecard)."""
    following = _monday(week, tz) + dt.timedelta(days=7)
    year, number, _ = following.date().isocalendar()
    card = cards.get(f"{year}-W{number:02d}")
    if card is None:
        return "the next scorecard is not out yet"
    by_key = {indicator.key: indicator for indicator in indicators_of(card)}
    moves = []
    for key in RULE:
        before, after = by_key[key].values[1], by_key[key].values[2]
        moves.append(f"{LABELS[key].lower()} {figure(before)} → {figure(after)}")
    return "; ".join(moves)


def _themes(found: Mapping[str, Any]) -> list[str]:
    out = ["## Top themes", ""]
    if not found["items"]:
        return [*out, "No feedback was raised in this period.", ""]
    count = found["items"]
    out.append(f"Feedback raised in this period: {count} item{'s' if count != 1 else ''}.")
    out.append("")
    for name, ranked in (("tags", found["tags"]), ("areas", found["areas"])):
        if ranked:
            top = ", ".join(f"{escape_inline(str(t))} ({n})" for t, n in ranked[:5])
            out.append(f"- By {name[:-1]}: {top}")
    return [*out, ""]


def _calendar(occurrences: list[dict[str, str]]) -> list[str]:
    out = ["## The next four weeks' rituals", ""]
    if not occurrences:
        return [*out, "No ritual is scheduled in community.yml.", ""]
    out += ["| Date | Time | Ritual | Channel |", "|---|---|---|---|"]
    for item in occurrences:
        out.append(
            f"| {item['weekday']} {item['date']} | {item['time']} | "
            f"{escape_inline(item['name'])} | #{escape_inline(item['channel'])} |"
        )
    return [*out, ""]


def _monday(week: str, tz: Any) -> dt.datetime:
    year, number = week.split("-W")
    day = dt.date.fromisocalendar(int(year), int(number), 1)
    return dt.datetime(day.year, day.month, day.day, tzinfo=tz)
