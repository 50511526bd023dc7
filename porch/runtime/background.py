"""A background thread that repeats one step of work, woken early when there is more to do.

The inbox processor and the effect worker both run this way: do a step; if it found work,
go again at once; if not, wait until woken (an event was stored, an effect recorded) or until
a timeout catches up with work another replica left. A failing step is tried again after the
idle wait; its failures go to the FailureLog (the first with its traceback, then a count a
minute, then one line when a step succeeds again), so an outage of the database is a few lines,
not one per attempt. The thread's CPU time is kept for /healthz.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from porch.core.clock import SystemClock
from porch.core.failure_log import FailureLog

logger = logging.getLogger(__name__)


class BackgroundLoop:
    def __init__(
        self,
        *,
        name: str,
        step: Callable[[], bool],
        idle_seconds: Callable[[], float],
        what: str,
        failures: FailureLog | None = None,
    ) -> None:
        """`step` does one round of work and says whether it found any; `idle_seconds` says how
        long to wait when it did not; `what` names the work in the log; `failures` throttles
        the logging of its failures (shared with the rest of the process)."""
        self.name = name
        self.step = step
        self.idle_seconds = idle_seconds
        self.what = what
        self.failures = failures or FailureLog(clock=SystemClock())
        self.cpu_seconds = 0.0
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, *, timeout: float = 30) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=timeout)

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.thread_time()
            try:
                busy = self.step()
            except Exception as error:
                self.failures.failed(
                    logger, where=self.what, error=error, then="trying again shortly"
                )
                busy = False
            else:
                self.failures.succeeded(where=self.what)
            self.cpu_seconds += time.thread_time() - started
            if not busy:
                self._wake.wait(self.idle_seconds())
                self._wake.clear()
