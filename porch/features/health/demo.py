"""The demo's last scene: a question answered, then the manager runs `porch report`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from porch.features.health import metrics, report

# The scene's name in the sandbox's story (Feature.demo_scenes).
SCENE = "porch report"
# Friday 4 December, after the managers' check-in: the story's clock only moves forward.
REPORT_DAY = 33


def report_scene(box: Any) -> None:
    """`box` is the demo (porch.sandbox.demo.Demo)."""
    config = box.config
    home = config.channels.home
    box.at(REPORT_DAY, "10:30")
    question = box.say("U0DANA0001", home, "Does anyone have a script for customer interviews?")
    box.at(REPORT_DAY, "11:10")
    box.say("U0ELI00001", home, "Yes! I'll share mine in a minute.", thread_ts=question)
    box.at(REPORT_DAY, "11:30")
    box.narrate("Sam runs `porch report`: the last 30 days next to the 30 days before.")
    until = box.workspace.clock.now()
    since = until - dt.timedelta(days=30)
    team_id = box.workspace.runtime.team_id
    with box.workspace.engine.connect() as conn:
        current, previous = metrics.compute_with_previous(
            conn,
            team_id=team_id,
            config=config,
            since=since,
            until=until,
            nps=box.workspace.runtime.porch.features.period_figure("nps"),
            attendance=box.workspace.runtime.porch.features.period_figure("live_attendance"),
        )
    table = report.terminal_table(current, previous, tz=config.community.tz)
    for line in table.splitlines():
        box.lines.append(f"    {line}")
        box.echo(f"    {line}")
