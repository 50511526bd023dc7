"""The periodic jobs: those the features declare, plus reconciliation and the tracker sync.

Each is a porch.core.feature.Job that the Scheduler runs per workspace under its lease. The
bodies are idempotent (effects are keyed), so a slot run twice would do no harm.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping

from slack_sdk import WebClient
from sqlalchemy import Engine

from porch.core import channel_directory, inbox
from porch.core.domain_events import Newcomer
from porch.core.feature import Job
from porch.runtime import tracker_sync
from porch.runtime.context import Porch
from porch.runtime.scheduler import remember_workspace
from porch.runtime.slack_client import SlackClients, resolve_channels

logger = logging.getLogger(__name__)

# users.list page size (Slack's recommended maximum), and how many members one transaction records.
PAGE = 200


def runtime_jobs(*, porch: Porch, slack: SlackClients) -> list[Job]:
    """The features' jobs, reconciliation and the tracker sync, in the order they run."""
    config = porch.config

    def reconcile_job(engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int] | None:
        client = slack.client_for(team_id)
        if client is None:
            logger.warning("no Slack token for workspace %s: not reconciling it", team_id)
            return None
        return reconcile(porch, client=client, team_id=team_id, now=now)

    return [
        *(_waking_worker(porch, job) for job in porch.features.jobs),
        Job(
            name="reconcile",
            every=dt.timedelta(minutes=config.onboarding.reconcile_every_minutes),
            run=reconcile_job,
        ),
        tracker_sync.sync_job(
            config=config, settings=porch.settings, features=porch.features.features
        ),
        Job(name="inbox-purge", every=dt.timedelta(hours=1), run=purge_inbox),
    ]


def community_jobs(
    *, porch: Porch, slack: SlackClients, installed: bool = False
) -> dict[str, list[Job]]:
    """Many workspaces: the jobs of each workspace with a community file of its own, built
    from that file (its features' jobs, its reconcile interval, its tracker)."""
    teams = porch.communities.teams if porch.communities is not None else {}
    made = {}
    for team_id in teams:
        own = porch.for_team(team_id)
        first = [workspace_job(porch=own, slack=slack)] if installed else []
        made[team_id] = [*first, *runtime_jobs(porch=own, slack=slack)]
    return made


def workspace_job(*, porch: Porch, slack: SlackClients) -> Job:
    """Many workspaces: what `porch serve` does at start with one token, per installed
    workspace, in a worker rather than in the install request: auth.test (the workspace's URL,
    for message links) and the configured channels' IDs. Hourly, as channels come and go."""

    def run(engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int] | None:
        client = slack.client_for(team_id)
        if client is None:
            return None
        identity = client.auth_test()
        remember_workspace(
            porch,
            team_id=team_id,
            name=identity.get("team") or "",
            bot_user_id=identity["user_id"],
            url=identity.get("url"),
        )
        found = resolve_channels(client, porch.for_team(team_id).config)
        with engine.begin() as conn:
            channel_directory.remember(conn, team_id=team_id, ids_by_name=found)
        return {"channels": len(found)}

    return Job(name="workspace", every=dt.timedelta(hours=1), run=run)


def purge_inbox(engine: Engine, team_id: str, now: dt.datetime) -> dict[str, int]:
    """Drop processed events past their keeping time (the inbox is not an archive)."""
    with engine.begin() as conn:
        return {"purged": inbox.purge(conn, team_id=team_id, now=now)}


def _waking_worker(porch: Porch, job: Job) -> Job:
    """The feature's job, then a nudge to the effect worker to deliver what it recorded."""

    def run(engine: Engine, team_id: str, now: dt.datetime) -> Mapping[str, int] | None:
        counts = job.run(engine, team_id, now)
        porch.on_commit()
        return counts

    return Job(name=job.name, every=job.every, run=run)


def reconcile(
    porch: Porch,
    *,
    client: WebClient,
    team_id: str,
    welcome: bool = True,
    progress: Callable[[int, int], None] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Compare users.list with the store (paginated; slack_sdk waits out rate limits).

    The whole list is read first, so `progress(done, total)` can report against a real total;
    then it is recorded a page at a time. Without `now`, each page reads the clock.
    """
    everyone = [user for page in _user_pages(client) for user in page]
    totals = {"welcomed": 0, "recorded": 0, "skipped": 0, "known": 0}
    done = 0
    for start in range(0, len(everyone), PAGE):
        users = everyone[start : start + PAGE]
        with porch.engine.begin() as conn:
            counts = porch.features.reconcile_members(
                conn,
                team_id=team_id,
                users=users,
                now=now or porch.clock.now(),
                welcome=welcome,
            )
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
        done += len(users)
        if progress:
            progress(done, len(everyone))
    porch.on_commit()
    return totals


def _user_pages(client: WebClient) -> Iterable[list[Newcomer]]:
    for page in client.users_list(limit=PAGE):
        yield [Newcomer.from_slack(user) for user in page["members"]]
