"""A failure that repeats is one line a minute with a count; its first keeps its traceback."""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Iterator

import pytest

from porch.core.clock import ManualClock
from porch.core.failure_log import MAX_KINDS, FailureLog
from porch.runtime import logs
from porch.runtime.settings import Settings

START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def failures(clock: ManualClock) -> FailureLog:
    return FailureLog(clock=clock)


@pytest.fixture
def log(caplog: pytest.LogCaptureFixture) -> logging.Logger:
    caplog.set_level(logging.INFO, logger="porch.test")
    return logging.getLogger("porch.test")


def fail(failures: FailureLog, log: logging.Logger, error: Exception, where: str = "the worker"):
    try:
        raise error
    except Exception as exc:
        failures.failed(log, where=where, error=exc, then="trying again shortly")


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records]


def test_the_first_failure_keeps_its_traceback_and_the_rest_are_counted_once_a_minute(
    failures: FailureLog, log: logging.Logger, clock: ManualClock, caplog: pytest.LogCaptureFixture
):
    for n in range(100):
        fail(failures, log, ConnectionError(f"refused #{n}"))
        clock.advance(dt.timedelta(seconds=1))

    assert [r.exc_info is not None for r in caplog.records] == [True, False]
    assert lines(caplog) == [
        "the worker failed; trying again shortly",
        "59 more failures of the worker (ConnectionError) in the last minute; "
        "the last: ConnectionError: refused #59",
    ]
    assert "ConnectionError: refused #0" in caplog.text  # the first one's traceback


def test_recovery_is_one_line_with_every_failure_counted(
    failures: FailureLog, log: logging.Logger, clock: ManualClock, caplog: pytest.LogCaptureFixture
):
    for _ in range(20):
        fail(failures, log, ConnectionError("refused"))
        clock.advance(dt.timedelta(seconds=1))
    failures.succeeded(where="the worker")
    failures.succeeded(where="the worker")

    assert lines(caplog) == [
        "the worker failed; trying again shortly",
        "the worker recovered after 20 failures (ConnectionError)",
    ]
    # After recovering, the next failure is news again: logged in full.
    fail(failures, log, ConnectionError("refused"))
    assert caplog.records[-1].exc_info is not None


def test_kinds_are_counted_apart_by_place_and_exception_type(
    failures: FailureLog, log: logging.Logger, clock: ManualClock, caplog: pytest.LogCaptureFixture
):
    for _ in range(5):
        fail(failures, log, ConnectionError("refused"))
        fail(failures, log, TimeoutError("slow"))
        fail(failures, log, ConnectionError("refused"), where="the scheduler")
    assert sum(r.exc_info is not None for r in caplog.records) == 3
    clock.advance(dt.timedelta(minutes=1))
    failures.succeeded(where="the scheduler")

    assert sorted(lines(caplog)[3:]) == [
        "4 more failures of the worker (ConnectionError) in the last minute; "
        "the last: ConnectionError: refused",
        "4 more failures of the worker (TimeoutError) in the last minute; "
        "the last: TimeoutError: slow",
        "the scheduler recovered after 5 failures (ConnectionError)",
    ]


def test_refusals_are_one_warning_per_reason_a_minute_and_lapse_when_quiet(
    failures: FailureLog, log: logging.Logger, clock: ManualClock, caplog: pytest.LogCaptureFixture
):
    for n in range(1000):
        failures.refused(
            log, "refused %s", f"10.0.0.{n}", where="refused requests", reason="invalid signature"
        )
    clock.advance(dt.timedelta(seconds=61))
    failures.refused(log, "refused stale", where="refused requests", reason="stale")
    clock.advance(dt.timedelta(minutes=5))
    failures.refused(log, "refused again", where="refused requests", reason="invalid signature")

    assert lines(caplog) == [
        "refused 10.0.0.0",
        "999 more refused requests (invalid signature) in the last minute; "
        "the last: refused 10.0.0.999",
        "refused stale",
        "refused again",
    ]
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in caplog.records)


def test_a_late_summary_says_how_long_it_covers(
    failures: FailureLog, log: logging.Logger, clock: ManualClock, caplog: pytest.LogCaptureFixture
):
    fail(failures, log, ConnectionError("refused"))
    fail(failures, log, ConnectionError("refused"))
    clock.advance(dt.timedelta(minutes=10))
    fail(failures, log, ConnectionError("refused"))

    assert lines(caplog)[-1] == (
        "1 more failures of the worker (ConnectionError) in the last 10 minutes; "
        "the last: ConnectionError: refused"
    )


def test_a_long_message_is_quoted_on_one_line(
    failures: FailureLog, log: logging.Logger, clock: ManualClock, caplog: pytest.LogCaptureFixture
):
    fail(failures, log, ConnectionError("line one\nline two " + "x" * 1000))
    fail(failures, log, ConnectionError("line one\nline two " + "x" * 1000))
    clock.advance(dt.timedelta(minutes=1))
    fail(failures, log, ConnectionError("again"))

    summary = lines(caplog)[-1]
    assert "\n" not in summary
    assert "the last: ConnectionError: line one line two xxx" in summary
    assert len(summary) < 450


@pytest.fixture
def redacted() -> Iterator[io.StringIO]:
    settings = Settings(slack_bot_token="xoxb-1111-2222-abcdefabcdef")
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    logs.configure(settings)
    stream = io.StringIO()
    root.handlers[0].stream = stream  # type: ignore[attr-defined]
    yield stream
    root.handlers[:], root.level = saved[0], saved[1]


def test_secrets_are_masked_in_first_lines_summaries_and_refusals(
    redacted: io.StringIO, failures: FailureLog, clock: ManualClock
):
    log = logging.getLogger("porch.test.redacted")
    for _ in range(3):
        fail(failures, log, RuntimeError("token xoxb-1111-2222-abcdefabcdef was refused"))
        failures.refused(
            log, "refused %s", "xoxb-1111-2222-abcdefabcdef", where="refused requests", reason="bad"
        )
    clock.advance(dt.timedelta(minutes=1))
    fail(failures, log, RuntimeError("token xoxb-1111-2222-abcdefabcdef was refused"))

    output = redacted.getvalue()
    assert "more failures of the worker (RuntimeError)" in output
    assert "more refused requests (bad)" in output
    assert "abcdefabcdef" not in output
    assert "xoxb-***" in output


def test_reasons_past_the_limit_share_one_kind(
    failures: FailureLog, log: logging.Logger, caplog: pytest.LogCaptureFixture
):
    for n in range(MAX_KINDS + 500):
        failures.refused(log, "refused %d", n, where="refused requests", reason=f"reason {n}")

    assert len(caplog.records) == MAX_KINDS + 1
    assert caplog.records[-1].getMessage() == f"refused {MAX_KINDS}"


def test_a_summary_that_comes_due_is_written_by_another_kind_s_success(
    failures: FailureLog, log: logging.Logger, clock: ManualClock, caplog: pytest.LogCaptureFixture
):
    fail(failures, log, ConnectionError("refused"))
    fail(failures, log, ConnectionError("refused"))
    clock.advance(dt.timedelta(minutes=1))
    failures.succeeded(where="something else")

    assert lines(caplog)[-1] == (
        "1 more failures of the worker (ConnectionError) in the last minute; "
        "the last: ConnectionError: refused"
    )
