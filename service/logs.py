"""Logging set-up. Secret values from the environment are masked wherever they would appear."""

from __future__ import annotations

import logging
import re

from service.settings import Settings

TOKEN_PATTERN = re.compile(r"\b(xox[abposr]|xapp)-[A-Za-z0-9-]{6,}")


class RedactSecrets(logging.Filter):
    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s and len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = TOKEN_PATTERN.sub(r"\1-***", message)
        for secret in self._secrets:
            redacted = redacted.replace(secret, "***")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def configure(settings: Settings, *, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(
        RedactSecrets(
            [
                settings.slack_bot_token or "",
                settings.slack_signing_secret or "",
                settings.slack_app_token or "",
            ]
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
