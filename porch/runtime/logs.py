"""Logging set-up. Secret values from the environment are masked wherever they would appear."""

from __future__ import annotations

import logging
import re

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
