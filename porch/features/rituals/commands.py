"""`/porch rituals` (the next occurrences and their state) and `/porch ritual skip ID` (skip the
next one): the ritual verbs that need no shell (see cli.py for post, pause and resume). Both are
the managers'; the Slack adapter refuses anyone else before these run."""

from __future__ import annotations

from dataclasses import dataclass

from porch.core.interactions import CommandRequest, Private, Verb
from porch.features.rituals.overview import overview
from porch.features.rituals.schedule import Rituals

OVERVIEW_TEMPLATE = "rituals/command_overview.j2"
SKIP_TEMPLATE = "rituals/command_skip.j2"


@dataclass(frozen=True, kw_only=True)
class RitualCommands:
    rituals: Rituals

    def verbs(self) -> tuple[Verb, ...]:
        return (
            Verb(
                "rituals",
                self.overview,
                managers_only=True,
                summary="`/porch rituals`: the next occurrence of each ritual and its state.",
            ),
            Verb(
                "ritual",
                self.skip,
                managers_only=True,
                summary="`/porch ritual skip ID`: do not post that ritual's next occurrence.",
            ),
        )

    def overview(self, request: CommandRequest) -> Private:
        config = self.rituals.config
        statuses = request.transaction(
            lambda conn, now: overview(conn, config=config, team_id=request.team_id, now=now)
        )
        return self._reply(OVERVIEW_TEMPLATE, statuses=statuses, timezone=config.community.timezone)

    def skip(self, request: CommandRequest) -> Private:
        """`/porch ritual skip ID`; anything else gets the usage with the ritual IDs."""
        words = request.args.split()
        ids = [r.id for r in self.rituals.config.rituals]
        if len(words) != 2 or words[0].lower() != "skip" or words[1] not in ids:
            return self._reply(SKIP_TEMPLATE, ritual=None, ids=ids, given=" ".join(words))
        ritual = self.rituals.ritual(words[1])
        assert ritual is not None
        day, skipped = request.transaction(
            lambda conn, now: self.rituals.skip_next(
                conn, team_id=request.team_id, ritual=ritual, now=now
            )
        )
        return self._reply(SKIP_TEMPLATE, ritual=ritual, day=day, skipped=skipped, ids=ids)

    def _reply(self, template: str, **context: object) -> Private:
        return Private(self.rituals.templates.render(template, **context))
