"""The features Porch runs, in the order they see each event, and what they declare: the one
list of features.

The config loader, the inbox processor, the scheduler, App Home, the Slack adapter (handlers/),
the CLI, the preview, the demo and the effect worker ask this registry; none of them names a
feature. A new feature is a package in porch/features/ whose `PACKAGE` is added to `PACKAGES`
below (and its name to `ORDER`), with its templates and tests; no other feature changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import create_model
from sqlalchemy import Connection

from porch.core import config as core_config
from porch.core import member_records
from porch.core.app_home import AppHome
from porch.core.config import Config, ConfigIssue
from porch.core.feature import (
    EffectCallback,
    EventHandler,
    Feature,
    FeaturePackage,
    FeatureSetup,
    Job,
    PersonalData,
    PreviewSample,
)
from porch.core.interactions import Interaction, InteractionKind, Verb
from porch.core.personal_data import INFRASTRUCTURE
from porch.core.templating import Templates
from porch.core.worksheets import CORE_ROWS, SheetRow
from porch.features import (
    ambassadors,
    buddies,
    check_in,
    contributions,
    feedback,
    health,
    join_paths,
    keyword_alerts,
    live_events,
    moderation,
    modmail,
    nps,
    onboarding,
    participation,
    privacy,
    response_alerts,
    rituals,
    showcase,
    slack_limits,
    spotlight,
    sprint,
)

# Feature packages, each a folder porch/features/<name>/ with a `PACKAGE`.
PACKAGES: tuple[FeaturePackage, ...] = (
    participation.PACKAGE,
    # Before onboarding: introductions show the interests its answers give.
    join_paths.PACKAGE,
    onboarding.PACKAGE,
    contributions.PACKAGE,
    slack_limits.PACKAGE,
    # Before ambassadors: their levels count the content it approved (content_approved).
    showcase.PACKAGE,
    # Before rituals: its build reads the prompts ambassadors contributed (ritual_prompts).
    ambassadors.PACKAGE,
    rituals.PACKAGE,
    live_events.PACKAGE,
    spotlight.PACKAGE,
    response_alerts.PACKAGE,
    check_in.PACKAGE,
    nps.PACKAGE,
    feedback.PACKAGE,
    modmail.PACKAGE,
    keyword_alerts.PACKAGE,
    # After the features that offer buddies or give interests (Feature.buddy_candidates,
    # Feature.member_interests): it asks those built before it.
    buddies.PACKAGE,
    moderation.PACKAGE,
    # After nps: its build reads the survey's totals from the features built before it.
    health.PACKAGE,
    # After health: the weekly scorecard reads its declared weekly figures.
    sprint.PACKAGE,
    # Last: it reads what every other feature declares.
    privacy.PACKAGE,
)

# Every feature's name, in the order they see each event. Participation first: later features
# count the activity row it records for this event. Privacy last: it reads what every other
# feature declares.
ORDER = (
    "participation",
    "onboarding",
    "join_paths",
    "contributions",
    "rituals",
    "live_events",
    "feedback",
    "health",
    "slack_limits",
    "response_alerts",
    "check_in",
    "nps",
    "spotlight",
    "modmail",
    # Before keyword_alerts: a message both match gets moderation's card (they share its key).
    "moderation",
    "keyword_alerts",
    "showcase",
    "buddies",
    "ambassadors",
    "sprint",
    "privacy",
)


def config_model() -> type[Config]:
    """The schema community.yml is checked against: the core sections and every package's."""
    fields: dict[str, Any] = {}
    for package in PACKAGES:
        for key, (model, required) in package.config_sections.items():
            if key in fields or key in Config.model_fields:
                raise ValueError(f"config section {key!r} is declared twice")
            fields[key] = (model, ...) if required else (model, model())
    if not fields:
        return Config
    return create_model("CommunityConfigFile", __base__=Config, **fields)


def check_config(path: str | Path, *, text: str | None = None) -> tuple[Config, list[ConfigIssue]]:
    """Read and validate community.yml (ConfigError with file:line), with its warnings; `text`
    stands for the file's content when given."""
    return core_config.check_config(path, model=config_model(), text=text)


def load_config(path: str | Path) -> Config:
    """Read and validate community.yml, raising ConfigError with line numbers."""
    return check_config(path)[0]


def slack_ids() -> list[type[StrEnum]]:
    """Every package's Slack IDs (action_ids, callback_ids, input IDs)."""
    return [ids for package in PACKAGES for ids in package.slack_ids]


def template_ids() -> dict[str, StrEnum]:
    """What templates see as `ids`: buttons and inputs by name, core's and the packages'."""
    found: dict[str, StrEnum] = {}
    for kind in slack_ids():
        if kind.__name__ not in ("Action", "Input"):
            continue
        for member in kind:
            if member.name in found:
                raise ValueError(f"Slack ID {member.name} is declared twice")
            found[member.name] = member
    return found


def templates(override_dir: str | Path | None = None) -> Templates:
    """The message templates, seeing every package's Slack IDs."""
    return Templates(override_dir=override_dir, ids=template_ids())


# The tracker's data worksheets, in the order a fresh tracker shows them (after the Dashboard).
WORKSHEET_ORDER = ("Members", "Feedback", "Wins", "Content", "Rituals", "Health", "Inbox")


