"""The sprint from Slack: the managers' App Home starts one (today) and marks the tasks Porch
cannot check as done. Managers only (the Slack adapter refuses anyone else first)."""

from __future__ import annotations

from porch.core.app_home import AppHome
from porch.core.config import Config
from porch.core.interactions import ActionRequest, Interaction, MalformedPayload, text_at
from porch.features.sprint.ids import Action
from porch.features.sprint.plan import Sprint
from porch.features.sprint.tasks import BY_ID


class SprintControls:
    def __init__(self, *, config: Config, sprint: Sprint, app_home: AppHome) -> None:
        self.config = config
        self.sprint = sprint
        self.app_home = app_home

    def interactions(self) -> tuple[Interaction, ...]:
        return (
            Interaction("action", Action.SPRINT_START, self.start, managers_only=True),
            Interaction("action", Action.SPRINT_TICK, self.tick, managers_only=True),
        )

    def start(self, request: ActionRequest) -> None:
        def work(conn, now):  # type: ignore[no-untyped-def]
            if self.sprint.start(
                conn, team_id=request.team_id, day=self.sprint.today(now), now=now
            ):
                self._refresh(conn, request.team_id, now)

        request.transaction(work)

    def tick(self, request: ActionRequest) -> None:
        task = text_at(request.action, "selected_option", "value")
        if task not in BY_ID:
            raise MalformedPayload(f"{task!r} is not a sprint task")

        def work(conn, now):  # type: ignore[no-untyped-def]
            ticked = self.sprint.tick(
                conn, team_id=request.team_id, task=task, manager_id=request.user_id, now=now
            )
            if ticked:
                self._refresh(conn, request.team_id, now)

        request.transaction(work)

    def _refresh(self, conn, team_id, now) -> None:  # type: ignore[no-untyped-def]
        for user_id in self.config.managers.users:
            self.app_home.publish(conn, team_id=team_id, user_id=user_id, now=now)
