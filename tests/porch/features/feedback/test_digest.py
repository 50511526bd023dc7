"""The feedback digest against a month worked out by hand.

The fixture (times UTC; the community is in Europe/Berlin, so November starts Oct 31 23:00):

    item  when           how                          acknowledged by  votes  closed
    F     Oct 30 09:00   :bulb: on Dana's message      Sam, 5 min       0      declined Nov 6 09:00
    A     Nov 2 09:00    :bug: on Dana's message       Sam, 10 min      3      shipped Nov 4 09:00
    B     Nov 2 10:00    post in #feedback, :bulb:     Ana, 30 min      1      planned Nov 2 22:00
    C     Nov 3 12:00    /feedback (no tag)            nobody           0      -
    D     Nov 5 09:00    :bug:, taken back             -                0      (withdrawn)
    E     Nov 5 10:00    :question:, area Events       Sam, 60 min      2      answered Nov 5 14:00

"Acknowledged" is a person's reply in the item's thread (Ana's counts: she is not the author);
Porch's own reply in each thread, seconds after the tag, never counts.

November by hand:
- received: A, B, C, E = 4 (F is October's, D was withdrawn)
- themes by tag: bug 1, idea 1, question 1, untagged 1 (C); by area: Events 1 (E)
- most voted: A (3), E (2), B (1)
- closed in November: A 48 h, B 12 h, E 4 h, F 168 h (received in October, closed in November)
  = 4 items, median of [4, 12, 48, 168] = (12 + 48) / 2 = 30.0 hours
- acknowledged by a person: A, B, E = 3 of 4 requests; time to acknowledge [10, 30, 60]
  -> median 30.0 minutes
"""

from __future__ import annotations

import datetime as dt
import json

from porch.features.feedback.digest import figures, markdown
from porch.sandbox import slack_requests as slack
from tests.porch.features.feedback.test_journeys import ANA, DANA, cards, set_status

ELI = "U0ELI00001"


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


def card_for(workspace, text: str) -> dict:
    [card] = [c for c in cards(workspace) if text in c["text"]]
    return card


def test_the_digest_matches_the_hand_computed_month(workspace_factory, config):
    workspace = workspace_factory(config, at=at(30, 9, month=10))
    workspace.join(DANA, "Dana")
    workspace.join(ANA, "Ana")
    workspace.join(ELI, "Eli")
    sam = workspace.manager

    # F, in October.
    f = workspace.say(DANA, "general", "A newsletter would help")
    workspace.react(ANA, "general", f, "bulb", author=DANA)
    workspace.at(at(30, 9, 5, month=10))
    workspace.say(sam, "general", "Noted, thanks!", thread_ts=f)

    # A.
    workspace.clock.set(at(2, 9))
    a = workspace.say(DANA, "general", "Search misses old threads")
    workspace.react(ANA, "general", a, "bug", author=DANA)
    for voter in (ANA, sam, DANA):
        workspace.react(voter, "general", a, "+1", author=DANA)
    workspace.at(at(2, 9, 10))
    workspace.say(sam, "general", "On it", thread_ts=a)

    # B.
    workspace.clock.set(at(2, 10))
    b = workspace.say(DANA, "feedback", "Dark mode please")
    workspace.react(ANA, "feedback", b, "bulb", author=DANA)
    workspace.react(ANA, "feedback", b, "+1", author=DANA)
    workspace.at(at(2, 10, 30))
    workspace.say(ANA, "feedback", "Yes please", thread_ts=b)
    workspace.clock.set(at(2, 22))
    set_status(workspace, sam, card_for(workspace, "Dark mode"), "planned")

    # C.
    workspace.clock.set(at(3, 12))
    response = workspace.sender.command(
        slack.slash_command(
            team_id=workspace.fake.team_id,
            user_id=ANA,
            command="/feedback",
            text="More events in Asian time zones",
            channel_id=workspace.fake.channel_id("general"),
        )
    )
    assert response.status_code == 200
    workspace.settle()

    # A closes.
    workspace.clock.set(at(4, 9))
    set_status(workspace, sam, card_for(workspace, "Search misses"), "shipped")

    # D, withdrawn before triage.
    workspace.clock.set(at(5, 9))
    d = workspace.say(ELI, "general", "Typo on the FAQ")
    workspace.react(ELI, "general", d, "bug", author=ELI)
    workspace.react(ELI, "general", d, "bug", author=ELI, removed=True)

    # E, filed under Events with the shortcut, then answered.
    workspace.clock.set(at(5, 10))
    e = workspace.say(ELI, "general", "Are the Friday calls recorded?")
    workspace.react(ANA, "general", e, "question", author=ELI)
    workspace.react(ANA, "general", e, "+1", author=ELI)
    workspace.react(sam, "general", e, "+1", author=ELI)
    workspace.at(at(5, 11))
    workspace.say(sam, "general", "Good question, checking", thread_ts=e)
    general = workspace.fake.channel_id("general")
    [message] = [m for m in workspace.fake.messages(general) if m["ts"] == e]
    workspace.sender.interactive(
        slack.message_shortcut(
            team_id=workspace.fake.team_id,
            user_id=sam,
            callback_id="porch_tag_as_feedback",
            channel_id=general,
            message=message,
        )
    )
    view = workspace.fake.opened_views()[-1]["view"]
    workspace.sender.interactive(
        slack.view_submission(
            team_id=workspace.fake.team_id,
            user_id=sam,
            callback_id=view["callback_id"],
            private_metadata=view["private_metadata"],
            values={
                "feedback_tag": {
                    "feedback_tag": {
                        "type": "static_select",
                        "selected_option": {"value": "question"},
                    }
                },
                "feedback_summary": {"feedback_summary": ""},
                "feedback_area": {
                    "feedback_area": {
                        "type": "static_select",
                        "selected_option": {"value": "Events"},
                    }
                },
            },
        )
    )
    workspace.clock.set(at(5, 14))
    set_status(workspace, sam, card_for(workspace, "Friday calls"), "answered")

    # F closes in November.
    workspace.clock.set(at(6, 9))
    set_status(workspace, sam, card_for(workspace, "newsletter"), "declined")

    with workspace.engine.begin() as conn:
        data = figures(
            conn,
            team_id=workspace.fake.team_id,
            month="2026-11",
            tz=config.community.tz,
            praise=["praise"],
        )
    assert data.received == 4
    assert data.by_tag == [("bug", 1), ("idea", 1), ("question", 1), ("untagged", 1)]
    assert data.by_area == [("Events", 1)]
    assert [(text, votes) for text, votes, _ in data.top_requests] == [
        ("Search misses old threads", 3),
        ("Are the Friday calls recorded?", 2),
        ("Dark mode please", 1),
    ]
    assert data.closed == 4
    assert data.median_hours_to_close == 30.0
    assert data.median_minutes_to_acknowledge == 30.0
    assert (data.requests, data.acknowledged, data.thanked) == (4, 3, 0)

    # The same digest on demand, in Slack, for a manager only.
    def digest(user_id: str) -> dict:
        response = workspace.sender.command(
            slack.slash_command(
                team_id=workspace.fake.team_id,
                user_id=user_id,
                command="/porch",
                text="feedback digest 2026-11",
                channel_id=general,
            )
        )
        assert response.status_code == 200
        return json.loads(response.body)

    shown = json.dumps(digest(sam)["blocks"])
    assert "Feedback digest: 2026-11" in shown
    assert "median time to close: 30.0 hours" in shown
    assert "*3 of 4* requests (median time: 30.0 minutes)" in shown
    assert "Feedback digest" not in json.dumps(digest(ANA))


