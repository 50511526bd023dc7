"""A whole sandbox community: the fake Slack workspace plus a running Porch, wired over HTTP.

The demo tells its story with it and the conversation tests use it: members join, talk and click
through signed requests to Porch's real endpoint; Porch answers through the real slack_sdk client
into the fake. Only time is in the script's hands (a manual clock).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Collection
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from waitress import wasyncore

from porch.core.clock import ManualClock
from porch.core.config import Config
from porch.runtime.delivery_stats import DeliveryHealth
from porch.runtime.edge import http_server
from porch.runtime.server import Runtime
from porch.runtime.settings import Settings
from porch.sandbox import slack_requests as slack
from porch.sandbox.slack_api import FakeSlack

SIGNING_SECRET = "sandbox-signing-secret"


class SandboxWorkspace:
    """Start with `with SandboxWorkspace(...) as workspace:`; everything stops on exit."""

    def __init__(
        self,
        *,
        config: Config,
        engine: Engine,
        start: dt.datetime,
        config_path: Path = Path("community.yml"),
        scheduled: Collection[str] = (),
        google_credentials: Path | None = None,
        sheets_api_url: str | None = None,
        deliveries: DeliveryHealth | None = None,
    ) -> None:
        self.config = config
        self.engine = engine
        self.config_path = config_path
        # Runtime jobs (by name) that settle() also runs through the scheduler once their slot
        # has come by the manual clock, e.g. "tracker-sync". Reconciliation stays out unless
        # named: it would welcome the users a script adds without a join event.
        self.scheduled = tuple(scheduled)
        self.google_credentials = google_credentials
        self.sheets_api_url = sheets_api_url
        # Counts how Porch answered Slack's deliveries; tests pass one with a shorter "late".
        self.deliveries = deliveries
        self.clock = ManualClock(start)
        self.fake = FakeSlack(team_name=config.community.name)
        self.names: dict[str, str] = {}

    def __enter__(self) -> SandboxWorkspace:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        self.fake.start()
        for name in sorted(self.config.channel_names()):
            self.names[self.fake.add_channel(name)] = name
        self.manager = self.config.managers.users[0] if self.config.managers.users else "U0MANAGER1"
        self.add_user(self.manager, "Sam", "Sam Rivera")
        self.settings = Settings(
            config_path=self.config_path,
            database_url=str(self.engine.url),
            slack_bot_token=self.fake.bot_token,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_url=self.fake.api_url,
            google_credentials=self.google_credentials,
            sheets_api_url=self.sheets_api_url,
        )
        self.runtime = Runtime.create(
            config=self.config,
            settings=self.settings,
            clock=self.clock,
            engine=self.engine,
            deliveries=self.deliveries,
        )
        # Served as `porch serve` serves it (the same body cap and its log line).
        self.server = http_server(
            self.runtime.wsgi(),
            failures=self.runtime.porch.failures,
            host="127.0.0.1",
            port=0,
            threads=4,
        )
        self._thread = threading.Thread(target=self.server.run, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.sender = slack.SlackSender(
            url=f"{self.url}/slack/events", signing_secret=SIGNING_SECRET
        )

    def stop(self) -> None:
        self.sender.close()
        # Close the server's sockets in its own loop thread, then wait for the loop to end:
        # closing them from this thread races the loop's select() (EBADF in the server thread).
        try:
            self.server.trigger.pull_trigger(lambda: wasyncore.close_all(self.server._map))
        except OSError:
            # The loop has already ended and closed its trigger (under load it can finish its
            # last pass first): nothing races it any more, so close what is left from here.
            wasyncore.close_all(self.server._map)
        self._thread.join(timeout=5)
        self.server.task_dispatcher.shutdown()
        self.fake.stop()

    # ---- members act -----------------------------------------------------------------------

    def add_user(self, user_id: str, name: str, real_name: str, **extra: Any) -> dict[str, Any]:
        self.names[user_id] = name
        return self.fake.add_user(
            user_id, name=name.lower(), real_name=real_name, display_name=name, **extra
        )

    def event(self, event: dict[str, Any], *, deliveries: int = 1) -> list[slack.Response]:
        """Deliver an event; deliveries > 1 repeats it as Slack's retries (X-Slack-Retry-Num)."""
        envelope = slack.event_callback(team_id=self.fake.team_id, event=event)
        responses = [
            self.sender.event(envelope, retry_num=attempt or None) for attempt in range(deliveries)
        ]
        # In `porch serve` the inbox processor picks the event up within milliseconds; here it
        # runs at once, so a script can look at what the event changed right after sending it.
        self.runtime.inbox.drain()
        return responses

    def join(
        self, user_id: str, name: str, real_name: str = "", *, deliveries: int = 1, **extra: Any
    ) -> dict[str, Any]:
        user = self.add_user(user_id, name, real_name or name, **extra)
        self._expect_ok(self.event(slack.team_join(user), deliveries=deliveries))
        return user

    def open_home(self, user_id: str) -> None:
        """The member opens Porch's App Home tab (Slack sends app_home_opened)."""
        self._expect_ok(self.event(slack.app_home_opened(user=user_id)))

    def say(self, user_id: str, channel: str, text: str, *, thread_ts: str | None = None) -> str:
        channel_id = self.fake.channel_id(channel)
        ts = self.fake.add_message(channel_id, user=user_id, text=text, thread_ts=thread_ts)
        self._expect_ok(
            self.event(
                slack.message(
                    user=user_id, channel=channel_id, text=text, ts=ts, thread_ts=thread_ts
                )
            )
        )
        return ts

    def dm(
        self,
        user_id: str,
        text: str,
        *,
        thread_ts: str | None = None,
        deliveries: int = 1,
    ) -> str:
        """The member writes to Porch in its Messages tab (or replies in a thread of one of
        Porch's DMs): Slack sends `message` with channel_type "im". Returns the message's ts."""
        channel_id = self.fake.dm_channel(user_id)
        ts = self.fake.add_message(channel_id, user=user_id, text=text, thread_ts=thread_ts)
        event = slack.message(
            user=user_id,
            channel=channel_id,
            text=text,
            ts=ts,
            thread_ts=thread_ts,
            channel_type="im",
            team=self.fake.team_id,
        )
        self._expect_ok(self.event(event, deliveries=deliveries))
        return ts

    def react(
        self,
        user_id: str,
        channel: str,
        ts: str,
        name: str,
        *,
        author: str,
        removed: bool = False,
        deliveries: int = 1,
    ) -> None:
        """A member adds (or removes) an emoji reaction on `author`'s message."""
        build = slack.reaction_removed if removed else slack.reaction_added
        channel_id = self.fake.channel_id(channel)
        if not removed:
            self.fake.add_reaction(channel_id, ts, name, user=user_id)
        self._expect_ok(
            self.event(
                build(user=user_id, reaction=name, item_user=author, channel=channel_id, ts=ts),
                deliveries=deliveries,
            )
        )

    def click(self, user_id: str, action_id: str, *, value: str | None = None) -> slack.Response:
        response = self.sender.interactive(
            slack.block_actions(
                team_id=self.fake.team_id, user_id=user_id, action_id=action_id, value=value
            )
        )
        self._expect_ok([response])
        return response

    def click_message(
        self, user_id: str, action_id: str, *, channel: str, ts: str, value: str | None = None
    ) -> slack.Response:
        """A click on a button in a channel message (a card), as Slack sends it: with the
        channel, the message and a response_url bound to them."""
        channel_id = self.fake.channel_id(channel)
        [message] = [m for m in self.fake.messages(channel_id) if m["ts"] == ts]
        response = self.sender.interactive(
            slack.block_actions(
                team_id=self.fake.team_id,
                user_id=user_id,
                action_id=action_id,
                value=value,
                channel_id=channel_id,
                message=message,
                response_url=self.fake.response_url(
                    channel_id=channel_id, user_id=user_id, message_ts=ts
                ),
            )
        )
        self._expect_ok([response])
        return response

    def command(self, user_id: str, text: str) -> slack.Response:
        channel_id = self.fake.channel_id(self.config.channels.moderators)
        response = self.sender.command(
            slack.slash_command(
                team_id=self.fake.team_id,
                user_id=user_id,
                command="/porch",
                text=text,
                channel_id=channel_id,
                response_url=self.fake.response_url(channel_id=channel_id, user_id=user_id),
            )
        )
        self._expect_ok([response])
        return response

    # ---- Porch acts ------------------------------------------------------------------------

    def at(self, moment: dt.datetime) -> None:
        self.clock.set(moment)
        self.settle()

    def settle(self) -> None:
        """Let Porch do what is due now: run the jobs and deliver every effect.

        The features' jobs run twice, outside their slots: the first may post the introductions
        thread that the second mentions newcomers in. The `scheduled` jobs run last, when due,
        so that the tracker sync sees what the deliveries changed.
        """
        for _ in range(2):
            self.runtime.inbox.drain()
            for job in self.runtime.porch.features.jobs:
                self.runtime.scheduler.run_now(job.name)
            self.runtime.worker.drain()
        if self.scheduled:
            self.runtime.scheduler.run_due(only=self.scheduled)

    def intro_thread_ts(self) -> str:
        channel_id = self.fake.channel_id(self.config.channels.introductions)
        parents = [
            m
            for m in self.fake.messages(channel_id)
            if m["user"] == self.fake.bot_user_id and m.get("thread_ts") in (None, m["ts"])
        ]
        return parents[-1]["ts"]

    @staticmethod
    def _expect_ok(responses: list[slack.Response]) -> None:
        for response in responses:
            if response.status_code != 200:
                raise RuntimeError(f"Porch answered {response.status_code}: {response.text}")
