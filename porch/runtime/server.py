"""Wires Porch together for `serve`, `run` and the demo: store, client, app, worker, scheduler."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from slack_bolt.oauth import OAuthFlow
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Engine

from porch.app import build_app
from porch.core import channel_directory
from porch.core.clock import Clock, SystemClock
from porch.core.config import Config
from porch.core.domain_events import SLACK_EVENT_TYPES
from porch.core.store import READ_ONLY, connect, migrate
from porch.handlers.events import storer
from porch.runtime import backlog, installations, jobs
from porch.runtime.communities import Communities
from porch.runtime.context import Porch
from porch.runtime.delivery_stats import DeliveryHealth, DeliveryMeter
from porch.runtime.edge import DirectEvents, SlackEdge
from porch.runtime.inbox_processor import InboxProcessor, Uninstalls
from porch.runtime.manifest import MANIFEST_FILE
from porch.runtime.scheduler import Scheduler, remember_workspace
from porch.runtime.settings import Settings
from porch.runtime.slack_client import SlackClients, resolve_channels, web_client
from porch.runtime.spool import EventSpool, SpoolIntake
from porch.runtime.supervisor import WorkerPool
from porch.runtime.worker import EffectWorker

logger = logging.getLogger(__name__)

# What the log calls /healthz's query (the FailureLog's `where`).
HEALTH_CHECK = "the health check's database query"

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class StartupError(Exception):
    """Porch cannot start as configured; the message says what to fix, in one line."""


class MissingSetting(StartupError):
    """A required environment variable is not set; the message names it."""


def _identify(client: WebClient, *, api_url: str) -> dict[str, Any]:
    """auth.test: which workspace and bot this token belongs to, or a one-line reason why not."""
    try:
        return client.auth_test().data  # type: ignore[return-value]
    except SlackApiError as exc:
        raise StartupError(
            f"Slack refused SLACK_BOT_TOKEN ({exc.response.get('error', 'unknown error')})"
        ) from exc
    except OSError as exc:
        raise StartupError(f"cannot reach the Slack Web API at {api_url} ({exc})") from exc


def bot_scopes() -> list[str]:
    """The bot scopes manifest.yml asks for: what /slack/install asks each workspace for."""
    manifest = yaml.safe_load(MANIFEST_FILE.read_text())
    return list(manifest["oauth_config"]["scopes"]["bot"])


def _bolt_get(environ: dict[str, Any]) -> BoltRequest:
    request = WsgiHttpRequest(environ)
    return BoltRequest(body="", query=request.query_string, headers=request.get_headers())


def _bolt_answer(response: BoltResponse, start_response: Callable[..., Any]) -> Iterable[bytes]:
    wsgi = WsgiHttpResponse(status=response.status, headers=response.headers, body=response.body)
    start_response(wsgi.status, wsgi.get_headers())
    return wsgi.get_body()


def _processors(
    porch: Porch, *, worker: EffectWorker, uninstalls: Uninstalls | None = None
) -> tuple[InboxProcessor, SpoolIntake]:
    """The inbox processor and the spool's intake, wired so that stored events wake the
    processor and recorded effects wake the effect worker."""
    porch.on_commit = worker.wake
    inbox = InboxProcessor(
        engine=porch.engine,
        features=porch.features,
        clock=porch.clock,
        on_commit=worker.wake,
        write_turns=porch.write_turns,
        failures=porch.failures,
        uninstalls=uninstalls,
        features_of=porch.features_of,
    )
    porch.on_accept = inbox.wake
    intake = SpoolIntake(
        engine=porch.engine,
        folder=porch.settings.spool_folder,
        write_turns=porch.write_turns,
        on_moved=inbox.wake,
        failures=porch.failures,
    )
    return inbox, intake


@dataclass
class Runtime:
    porch: Porch
    client: WebClient
    app: App
    worker: EffectWorker
    inbox: InboxProcessor
    scheduler: Scheduler
    slack: SlackClients
    team_id: str
    # How Slack's Events API deliveries were answered in the last hour (GET /healthz).
    deliveries: DeliveryHealth = field(default_factory=DeliveryHealth)
    # `porch serve` with worker processes: the background work runs there, not here.
    pool: WorkerPool | None = None
    # Moves what the edge spooled (spool.py) into the inbox; idle otherwise.
    intake: SpoolIntake = field(default_factory=lambda: SpoolIntake(engine=None))
    # Many workspaces (OAuth mode): /slack/install and /slack/oauth_redirect; None with one token.
    oauth: OAuthFlow | None = None
    # With one token, the bot's user and bot IDs (auth.test): the edge then stores Events API
    # deliveries itself, dropping the bot's own, without Bolt's listener matching (edge.py).
    own_bot: tuple[str, str | None] | None = None

    @classmethod
    def create(
        cls,
        *,
        config: Config,
        settings: Settings,
        clock: Clock | None = None,
        engine: Engine | None = None,
        deliveries: DeliveryHealth | None = None,
        receives_events: bool = True,
        communities: Communities | None = None,
    ) -> Runtime:
        """Everything `serve`, `run` and the member commands need. `receives_events=False`
        (`porch members import/reconcile`) only calls Slack, so only the bot token is needed."""
        if settings.oauth_mode:
            if receives_events and not settings.slack_signing_secret:
                raise MissingSetting("SLACK_SIGNING_SECRET is not set")
            return cls._create_installed(
                config=config,
                settings=settings,
                clock=clock,
                engine=engine,
                deliveries=deliveries,
                communities=communities,
            )
        if not settings.slack_bot_token:
            raise MissingSetting(
                "SLACK_BOT_TOKEN is not set (or, for many workspaces, SLACK_CLIENT_ID, "
                "SLACK_CLIENT_SECRET and PORCH_TOKEN_KEY)"
            )
        if receives_events and not settings.slack_signing_secret and not settings.slack_app_token:
            raise MissingSetting("SLACK_SIGNING_SECRET is not set")
        engine = engine or connect(settings.database_url)
        migrate(engine)
        client = web_client(token=settings.slack_bot_token, base_url=settings.slack_api_url)
        porch = Porch.build(
            config=config, settings=settings, engine=engine, clock=clock or SystemClock()
        )
        identity = _identify(client, api_url=settings.slack_api_url)
        team_id = identity["team_id"]
        remember_workspace(
            porch,
            team_id=team_id,
            name=identity.get("team", ""),
            bot_user_id=identity["user_id"],
            url=identity.get("url"),
        )
        found = resolve_channels(client, config)
        with engine.begin() as conn:
            channel_directory.remember(conn, team_id=team_id, ids_by_name=found)
        worker = EffectWorker(
            engine=engine,
            client=web_client(
                token=settings.slack_bot_token, base_url=settings.slack_api_url, for_effects=True
            ),
            features=porch.features,
            clock=porch.clock,
            lease=settings.effect_lease,
            failures=porch.failures,
        )
        inbox, intake = _processors(porch, worker=worker)
        app = build_app(porch=porch, client=client)
        slack = SlackClients(team_id=team_id, client=client)
        scheduler = Scheduler(
            engine=engine,
            clock=porch.clock,
            jobs=jobs.runtime_jobs(porch=porch, slack=slack),
            failures=porch.failures,
        )
        return cls(
            porch=porch,
            client=client,
            app=app,
            worker=worker,
            inbox=inbox,
            scheduler=scheduler,
            slack=slack,
            team_id=team_id,
            deliveries=deliveries or DeliveryHealth(),
            intake=intake,
            own_bot=(identity["user_id"], identity.get("bot_id")),
        )

    @classmethod
    def _create_installed(
        cls,
        *,
        config: Config,
        settings: Settings,
        clock: Clock | None,
        engine: Engine | None,
        deliveries: DeliveryHealth | None,
        communities: Communities | None = None,
    ) -> Runtime:
        """OAuth mode: many workspaces, each with the bot token its installation stored, and
        the community file of its own when it has one (ConfigError names its line)."""
        client_id = settings.slack_client_id or ""
        engine = engine or connect(settings.database_url)
        try:
            store = installations.installation_store(
                client_id=client_id, engine=engine, token_key=settings.token_key
            )
        except installations.TokenKeyError as exc:
            raise MissingSetting(str(exc)) from exc
        migrate(engine)
        communities = communities or Communities.load(
            default_path=settings.config_path, default=config, folder=settings.communities_folder
        )
        porch = Porch.build(
            config=config,
            settings=settings,
            engine=engine,
            clock=clock or SystemClock(),
            communities=communities,
        )
        api_url = settings.slack_api_url
        slack = SlackClients.installed(installations=store, base_url=api_url)
        worker = EffectWorker(
            engine=engine,
            client=None,
            clients=SlackClients.installed(installations=store, base_url=api_url, for_effects=True),
            features=porch.features,
            clock=porch.clock,
            lease=settings.effect_lease,
            failures=porch.failures,
            features_of=porch.features_of,
        )

        def uninstalled(conn: Any, team_id: str, event: Any, now: Any) -> None:
            installations.forget(conn, client_id=client_id, team_id=team_id, event=event, now=now)

        inbox, intake = _processors(porch, worker=worker, uninstalls=uninstalled)
        # No token: Bolt gives each request a client with its workspace's token (authorize).
        client = WebClient(base_url=api_url, timeout=30)
        app = build_app(porch=porch, client=client, authorize=installations.authorize_from(store))

        def installed(installation: Any) -> None:
            remember_workspace(
                porch,
                team_id=installation.team_id,
                name=installation.team_name or "",
                bot_user_id=installation.bot_user_id or "",
            )
            logger.info("workspace %s installed Porch", installation.team_id)

        flow = installations.oauth_flow(
            client_id=client_id,
            client_secret=settings.slack_client_secret or "",
            scopes=bot_scopes(),
            redirect_uri=settings.slack_redirect_uri,
            store=store,
            engine=engine,
            api_url=api_url,
            on_installed=installed,
        )
        scheduler = Scheduler(
            engine=engine,
            clock=porch.clock,
            jobs=[
                jobs.workspace_job(porch=porch, slack=slack),
                *jobs.runtime_jobs(porch=porch, slack=slack),
            ],
            failures=porch.failures,
            team_jobs=jobs.community_jobs(porch=porch, slack=slack, installed=True),
        )
        return cls(
            porch=porch,
            client=client,
            app=app,
            worker=worker,
            inbox=inbox,
            scheduler=scheduler,
            slack=slack,
            team_id="",
            deliveries=deliveries or DeliveryHealth(),
            intake=intake,
            oauth=flow,
        )

    def attach_workers(self, pool: WorkerPool) -> None:
        """The background work runs in `pool`'s worker processes (porch/runtime/supervisor.py):
        this process then only answers requests, storing events and waking the workers."""
        self.pool = pool
        engine = self.porch.engine
        folder = self.porch.settings.spool_folder
        try:
            self.porch.spool = EventSpool.beside(engine, folder=folder)
        except (sqlite3.Error, OSError) as exc:
            raise StartupError(
                f"cannot write the edge's spool of events in {folder.resolve()} ({exc}): set "
                "PORCH_SPOOL_DIR to a folder this user can write, on a disk that outlives the "
                "process"
            ) from exc
        self.porch.on_accept = pool.wake
        self.porch.on_commit = pool.wake

    def start_background(self) -> None:
        """What serve and run keep going besides answering Slack: the inbox processor, the
        effect worker and the scheduler, which owns every periodic job."""
        self.intake.start()
        self.inbox.start()
        self.worker.start()
        self.scheduler.start()

    def wake_background(self) -> None:
        """New work was stored by another process (the edge): look at it now."""
        self.intake.wake()
        self.inbox.wake()
        self.worker.wake()

    def stop_background(self) -> None:
        self.scheduler.stop()
        self.intake.stop()
        self.inbox.stop()
        self.worker.stop()

    def reconcile(
        self,
        *,
        team_id: str,
        welcome: bool = True,
        progress: Callable[[int, int], None] | None = None,
    ) -> dict[str, int]:
        """A reconciliation pass now (`porch members import/reconcile`, the demo)."""
        if self.oauth is not None:
            raise StartupError(
                "porch members import/reconcile need SLACK_BOT_TOKEN; in OAuth mode each "
                "installed workspace is reconciled by its scheduled job"
            )
        client = self.slack.client_for(team_id)
        if client is None:
            raise StartupError(f"no Slack token for workspace {team_id}")
        return jobs.reconcile(
            self.porch, client=client, team_id=team_id, welcome=welcome, progress=progress
        )

    def background_figures(self) -> dict[str, dict[str, float]]:
        """What this process's background threads have done since it started (GET /healthz):
        events processed, effects delivered, and the CPU each thread used, apart from requests."""
        effects = self.worker.stats
        return {
            "inbox": {
                "processed": self.inbox.processed,
                "failed": self.inbox.failed,
                "cpu_seconds": round(self.inbox.cpu_seconds, 3),
            },
            "effects": {
                "delivered": effects.delivered,
                "failed": effects.failed,
                "cpu_seconds": round(self.worker.cpu_seconds, 3),
            },
            "jobs": {"cpu_seconds": round(self.scheduler.cpu_seconds, 3)},
        }

    def wsgi(self) -> WsgiApp:
        """POST /slack/events for Slack, GET /healthz for load balancers; 404 otherwise."""
        # Signature, size and shape are checked here, before Bolt parses anything.
        direct = None
        if self.own_bot is not None:
            direct = DirectEvents(
                store=storer(self.porch),
                types=frozenset(SLACK_EVENT_TYPES),
                bot_user_id=self.own_bot[0],
                bot_id=self.own_bot[1],
            )
        slack = SlackEdge(
            app=self.app,
            signing_secret=self.porch.settings.slack_signing_secret or "",
            path="/slack/events",
            failures=self.porch.failures,
            events=direct,
        )
        engine = self.porch.engine
        deliveries = self.deliveries
        failures = self.porch.failures
        oauth = self.oauth

        def application(environ: dict[str, Any], start_response: Callable[..., Any]):
            if oauth is not None and environ.get("REQUEST_METHOD") == "GET":
                path = environ.get("PATH_INFO")
                if path == oauth.install_path:
                    answer = oauth.handle_installation(_bolt_get(environ))
                    return _bolt_answer(answer, start_response)
                if path == oauth.redirect_uri_path:
                    # Bolt checks the state (issued here, matched to the browser's cookie,
                    # used once), then exchanges the code with oauth.v2.access.
                    answer = oauth.handle_callback(_bolt_get(environ))
                    return _bolt_answer(answer, start_response)
            if environ.get("PATH_INFO") == "/healthz" and environ["REQUEST_METHOD"] == "GET":
                body: dict[str, Any]
                try:
                    spool = self.porch.spool
                    spooled = spool.waiting() if spool is not None else (0, None)
                    with engine.connect() as conn:
                        conn.execution_options(**{READ_ONLY: True})
                        waiting = backlog.figures(conn, now=self.porch.clock.now(), spooled=spooled)
                    status, body = "200 OK", {"ok": True, "database": "ok", "backlog": waiting}
                    failures.succeeded(where=HEALTH_CHECK)
                except Exception as error:
                    failures.failed(logger, where=HEALTH_CHECK, error=error, then="answered 503")
                    status, body = "503 Service Unavailable", {"ok": False, "database": "down"}
                body["deliveries"] = deliveries.figures().as_json()
                if self.pool is not None:
                    body["workers"] = self.pool.figures()
                else:
                    body["background"] = self.background_figures()
                payload = json.dumps(body).encode()
                start_response(
                    status,
                    [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))],
                )
                return [payload]
            return slack(environ, start_response)

        return DeliveryMeter(application, health=deliveries, path="/slack/events")
