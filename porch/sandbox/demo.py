"""`porch demo`: a scripted month of a small community, in a sandbox workspace.

Nothing is faked inside Porch: a local stand-in for the Slack Web API (porch/sandbox/slack_api.py)
records what the bot posts, Porch's real HTTP endpoint receives signed events, and the real
worker, jobs, tracker sync and site build run. Time is the only thing the script controls: it
moves a clock through the month so that nudges and check-ins come due.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from pydantic import BaseModel
from sqlalchemy import Engine

from porch.core.config import Config
from porch.core.mrkdwn_html import block_texts, to_plain
from porch.core.store import connect
from porch.features.registry import demo_config
from porch.runtime.tracker_sync import JOB_NAME as sync_job_name
from porch.sandbox.workspace import SandboxWorkspace

START = dt.datetime(2026, 11, 2, 7, 30, tzinfo=dt.UTC)  # Monday, 08:30 in Berlin


class Demo:
    """The sandbox workspace plus a transcript of what members saw, in order."""

    def __init__(self, *, workspace: SandboxWorkspace, echo: Callable[[str], None]) -> None:
        self.workspace = workspace
        self.config = workspace.config
        self.echo = echo
        self.seen: set[tuple[str, str]] = set()
        self.seen_reactions: set[tuple[str, str, str]] = set()
        self.lines: list[str] = []
        self._tracker_report: object = None

    @property
    def names(self) -> dict[str, str]:
        return self.workspace.names

    def at(self, day: int, time: str) -> None:
        """Move the clock to day `day` (1 = Monday 2 Nov) at `time` in the community's zone."""
        local = dt.datetime.combine(
            dt.date(2026, 11, 1) + dt.timedelta(days=day),
            dt.time.fromisoformat(time),
            tzinfo=self.config.community.tz,
        )
        if local < self.workspace.clock.now():
            raise ValueError(f"the demo's clock only moves forward (day {day} {time} has passed)")
        self.workspace.at(local.astimezone(dt.UTC))
        self.print_new()

    def scene(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """A feature's part of the story (Feature.demo_scenes), by the scene's name."""
        return self.workspace.runtime.porch.features.demo_scene(name)(self, *args, **kwargs)

    def narrate(self, text: str) -> None:
        self.lines.append(f"  · {text}")
        self.echo(click.style(f"  · {text}", fg="bright_black"))

    def join(self, user_id: str, name: str, real_name: str, **extra: Any) -> None:
        self.workspace.join(user_id, name, real_name, **extra)
        self.settle()

    def say(self, user_id: str, channel: str, text: str, *, thread_ts: str | None = None) -> str:
        where = f"#{channel}" + (" (thread)" if thread_ts else "")
        self._print(where, self.names.get(user_id, user_id), [text])
        ts = self.workspace.say(user_id, channel, text, thread_ts=thread_ts)
        self.settle()
        return ts

    def dm(self, user_id: str, text: str, *, deliveries: int = 1) -> str:
        """The member writes to Porch in its Messages tab."""
        self._print("DM to Porch", self.names.get(user_id, user_id), [text])
        ts = self.workspace.dm(user_id, text, deliveries=deliveries)
        self.settle()
        return ts

    def react(self, user_id: str, channel: str, ts: str, emoji: str, *, author: str) -> None:
        self.narrate(
            f"{self.names.get(user_id, user_id)} reacts :{emoji}: to "
            f"{self.names.get(author, author)}'s message in #{channel}"
        )
        self.workspace.react(user_id, channel, ts, emoji, author=author)
        self.settle()

    def click(self, user_id: str, action_id: str, label: str) -> None:
        self.narrate(f"{self.names.get(user_id, user_id)} clicks [{label}]")
        self.workspace.click(user_id, action_id)
        self.settle()

    def settle(self) -> None:
        self.workspace.settle()
        self.print_new()
        self.narrate_tracker()

    def narrate_tracker(self) -> None:
        """Say when the service's own sync job (not a call from this script) wrote the tracker."""
        job = self.workspace.runtime.scheduler.job(sync_job_name).run
        report = getattr(job, "last_report", None)
        if report is None or report is self._tracker_report or not report.rows_written:
            return
        self._tracker_report = report
        rows = report.rows_written
        self.narrate(
            f"The service's tracker sync job wrote {rows} row{'s' if rows != 1 else ''} to the "
            f"tracker (it runs every {self.config.tracker.sync_every_seconds} s)."
        )

    # ---- transcript ------------------------------------------------------------------------

    def stamp(self) -> str:
        return (
            self.workspace.clock.now()
            .astimezone(self.config.community.tz)
            .strftime("%a %d %b %H:%M")
        )

    def print_new(self) -> None:
        found: list[tuple[str, str, dict[str, Any]]] = []
        fake = self.workspace.fake
        for channel_id, name in self.names.items():
            if channel_id.startswith("C"):
                for message in fake.messages(channel_id):
                    found.append((message["ts"], f"#{name}", message))
            elif channel_id.startswith(("U", "W")):
                for message in fake.dm_messages(channel_id):
                    found.append((message["ts"], f"DM to {name}", message))
        bot = fake.bot_user_id
        for ts, where, message in sorted(found, key=lambda item: float(item[0])):
            key = (message["channel"], ts)
            for emoji, users in (message.get("reactions") or {}).items():
                reacted = (message["channel"], ts, emoji)
                if bot in users and reacted not in self.seen_reactions:
                    self.seen_reactions.add(reacted)
                    author = self.names.get(message["user"], message["user"])
                    self.narrate(f"The bot reacts :{emoji}: to {author}'s message")
            if key in self.seen:
                continue
            self.seen.add(key)
            if message["user"] != bot:
                continue
            if message.get("thread_ts") and message["thread_ts"] != ts:
                where += " (thread)"
            texts = [
                to_plain(t, names=self.names)
                for t in block_texts(message.get("blocks"), message["text"])
            ]
            self._print(where, self.config.community.name + " bot", texts)

    def _print(self, where: str, author: str, texts: list[str]) -> None:
        head = f"[{self.stamp()}] {where} · {author}"
        self.lines.append(head)
        self.echo(click.style(head, bold=True))
        for text in texts:
            for line in text.splitlines() or [""]:
                self.lines.append(f"    {line}")
                self.echo(f"    {line}")


def run_demo(
    *, config: Config, config_path: Path, out: Path, echo: Callable[[str], None] = click.echo
) -> Path:
    """Run the scripted month and write the transcript, the tracker and the site."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    config = config.model_copy(
        update={
            "tracker": config.tracker.model_copy(
                # Absolute: a relative local_dir is read beside community.yml, which may be
                # the example inside the installed package.
                update={"sheet": None, "local_dir": str((out / "tracker").resolve())}
            ),
            # What feature packages run differently here (FeaturePackage.demo_config).
            **demo_config(config),
            **reports_into(config, out / "reports"),
        }
    )
    echo(click.style(f"Porch sandbox demo: a month in {config.community.name}", bold=True))
    echo(
        "A local stand-in for Slack records what the bot posts; "
        "events reach Porch signed, over HTTP.\n"
    )
    database = out / "porch.db"
    engine = connect(f"sqlite:///{database}")
    try:
        with SandboxWorkspace(
            config=config,
            engine=engine,
            start=START,
            config_path=config_path,
            scheduled=(sync_job_name,),
        ) as workspace:
            box = Demo(workspace=workspace, echo=echo)
            story(box)
            outputs = finish_outputs(config=config, config_path=config_path, box=box)
    finally:
        self_contained(engine)
    transcript = out / "transcript.txt"
    transcript.write_text("\n".join(box.lines) + "\n", encoding="utf-8")
    echo("")
    echo(click.style("Outputs", bold=True))
    # Absolute, every one: the site lands beside the current folder and --out may be anywhere.
    for label, path in [("transcript", transcript), ("database", database), *outputs]:
        echo(f"  {label:<11} {Path(path).resolve()}")
    return transcript


def reports_into(config: Config, folder: Path) -> dict[str, Any]:
    """Every config section with a `reports_dir` (where a feature saves the reports it writes),
    pointed at the demo's outputs."""
    where = str(folder.resolve())
    return {
        key: section.model_copy(update={"reports_dir": where})
        for key, section in config
        if isinstance(section, BaseModel) and "reports_dir" in type(section).model_fields
    }


def self_contained(engine: Engine) -> None:
    """Leave porch.db a single file that any SQLite tool opens with all the demo's data.

    In WAL mode recent commits can sit in porch.db-wal until a checkpoint; someone who copies
    or opens porch.db alone would then miss them. So: close the pool, fold the WAL into the
    file and switch the file back to a rollback journal (Porch turns WAL on again when it opens
    the database).
    """
    engine.dispose()
    database = engine.url.database
    if not database:
        return
    with contextlib.closing(sqlite3.connect(database, timeout=30, isolation_level=None)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")


def story(box: Demo) -> None:
    """The month, in order. Each later capability adds its part here."""
    config = box.config
    intros = config.channels.introductions
    box.workspace.add_user("U0DANA0001", "Dana", "Dana Okafor")
    box.workspace.add_user("U0ELI00001", "Eli", "Eli Novak")
    imported = box.workspace.runtime.reconcile(team_id=box.workspace.runtime.team_id, welcome=False)
    box.narrate(
        f"Porch is installed; the {members(imported['recorded'])} already in the workspace "
        "(Sam the manager, Dana and Eli) are imported without a welcome."
    )
    box.at(1, "09:05")

    retries = 3
    box.narrate(f"Monday: Ana and Ben join. Slack delivers Ben's join {retries} times (retries).")
    box.join("U0ANA00001", "Ana", "Ana Lima", tz="Europe/Lisbon")
    box.join("U0BEN00001", "Ben", "Ben Carter", tz="America/New_York", deliveries=retries)
    box.narrate("A bot and a guest join too: Porch skips them.")
    box.join("U0BOT00001", "Deploy Bot", "Deploy Bot", is_bot=True)
    box.join("U0GUEST001", "Gus", "Gus Guest", is_restricted=True)
    box.scene("monday goals")
    box.at(1, "10:10")

    box.narrate("Ana opens the guidelines from her welcome and introduces herself in the thread.")
    box.scene("open the guidelines", "U0ANA00001")
    box.say(
        "U0ANA00001",
        intros,
        "Hi! I'm Ana, building a scheduling app for dog walkers. Hard right now: first 10 "
        "paying users. Tried: local Facebook groups. This week: 5 customer calls.",
        thread_ts=box.workspace.intro_thread_ts(),
    )
    box.narrate("Tuesday: Chloé joins; her display name tries to ping the whole channel.")
    box.at(2, "11:00")
    box.join("U0CHLOE001", "Chloé <!channel>", "Chloé Martin", tz="Europe/Paris")
    box.at(2, "12:15")
    win = box.say("U0CHLOE001", config.channels.wins, "Shipped my pricing page today!")
    box.react("U0ANA00001", config.channels.wins, win, "tada", author="U0CHLOE001")
    box.scene("tags and triage")
    box.scene("showcase")
    box.scene("office hour announced")

    box.narrate("Thursday: Ben has not introduced himself yet, so he gets one gentle nudge.")
    box.at(4, "16:00")
    box.at(4, "17:00")
    box.narrate("Ben would rather not get reminders.")
    box.scene("turn off reminders", "U0BEN00001")
    box.scene("office hour held")
    box.narrate("Friday 09:00: the managers' first check-in, at its time.")
    box.at(5, "09:00")
    box.scene("friday wins")

    box.narrate("Next Monday: a new thread. Chloé got her nudge too, and introduces herself.")
    box.at(8, "09:05")
    box.say(
        "U0CHLOE001",
        intros,
        "Hello all, Chloé here: freelance designer turning templates into a product.",
    )
    box.narrate(
        "A week in: Ana's and Chloé's 7-day check-ins, each on the day she joined (Ben opted out)."
    )
    box.at(8, "12:00")
    box.at(9, "11:00")
    box.narrate("Porch was down for a while and Farid joined meanwhile.")
    box.workspace.add_user("U0FARID001", "Farid", "Farid Haddad")
    found = box.workspace.runtime.reconcile(team_id=box.workspace.runtime.team_id)
    box.narrate(f"Reconciliation finds {members(found['welcomed'])} to welcome.")
    box.at(9, "11:30")
    box.scene("helping out")
    box.scene("the weekly decision")
    box.scene("a month in")
    box.at(31, "10:00")
    box.scene("monthly thanks")
    box.scene("an ambassador joins")
    box.scene("a question by DM")
    box.scene("a question waits")
    box.scene("a report and a reminder")
    box.scene("my-data", user_id="U0CHLOE001")
    box.scene("porch report")
    box.scene("join questions")
    box.scene("a buddy")


def members(count: int) -> str:
    return f"{count} member{'s' if count != 1 else ''}"


def finish_outputs(*, config: Config, config_path: Path, box: Demo) -> list[tuple[str, str]]:
    """Say where the tracker is and build the site.

    The tracker needs no last call here: the service's sync job wrote it whenever its slot came
    by the demo's clock, last after the final step's deliveries.
    """
    outputs: list[tuple[str, str]] = []
    from porch.runtime import tracker_sync as sync_service
    from porch.site import build as site_service
    from porch.site.render import SiteStore

    tracker = sync_service.make_tracker(config=config, settings=box.workspace.settings)
    outputs.append(("tracker", str(getattr(tracker, "path", tracker.description))))
    # Beside the demo's store: the Showcase page lists what Sam approved.
    store = SiteStore(engine=box.workspace.engine, team_id=box.workspace.fake.team_id)
    site = site_service.build(config_path=config_path, store=store)
    outputs.append(("site", str(Path(site) / "index.html")))
    return outputs
