"""The effect worker's heartbeat: short claims, renewed while the worker is alive.

See porch/runtime/worker.py for why claims are short: a killed process's effects go out again
within seconds, and a live worker's never lapse however long Slack takes.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from porch.core import effect_queue
from porch.core.effect_queue import Effect

if TYPE_CHECKING:
    from porch.runtime.worker import EffectWorker

logger = logging.getLogger(__name__)


class ClaimRenewal:
    """Renews a batch's claims from a heartbeat thread while the worker delivers it.

    `holds` is the worker's check before each delivery: the effect is still its own (no renewal
    found it taken) and the last renewal the database confirmed leaves more than one renewal
    interval of the lease, so a claim never lapses while a delivery is being started.
    """

    def __init__(self, *, worker: EffectWorker, batch: list[Effect], claimed_at: float) -> None:
        self.worker = worker
        self._open = {effect.id for effect in batch}
        self._lost: set[int] = set()
        self._confirmed_at = claimed_at
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="porch-claims", daemon=True)

    def __enter__(self) -> ClaimRenewal:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=self.worker.lease.total_seconds())

    def holds(self, effect: Effect) -> bool:
        worker = self.worker
        margin = worker.lease.total_seconds() - worker.renew_seconds
        with self._lock:
            fresh = time.monotonic() - self._confirmed_at < margin
            return fresh and effect.id not in self._lost

    def finished(self, effect: Effect) -> None:
        with self._lock:
            self._open.discard(effect.id)

    def _beat(self) -> None:
        worker = self.worker
        while not self._stop.wait(worker.renew_seconds):
            with self._lock:
                ids = set(self._open)
            if not ids:
                continue
            asked_at = time.monotonic()
            try:
                with worker.engine.begin() as conn:
                    kept = effect_queue.renew(
                        conn,
                        holder=worker.holder,
                        ids=ids,
                        now=worker.clock.now(),
                        lease=worker.lease,
                    )
            except Exception as error:
                worker.failures.failed(
                    logger,
                    where="renewing effect claims",
                    error=error,
                    then=f"{len(ids)} effects are not delivered until a renewal goes through",
                )
                continue
            worker.failures.succeeded(where="renewing effect claims")
            with self._lock:
                # Effects finished since `ids` was read are no longer renewed, and not lost.
                self._lost |= (ids - kept) & self._open
                self._confirmed_at = asked_at