def test_a_digest_for_no_month_is_refused_clearly(workspace):
    response = workspace.sender.command(
        slack.slash_command(
            team_id=workspace.fake.team_id,
            user_id=workspace.manager,
            command="/porch",
            text="feedback digest 2026-13",
            channel_id=workspace.fake.channel_id("general"),
        )
    )
    assert response.status_code == 200
    assert "is not a month: use YYYY-MM" in json.dumps(json.loads(response.body))


def test_the_monthly_digest_goes_to_managers_once_and_is_saved_as_html(
    workspace_factory, config, tmp_path
):
    workspace = workspace_factory(config, at=at(30, 9))
    workspace.join(DANA, "Dana")
    ts = workspace.say(DANA, "general", "Search <b>misses</b> old threads")
    workspace.react(ANA, "general", ts, "bug", author=DANA)
    workspace.react(ANA, "general", ts, "+1", author=DANA)
    workspace.settle()

    workspace.at(at(1, 9, month=12))
    workspace.at(at(1, 10, month=12))
    workspace.at(at(2, 10, month=12))
    digests = [c for c in cards(workspace) if c["text"] == "Feedback digest for 2026-11"]
    assert len(digests) == 1
    assert "Feedback digest: 2026-11" in json.dumps(digests[0]["blocks"])

    page = (tmp_path / config.tracker.local_dir / "reports" / "feedback-2026-11.html").read_text()
    assert "<h1>Feedback digest: 2026-11</h1>" in page
    assert "&lt;b&gt;misses&lt;/b&gt;" in page and "<b>misses" not in page


def test_praise_is_no_request_and_an_unanswered_month_reads_none_yet(workspace_factory, config):
    """Porch acknowledged both items in their threads within seconds; no person did. Praise
    with votes is still not a request, and the month's median time to acknowledge is none yet,
    never 0.0."""
    workspace = workspace_factory(config, at=at(2, 9))
    workspace.join(DANA, "Dana")
    workspace.join(ANA, "Ana")
    sam = workspace.manager
    praise = workspace.say(DANA, "feedback", "The weekly thread is great")
    workspace.react(sam, "feedback", praise, "heart", author=DANA)
    for voter in (ANA, sam):
        workspace.react(voter, "feedback", praise, "+1", author=DANA)
    request = workspace.say(DANA, "general", "Search misses old threads")
    workspace.react(ANA, "general", request, "bug", author=DANA)
    workspace.react(ANA, "general", request, "+1", author=DANA)
    quiet = workspace.say(ANA, "general", "Dark mode please")
    workspace.react(DANA, "general", quiet, "bulb", author=ANA)
    workspace.at(at(2, 10))

    with workspace.engine.begin() as conn:
        data = figures(
            conn,
            team_id=workspace.fake.team_id,
            month="2026-11",
            tz=config.community.tz,
            praise=["praise"],
        )
    assert data.received == 3
    assert [(text, votes) for text, votes, _ in data.top_requests] == [
        ("Search misses old threads", 1)  # no praise, and nothing nobody voted for
    ]
    assert data.median_minutes_to_acknowledge is None and data.acknowledged == 0
    assert (data.requests, data.thanked, data.closed) == (2, 1, 0)

    source = markdown(data, community=config.community.name)
    top = source[source.index("## Most-voted") : source.index("## Closing")]
    assert "praise" not in top and "0 votes" not in top
    assert "0.0 minutes" not in source
    assert "Acknowledged by a person: **0 of 2** requests (median time: none yet)" in source
    assert "Praise thanked: **1**" in source
