"""A HealthReport shown to people: terminal table, Markdown (Slack blocks and HTML) and JSON.

Every metric appears once in METRIC_LINES, with its label and unit, so the terminal, Slack and
the monthly HTML report list the same figures in the same order and words.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from porch.features.health.metrics import HealthReport


@dataclass(frozen=True)
class MetricLine:
    label: str
    value: Callable[[HealthReport], float | int | None]
    unit: str = ""
    # True when a higher figure is better (the comparison arrow); False for waiting times.
    higher_is_better: bool = True


METRIC_LINES: tuple[MetricLine, ...] = (
    MetricLine("Community Health Score", lambda r: r.score, "/100"),
    MetricLine("Members", lambda r: r.members),
    MetricLine("Active participation (30 days)", lambda r: r.participation_pct, "%"),
    MetricLine("DAU (average day, 30 days)", lambda r: r.dau),
    MetricLine("WAU (7 days)", lambda r: r.wau),
    MetricLine("MAU (30 days)", lambda r: r.mau),
    MetricLine("DAU/MAU", lambda r: r.dau_mau_pct, "%"),
    MetricLine("Member-initiated conversations per week", lambda r: r.conversations_per_week),
    MetricLine("Contribution density (contributors per week)", lambda r: r.contributors_per_week),
    MetricLine("Returning engagers (30 days)", lambda r: r.returning_pct, "%"),
    MetricLine("Conversation depth (replies per thread)", lambda r: r.depth),
    MetricLine("Replies per 1,000 members per week", lambda r: r.replies_per_1000_week),
    MetricLine("Reactions per 1,000 members per week", lambda r: r.reactions_per_1000_week),
    MetricLine("Questions", lambda r: r.questions),
    MetricLine("Questions answered", lambda r: r.answered),
    MetricLine(
        "Time to first response, median", lambda r: r.first_response_median_min, " min", False
    ),
    MetricLine("Time to first response, p90", lambda r: r.first_response_p90_min, " min", False),
    MetricLine("Retention, joined 3 months ago", lambda r: r.retention[3], "%"),
    MetricLine("Retention, joined 6 months ago", lambda r: r.retention[6], "%"),
    MetricLine("Retention, joined 12 months ago", lambda r: r.retention[12], "%"),
    MetricLine("New members", lambda r: r.joined),
    MetricLine("Referral rate (Slack names an inviter)", lambda r: r.referral_pct, "%"),
    MetricLine("NPS", lambda r: r.nps),
    MetricLine("Live event attendance", lambda r: r.live_attendance),
)

NO_FIGURE = "–"


def figure(value: float | int | None, unit: str = "") -> str:
    """A value as shown: "–" when there is nothing to measure yet."""
    if value is None:
        return NO_FIGURE
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}".removesuffix(".0")
    return text + unit


def change(current: float | int | None, previous: float | int | None, *, better_up: bool) -> str:
    """ "▲ 2.5" / "▼ 1" / "=" against the previous period ("" when either is missing)."""
    if current is None or previous is None:
        return ""
    delta = round(current - previous, 1)
    if delta == 0:
        return "="
    arrow = "▲" if delta > 0 else "▼"
    verdict = "" if better_up == (delta > 0) else " (worse)"
    return f"{arrow} {figure(abs(delta))}{verdict}"


def period_label(report: HealthReport, *, tz: dt.tzinfo) -> str:
    last = report.until.astimezone(tz) - dt.timedelta(microseconds=1)
    return f"{report.since.astimezone(tz):%Y-%m-%d} to {last:%Y-%m-%d}"


def rows(
    report: HealthReport, previous: HealthReport | None = None
) -> list[tuple[str, str, str, str]]:
    """(metric, this period, previous period, change) for every metric."""
    table = []
    for line in METRIC_LINES:
        now = line.value(report)
        before = line.value(previous) if previous else None
        table.append(
            (
                line.label,
                figure(now, line.unit),
                figure(before, line.unit) if previous else "",
                change(now, before, better_up=line.higher_is_better) if previous else "",
            )
        )
    return table


def terminal_table(
    report: HealthReport, previous: HealthReport | None = None, *, tz: dt.tzinfo
) -> str:
    """The report as aligned text columns, for `porch report`."""
    header = ("Metric", period_label(report, tz=tz), "Previous period", "Change")
    body = rows(report, previous)
    if previous is None:
        header = (*header[:2], "", "")
    widths = [max(len(row[i]) for row in (header, *body)) for i in range(4)]
    lines = [
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        for row in (header, *body)
    ]
    lines.insert(1, "-" * len(lines[0]))
    lines.append("")
    lines.append(f"Status: {report.status} (the band of the Community Health Score)")
    if report.cohorts:
        lines.append("Retention by join month (joined -> active in the last 30 days):")
        for cohort in report.cohorts:
            if cohort.joined:
                lines.append(
                    f"  {cohort.month}: {cohort.active}/{cohort.joined} "
                    f"({figure(cohort.share_pct, '%')})"
                )
    if report.paths is not None:
        lines.append(f"By path ({PATH_NOTE}):")
        for path, on, active, share, retention in path_rows(report):
            lines.append(f"  {path}: {active}/{on} active ({share}); retained {retention}")
    return "\n".join(lines)


PATH_NOTE = (
    "retention: of the members who joined in the period before, the share active in this one"
)


def path_rows(report: HealthReport) -> list[tuple[str, str, str, str, str]]:
    """(path, members, active, participation, "retained/joined before (retention)") per path,
    when join questions are configured."""
    return [
        (
            line.path,
            figure(line.members),
            figure(line.active),
            figure(line.share_pct, "%"),
            f"{line.retained}/{line.joined_before} ({figure(line.retention_pct, '%')})",
        )
        for line in report.paths or ()
    ]


def markdown(
    report: HealthReport, previous: HealthReport | None = None, *, tz: dt.tzinfo, title: str
) -> str:
    """The report in Markdown: rendered to Slack blocks and to the monthly HTML page."""
    out = [f"# {title}", "", f"**Period:** {period_label(report, tz=tz)}", ""]
    out.append(
        f"**Community Health Score:** {figure(report.score)}/100 ({report.status}). "
        f"**Active participation:** {figure(report.participation_pct, '%')}."
    )
    out.append("")
    out.append("| Metric | This period | Previous | Change |")
    out.append("|---|---|---|---|")
    for label, now, before, delta in rows(report, previous):
        out.append(f"| {label} | {now} | {before or NO_FIGURE} | {delta or NO_FIGURE} |")
    cohorts = [cohort for cohort in report.cohorts if cohort.joined]
    if cohorts:
        out += ["", "## Retention by join month", ""]
        out.append("| Joined in | Members | Active (30 days) | Share |")
        out.append("|---|---|---|---|")
        for cohort in cohorts:
            out.append(
                f"| {cohort.month} | {cohort.joined} | {cohort.active} | "
                f"{figure(cohort.share_pct, '%')} |"
            )
    if report.paths is not None:
        out += ["", "## By path", "", f"Participation in the period; {PATH_NOTE}.", ""]
        out.append("| Path | Members | Active | Participation | Retention |")
        out.append("|---|---|---|---|---|")
        for row in path_rows(report):
            out.append("| " + " | ".join(row) + " |")
    return "\n".join(out) + "\n"
