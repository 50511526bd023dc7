"""Secrets come from the environment and never reach the logs."""

from __future__ import annotations

import io
import logging

import pytest

from porch.runtime import logs
from porch.runtime.settings import Settings


@pytest.fixture
def captured() -> logging.Handler:
    settings = Settings(
        slack_bot_token="xoxb-1111-2222-abcdefabcdef",
        slack_signing_secret="8f14e45fceea167a5a36dedd4bea2543",
        slack_app_token="xapp-1-A0-3333-feedfacefeed",
    )
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logs.configure(settings)
    stream = io.StringIO()
    root.handlers[0].stream = stream  # type: ignore[attr-defined]
    yield stream
    root.handlers[:], root.level = saved[0], saved[1]


def test_configured_secrets_and_any_slack_token_are_masked(captured: io.StringIO) -> None:
    log = logging.getLogger("porch.test")
    log.info("calling Slack with %s", "xoxb-1111-2222-abcdefabcdef")
    log.warning("signature check with 8f14e45fceea167a5a36dedd4bea2543 failed")
    log.error("socket mode token %s, stray token %s", "xapp-1-A0-3333-feedfacefeed", "xoxp-9-zz-99")
    try:
        raise RuntimeError("token xoxb-1111-2222-abcdefabcdef was refused")
    except RuntimeError:
        log.exception("startup failed")

    output = captured.getvalue()
    for secret in ("1111-2222-abcdefabcdef", "8f14e45fceea167a", "3333-feedfacefeed", "9-zz-99"):
        assert secret not in output
    assert "xoxb-***" in output and "startup failed" in output
