"""The 30-day report, as the managers get it when a sprint's four weeks are over: the tasks,
the indicators as SVG charts beside their tables, the decisions and what followed, and the
rituals of the next four weeks; then November's monthly report with the same decision."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from porch.features.sprint.ids import Action, Input, View
from porch.sandbox import slack_requests as slack
from tests.porch.features.sprint.test_scorecard import MEMBERS, MONDAYS, RISING, play_week

UTC = dt.UTC
NOTE = "Keep both rituals <script>alert(1)</script> & ask for wins"


def test_the_sprint_ends_with_one_report_of_what_was_done_and_what_followed(
    workspace_factory, config
):
    workspace = workspace_factory(config)  # Monday 2 November, 10:00 in Berlin
    manager = workspace.manager
    workspace.click(manager, Action.SPRINT_START, value="today")
    for user in MEMBERS:
        workspace.join(user, user[-4:].title())
    for monday, acts in zip(MONDAYS[:3], RISING[:3], strict=True):
        play_week(workspace, monday, acts)
    workspace.at(dt.datetime(2026, 11, 23, 8, 5, tzinfo=UTC))  # the scorecard of W47
    workspace.click(manager, Action.SPRINT_DECIDE_KEEP, value="2026-W47")
    workspace.sender.interactive(
        slack.view_submission(
            team_id=workspace.fake.team_id,
            user_id=manager,
            callback_id=View.SPRINT_DECISION,
            values={Input.SPRINT_DECISION_NOTE: {Input.SPRINT_DECISION_NOTE: NOTE}},
            private_metadata=json.dumps({"week": "2026-W47", "choice": "keep"}),
        )
    )
    play_week(workspace, MONDAYS[3], RISING[3])
    idea = workspace.say(MEMBERS[5], "general", "A channel for pricing questions would help")
    workspace.react(MEMBERS[6], "general", idea, "bulb", author=MEMBERS[5])  # tagged: an idea
    reports = Path(config.health.reports_dir)
    workspace.at(dt.datetime(2026, 11, 29, 22, 0, tzinfo=UTC))  # Sunday 23:00: still week 4
    assert not (reports / f"sprint-{workspace.runtime.team_id}-2026-11-02.html").exists()
    for hour in (8, 9):  # Monday 30 November: week 5, the sprint is over
        workspace.at(dt.datetime(2026, 11, 30, hour, 5, tzinfo=UTC))

    page = (reports / f"sprint-{workspace.runtime.team_id}-2026-11-02.html").read_text()
    assert page.count("<svg") == 3
    assert "<desc>2026-W45: 1; 2026-W46: 2; 2026-W47: 3; 2026-W48: 4</desc>" in page
    assert "<title>Replies per 1,000 members</title>" in page
    assert "<td>2026-W48</td>\n<td>4</td>\n<td>400</td>" in page
    # The decision, its note escaped, and what followed (the W48 scorecard's move).
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "returning engagers 3 → 4; replies per 1,000 members 300 → 400" in page
    assert "Monday 2026-11-30</td>\n<td>09:30</td>\n<td>Monday goals" in page
    assert page.count("Friday wins</td>") == 4
    assert "<h2>Top themes</h2>\n<p>Feedback raised in this period: 1 item.</p>" in page
    assert "<li>By tag: idea (1)</li>" in page
    # The script jumps from one conversation to the next, so most ritual slots passed unposted.
    assert "<p>3 of 12 tasks done.</p>" in page
    assert "Turn the welcome on</td>\n<td>done (Porch checked)" in page
    assert "Publish the community site (`porch site build`)</td>\n<td>late" in page

    channel = workspace.fake.channel_id(workspace.config.channels.moderators)
    posted = [m for m in workspace.fake.messages(channel) if "30-day sprint report" in m["text"]]
    assert len(posted) == 1
    assert "<script>" not in json.dumps(posted[0]["blocks"])

    workspace.at(dt.datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    month = (reports / f"sprint-{workspace.runtime.team_id}-2026-11.html").read_text()
    assert "scorecards and decisions, 2026-11" in month
    assert "returning engagers 3 → 4" in month