def worksheet_rows() -> list[type[SheetRow]]:
    """Every worksheet's row class: the core's and every package's, in WORKSHEET_ORDER (then
    any other in package order)."""
    rows = [*CORE_ROWS, *(row for package in PACKAGES for row in package.worksheets)]
    sheets = [row.SHEET for row in rows]
    if len(sheets) != len(set(sheets)):
        raise ValueError(f"a worksheet is declared twice: {sorted(sheets)}")
    rank = {sheet: i for i, sheet in enumerate(WORKSHEET_ORDER)}
    return sorted(rows, key=lambda row: rank.get(row.SHEET, len(rank)))


def demo_config(config: Config) -> dict[str, Any]:
    """The config sections the packages run differently in `porch demo`."""
    changed: dict[str, Any] = {}
    for package in PACKAGES:
        if package.demo_config is not None:
            changed.update(package.demo_config(config))
    return changed


def cli_commands() -> list[Any]:
    """Every package's click commands, added to `porch`."""
    return [command for package in PACKAGES for command in package.cli]


@dataclass
class Features:
    """Every feature, in ORDER, and what the runtime asks of them all (none by name)."""

    features: Sequence[Feature]
    app_home: AppHome

    def handlers_for(self, event_type: type) -> Iterator[EventHandler]:
        for feature in self.features:
            handler = feature.handles.get(event_type)
            if handler is not None:
                yield handler

    @property
    def jobs(self) -> list[Job]:
        return [job for feature in self.features for job in feature.jobs]

    def effect_callback(self, op: str) -> EffectCallback | None:
        for feature in self.features:
            if op in feature.effect_callbacks:
                return feature.effect_callbacks[op]
        return None

    @property
    def worksheets(self) -> list[str]:
        return [sheet for feature in self.features for sheet in feature.worksheets]

    def interactions(self, kind: InteractionKind) -> list[Interaction]:
        found = [i for feature in self.features for i in feature.interactions if i.kind == kind]
        ids = [i.id for i in found]
        if len(ids) != len(set(ids)):
            raise ValueError(f"a {kind} ID is declared twice: {sorted(ids)}")
        return found

    @property
    def verbs(self) -> list[Verb]:
        return [verb for feature in self.features for verb in feature.verbs]

    def previews(self) -> list[PreviewSample]:
        return [s for feature in self.features if feature.previews for s in feature.previews()]

    def reconcile_members(
        self,
        conn: Connection,
        *,
        team_id: str,
        users: Sequence[Any],
        now: dt.datetime,
        welcome: bool,
    ) -> dict[str, int]:
        """Record a page of users.list with every feature that reconciles members; the counts
        added up for the progress line. Under the workspace's member-writes lock, so a page
        and an inbox batch on another replica cannot deadlock (member_records.lock_workspace)."""
        member_records.lock_workspace(conn, team_id=team_id)
        totals: dict[str, int] = {}
        for feature in self.features:
            if feature.reconcile_members is not None:
                counts = feature.reconcile_members(conn, team_id, users, now, welcome)
                for key, value in counts.items():
                    totals[key] = totals.get(key, 0) + value
        return totals

    def demo_scene(self, name: str) -> Any:
        for feature in self.features:
            if name in feature.demo_scenes:
                return feature.demo_scenes[name]
        raise KeyError(f"no feature plays the demo scene {name!r}")

    def period_figure(self, name: str) -> Any:
        """The function a feature declared for a named period figure (None: no feature has
        it, e.g. when the feature is not installed)."""
        for feature in self.features:
            if name in feature.period_figures:
                return feature.period_figures[name]
        return None

    def site_context(self) -> dict[str, Any]:
        context: dict[str, Any] = {}
        for feature in self.features:
            if feature.site_context is not None:
                context.update(feature.site_context())
        return context

    def site_data(self, conn: Connection, team_id: str) -> dict[str, Any]:
        """What the pages use from the store for one workspace (Feature.site_data)."""
        context: dict[str, Any] = {}
        for feature in self.features:
            if feature.site_data is not None:
                context.update(feature.site_data(conn, team_id))
        return context

    @property
    def personal_data(self) -> list[PersonalData]:
        """Every table and worksheet holding members' data: the features' and the
        infrastructure's (what my-data, forget-me and retention read)."""
        return personal_data_of(self.features)


def personal_data_of(features: Sequence[Feature]) -> list[PersonalData]:
    return [d for feature in features for d in feature.personal_data] + list(INFRASTRUCTURE)


def build_features(*, config: Config, templates: Templates) -> Features:
    app_home = AppHome(config=config, templates=templates)
    built: dict[str, list[Feature]] = {}
    # In PACKAGES order: a package sees every feature built before it (health: the survey's;
    # privacy, listed last: all of them).
    for package in PACKAGES:
        setup = FeatureSetup(
            config=config,
            templates=templates,
            app_home=app_home,
            before=[f for name in ORDER for f in built.get(name, [])],
        )
        made = package.build(setup)
        built[package.name] = [made] if isinstance(made, Feature) else list(made)
    features = [feature for name in ORDER for feature in built.get(name, [])]
    if unknown := set(built) - set(ORDER):
        raise ValueError(f"features missing from ORDER: {sorted(unknown)}")
    app_home.sections = [f.home_section for f in features if f.home_section is not None]
    return Features(
        features=features,
        app_home=app_home,
    )
