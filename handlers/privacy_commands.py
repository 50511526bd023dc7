"""/porch my-data and /porch forget-me: any member, about themselves only."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.commands import VerbCall as CommandRequest


def my_data(request: CommandRequest) -> None:
    porch = request.porch
    with porch.engine.connect() as conn:
        summary = porch.features.privacy.my_data(
            conn, team_id=request.team_id, user_id=request.user_id
        )
    request.reply("privacy_my_data.j2", summary=summary)


def forget_me(request: CommandRequest) -> None:
    """Nothing is erased yet: the member confirms with the button (handlers/privacy_actions)."""
    request.reply("privacy_forget_confirm.j2")


VERBS = {"my-data": my_data, "forget-me": forget_me}
