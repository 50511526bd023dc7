"""The 30-day sprint's tasks, week by week (the micro-community method: set foundations, trigger
participation, improve the signal, make it repeatable), and how Porch checks each one it can.

A task with a check is done when the check says so (or a manager ticked it); one without is
done when a manager ticks it. Checks read community.yml and the period figures other features
declare ("rituals": occurrences posted and recaps; "ambassadors": invited and accepted), so a
feature that is not installed leaves its task to a manager's tick.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from porch.core.config import Config

# (config, figures) -> done; `figures` holds the period figures read for the sprint so far.
Check = Callable[[Config, Mapping[str, Any]], bool]


@dataclass(frozen=True)
class Task:
    id: str
    week: int
    label: str
    check: Check | None = None
    # The period figure the check needs (None: community.yml is enough).
    needs: str | None = None


def _rituals(config: Config) -> list[Any]:
    return list(getattr(config, "rituals", []) or [])


def _prompts(config: Config) -> int:
    return sum(len(ritual.prompts) or 1 for ritual in _rituals(config))


def _run_twice(_: Config, figures: Mapping[str, Any]) -> bool:
    posted = figures["rituals"]["posted"]
    return sum(1 for count in posted.values() if count >= 2) >= 2


def _power_members(_: Config, figures: Mapping[str, Any]) -> bool:
    found = figures["ambassadors"] or {}
    return max(found.get("invited", 0), found.get("accepted", 0)) >= 5


TASKS: tuple[Task, ...] = (
    Task(
        "promise",
        1,
        "Write the community promise and the guidelines",
        lambda c, _: bool(c.community.promise.who and c.guidelines.rules),
    ),
    Task("site", 1, "Publish the community site (`porch site build`)"),
    Task("welcome", 1, "Turn the welcome on", lambda c, _: bool(c.onboarding.triggers)),
    Task("prompts", 1, "Write at least ten prompts", lambda c, _: _prompts(c) >= 10),
    Task("schedule", 1, "Schedule two weekly rituals", lambda c, _: len(_rituals(c)) >= 2),
    Task("run", 2, "Run two rituals twice each", _run_twice, needs="rituals"),
    Task(
        "recaps",
        2,
        "Post two recaps",
        lambda _, f: f["rituals"]["recaps"] >= 2,
        needs="rituals",
    ),
    Task("featured", 2, "Feature members (a recap, a shout-out, the spotlight)"),
    Task("topics", 3, "Refine the topics and add templates"),
    Task("power", 3, "Invite five power members", _power_members, needs="ambassadors"),
    Task("playbook", 4, "Write the playbook and set the KPIs"),
    Task(
        "report",
        4,
        "Write the 30-day report (Porch writes it when the sprint ends)",
        lambda _, f: bool(f["report_written"]),
        needs="report_written",
    ),
)
BY_ID = {task.id: task for task in TASKS}
WEEKS = 4


@dataclass(frozen=True)
class TaskState:
    task: Task
    done: bool
    # Ticked by hand (else checked by Porch, when done).
    ticked: bool
    late: bool
    # A manager can tick it (not done, or done only by a tick).
    tickable: bool


def states(
    *,
    config: Config,
    figures: Mapping[str, Any],
    ticked: set[str],
    week: int,
) -> list[TaskState]:
    """Every task's state in sprint week `week` (late: its week has passed and it is not done)."""
    found = []
    for task in TASKS:
        checkable = task.check is not None and (task.needs is None or task.needs in figures)
        checked = bool(checkable and task.check(config, figures))  # type: ignore[misc]
        done = checked or task.id in ticked
        found.append(
            TaskState(
                task=task,
                done=done,
                ticked=task.id in ticked and not checked,
                late=not done and task.week < week,
                tickable=not checked,
            )
        )
    return found


def sprint_week(started_on: dt.date, today: dt.date) -> int:
    """1-4 inside the sprint; 0 before it starts; 5 once its four weeks are over."""
    if today < started_on:
        return 0
    return min((today - started_on).days // 7 + 1, WEEKS + 1)
