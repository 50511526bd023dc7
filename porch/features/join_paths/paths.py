"""Join questions and paths: the welcome DM's "Tell us about you" opens a modal of the config's
questions (skippable, editable later from App Home); the answers put the member on paths, and
each path's follow-up brings its paragraph, its channels (one-click join: the bot invites them,
with channels:manage or groups:write, from inside the channel) and its checklist steps, which
App Home ticks. The paths' interests are shown when the member is tagged in the introductions
thread and matched by buddies (Feature.member_interests, see interests_of).

Every write is one transaction and every message a keyed effect: a second delivery of the
submission, or the same answers sent again, posts nothing twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from porch.core import effect_queue, member_records
from porch.core.app_home import AppHome
from porch.core.config import Config
from porch.core.feature import Feature, PersonalData, PreviewSample
from porch.core.interactions import (
    ActionRequest,
    Errors,
    Interaction,
    MalformedPayload,
    Modal,
    Private,
    Reply,
    ViewSubmission,
)
from porch.core.posting import post
from porch.core.templating import Templates
from porch.features.join_paths import store
from porch.features.join_paths.config import JoinPath, JoinPathsConfig
from porch.features.join_paths.demo import SCENES
from porch.features.join_paths.figures import PathParticipation, participation_by_path
from porch.features.join_paths.ids import Action, View
from porch.features.join_paths.modal import question_blocks, read_answers
from porch.features.join_paths.previews import previews

FOLLOW_UP = "join_paths/follow_up.j2"
SKIPPED = "join_paths/skipped.j2"
MODAL = "join_paths/modal.j2"
HOME = "join_paths/_home.j2"
MAX_SHOWN = 8

PERSONAL_DATA = (
    PersonalData(
        table="join_answers",
        label="Your answers to the join questions",
        user_columns=("user_id",),
        purpose="Your answers to the join questions and the paths they suggest (channels, "
        "steps), to point you to the right people and places; kept while you are a member, "
        "erased on request.",
        text_columns=("free_text",),
    ),
)


@dataclass(frozen=True, kw_only=True)
class JoinPaths:
    config: Config
    templates: Templates
    app_home: AppHome

    @property
    def section(self) -> JoinPathsConfig:
        return self.config.join_paths  # type: ignore[attr-defined, no-any-return]

    def feature(self) -> Feature:
        on = self.section.on
        return Feature(
            name="join_paths",
            home_section=self.home_section if on else None,
            interactions=(
                Interaction("action", Action.JOIN_QUESTIONS_OPEN, self.open),
                Interaction("action", Action.JOIN_QUESTIONS_SKIP, self.skip),
                Interaction("action", Action.JOIN_PATH_CHANNEL, self.join_channel),
                Interaction("action", Action.JOIN_PATH_STEP_DONE, self.step_done),
                Interaction("view", View.JOIN_QUESTIONS, self.submitted),
            ),
            personal_data=PERSONAL_DATA,
            member_interests=self.interests_of,
            previews=self.previews,
            demo_scenes=SCENES,
            period_figures={"participation_by_path": self.participation_by_path} if on else {},
        )

    # ---- the modal -------------------------------------------------------------------------

    def open(self, request: ActionRequest) -> Reply:
        """ "Tell us about you" (the welcome DM) or "Edit your answers" (App Home)."""
        if not self.section.on:
            return None
        row = request.read(
            lambda conn: store.get(conn, team_id=request.team_id, user_id=request.user_id)
        )
        intro = self.templates.render(MODAL, community=self.config.community)
        blocks = question_blocks(
            self.section,
            answers=row.answers if row else {},
            free_text=row.free_text if row else None,
        )
        return Modal(
            view={
                "type": "modal",
                "title": {"type": "plain_text", "text": "Tell us about you"},
                "submit": {"type": "plain_text", "text": "Save"},
                "close": {"type": "plain_text", "text": "Not now"},
                "blocks": [*intro.blocks, *blocks],
            },
            callback_id=View.JOIN_QUESTIONS,
            private_metadata={},
        )

    def submitted(self, request: ViewSubmission) -> Reply:
        if not self.section.on:
            return None
        answers, free_text, errors = read_answers(self.section, request)
        if errors:
            return Errors(errors)
        request.transaction(
            lambda conn, now: self.record(
                conn,
                team_id=request.team_id,
                user_id=request.user_id,
                answers=answers,
                free_text=free_text,
                now=now,
            )
        )
        return None

    def record(
        self,
        conn: Connection,
        *,
        team_id: str,
        user_id: str,
        answers: dict[str, list[str]],
        free_text: str | None,
        now: dt.datetime,
    ) -> list[str]:
        """Keep the answers, then send the follow-up of the paths they lead to (once per set
        of paths: the same answers again send nothing). Returns the paths' ids."""
        paths = self.section.paths_for(answers)
        ids = [path.id for path in paths]
        store.save(
            conn,
            team_id=team_id,
            user_id=user_id,
            answers=answers,
            free_text=free_text,
            paths=ids,
            now=now,
        )
        member_records.set_cells(
            conn,
            team_id=team_id,
            user_id=user_id,
            cells={"Join answers": _in_words(answers, free_text), "Path": ", ".join(ids)},
            now=now,
        )
        digest = hashlib.blake2b(",".join(ids).encode(), digest_size=6).hexdigest()
        member = member_records.get(conn, team_id=team_id, user_id=user_id)
        post(
            conn,
            config=self.config,
            templates=self.templates,
            team_id=team_id,
            key=f"join-path:{user_id}:{digest}",
            template=FOLLOW_UP,
            to={"channel": user_id},
            now=now,
            member=member,
            paths=follow_up_paths([self._path_view(path) for path in paths]),
        )
        self.app_home.publish(conn, team_id=team_id, user_id=user_id, now=now)
        return ids

    def skip(self, request: ActionRequest) -> Reply:
        skipped = request.transaction(
            lambda conn, now: store.skip(
                conn, team_id=request.team_id, user_id=request.user_id, now=now
            )
        )
        return Private(self.templates.render(SKIPPED)) if skipped else None

    # ---- the path's buttons ----------------------------------------------------------------

    def join_channel(self, request: ActionRequest) -> Reply:
        """A path's "Join": the bot invites the member (keyed like onboarding's invitations, so
        one invitation per channel whichever button asked). Only a channel of one of the
        member's paths: the button's value is theirs to forge."""
        name = request.value
        row = request.read(
            lambda conn: store.get(conn, team_id=request.team_id, user_id=request.user_id)
        )
        allowed = {c for p in self._paths_of(row) for c in p.channels}
        if name not in allowed:
            raise MalformedPayload("the channel is not one of the member's paths")
        user = request.user_id
        request.transaction(
            lambda conn, now: effect_queue.record(
                conn,
                team_id=request.team_id,
                key=f"invite:{name}:{user}",
                kind="invite",
                payload={"channel_name": name, "users": [user]},
                now=now,
            )
        )
        return None

    def step_done(self, request: ActionRequest) -> Reply:
        step = request.value
        row = request.read(
            lambda conn: store.get(conn, team_id=request.team_id, user_id=request.user_id)
        )
        if step not in {key for p in self._paths_of(row) for key, _ in _steps(p)}:
            raise MalformedPayload("the step is not one of the member's paths")

        def tick(conn: Connection, now: dt.datetime) -> None:
            team, user = request.team_id, request.user_id
            if store.tick_step(conn, team_id=team, user_id=user, step=step, now=now):
                self.app_home.publish(conn, team_id=team, user_id=user, now=now)

        request.transaction(tick)
        return None

    # ---- App Home --------------------------------------------------------------------------

    def home_section(self, conn: Connection, team_id: str, user_id: str) -> Mapping[str, Any]:
        row = store.get(conn, team_id=team_id, user_id=user_id)
        done = set(row.steps_done) if row else set()
        steps = [
            {"key": key, "label": label, "done": key in done}
            for path in self._paths_of(row)
            for key, label in _steps(path)
        ]
        return {
            "template": HOME,
            "join": {"answered": bool(row and row.answered_at), "steps": steps},
        }

    # ---- what other features may ask -------------------------------------------------------

    def interests_of(
        self, conn: Connection, team_id: str, user_ids: Collection[str]
    ) -> dict[str, list[str]]:
        """Each member's interests: those of the paths their answers put them on (members who
        did not answer are left out)."""
        rows = store.of_members(conn, team_id=team_id, user_ids=user_ids)
        found = {}
        for user_id, row in rows.items():
            interests = [p.interest for p in self._paths_of(row) if p.interest]
            if interests:
                found[user_id] = interests
        return found

    def participation_by_path(
        self, conn: Connection, *, team_id: str, since: dt.datetime, until: dt.datetime
    ) -> list[PathParticipation]:
        return participation_by_path(
            conn, section=self.section, team_id=team_id, since=since, until=until
        )

    # ---- helpers ---------------------------------------------------------------------------

    def _paths_of(self, row: Any) -> list[JoinPath]:
        """The member's paths as the config has them now (a path removed since is gone)."""
        if row is None or not row.answered_at:
            return []
        return self.section.paths_for(row.answers)

    def _path_view(self, path: JoinPath) -> dict[str, Any]:
        return {
            "id": path.id,
            "paragraph": path.paragraph,
            "channels": list(path.channels),
            "steps": [label for _, label in _steps(path)],
        }

    def previews(self) -> list[PreviewSample]:
        return previews(
            self.config,
            modal=MODAL,
            follow_up=FOLLOW_UP,
            skipped=SKIPPED,
            home=HOME,
            path_view=self._path_view,
        )


def follow_up_paths(views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The paths as the follow-up shows them: each channel once (under the first path that
    names it), and at most MAX_SHOWN paths and channels, so the message stays within Slack's 50
    blocks; App Home lists every step."""
    seen: set[str] = set()
    shown = []
    for view in views[:MAX_SHOWN]:
        channels = [c for c in view["channels"] if c not in seen][: MAX_SHOWN - len(seen)]
        seen.update(channels)
        shown.append({**view, "channels": channels})
    return shown


def _steps(path: JoinPath) -> list[tuple[str, str]]:
    return [(f"{path.id}:{n}", label) for n, label in enumerate(path.checklist, start=1)]


def _in_words(answers: dict[str, list[str]], free_text: str | None) -> str:
    """The answers as the Members worksheet shows them: "role: Designer; goals: Feedback"."""
    parts = [f"{question}: {', '.join(given)}" for question, given in answers.items()]
    if free_text:
        parts.append(f"note: {free_text}")
    return "; ".join(parts)
