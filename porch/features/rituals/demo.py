"""The demo's rituals: Monday's goals thread with replies, Friday's wins thread and its recap.

Each scene takes the demo (porch.sandbox.demo.Demo: its clock, members and transcript), which
plays them by name (Feature.demo_scenes) in the story's order.
"""

from __future__ import annotations

from typing import Any

Demo = Any  # porch.sandbox.demo.Demo, which features do not import


def thread_of(box: Demo, ritual_id: str) -> str | None:
    """The ts of the ritual's latest post (None when the config has no such ritual)."""
    ritual = next((r for r in box.config.rituals if r.id == ritual_id), None)
    if ritual is None:
        return None
    fake = box.workspace.fake
    channel_id = fake.channel_id(getattr(box.config.channels, ritual.channel))
    posts = [
        m
        for m in fake.messages(channel_id)
        if m["user"] == fake.bot_user_id
        and m.get("thread_ts") in (None, m["ts"])
        and m["text"].startswith(ritual.name)
    ]
    return posts[-1]["ts"] if posts else None


def monday_goals(box: Demo) -> None:
    """Monday 09:30: the goals thread opens; two members answer it."""
    box.narrate("09:30: the Monday goals ritual posts its prompt.")
    box.at(1, "09:31")
    ts = thread_of(box, "monday-goals")
    if ts is None:
        return
    home = box.config.channels.home
    box.say("U0DANA0001", home, "Ship the onboarding emails and get 3 replies.", thread_ts=ts)
    box.say("U0ANA00001", home, "5 customer calls with dog walkers by Friday.", thread_ts=ts)


def friday_wins(box: Demo) -> None:
    """Friday 15:00: the wins thread, replies and reactions; Saturday morning: its recap."""
    wins = box.config.channels.wins
    box.narrate("Friday 15:00: the wins ritual.")
    box.at(5, "15:01")
    ts = thread_of(box, "friday-wins")
    if ts is None:
        return
    ana = box.say("U0ANA00001", wins, "Did my 5 customer calls, and 2 want to pay!", thread_ts=ts)
    box.say("U0DANA0001", wins, "Onboarding emails are live.", thread_ts=ts)
    eli = box.say("U0ELI00001", wins, "Closed our first annual plan.", thread_ts=ts)
    box.say("U0CHLOE001", wins, "Redesigned my checkout page.", thread_ts=ts)
    box.react("U0DANA0001", wins, eli, "tada", author="U0ELI00001")
    box.react("U0CHLOE001", wins, eli, "raised_hands", author="U0ELI00001")
    box.react("U0ELI00001", wins, ana, "tada", author="U0ANA00001")
    box.narrate(
        "Saturday morning: the recap, in the thread and in the channel. Ana's first win comes "
        "first (she is new); its featured wins go to the tracker's Wins sheet."
    )
    box.at(6, "09:01")
