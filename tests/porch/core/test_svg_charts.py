"""Inline SVG charts in HTML reports: drawn from the data, escaped, placed only where Porch put
a placeholder."""

from __future__ import annotations

from porch.core.markdown_report import chart_key, render_html, without_charts
from porch.core.svg_charts import line_chart


def test_a_chart_describes_its_figures_and_escapes_its_text():
    svg = line_chart("Replies <b>", ["W1", "W2", "W3"], [1.0, None, 3.5])
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<title>Replies &lt;b&gt;</title>" in svg
    assert "<desc>W1: 1; W2: not measured; W3: 3.5</desc>" in svg
    assert "<polyline" not in svg  # the gap leaves no two neighbours to join


def test_only_porchs_placeholders_become_charts():
    key = chart_key()
    source = f"# Report\n\n{key}\n\nA member wrote porch-chart-0000 <svg onload=x>\n"
    page = render_html(source, title="t", charts={key: "<svg>ok</svg>"})
    assert '<figure class="chart"><svg>ok</svg></figure>' in page
    assert "&lt;svg onload=x&gt;" in page and key not in page
    assert key not in without_charts(source, {key: ""})
