"""Logging set-up. Secret values from the environment are masked wherever they would appear."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from porch.runtime.settings import Settings

TOKEN_PATTERN = re.compile(r"\b(xox[abposr]|xapp)-[A-Za-z0-9-]{6,}")


class RedactingFormatter(logging.Formatter):
    """Masks secrets in the finished line, so tracebacks and exception messages are covered too
    (a filter sees only the message, not the traceback that the formatter appends)."""

    def __init__(self, fmt: str, *, secrets: list[str]) -> None:
        super().__init__(fmt)
        self._secrets = [s for s in secrets if s and len(s) >= 6]

    def redact(self, text: str) -> str:
        text = TOKEN_PATTERN.sub(r"\1-***", text)
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def format(self, record: logging.LogRecord) -> str:
        return self.redact(super().format(record))


def configure(settings: Settings, *, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s",
            secrets=[
                settings.slack_bot_token or "",
                settings.slack_signing_secret or "",
                settings.slack_app_token or "",
                settings.slack_client_secret or "",
                settings.token_key or "",
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Alembic announces every plugin it loads at INFO on each start; only its problems matter.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # waitress warns at every request that finds its threads busy: thousands of lines a second
    # in a burst, which the inbox absorbs by design. One a minute, with the count.
    queue = logging.getLogger("waitress.queue")
    for old in [f for f in queue.filters if isinstance(f, OncePerMinute)]:
        queue.removeFilter(old)  # configured again (a test, a restart in-process): one filter
    queue.addFilter(OncePerMinute())


class OncePerMinute(logging.Filter):
    """Lets a logger's first record through, then one a minute saying how many were held back
    (and, for waitress's "Task queue depth is N", the deepest queue among them)."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self._clock = clock
        self._next = 0.0
        self._held = 0
        self._deepest = 0

    def filter(self, record: logging.LogRecord) -> bool:
        depth = record.args[0] if isinstance(record.args, tuple) and record.args else None
        if isinstance(depth, int):
            self._deepest = max(self._deepest, depth)
        now = self._clock()
        if now < self._next:
            self._held += 1
            return False
        if self._held:
            deepest = f", deepest {self._deepest}" if self._deepest else ""
            record.msg = f"{record.getMessage()} ({self._held} more in the last minute{deepest})"
            record.args = None
        self._next, self._held, self._deepest = now + 60, 0, 0
        return True
