"""A recording stand-in for the effect worker, for feature tests that need no Slack.

A feature records effects (a DM, a post, a reply) in the store and acts again when the worker
hands it a `Delivery`. `RecordingDelivery` plays the worker's part against a real store: it
claims what the features recorded, "delivers" each effect by keeping it in `delivered` (the
conversation's messages out), and calls the feature's callback with a Delivery carrying a
made-up result (or the error a test injects), in the same transaction as the real worker.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from porch.core import effect_queue
from porch.core.effect_queue import Effect
from porch.core.feature import Delivery


@dataclass
class RecordingDelivery:
    engine: Engine
    features: Any  # porch.features.registry.Features
    now: Callable[[], dt.datetime]
    delivered: list[Effect] = field(default_factory=list)
    failed: list[Effect] = field(default_factory=list)
    _ts: Any = field(default_factory=lambda: itertools.count(1))

    def deliver(
        self, *, error: Callable[[Effect], str | None] = lambda effect: None
    ) -> list[Effect]:
        """Deliver everything due now; returns the effects delivered in this round."""
        round_: list[Effect] = []
        while True:
            with self.engine.begin() as conn:
                batch = effect_queue.claim(
                    conn,
                    holder=f"recording-{uuid.uuid4().hex[:8]}",
                    now=self.now(),
                    lease=dt.timedelta(minutes=5),
                )
            if not batch:
                return round_
            for effect in batch:
                problem = error(effect)
                result = None if problem else self.result_for(effect)
                with self.engine.begin() as conn:
                    if problem is None:
                        effect_queue.complete(
                            conn, effect=effect, result=result or {}, now=self.now()
                        )
                        self.delivered.append(effect)
                        round_.append(effect)
                    else:
                        effect_queue.give_up(conn, effect=effect, error=problem, now=self.now())
                        self.failed.append(effect)
                    then = effect.payload.get("then")
                    if then:
                        callback = self.features.effect_callback(then.get("op", ""))
                        assert callback is not None, f"no feature handles {then.get('op')!r}"
                        callback(Delivery(conn, effect.team_id, then, result, problem, self.now()))

    def result_for(self, effect: Effect) -> Mapping[str, Any]:
        """What Slack would answer: a message's ts and channel for a post."""
        channel = effect.payload.get("channel") or effect.payload.get("channel_name") or "C0TEST"
        return {"ts": f"1700000000.{next(self._ts):06d}", "channel": channel}

    def texts(self, kind: str | None = None) -> list[str]:
        """The text of every delivered message (of one kind: "post", "dm", ...)."""
        return [
            str(e.payload.get("text", "")) for e in self.delivered if kind is None or e.kind == kind
        ]
