"""A community file per workspace: many workspaces from one install, each with its own config.

In OAuth mode (many workspaces) a workspace whose team ID names a file in the communities
folder (communities/T0123ABCD.yml beside community.yml, or the folder $PORCH_COMMUNITIES names)
runs on that file: its channels, managers, templates, tracker and timezone. Every other
workspace, and the single-token mode, runs on the default community.yml.

Each file is read and checked once at start, like community.yml (ConfigError with file:line),
and the features are built once per file, so a workspace's handlers, jobs and tracker see only
its own config; the features themselves know nothing of this (they are built per config).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from porch.core.config import Config, ConfigError, ConfigIssue
from porch.core.templating import Templates
from porch.features.registry import Features, build_features, check_config
from porch.features.registry import templates as feature_templates
from porch.runtime.settings import Settings

# A file's name (without .yml) is the team ID of the workspace it configures.
TEAM_ID = re.compile(r"^T[A-Z0-9]{2,}$")
SUFFIXES = (".yml", ".yaml")


@dataclass(frozen=True)
class Community:
    """One config and what is built from it once: the templates and the features."""

    path: Path
    config: Config
    templates: Templates
    features: Features
    warnings: tuple[ConfigIssue, ...] = ()

    @classmethod
    def build(
        cls, *, path: Path, config: Config, warnings: tuple[ConfigIssue, ...] = ()
    ) -> Community:
        templates = feature_templates(config.onboarding.templates_dir)
        return cls(
            path=path,
            config=config,
            templates=templates,
            features=build_features(config=config, templates=templates),
            warnings=warnings,
        )

    def tracker_target(self) -> str:
        """Where this community's tracker writes: its Sheet, or its local folder (a relative
        one is beside the community's file, as for community.yml)."""
        if self.config.tracker.sheet:
            return f"the Google Sheet {self.config.tracker.sheet}"
        folder = Path(self.config.tracker.local_dir)
        if not folder.is_absolute():
            folder = self.path.parent / folder
        return f"the local folder {folder.resolve()}"


@dataclass(frozen=True)
class Communities:
    """team ID -> its Community, falling back to the default (community.yml)."""

    default: Community
    teams: Mapping[str, Community] = field(default_factory=dict)

    def of(self, team_id: str | None) -> Community:
        if team_id is None:
            return self.default
        return self.teams.get(team_id, self.default)

    def features_of(self, team_id: str) -> Features:
        return self.of(team_id).features

    @classmethod
    def single(cls, *, path: Path, config: Config) -> Communities:
        """The default community alone (one token, one community)."""
        return cls(default=Community.build(path=path, config=config))

    @classmethod
    def load(
        cls, *, default_path: Path, default: Config, folder: Path, many: bool = True
    ) -> Communities:
        """The default and every community file in `folder` (none when it does not exist),
        each checked; ConfigError with every file's problems at once. `many`: OAuth mode,
        where any number of workspaces may run on the default file."""
        issues: list[ConfigIssue] = []
        teams: dict[str, Community] = {}
        for team_id, path in community_files(folder, issues).items():
            try:
                config, warnings = check_config(path)
            except ConfigError as exc:
                issues.extend(exc.issues)
                continue
            teams[team_id] = Community.build(path=path, config=config, warnings=tuple(warnings))
        found = cls(default=Community.build(path=default_path, config=default), teams=teams)
        issues.extend(found.shared_trackers())
        if many and default.tracker.sheet:
            issues.append(
                ConfigIssue(
                    default_path,
                    0,
                    "tracker.sheet",
                    "with many workspaces, every one without a file of its own in "
                    f"{folder} runs on this file and would write this one Sheet: give each "
                    "workspace's Sheet in its own file (those on this file write "
                    "tracker.local_dir/TEAM_ID/)",
                )
            )
        if issues:
            raise ConfigError(issues)
        return found

    def shared_trackers(self) -> list[ConfigIssue]:
        """Two communities writing one tracker would mix their workspaces' rows: refused."""
        seen = {self.default.tracker_target(): self.default.path}
        issues = []
        for _, community in sorted(self.teams.items()):
            target = community.tracker_target()
            if target in seen:
                issues.append(
                    ConfigIssue(
                        community.path,
                        0,
                        "tracker",
                        f"writes {target}, like {seen[target]}: give each community its own "
                        "tracker.sheet or tracker.local_dir",
                    )
                )
            seen.setdefault(target, community.path)
        return issues


def community_files(folder: Path, issues: list[ConfigIssue]) -> dict[str, Path]:
    """team ID -> file, for the .yml files in `folder`; a file not named after a team ID is an
    issue (a typo would otherwise leave a workspace on the default without a word)."""
    if not folder.is_dir():
        return {}
    found: dict[str, Path] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix not in SUFFIXES or not path.is_file():
            continue
        if not TEAM_ID.match(path.stem):
            issues.append(
                ConfigIssue(
                    path,
                    0,
                    "(file)",
                    "a community file is named after its workspace's team ID, e.g. "
                    "T0123ABCD.yml (Slack shows it in the workspace's URL and in auth.test)",
                )
            )
            continue
        if path.stem in found:
            issues.append(ConfigIssue(path, 0, "(file)", f"{path.stem} has two files"))
            continue
        found[path.stem] = path
    return found


def team_file(folder: Path, team_id: str | None) -> Path | None:
    """The community file of workspace `team_id` in `folder`, if it has one (commands given
    --team read it instead of community.yml)."""
    if not team_id:
        return None
    for suffix in SUFFIXES:
        path = folder / f"{team_id}{suffix}"
        if path.is_file():
            return path
    return None


def team_settings(settings: Settings, team_id: str | None) -> Settings:
    """The settings of workspace `team_id`: config_path is its community file when it has one
    in the communities folder (else community.yml's)."""
    path = team_file(settings.communities_folder, team_id)
    return settings if path is None else replace(settings, config_path=path)


def check_all(settings: Settings, *, default: Config) -> list[ConfigIssue]:
    """`porch check` for the community files: each one's problems and warnings, as for
    community.yml (its templates, its placeholder managers, a Sheet without credentials), and
    trackers written twice."""
    from porch.runtime.init_command import placeholder_managers
    from porch.runtime.preview import template_issues
    from porch.runtime.tracker_sync import missing_credentials

    try:
        found = Communities.load(
            default_path=settings.config_path,
            default=default,
            folder=settings.communities_folder,
            many=settings.oauth_mode,
        )
    except ConfigError as exc:
        return list(exc.issues)
    issues: list[ConfigIssue] = []
    for _, community in sorted(found.teams.items()):
        issues += community.warnings
        issues += template_issues(community.config)
        issues += placeholder_managers(community.path, community.config)
        if problem := missing_credentials(config=community.config, settings=settings):
            issues.append(ConfigIssue(community.path, 0, "tracker.sheet", problem))
    return issues
