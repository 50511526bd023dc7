"""A stand-in for Slack's Socket Mode WebSocket, so `porch run` can be tested end to end.

Slack's side of Socket Mode: the app calls apps.connections.open with its app-level token and
gets a WebSocket URL; Slack sends `hello`, then one envelope per event, and waits for the app to
acknowledge each `envelope_id`. This server does the same on 127.0.0.1 (plain ws://, which
slack_sdk's built-in client uses for any port other than 443), and FakeSlack hands out its URL.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

from websockets.sync.server import Server, ServerConnection, serve

JSON = dict[str, Any]


class FakeSocketMode:
    """Start with `with FakeSocketMode() as socket_mode:`; `send_event` returns the app's ack."""

    def __init__(self, *, app_id: str = "A0PORCH", host: str = "127.0.0.1") -> None:
        self.app_id = app_id
        self._host = host
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Condition()
        self._connections: list[ServerConnection] = []
        self._acks: dict[str, JSON] = {}

    def __enter__(self) -> FakeSocketMode:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> FakeSocketMode:
        self._server = serve(self._serve, self._host, 0)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="fake-socket-mode", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeSocketMode is not started")
        port = self._server.socket.getsockname()[1]
        return f"ws://{self._host}:{port}/link/?ticket=sandbox-{uuid.uuid4().hex[:8]}"

    def wait_connected(self, *, timeout: float = 30) -> bool:
        with self._lock:
            return self._lock.wait_for(lambda: bool(self._connections), timeout=timeout)

    def send_event(self, envelope: JSON, *, retry_attempt: int = 0, timeout: float = 10) -> JSON:
        """Deliver an Events API envelope and wait for the app's acknowledgement."""
        envelope_id = str(uuid.uuid4())
        message = {
            "envelope_id": envelope_id,
            "payload": envelope,
            "type": "events_api",
            "accepts_response_payload": False,
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        with self._lock:
            connection = self._connections[-1]
        connection.send(json.dumps(message))
        with self._lock:
            if not self._lock.wait_for(lambda: envelope_id in self._acks, timeout=timeout):
                raise TimeoutError(f"the app did not acknowledge envelope {envelope_id}")
            return self._acks[envelope_id]

    def _serve(self, connection: ServerConnection) -> None:
        connection.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "fake-socket-mode", "approximate_connection_time": 3600},
                    "connection_info": {"app_id": self.app_id},
                }
            )
        )
        with self._lock:
            self._connections.append(connection)
            self._lock.notify_all()
        for raw in connection:
            ack = json.loads(raw)
            if "envelope_id" in ack:
                with self._lock:
                    self._acks[ack["envelope_id"]] = ack
                    self._lock.notify_all()
