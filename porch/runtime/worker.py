"""The effect worker: delivers recorded effects to Slack, exactly once.

Exactly once over an API with no idempotency keys: every message Porch posts carries its effect
key in Slack message metadata. An effect claimed again after a crash (its attempt count is above
one) is first looked up in the channel's history by that key; only if Slack does not have it is it
posted again. Permanent failures (a deactivated user, a bot) are recorded and never retried.

Rate limits are per Slack method, so a 429 pauses only the kind of effect that got it: while
views.publish waits out its Retry-After, welcome DMs keep going out (a worker that slept inside
the client would hold every welcome behind the App Home updates).

Claims are short (LEASE) and renewed every few seconds by a heartbeat thread while the worker
holds them, so a live worker's claims never lapse however long Slack takes, and a process that
was killed (kill -9, OOM, a lost node) leaves claims that any replica, or its own restart, takes
over within seconds instead of minutes. A worker that cannot renew (the database is unreachable)
stops starting new deliveries before its claims could lapse, so two workers never act on one
claim; the history check above covers the one already in flight. Replicas' clocks must agree to
within LEASE minus the renewal interval (NTP gives milliseconds).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.webhook import WebhookClient
from sqlalchemy import Engine

from porch.core import channel_directory, effect_queue
from porch.core.clock import Clock, SystemClock
from porch.core.effect_queue import Effect
from porch.core.failure_log import FailureLog
from porch.core.feature import Delivery
from porch.features.registry import Features
from porch.runtime import slack_lookups
from porch.runtime.background import BackgroundLoop
from porch.runtime.claim_renewal import ClaimRenewal
from porch.runtime.settings import DEFAULT_EFFECT_LEASE
from porch.runtime.slack_client import SlackClients

logger = logging.getLogger(__name__)

HARMLESS = {"already_reacted", "already_in_channel"}
# Slack answers these when a DM can never be delivered; retrying would only spam the logs.
UNDELIVERABLE = {
    "user_not_found",
    "user_disabled",
    "account_inactive",
    "cannot_dm_bot",
    "channel_not_found",
    "is_archived",
    "not_in_channel",
    "user_not_in_channel",
    "restricted_action",
    "user_is_restricted",
    "messages_tab_disabled",
}
# How long a claim lasts without renewal: how soon a dead worker's effects go out again.
LEASE = DEFAULT_EFFECT_LEASE


class Undeliverable(Exception):
    """Slack said no in a way that retrying cannot change."""


class NotYet(Exception):
    """The effect depends on another effect that has not been delivered yet."""


class RateLimited(Exception):
    """Slack answered 429: it did nothing, and this kind of call may go again after a pause."""

    def __init__(self, retry_after: float) -> None:
        super().__init__(f"rate limited for {retry_after:g} s")
        self.retry_after = retry_after


@dataclass
class WorkerStats:
    delivered: int = 0
    failed: int = 0
    recovered: int = 0
    # Delivered effects by kind ("post", "home", "invite", ...), for honest summaries.
    delivered_by_kind: Counter[str] = field(default_factory=Counter)


class EffectWorker:
    def __init__(
        self,
        *,
        engine: Engine,
        client: WebClient | None,
        features: Features,
        clock: Clock,
        lease: dt.timedelta = LEASE,
        idle_seconds: float = 1.0,
        failures: FailureLog | None = None,
        clients: SlackClients | None = None,
        features_of: Callable[[str], Features] | None = None,
    ) -> None:
        self.engine = engine
        # One workspace's client, or (`clients`, many workspaces) each effect's team's.
        self.client = client
        self.clients = clients
        self.features = features
        # Many workspaces: each effect's workspace's features (its own community file).
        self.features_of = features_of or (lambda team_id: features)
        self.clock = clock
        self.lease = lease
        # Five renewals per lease: a few slow or failed ones do not let a claim lapse.
        self.renew_seconds = lease.total_seconds() / 5
        self.idle_seconds = idle_seconds
        self.holder = f"worker-{uuid.uuid4().hex[:12]}"
        self.stats = WorkerStats()
        # Throttles the log of failures that repeat (shared with the rest of the process).
        self.failures = failures or FailureLog(clock=SystemClock())
        # Effect kind -> time.monotonic() when Slack lets that kind of call through again.
        self._paused_until: dict[str, float] = {}
        self._loop = BackgroundLoop(
            name="porch-effects",
            step=lambda: self.run_once() > 0,
            idle_seconds=self._idle_seconds,
            what="the effect worker",
            failures=self.failures,
        )

    # ---- running ---------------------------------------------------------------------------

    def start(self) -> None:
        self._loop.start()

    def stop(self) -> None:
        self._loop.stop()

    def wake(self) -> None:
        self._loop.wake()

    @property
    def cpu_seconds(self) -> float:
        return self._loop.cpu_seconds

    def _idle_seconds(self) -> float:
        """Until the next poll, or sooner when a paused kind of effect may go again."""
        pause = self._next_resume()
        return self.idle_seconds if pause is None else min(pause, self.idle_seconds)

    def drain(self, *, max_cycles: int = 10_000) -> int:
        """Deliver everything that is due now (the demo, tests and CLI commands use this),
        waiting out rate limits on the way."""
        total = 0
        for _ in range(max_cycles):
            done = self.run_once()
            total += done
            if done:
                continue
            pause = self._next_resume()
            if pause is None:
                break
            with self.engine.begin() as conn:
                waiting = effect_queue.due_kinds(conn, now=self.clock.now())
            if not waiting & set(self._paused_until):
                break
            time.sleep(pause)
        return total

    def run_once(self, *, limit: int = 50) -> int:
        claimed_at = time.monotonic()
        with self.engine.begin() as conn:
            batch = effect_queue.claim(
                conn,
                holder=self.holder,
                now=self.clock.now(),
                lease=self.lease,
                limit=limit,
                skip_kinds=self._paused_kinds(),
            )
        if not batch:
            return 0
        handled = 0
        with ClaimRenewal(worker=self, batch=batch, claimed_at=claimed_at) as claims:
            for effect in batch:
                if not claims.holds(effect):
                    # Left claimed: it goes out again once the claim lapses, after the history
                    # check, by whichever worker can still reach the database.
                    self.failures.refused(
                        logger,
                        "effect %s: claim could not be renewed; not delivering it",
                        effect.key,
                        where="effects held back",
                        reason="claim not renewed",
                    )
                    continue
                if effect.kind in self._paused_kinds():
                    # Its method got a 429 earlier in this batch: hand it back untouched.
                    with self.engine.begin() as conn:
                        effect_queue.release(conn, effect=effect)
                elif self._deliver(effect):
                    handled += 1
                claims.finished(effect)
        return handled

    def _paused_kinds(self) -> set[str]:
        now = time.monotonic()
        for kind, until in list(self._paused_until.items()):
            if until <= now:
                del self._paused_until[kind]
        return set(self._paused_until)

    def _next_resume(self) -> float | None:
        """Seconds until the first paused kind of effect may go again; None when none is."""
        self._paused_kinds()
        if not self._paused_until:
            return None
        return max(0.0, min(self._paused_until.values()) - time.monotonic())

    # ---- one effect ------------------------------------------------------------------------

    def _deliver(self, effect: Effect) -> bool:
        try:
            result = self._perform(effect)
        except NotYet:
            with self.engine.begin() as conn:
                effect_queue.wait_for(conn, effect=effect, now=self.clock.now())
            return False
        except RateLimited as exc:
            self._paused_until[effect.kind] = time.monotonic() + exc.retry_after
            with self.engine.begin() as conn:
                effect_queue.release(conn, effect=effect)
            return False
        except Undeliverable as exc:
            logger.warning("effect %s undeliverable: %s", effect.key, exc)
            self._finish(effect, result=None, error=str(exc))
            return True
        except (SlackApiError, SlackRequestError, OSError) as exc:
            self.failures.failed(
                logger,
                where=_delivering(effect),
                error=exc,
                then=f"effect {effect.key} (attempt {effect.attempts}) is tried again later",
            )
            with self.engine.begin() as conn:
                if not effect_queue.retry_later(
                    conn, effect=effect, error=_describe(exc), now=self.clock.now()
                ):
                    self._after(conn, effect, result=None, error=_describe(exc))
                    self.stats.failed += 1
            return True
        self._finish(effect, result=result, error=None)
        return True

    def _finish(self, effect: Effect, *, result: dict[str, Any] | None, error: str | None):
        now = self.clock.now()
        with self.engine.begin() as conn:
            if error is None:
                self.failures.succeeded(where=_delivering(effect))
                effect_queue.complete(conn, effect=effect, result=result or {}, now=now)
                self.stats.delivered += 1
                self.stats.delivered_by_kind[effect.kind] += 1
            else:
                effect_queue.give_up(conn, effect=effect, error=error, now=now)
                self.stats.failed += 1
            self._after(conn, effect, result=result, error=error)

    def _after(self, conn: Any, effect: Effect, *, result: Any, error: str | None) -> None:
        """What the delivered effect changes, through the feature that asked for it."""
        then = effect.payload.get("then")
        if not then:
            return
        callback = self.features_of(effect.team_id).effect_callback(then.get("op", ""))
        if callback is None:
            logger.error("no feature handles delivery outcome %r", then.get("op"))
            return
        callback(Delivery(conn, effect.team_id, then, result, error, self.clock.now()))

    def _perform(self, effect: Effect) -> dict[str, Any]:
        payload = effect.payload
        client = self._client_for(effect)
        try:
            if effect.kind == "post":
                return self._post(effect, client)
            if effect.kind == "update":
                target = self._result_of(effect, payload["of"])
                client.chat_update(
                    channel=target["channel"],
                    ts=target["ts"],
                    text=payload["text"],
                    blocks=payload.get("blocks"),
                )
                return target
            if effect.kind == "react":
                self._call_harmless(
                    client.reactions_add,
                    channel=payload["channel"],
                    timestamp=payload["ts"],
                    name=payload["name"],
                )
                return {"channel": payload["channel"], "ts": payload["ts"]}
            if effect.kind == "home":
                app_home = self.features_of(effect.team_id).app_home
                # Read, then render with the connection closed: on SQLite a connection holds
                # the store's one write lock, which the edge is waiting on to store events.
                with self.engine.connect() as conn:
                    context = app_home.context(
                        conn, team_id=effect.team_id, user_id=payload["user_id"]
                    )
                view = app_home.render(context)
                client.views_publish(user_id=payload["user_id"], view=view)
                return {}
            if effect.kind == "ephemeral":
                # Only its recipient ever sees it, and only while the channel is open: a rare
                # second copy after a crash harms nobody, so there is nothing to look up first.
                channel = payload.get("channel") or self._channel_id(
                    effect, payload["channel_name"]
                )
                response = client.chat_postEphemeral(
                    channel=channel,
                    user=payload["user"],
                    text=payload["text"],
                    blocks=payload.get("blocks"),
                )
                return {"channel": channel, "message_ts": response.get("message_ts")}
            if effect.kind == "fetch":
                channel, ts = payload["channel"], payload["ts"]
                return {"message": slack_lookups.fetch(client, channel=channel, ts=ts)}
            if effect.kind == "respond":
                # An answer to a button, through its response_url (valid 30 minutes).
                sent = WebhookClient(payload["response_url"]).send_dict(payload["message"])
                if sent.status_code >= 400:
                    raise Undeliverable(f"response_url answered {sent.status_code}")
                return {}
            if effect.kind == "invite":
                channel = self._channel_id(effect, payload["channel_name"])
                self._call_harmless(
                    client.conversations_invite, channel=channel, users=payload["users"]
                )
                return {"channel": channel}
        except SlackApiError as exc:
            if exc.response is not None and exc.response.status_code == 429:
                raise RateLimited(_retry_after(exc)) from exc
            code = exc.response.get("error") if exc.response is not None else None
            if code in UNDELIVERABLE:
                raise Undeliverable(code) from exc
            raise
        raise Undeliverable(f"unknown effect kind {effect.kind!r}")

    def _client_for(self, effect: Effect) -> WebClient:
        """The effect's workspace's client: with many workspaces, each has its own token, and
        a workspace that uninstalled Porch has none (its effect is not delivered anywhere)."""
        if self.clients is None and self.client is not None:
            return self.client
        client = self.clients.client_for(effect.team_id) if self.clients is not None else None
        if client is None:
            raise Undeliverable(f"no Slack token for workspace {effect.team_id}")
        return client

    def _post(self, effect: Effect, client: WebClient) -> dict[str, Any]:
        payload = effect.payload
        thread_ts = None
        if payload.get("thread_of"):
            parent = self._result_of(effect, payload["thread_of"])
            channel, thread_ts = parent["channel"], parent["ts"]
        elif payload.get("users"):
            # A group DM (buddies): conversations.open answers the same one every time.
            users = ",".join(payload["users"])
            channel = client.conversations_open(users=users)["channel"]["id"]
        elif payload.get("channel"):
            channel = payload["channel"]
            # A reply in a member's thread (feedback acknowledgements and follow-ups).
            thread_ts = payload.get("thread_ts")
        else:
            channel = self._channel_id(effect, payload["channel_name"])
        if effect.attempts > 1:
            found = slack_lookups.find_posted(client, effect, channel=channel, thread_ts=thread_ts)
            if found:
                self.stats.recovered += 1
                return found
        response = client.chat_postMessage(
            channel=channel,
            text=payload["text"],
            blocks=payload.get("blocks"),
            thread_ts=thread_ts,
            unfurl_links=False,
            unfurl_media=False,
            metadata={
                "event_type": slack_lookups.METADATA_EVENT,
                "event_payload": {"key": effect.key},
            },
        )
        return {"channel": response["channel"], "ts": response["ts"]}

    def _result_of(self, effect: Effect, key: str) -> dict[str, Any]:
        with self.engine.begin() as conn:
            result = effect_queue.result_of(conn, team_id=effect.team_id, key=key)
        if not result:
            raise NotYet(key)
        return result

    def _channel_id(self, effect: Effect, name: str) -> str:
        with self.engine.begin() as conn:
            channel_id = channel_directory.id_of(conn, team_id=effect.team_id, name=name)
        if channel_id is None:
            raise Undeliverable(f"channel #{name} not found")
        return channel_id

    @staticmethod
    def _call_harmless(method: Any, **kwargs: Any) -> None:
        try:
            method(**kwargs)
        except SlackApiError as exc:
            if exc.response is None or exc.response.get("error") not in HARMLESS:
                raise


def _retry_after(exc: SlackApiError) -> float:
    headers = {k.lower(): v for k, v in (exc.response.headers or {}).items()}
    value = headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(float(value), 0.0) if value is not None else 1.0
    except ValueError:
        return 1.0


def _describe(exc: Exception) -> str:
    if isinstance(exc, SlackApiError) and exc.response is not None:
        return f"{exc.response.status_code} {exc.response.get('error')}"
    return f"{type(exc).__name__}: {exc}"


def _delivering(effect: Effect) -> str:
    """What the log calls delivering this kind of effect (the FailureLog's `where`)."""
    return f"delivering {effect.kind} effects"
