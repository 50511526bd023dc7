"""Quiet, clear logs for failures that repeat: one line per kind of failure per minute.

With the database down for 20 s, every request, every background pass and every health probe
failed on its own and logged its own traceback: ten thousand lines that said one thing. Here a
kind of failure is (where it happened, what it was: an exception's type or a refusal's reason).
Its first occurrence is logged in full, with the traceback; the ones after it are counted, and
at most once a minute one line says how many more there were and what the last one said. When
the work succeeds again, one line says it recovered and after how many failures. Nothing is
swallowed: every failure is either logged or counted in a line that is.

Lines go through the caller's logger, so the handlers set up in porch.runtime.logs (and their
redaction of secrets) apply as before. Time comes from the Clock passed in, so tests can move it.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass

from porch.core.clock import Clock

WINDOW = dt.timedelta(minutes=1)
# Answering Slack's requests: handlers/ log its failures, the HTTP edge sees it succeed again.
HANDLING_REQUESTS = "handling Slack's requests"
# Kinds tracked at once; past it, a new reason is counted as "other reasons" at its place, so
# requests that each give a new reason cannot grow the table (nor the log) without bound.
MAX_KINDS = 1000
# A summary quotes the last failure's message; a driver's can run to many lines.
MESSAGE_CHARS = 300


@dataclass
class _Kind:
    logger: logging.Logger
    level: int
    label: str
    # When this kind was last written to the log (its first line, or a summary).
    reported_at: dt.datetime
    last_at: dt.datetime
    last_message: str
    # Occurrences since `reported_at` that no line has mentioned yet; all of them since it began.
    unreported: int = 0
    total: int = 1
    # Failures of work that can succeed again end with a recovery line; refusals just lapse.
    recovers: bool = True


class FailureLog:
    """Throttles the logging of repeated failures, per kind; shared by whatever fails alike.

    `failed` is called in an `except` block for an exception, `refused` for a warning about a
    request (no traceback: a client sent it), `succeeded` when the work at `where` went through.
    Summaries are written by whichever call comes once they are due (no thread of its own).
    Thread-safe: request threads and background threads share one.
    """

    def __init__(self, *, clock: Clock, window: dt.timedelta = WINDOW) -> None:
        self.clock = clock
        self.window = window
        self._kinds: dict[tuple[str, str], _Kind] = {}
        self._lock = threading.Lock()

    def failed(
        self, logger: logging.Logger, *, where: str, error: BaseException, then: str = ""
    ) -> None:
        """`where` failed with `error`: its traceback the first time, a count a minute after.

        `then` says what happens next ("trying again shortly"), on the first line only.
        """
        kind = type(error).__name__
        message = _one_line(f"{kind}: {error}")
        first = self._count(
            logger,
            key=(where, kind),
            label=f"failures of {where} ({kind})",
            message=message,
            level=logging.ERROR,
            recovers=True,
        )
        if first:
            logger.error(
                "%s failed%s", where, f"; {then}" if then else "", exc_info=error, stacklevel=2
            )

    def refused(
        self, logger: logging.Logger, message: str, *args: object, where: str, reason: str
    ) -> None:
        """A warning without a traceback (`message % args`: a request refused, an effect held
        back), logged once per `reason` at `where`, the rest counted in one line a minute; a
        reason quiet for a minute is logged in full again next time."""
        text = _one_line(message % args if args else message)
        first = self._count(
            logger,
            key=(where, reason),
            label=f"{where} ({reason})",
            message=text,
            level=logging.WARNING,
            recovers=False,
        )
        if first:
            logger.warning(message, *args, stacklevel=2)

    def succeeded(self, *, where: str) -> None:
        """The work at `where` went through: a failure that was logged says it recovered."""
        now = self.clock.now()
        recovered: list[tuple[_Kind, str]] = []
        with self._lock:
            # The recovery line counts every failure of its kind: no summary of them before it.
            for key in [k for k in self._kinds if k[0] == where]:
                recovered.append((self._kinds.pop(key), key[1]))
            due = self._due(now)
        for state, kind in recovered:
            if state.recovers:
                failures = "failure" if state.total == 1 else "failures"
                state.logger.info(
                    "%s recovered after %d %s (%s)", where, state.total, failures, kind
                )
        _write(due)

    def _count(
        self,
        logger: logging.Logger,
        *,
        key: tuple[str, str],
        label: str,
        message: str,
        level: int,
        recovers: bool,
    ) -> bool:
        """Count one occurrence; whether it is the first of its kind (the caller logs it in
        full). Summaries that have come due, this kind's or others', are written here."""
        now = self.clock.now()
        with self._lock:
            due = self._due(now)
            if key not in self._kinds and len(self._kinds) >= MAX_KINDS:
                key = (key[0], "other reasons")
                label = f"{key[0]} (other reasons)"
            state = self._kinds.get(key)
            first = state is None
            if state is None:
                self._kinds[key] = _Kind(
                    logger=logger,
                    level=level,
                    label=label,
                    reported_at=now,
                    last_at=now,
                    last_message=message,
                    recovers=recovers,
                )
            else:
                state.unreported += 1
                state.total += 1
                state.last_at = now
                state.last_message = message
        _write(due)
        return first

    def _due(self, now: dt.datetime) -> list[tuple[_Kind, int, str, dt.timedelta]]:
        """The summaries a minute old (taken off the counts), and refusal kinds that have been
        quiet for a minute forgotten, so their next one is logged in full again."""
        due: list[tuple[_Kind, int, str, dt.timedelta]] = []
        for key, state in list(self._kinds.items()):
            if state.unreported and now - state.reported_at >= self.window:
                due.append((state, state.unreported, state.last_message, now - state.reported_at))
                state.unreported = 0
                state.reported_at = now
            elif not state.recovers and not state.unreported and now - state.last_at >= self.window:
                del self._kinds[key]
        return due


def _write(due: list[tuple[_Kind, int, str, dt.timedelta]]) -> None:
    # Outside the lock: a slow log handler must not hold up the threads that count.
    for state, count, last, elapsed in due:
        state.logger.log(
            state.level,
            "%d more %s in the last %s; the last: %s",
            count,
            state.label,
            _span(elapsed),
            last,
        )


def _span(elapsed: dt.timedelta) -> str:
    """ "minute" for a summary on time; the real span when no failure came to trigger it sooner
    (they are written when the next occurrence, of any kind, comes)."""
    minutes = round(elapsed.total_seconds() / 60)
    return "minute" if minutes <= 1 else f"{minutes} minutes"


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= MESSAGE_CHARS else line[: MESSAGE_CHARS - 1] + "…"
