"""Small line charts as inline SVG, drawn from the data: reports stay one HTML file that reads
without JavaScript (and without the chart: each chart comes with a table of the same figures).

Text in a chart (its title, the labels) is escaped: a chart is markup Porch builds, so
`markdown_report.render_html` places it as is.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

WIDTH, HEIGHT = 520, 180
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 28, 30


def line_chart(title: str, labels: Sequence[str], values: Sequence[float | None]) -> str:
    """One series over `labels` (weeks, say); a None value is a gap (not measured)."""
    if len(labels) != len(values):
        raise ValueError("a chart needs one value per label")
    known = [v for v in values if v is not None]
    top = max(known, default=0.0) or 1.0
    span_x = max(len(labels) - 1, 1)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(i: int) -> float:
        return LEFT + inner_w * (i / span_x if len(labels) > 1 else 0.5)

    def y(v: float) -> float:
        return TOP + inner_h * (1 - v / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="system-ui, sans-serif" font-size="11">',
        f"<title>{html.escape(title)}</title>",
        f"<desc>{html.escape(_describe(labels, values))}</desc>",
        f'<text x="{LEFT}" y="16" font-size="13" font-weight="bold">{html.escape(title)}</text>',
        f'<line x1="{LEFT}" y1="{TOP + inner_h}" x2="{WIDTH - RIGHT}" y2="{TOP + inner_h}" '
        'stroke="#999"/>',
        f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end">{_number(top)}</text>',
        f'<text x="{LEFT - 6}" y="{TOP + inner_h}" text-anchor="end">0</text>',
    ]
    runs: list[list[tuple[float, float]]] = [[]]
    for i, value in enumerate(values):
        parts.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - 10}" text-anchor="middle">'
            f"{html.escape(labels[i])}</text>"
        )
        if value is None:
            runs.append([])
            continue
        runs[-1].append((x(i), y(value)))
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="3" fill="#1264a3"/>')
        parts.append(
            f'<text x="{x(i):.1f}" y="{y(value) - 7:.1f}" text-anchor="middle">'
            f"{_number(value)}</text>"
        )
    for run in runs:
        if len(run) > 1:
            points = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="#1264a3" stroke-width="2"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _number(value: float) -> str:
    return f"{value:,.1f}".removesuffix(".0")


def _describe(labels: Sequence[str], values: Sequence[float | None]) -> str:
    return "; ".join(
        f"{label}: {'not measured' if value is None else _number(value)}"
        for label, value in zip(labels, values, strict=True)
    )
