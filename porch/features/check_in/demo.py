"""Demo scene: a question waits, the managers get one alert, an answer updates it, and the
next morning's check-in lists the newcomers and the question still waiting.

The story plays it as `box.scene("a question waits")`; the demo runs the check-in on Fridays
only (demo_config below; the survey switches itself off the same way).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from porch.core.mrkdwn_html import block_texts, to_plain

if TYPE_CHECKING:
    from porch.sandbox.demo import Demo

# The demo's config runs the check-in on Fridays only (see demo_config), so the month shows two:
# the first Friday's and this one.
CHECK_IN_DAY = 33  # Friday 4 December


def demo_config(config: Any) -> dict[str, Any]:
    """Two check-ins in the transcript, at 09:00 on the two Fridays the story visits then."""
    return {"manager_check_in": config.manager_check_in.model_copy(update={"weekdays": ["friday"]})}


def question_waits(box: Demo) -> None:
    config = box.config
    hours = f"{config.thresholds.first_response_hours:g}"
    box.narrate("Wednesday, a month in: Eli asks another question, and this time nobody answers.")
    box.at(31, "10:30")
    question = box.say(
        "U0ELI00001",
        config.channels.home,
        "Has anyone moved their newsletter off Mailchimp? What did you pick?",
    )
    box.narrate(
        f"{hours} hours of community time later, the managers get one alert with a link to it."
    )
    box.at(31, "14:00")
    box.at(31, "14:30")
    box.at(31, "15:00")
    box.narrate("Ana answers in the thread, and Porch updates the alert instead of posting again.")
    box.say(
        "U0ANA00001",
        config.channels.home,
        "We moved to Buttondown last spring, happy so far.",
        thread_ts=question,
    )
    show_edited(box, channel=config.channels.moderators)
    box.narrate(
        "Thursday evening: Chloé's 30-day check-in; Gia joins and asks where to get feedback."
    )
    box.at(32, "17:20")
    box.join("U0GIA00001", "Gia", "Gia Romano", tz="Europe/Rome")
    box.at(32, "17:30")
    box.say("U0GIA00001", config.channels.home, "Where can I get feedback on a landing page?")
    box.narrate(
        "Friday 09:00: the managers' check-in (every weekday by default; Fridays only in this "
        "demo): newcomers, the questions still waiting, and the one post most worth a reply."
    )
    box.at(CHECK_IN_DAY, "09:00")


def show_edited(box: Demo, *, channel: str) -> None:
    """Print the alerts in `channel` that were edited since they were first shown."""
    fake = box.workspace.fake
    for message in fake.messages(fake.channel_id(channel)):
        key = ((message.get("metadata") or {}).get("event_payload") or {}).get("key", "")
        edited = (message["channel"], message["ts"], "edited")
        if key.startswith("response-alert:") and message.get("edited") and edited not in box.seen:
            box.seen.add(edited)
            texts = [
                to_plain(t, names=box.names)
                for t in block_texts(message.get("blocks"), message["text"])
            ]
            box._print(f"#{channel} (edited)", box.config.community.name + " bot", texts)
