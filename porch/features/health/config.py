"""The `health:` section of community.yml: the score's targets, the status bands of the score
and the monthly report."""

from __future__ import annotations

from pydantic import Field, model_validator

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
    # The status words are the score's bands, so that they never disagree with it: "Healthy"
    # from `healthy_score`, "Stagnant" below `stagnant_score`, "Watch" in between.
    healthy_score: float = Field(default=60, ge=0, le=100)
    stagnant_score: float = Field(default=40, ge=0, le=100)

    @model_validator(mode="after")
    def _bands_in_order(self) -> HealthConfig:
        if self.stagnant_score > self.healthy_score:
            raise ValueError("stagnant_score must not be above healthy_score")
        return self
