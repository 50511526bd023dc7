"""How well Porch answers Slack's Events API deliveries, over the last hour.

Slack disables an app's event subscriptions when more than 5 % of its deliveries in an hour are
not answered 200 within 3 seconds, and it says so only by email to the app's owner. Porch keeps
its own rolling count so that the operator sees trouble coming: a warning in the log once the
share of bad answers reaches 1 %, and the figures in `GET /healthz`.

The count is per process (each replica sees the deliveries it answered), in one-minute buckets,
so "the last hour" is the current minute and the 59 before it. `DeliveryMeter` is the thin WSGI
middleware that feeds it, timing each request from the moment the server hands it to Porch to
the moment Porch starts its response.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

# Slack's own rule: an answer other than 200, or one that takes longer than this, counts against
# the app.
LATE_AFTER_SECONDS = 3.0
# Well under Slack's 5 %, so there is time to act before Slack does.
WARN_SHARE = 0.01
WINDOW_MINUTES = 60

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class DeliveryFigures:
    """Deliveries answered in the last hour, and those answered non-200 or late."""

    last_hour: int
    not_ok: int
    late: int

    @property
    def share(self) -> float:
        return self.not_ok / self.last_hour if self.last_hour else 0.0

    def as_json(self) -> dict[str, int | float]:
        return {
            "last_hour": self.last_hour,
            "not_ok": self.not_ok,
            "late": self.late,
            "share": round(self.share, 4),
        }


@dataclass
class _Bucket:
    minute: int
    answered: int = 0
    not_ok: int = 0
    late: int = 0


# Below this many deliveries in the hour a share says little (one slow answer right after a
# start would be 100 %), so the warning waits for it; /healthz shows the figures regardless.
WARN_AFTER_DELIVERIES = 100


class DeliveryHealth:
    """A thread-safe rolling count of answered deliveries; warns once per crossing of `warn_at`.

    `clock` is a monotonic clock in seconds (injected so tests need not wait an hour).
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        late_after: float = LATE_AFTER_SECONDS,
        warn_at: float = WARN_SHARE,
        window_minutes: int = WINDOW_MINUTES,
        warn_after: int = WARN_AFTER_DELIVERIES,
    ) -> None:
        self.clock = clock
        self.late_after = late_after
        self.warn_at = warn_at
        self.window_minutes = window_minutes
        self.warn_after = warn_after
        self._buckets: deque[_Bucket] = deque()
        self._lock = threading.Lock()
        self._warned = False

    def record(self, *, status: int, seconds: float) -> None:
        """Count one answered delivery: `status` is the HTTP status Porch answered with, after
        `seconds`."""
        late = seconds > self.late_after
        bad = status != 200 or late
        with self._lock:
            bucket = self._current()
            bucket.answered += 1
            bucket.not_ok += bad
            bucket.late += late
            figures = self._figures()
            crossed = figures.last_hour >= self.warn_after and figures.share >= self.warn_at
            warn, recovered = crossed and not self._warned, self._warned and not crossed
            self._warned = crossed
        # Logged outside the lock: a slow log handler must not hold up other requests.
        if warn:
            logger.warning(
                "%d of the %d Events API deliveries answered in the last hour were not answered "
                "200 within %.0f s (%.1f %%, %d late); Slack disables the app's event "
                "subscriptions above 5 %%",
                figures.not_ok,
                figures.last_hour,
                self.late_after,
                100 * figures.share,
                figures.late,
            )
        elif recovered:
            logger.info(
                "Events API answers are back under %.0f %% not-OK in the last hour (%d of %d)",
                100 * self.warn_at,
                figures.not_ok,
                figures.last_hour,
            )

    def figures(self) -> DeliveryFigures:
        with self._lock:
            self._expire()
            return self._figures()

    # ---- under the lock --------------------------------------------------------------------

    def _minute(self) -> int:
        return int(self.clock() // 60)

    def _current(self) -> _Bucket:
        self._expire()
        minute = self._minute()
        if not self._buckets or self._buckets[-1].minute != minute:
            self._buckets.append(_Bucket(minute=minute))
        return self._buckets[-1]

    def _expire(self) -> None:
        oldest = self._minute() - self.window_minutes + 1
        while self._buckets and self._buckets[0].minute < oldest:
            self._buckets.popleft()

    def _figures(self) -> DeliveryFigures:
        return DeliveryFigures(
            last_hour=sum(b.answered for b in self._buckets),
            not_ok=sum(b.not_ok for b in self._buckets),
            late=sum(b.late for b in self._buckets),
        )


def is_delivery(environ: dict[str, Any], *, path: str) -> bool:
    """Whether a request looks like an Events API delivery from Slack: a signed JSON POST to
    `path`.

    Slash commands and interactions come as forms and are not part of Slack's 5 % rule. Requests
    without Slack's signature header are not Slack's (a scanner, a forger), so they do not count;
    a signed one that fails verification does, since a wrong signing secret is exactly the
    mistake that gets every real delivery refused.
    """
    content_type = environ.get("CONTENT_TYPE", "")
    return (
        environ.get("REQUEST_METHOD") == "POST"
        and environ.get("PATH_INFO") == path
        and content_type.split(";")[0].strip().lower() == "application/json"
        and bool(environ.get("HTTP_X_SLACK_SIGNATURE"))
    )


class DeliveryMeter:
    """WSGI middleware around the Slack endpoint: times each delivery into a DeliveryHealth.

    It wraps the whole application, error answers included, so a 400 or 401 that Porch writes
    itself is counted like one from Bolt.
    """

    def __init__(self, app: WsgiApp, *, health: DeliveryHealth, path: str) -> None:
        self.app = app
        self.health = health
        self.path = path

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        if not is_delivery(environ, path=self.path):
            return self.app(environ, start_response)
        started = self.health.clock()
        answered: list[int] = []

        def timed_start_response(status: str, headers: list[Any], *exc_info: Any) -> Any:
            if not answered:
                answered.append(_status_code(status))
                self.health.record(status=answered[0], seconds=self.health.clock() - started)
            return start_response(status, headers, *exc_info)

        try:
            return self.app(environ, timed_start_response)
        except Exception:
            # The server answers 500 for an exception that escapes; count it as such.
            if not answered:
                self.health.record(status=500, seconds=self.health.clock() - started)
            raise


def _status_code(status: str) -> int:
    try:
        return int(status.split(" ", 1)[0])
    except ValueError:
        return 500
