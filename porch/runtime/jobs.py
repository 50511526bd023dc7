"""The runtime's periodic jobs, until features declare their own: built in `runtime_jobs`.

Each is a porch.core.feature.Job that the Scheduler runs per workspace under its lease. The
bodies are idempotent (effects are keyed), so a slot run twice would do no harm.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable

from slack_sdk import WebClient
from sqlalchemy import Engine

from porch.core.feature import Job
from porch.features.onboarding import Newcomer
from porch.runtime import tracker_sync
from porch.runtime.context import Porch
from porch.runtime.slack_client import SlackClients

logger = logging.getLogger(__name__)

ONBOARDING_EVERY = dt.timedelta(minutes=1)


def runtime_jobs(*, porch: Porch, slack: SlackClients) -> list[Job]:
    """The onboarding tick, reconciliation and the tracker sync, in the order they run."""
    config = porch.config

    def onboarding(engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
        return onboarding_tick(porch, team_id=team_id, now=now)

    def reconcile_job(engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int] | None:
        client = slack.client_for(team_id)
        if client is None:
            logger.warning("no Slack token for workspace %s: not reconciling it", team_id)
            return None
        return reconcile(porch, client=client, team_id=team_id, now=now)

    return [
        Job(name="onboarding", every=ONBOARDING_EVERY, run=onboarding),
        Job(
            name="reconcile",
            every=dt.timedelta(minutes=config.onboarding.reconcile_every_minutes),
            run=reconcile_job,
        ),
        tracker_sync.sync_job(config=config, settings=porch.settings),
    ]


def onboarding_tick(porch: Porch, *, team_id: str, now: dt.datetime) -> dict[str, int]:
    """Intro thread, mentions and follow-ups for one workspace; cheap when nothing is due.

    Three transactions, so that one step failing does not undo what the others recorded.
    """
    onboarding = porch.onboarding
    with porch.engine.begin() as conn:
        threads = onboarding.ensure_intro_thread(conn, team_id=team_id, now=now)
    with porch.engine.begin() as conn:
        tagged = onboarding.tag_newcomers(conn, team_id=team_id, now=now)
    with porch.engine.begin() as conn:
        follow_ups = onboarding.follow_ups(conn, team_id=team_id, now=now)
    porch.on_commit()
    return {"threads": threads, "tagged": tagged, "follow_ups": follow_ups}


def reconcile(
    porch: Porch,
    *,
    client: WebClient,
    team_id: str,
    welcome: bool = True,
    progress: Callable[[int], None] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Compare users.list with the store (paginated; slack_sdk waits out rate limits).

    Without `now`, each page reads the clock: a large workspace may take minutes to list.
    """
    totals = {"welcomed": 0, "recorded": 0, "skipped": 0, "known": 0}
    for users in _user_pages(client):
        with porch.engine.begin() as conn:
            counts = porch.onboarding.reconcile(
                conn,
                team_id=team_id,
                users=users,
                now=now or porch.clock.now(),
                welcome=welcome,
            )
        for key, value in counts.items():
            totals[key] += value
        if progress:
            progress(len(users))
    porch.on_commit()
    return totals


def _user_pages(client: WebClient) -> Iterable[list[Newcomer]]:
    for page in client.users_list(limit=200):
        yield [Newcomer.from_slack(user) for user in page["members"]]
