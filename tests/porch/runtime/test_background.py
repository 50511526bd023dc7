"""A background loop whose step keeps failing logs it once with its traceback, then a count a
minute, then one line when a step succeeds again: not a traceback per attempt (issue 19)."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest

from porch.core.clock import ManualClock
from porch.core.failure_log import FailureLog
from porch.runtime.background import BackgroundLoop


def test_a_failing_step_is_one_traceback_a_count_a_minute_and_a_recovery_line(
    caplog: pytest.LogCaptureFixture,
):
    clock = ManualClock(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC))
    attempts = 0
    recovered = threading.Event()

    def step() -> bool:
        nonlocal attempts
        attempts += 1
        if attempts <= 200:
            clock.advance(dt.timedelta(seconds=1))
            raise ConnectionError(f"refused ({attempts})")
        recovered.set()
        return False

    loop = BackgroundLoop(
        name="test-loop",
        step=step,
        idle_seconds=lambda: 0.0,
        what="the test loop",
        failures=FailureLog(clock=clock),
    )
    with caplog.at_level(logging.INFO, logger="porch.runtime.background"):
        loop.start()
        assert recovered.wait(timeout=30)
        loop.stop()

    lines = [r.getMessage() for r in caplog.records]
    assert lines == [
        "the test loop failed; trying again shortly",
        "59 more failures of the test loop (ConnectionError) in the last minute; "
        "the last: ConnectionError: refused (60)",
        "60 more failures of the test loop (ConnectionError) in the last minute; "
        "the last: ConnectionError: refused (120)",
        "60 more failures of the test loop (ConnectionError) in the last minute; "
        "the last: ConnectionError: refused (180)",
        "the test loop recovered after 200 failures (ConnectionError)",
    ]
    assert [r.exc_info is not None for r in caplog.records] == [True, False, False, False, False]
