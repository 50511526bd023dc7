"""What a feature declares, so that the runtime can wire it without knowing what it does.

A feature is domain code (no Slack or Sheets imports). It says which domain events it handles,
which jobs it wants run, what it adds to a member's App Home, which tracker worksheets it fills
and what it does once one of its effects has been delivered. `porch.features.registry` lists
the features; the inbox processor, the scheduler, App Home and the effect worker ask the
registry, never a feature by name. Adding a feature is one module plus its templates and tests.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine

# (conn, team_id, event, now): record rows and effects for one domain event, in the caller's
# transaction. The event is one of the dataclasses in porch.core.domain_events.
EventHandler = Callable[[Connection, str, Any, dt.datetime], None]

# (engine, team_id, now): a periodic job's work for one workspace, in as many transactions as it
# needs; returns counts for the logs.
JobFunction = Callable[[Engine, str, dt.datetime], Mapping[str, int] | None]

# (conn, team_id, user_id): the template context a feature adds to one member's App Home, or
# None when it has nothing to show.
HomeSection = Callable[[Connection, str, str], Mapping[str, Any] | None]

# (conn, team_id, then, result, error, now): what a delivered (or undeliverable) effect changes.
EffectCallback = Callable[
    [Connection, str, Mapping[str, Any], Mapping[str, Any] | None, str | None, dt.datetime], None
]


@dataclass(frozen=True)
class Job:
    """A periodic job. `every` is how often it is due; the scheduler runs it under a lease
    named after the job and the workspace, so among replicas exactly one runs each slot."""

    name: str
    every: dt.timedelta
    run: JobFunction


@dataclass(frozen=True)
class PersonalData:
    """Where a feature keeps a member's personal data, so privacy (export, erasure, retention)
    finds every copy without knowing the feature. Each table or worksheet that holds a user ID,
    a name or a member's words is declared once (by its feature, or by porch.core.personal_data
    for the infrastructure's copies); a test fails for an undeclared table.

    A worksheet's rows live in the store as tracker rows: `table` is then "tracker_rows",
    `worksheet` names the sheet and the columns below are the worksheet's column headers.
    """

    table: str
    # Columns holding the member's Slack user ID (or, in a worksheet, their ID or name). The
    # first one says whose row it is (erasure deletes the row); the others only mention the
    # member (erasure clears that column and keeps the row). With `mentions_only`, every one
    # of them is a mention (who approved or edited something): the rows are never deleted.
    user_columns: Sequence[str]
    # Why Porch keeps it and for how long, in a member's words (my-data, the privacy page).
    purpose: str
    # Columns holding names or message text: erased (set to NULL/"") when the row is kept as a
    # count, and purged when older than the retention period.
    text_columns: Sequence[str] = ()
    # The column whose age decides retention, and the privacy.retention key naming the period
    # (None: kept while the member is, erased on request).
    timestamp_column: str | None = None
    retention: str | None = None
    # The worksheet, when the data is a tracker worksheet's rows (see above).
    worksheet: str | None = None
    # Columns (JSON or text) that may copy the member's ID anywhere inside: effect keys and
    # payloads, inbox events, queued tracker rows. Erasure finds such rows by their content and
    # deletes them.
    copy_columns: Sequence[str] = ()
    mentions_only: bool = False
    # What a member calls it, on the privacy page (default: the table's name in words).
    label: str | None = None


@dataclass(frozen=True)
class Feature:
    name: str
    handles: Mapping[type, EventHandler] = field(default_factory=dict)
    jobs: Sequence[Job] = ()
    home_section: HomeSection | None = None
    # Worksheet names (from sheets_sync.layout) whose rows this feature queues.
    worksheets: Sequence[str] = ()
    # `then["op"]` of an effect payload -> what to do once the effect is delivered.
    effect_callbacks: Mapping[str, EffectCallback] = field(default_factory=dict)
    # The tables this feature stores member data in (see PersonalData).
    personal_data: Sequence[PersonalData] = ()
