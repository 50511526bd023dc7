"""The demo's scene "a buddy": Dana offers to be a buddy, and the next day the newcomer Gia is
paired with her, in one group DM (the story plays it after "join questions"; the demo turns
buddies on, see demo_config)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from porch.core.mrkdwn_html import block_texts, to_plain
from porch.features.buddies.tables import buddy_pairings

GIA, DANA = "U0GIA00001", "U0DANA0001"


def demo_config(config: Any) -> dict[str, Any]:
    return (
        {}
        if config.buddies.enabled
        else {"buddies": config.buddies.model_copy(update={"enabled": True})}
    )


def a_buddy(box: Any) -> None:
    workspace = box.workspace
    box.narrate("Dana, a member for a while, offers to be a buddy: /porch buddy on.")
    workspace.command(DANA, "buddy on")
    hours = box.config.buddies.pair_after_hours
    box.narrate(
        f"Gia joined more than {hours} hours ago and has no buddy yet: Porch pairs her with a "
        "member who offered or an ambassador, whoever has the fewest newcomers, in one group DM."
    )
    box.at(35, "10:10")
    box.at(35, "10:20")  # the job runs again: still one pairing, one message
    with workspace.engine.connect() as conn:
        buddy = conn.execute(
            select(buddy_pairings.c.buddy_id).where(buddy_pairings.c.newcomer_id == GIA)
        ).scalar_one()
    name = box.names.get(buddy, buddy)
    for message in workspace.fake.group_dm_messages(GIA, buddy):
        texts = [
            to_plain(t, names=box.names) for t in block_texts(message["blocks"], message["text"])
        ]
        box.narrate(f"Group DM to Gia and {name}: " + " ".join(texts))
    days = box.config.buddies.check_in_after_days
    box.narrate(f"In {days} days, at the same time, Porch asks them both whether they met.")


SCENES = {"a buddy": a_buddy}
