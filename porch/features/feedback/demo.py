"""Demo scene, "tags and triage": Dana's praise in the feedback channel is tagged with an emoji
(and thanked: praise is not triaged); a bug report in the home channel is tagged, answered by
Sam in its thread (a person acknowledging it), triaged from the managers' card, and the
follow-up closes the loop where it was reported."""

from __future__ import annotations

from typing import Any

from porch.features.feedback.ids import Action

DANA = "U0DANA0001"
ELI = "U0ELI00001"


def tags_and_triage(box: Any) -> None:
    """`box` is the demo (porch.sandbox.demo.Demo)."""
    config = box.config
    post = box.say(
        DANA, config.channels.feedback, "The weekly thread is great, more of those please."
    )
    praise = next(
        (emoji for emoji, tag in config.feedback.tags.items() if tag == "praise"),
        next(iter(config.feedback.tags)),
    )
    box.narrate(f"Sam tags Dana's feedback as {config.feedback.tags[praise]} with an emoji.")
    box.react(box.workspace.manager, config.channels.feedback, post, praise, author=DANA)
    bug_report(box)


def bug_report(box: Any) -> None:
    # The sandbox's payload builders, only when the demo plays (they need `requests`).
    from porch.sandbox import slack_requests as slack

    config = box.config
    home = config.channels.home
    bug = next((emoji for emoji, tag in config.feedback.tags.items() if tag == "bug"), None)
    status = config.feedback.closing_statuses[0]
    if bug is None:
        return
    box.narrate(f"Eli reports a bug in #{home}; Ana tags it with :{bug}: from where it was said.")
    report = box.say(ELI, home, "The calendar link in the welcome DM opens last month's calendar.")
    box.react("U0ANA00001", home, report, bug, author=ELI)
    workspace = box.workspace
    box.at(2, "12:40")
    box.narrate(
        "Sam answers Eli in the thread. Porch's own reply was automatic; Sam's is when the item "
        "counts as acknowledged (the tracker's Acknowledged column, the digest's median)."
    )
    box.say(
        workspace.manager, home, "Thanks Eli, I can see it. Fixing it tomorrow.", thread_ts=report
    )
    moderators = workspace.fake.channel_id(config.channels.moderators)
    [card] = [
        m
        for m in workspace.fake.messages(moderators)
        if m["text"].startswith("Feedback:") and "calendar link" in m["text"]
    ]
    [menu] = [
        e
        for block in card["blocks"]
        if block["type"] == "actions"
        for e in block["elements"]
        if e["action_id"] == Action.FEEDBACK_STATUS
    ]
    [option] = [o for o in menu["options"] if o["value"].startswith(f"{status} ")]
    box.narrate(f"Wednesday: Sam fixes the link and sets the card's status to {status}.")
    box.at(3, "10:30")
    workspace.sender.interactive(
        slack.block_actions(
            team_id=workspace.fake.team_id,
            user_id=workspace.manager,
            action_id=menu["action_id"],
            action_type="static_select",
            selected_option=option,
            channel_id=moderators,
            message=card,
        )
    )
    box.settle()
    box.narrate(f"The card in #{config.channels.moderators} now reads {status}, set by Sam.")


SCENES = {"tags and triage": tags_and_triage}
