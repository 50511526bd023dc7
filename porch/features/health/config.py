"""The `health:` section of community.yml: the score's targets and the monthly report.

The participation thresholds (`thresholds:`) stay in the core config: other features read them.
"""

from __future__ import annotations

from pydantic import Field

from porch.core.config import Strict, Text


class HealthConfig(Strict):
    """How the Community Health Score scales its two rate figures to 0-100.

    A weekly rate reaching its target counts fully (100); below it, proportionally. The defaults
    are the top of the benchmark ranges for micro communities: 5-25 replies and 10-40 saves per
    1,000 reached a week (Slack has no saves; reactions stand in for them).
    """

    replies_per_1000_target: float = Field(default=25, gt=0)
    reactions_per_1000_target: float = Field(default=40, gt=0)
    # The monthly report: saved as HTML in this folder (relative to where Porch runs), and
    # posted to the managers' channel when `post_monthly_report` is on.
    reports_dir: Text = "reports"
    post_monthly_report: bool = False
