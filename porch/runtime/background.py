"""A background thread that repeats one step of work, woken early when there is more to do.

The inbox processor and the effect worker both run this way: do a step; if it found work,
go again at once; if not, wait until woken (an event was stored, an effect recorded) or until
a timeout catches up with work another replica left. A failing step is logged with its
traceback and tried again after the idle wait. The thread's CPU time is kept for /healthz.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

logger = logging.getLogger(__name__)


class BackgroundLoop:
    def __init__(
        self,
        *,
        name: str,
        step: Callable[[], bool],
        idle_seconds: Callable[[], float],
        what: str,
    ) -> None:
        """`step` does one round of work and says whether it found any; `idle_seconds` says how
        long to wait when it did not; `what` names the work in the log."""
        self.name = name
        self.step = step
        self.idle_seconds = idle_seconds
        self.what = what
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
            except Exception:
                logger.exception("%s failed; trying again shortly", self.what)
                busy = False
            self.cpu_seconds += time.thread_time() - started
            if not busy:
                self._wake.wait(self.idle_seconds())
                self._wake.clear()
