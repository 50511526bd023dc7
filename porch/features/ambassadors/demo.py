"""The demo's ambassador program: Ben, who has been answering questions all month, applies
with `/porch ambassador`; Sam invites him from the card in the managers' channel; Ben accepts
and is added to the ambassadors' channel.

The scene takes the demo (porch.sandbox.demo.Demo), which plays it by name
(Feature.demo_scenes) in the story's order.
"""

from __future__ import annotations

from typing import Any

from porch.features.ambassadors.ids import Action

Demo = Any  # porch.sandbox.demo.Demo, which features do not import
BEN = "U0BEN00001"


def an_ambassador_joins(box: Demo) -> None:
    workspace = box.workspace
    box.narrate("Ben types /porch ambassador: his application reaches the managers' channel.")
    workspace.command(BEN, "ambassador")
    box.settle()
    box.narrate("Sam clicks [Invite] on the card (twice, by accident): Ben gets one DM.")
    for _ in range(2):
        workspace.click(workspace.manager, Action.AMBASSADOR_INVITE, value=BEN)
    box.settle()
    box.narrate("Ben clicks [Accept] in the DM.")
    workspace.click(BEN, Action.AMBASSADOR_ACCEPT, value="1")
    box.settle()
    channel = box.config.channels.ambassadors
    members = workspace.fake.channel_members(workspace.fake.channel_id(channel))
    box.narrate(
        f"Ben is now in #{channel} ({'yes' if BEN in members else 'no'}), and the managers "
        "were told."
    )
