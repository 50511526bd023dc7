"""/porch rituals: the next occurrences and their state; /porch ritual skip ID: skip the next."""

from __future__ import annotations

from typing import TYPE_CHECKING

from porch.features.ritual_overview import overview

if TYPE_CHECKING:
    from handlers.commands import VerbCall as CommandRequest


def rituals(request: CommandRequest) -> None:
    if not request.require_manager():
        return
    porch = request.porch
    statuses = porch.transaction(
        lambda conn, now: overview(conn, config=porch.config, team_id=request.team_id, now=now)
    )
    request.reply("command_rituals.j2", statuses=statuses, timezone=porch.config.community.timezone)


def ritual(request: CommandRequest) -> None:
    """`/porch ritual skip ID`: the only ritual verb that needs no shell (see `porch ritual`)."""
    if not request.require_manager():
        return
    words = request.args.split()
    porch = request.porch
    ids = [r.id for r in porch.config.rituals]
    if len(words) != 2 or words[0].lower() != "skip" or words[1] not in ids:
        request.reply("command_ritual_skip.j2", ritual=None, ids=ids, given=" ".join(words))
        return
    feature = porch.features.rituals
    settings = feature.ritual(words[1])
    assert settings is not None
    day, skipped = porch.transaction(
        lambda conn, now: feature.skip_next(conn, team_id=request.team_id, ritual=settings, now=now)
    )
    request.reply("command_ritual_skip.j2", ritual=settings, day=day, skipped=skipped, ids=ids)


VERBS = {"rituals": rituals, "ritual": ritual}
