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


def test_waitress_busy_warnings_come_once_a_minute_with_a_count() -> None:
    """A burst makes waitress warn at every request that finds its threads busy; the inbox
    absorbs bursts by design, so the log says so once a minute, not thousands of times."""
    now = [0.0]
    once = logs.OncePerMinute(clock=lambda: now[0])

    def warn(depth: int) -> logging.LogRecord | None:
        record = logging.LogRecord(
            "waitress.queue",
            logging.WARNING,
            "task.py",
            1,
            "Task queue depth is %d",
            (depth,),
            None,
        )
        return record if once.filter(record) else None

    first = warn(1)
    assert first is not None and first.getMessage() == "Task queue depth is 1"
    assert [warn(depth) for depth in (3, 9, 2)] == [None, None, None]
    now[0] = 61.0
    summary = warn(4)
    assert summary is not None
    assert summary.getMessage() == "Task queue depth is 4 (3 more in the last minute, deepest 9)"
    assert warn(1) is None
