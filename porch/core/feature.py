"""What a feature declares, so that the runtime can wire it without knowing what it does.

A feature is a package, `porch/features/<name>/`, of domain code (no Slack or Sheets imports).
Its `PACKAGE` (a `FeaturePackage`) says what is known before community.yml is read: its config
section, Slack IDs, worksheets and CLI commands; its `build` returns the `Feature`: which domain
events it handles, which jobs it wants run, what it adds to a member's App Home, the buttons,
modals and commands it answers (porch.core.interactions), what it does once one of its effects
has been delivered, its preview samples and its demo scenes. `porch.features.registry` lists the
packages; the inbox processor, the scheduler, App Home, the Slack adapter (handlers/), the CLI
and the effect worker ask the registry, never a feature by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine

from porch.core.interactions import Interaction, Verb

if TYPE_CHECKING:
    from porch.core.app_home import AppHome
    from porch.core.config import Config
    from porch.core.templating import Templates

# (conn, team_id, event, now): record rows and effects for one domain event, in the caller's
# transaction. The event is one of the dataclasses in porch.core.domain_events.
EventHandler = Callable[[Connection, str, Any, dt.datetime], None]

# (engine, team_id, now): a periodic job's work for one workspace, in as many transactions as it
# needs; returns counts for the logs.
JobFunction = Callable[[Engine, str, dt.datetime], Mapping[str, int] | None]

# (conn, team_id, user_id): the template context a feature adds to one member's App Home, or
# None when it has nothing to show.
HomeSection = Callable[[Connection, str, str], Mapping[str, Any] | None]


@dataclass(frozen=True)
class Delivery:
    """An effect the worker delivered (or gave up on), handed to the feature that asked for it
    in the same transaction that marks the effect done: `then` is what the feature put under
    the effect payload's "then" when recording it; `result` is Slack's answer (the posted
    message's ts, ...) or None; `error` says why it could not be delivered, or is None."""

    conn: Connection
    team_id: str
    then: Mapping[str, Any]
    result: Mapping[str, Any] | None
    error: str | None
    now: dt.datetime

    @property
    def ok(self) -> bool:
        return self.error is None


# What a delivered (or undeliverable) effect changes.
EffectCallback = Callable[[Delivery], None]

# (conn, team_id, now, rebuild): rows a feature queues for the tracker right before a sync
# writes it (`rebuild`: the whole tracker is being rewritten); returns how many it queued.
TrackerHook = Callable[[Connection, str, dt.datetime, bool], int]

# (conn, team_id, users, now, welcome): record a page of users.list (reconciliation); returns
# counts for the progress line ("welcomed", "recorded", "skipped", "known").
MembersHook = Callable[[Connection, str, Sequence[Any], dt.datetime, bool], Mapping[str, int]]

# (title, where it appears, template name, sample context) for `porch preview`.
PreviewSample = tuple[str, str, str, Mapping[str, Any]]


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
    # With `shared`, the row is every named member's (a pairing): each one's export lists it.
    # Erasure is unchanged: the first column's member's erasure deletes the row, another's
    # clears their column and keeps the row for the first.
    shared: bool = False
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
    # Buttons, modals, message shortcuts and slash commands it answers, and its /porch verbs.
    interactions: Sequence[Interaction] = ()
    verbs: Sequence[Verb] = ()
    # `porch preview`: sample contexts for the templates it sends.
    previews: Callable[[], Sequence[PreviewSample]] | None = None
    # The demo's scenes it plays, by name (the sandbox's story calls them in order); each takes
    # the demo (porch.sandbox.demo.Demo).
    demo_scenes: Mapping[str, Callable[[Any], None]] = field(default_factory=dict)
    # Hooks: rows to queue before a tracker sync; recording a page of users.list.
    before_tracker_sync: TrackerHook | None = None
    reconcile_members: MembersHook | None = None
    # Figures it computes for a period, by name, that reports may show (the health report asks
    # for "nps"): each is called (conn, team_id=..., since=..., until=...).
    period_figures: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    # What the site's pages may use from this feature (merged into every page's context).
    site_context: Callable[[], Mapping[str, Any]] | None = None
    # (conn, team_id): what the pages use from the store, when the site is built beside it
    # (`porch site build`); merged over site_context (the showcase's published entries).
    site_data: Callable[[Connection, str], Mapping[str, Any]] | None = None
    # (conn, team_id): the members this feature offers as buddies for newcomers (ambassadors
    # do); the buddies feature asks every feature built before it, without naming one.
    buddy_candidates: Callable[[Connection, str], Collection[str]] | None = None
    # (conn, team_id, user_ids): each member's interests, in words, for those who have some
    # (the join questions' paths); introductions and buddies ask the features built before them.
    member_interests: (
        Callable[[Connection, str, Collection[str]], Mapping[str, Sequence[str]]] | None
    ) = None
    # (conn, team_id, ritual_id): prompts members contributed (and managers approved) that
    # join that ritual's rotation after its configured ones; the rituals feature asks every
    # feature built before it, without naming one.
    ritual_prompts: Callable[[Connection, str, str], Sequence[str]] | None = None


@dataclass(frozen=True)
class FeaturePackage:
    """What a feature package declares at import, before community.yml is read.

    `config_sections`: top-level community.yml keys this feature owns -> (pydantic model,
    required); the config loader composes them into one schema and keeps its file:line errors.
    `slack_ids`: its StrEnums of action_ids, callback_ids and input IDs (templates see the
    Action and Input ones as `ids.NAME`). `worksheets`: its tracker row classes (SheetRow).
    `cli`: click commands added to `porch`, or (group, command) pairs to add a verb to a core
    group such as `members` (they get a porch.core.cli_services.CliServices as click's
    `obj`). `build` makes the Feature(s) from a FeatureSetup. `demo_config`, given the
    loaded config, returns the sections it runs differently in `porch demo` (section key ->
    replaced section), so the scripted month stays short without the sandbox naming features.
    """

    name: str
    build: Callable[[FeatureSetup], Feature | Sequence[Feature]]
    config_sections: Mapping[str, tuple[type, bool]] = field(default_factory=dict)
    slack_ids: Sequence[type] = ()
    worksheets: Sequence[type] = ()
    cli: Sequence[Any] = ()
    demo_config: Callable[[Config], Mapping[str, Any]] | None = None


@dataclass(frozen=True)
class FeatureSetup:
    """What a feature is built from: the loaded config, the templates, App Home (for features
    that refresh it) and the features built before it (privacy reads their declarations)."""

    config: Config
    templates: Templates
    app_home: AppHome
    before: Sequence[Feature] = ()
