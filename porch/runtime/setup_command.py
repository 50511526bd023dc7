"""`porch setup`: the Slack side of installing Porch, done by the bot token instead of by hand.

Without it a manager creates seven channels, /invites the bot into each and copies member IDs
out of profiles. This checks what the token was granted against what manifest.yml asks for,
creates the channels community.yml names that do not exist, joins the public ones, names the
private ones the bot must be invited to (Slack lets nobody but a member add it), resolves
managers written as "@handle" or email to member IDs, and prints what is left for a person.

Every step looks before it acts, so a second run creates, joins and invites nothing twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import click
import yaml
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from porch.core.config import Config, ConfigError
from porch.features.registry import check_config
from porch.runtime.manifest import MANIFEST_FILE
from porch.runtime.settings import Settings
from porch.runtime.setup_managers import (
    UNRESOLVED,
    ManagerRef,
    manager_refs,
    managers_step,
    with_ids,
    write_ids,
)
from porch.runtime.slack_client import web_client

# A scope line of manifest.yml: `- channels:join # why Porch asks for it`.
_SCOPE_LINE = re.compile(r"^\s*-\s*([a-z_.]+:[a-z_.:]+|commands)\s*(?:#\s*(.*))?$")
EMAIL_SCOPE = "users:read.email"


class SetupError(Exception):
    """Setup cannot go on (a refused token, Slack unreachable): one line for the manager."""


@dataclass
class Report:
    """What setup did and what is left for a person; `left` empty means Porch is ready."""

    done: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)


def manifest_scopes(text: str | None = None) -> dict[str, str]:
    """The bot scopes manifest.yml asks for, each with its comment: what Porch needs it for."""
    text = MANIFEST_FILE.read_text(encoding="utf-8") if text is None else text
    listed = yaml.safe_load(text)["oauth_config"]["scopes"]["bot"]
    reasons: dict[str, str] = {}
    for line in text.splitlines():
        match = _SCOPE_LINE.match(line)
        if match and match.group(1) in listed:
            reasons[match.group(1)] = (match.group(2) or "").strip()
    return {scope: reasons.get(scope, "") for scope in listed}


def granted_scopes(answer: Any) -> set[str]:
    """The token's scopes, from auth.test's X-OAuth-Scopes header (any letter case)."""
    headers = {str(name).lower(): value for name, value in (answer.headers or {}).items()}
    value = headers.get("x-oauth-scopes", "")
    if isinstance(value, list):
        value = ",".join(value)
    return {scope.strip() for scope in str(value).split(",") if scope.strip()}


def _error(exc: SlackApiError) -> str:
    return str(exc.response.get("error", "unknown_error"))


def _needed(exc: SlackApiError) -> str:
    return str(exc.response.get("needed") or "a scope")


class Setup:
    """One run of `porch setup` against one workspace. A step whose scope is missing is left
    for a person (named, with the scope) rather than ending the run, so one run lists all."""

    def __init__(
        self,
        *,
        client: WebClient,
        config: Config,
        refs: list[ManagerRef],
        dry_run: bool,
    ) -> None:
        self.client = client
        self.config = config
        self.refs = refs
        self.dry_run = dry_run
        self.wanted_scopes = manifest_scopes()
        self.report = Report()
        self.bot_name = "Porch"
        self.bot_user_id = ""
        self.team = ""
        self.unknown_ids: set[str] = set()
        self.granted: set[str] = set()

    def run(self) -> Report:
        self._identify()
        self._check_scopes()
        self._check_member_ids()
        self._resolve_managers()
        self._channels()
        return self.report

    # ------------------------------------------------------------------ token and scopes

    def _identify(self) -> None:
        try:
            answer = self.client.auth_test()
        except SlackApiError as exc:
            raise SetupError(
                f"Slack refused SLACK_BOT_TOKEN ({_error(exc)}): copy the Bot User OAuth Token "
                "(xoxb-…) from OAuth & Permissions in the app's settings"
            ) from exc
        except OSError as exc:
            raise SetupError(
                f"cannot reach the Slack Web API at {self.client.base_url} ({exc})"
            ) from exc
        self.granted = granted_scopes(answer)
        self.bot_user_id = str(answer.get("user_id") or "")
        self.team = str(answer.get("team") or answer.get("team_id") or "")
        self.bot_name = str(answer.get("user") or self.bot_name)
        try:
            profile = self.client.users_info(user=self.bot_user_id)["user"]
        except SlackApiError:
            return  # without users:read, named among the missing scopes; the handle will do
        # /invite completes on the name members see: the bot's display name, else its real name.
        shown = profile.get("profile", {})
        self.bot_name = (
            shown.get("display_name") or shown.get("real_name") or profile.get("real_name")
        ) or self.bot_name

    def _check_scopes(self) -> None:
        missing = [scope for scope in self.wanted_scopes if scope not in self.granted]
        for scope in missing:
            reason = self.wanted_scopes[scope]
            why = f" ({reason})" if reason else ""
            self.report.left.append(
                f"grant the {scope} scope{why}: add it under OAuth & Permissions → Scopes "
                "(or paste `porch manifest` again), then reinstall the app"
            )
        if not missing:
            self.report.done.append(
                f"the token has the {len(self.wanted_scopes)} scopes Porch needs"
            )

    # ------------------------------------------------------------------ managers

    def _resolve_managers(self) -> None:
        members: list[dict[str, Any]] | None = None
        for ref in self.refs:
            if ref.is_email:
                self._by_email(ref)
                continue
            if members is None:
                try:
                    members = self._people()
                except SlackApiError as exc:
                    if _error(exc) != "missing_scope":
                        raise
                    members = []
                    ref.problem = f"looking up @handles needs the {_needed(exc)} scope"
                    continue
            self._by_handle(ref, members)

    def _by_email(self, ref: ManagerRef) -> None:
        try:
            user = self.client.users_lookupByEmail(email=ref.given)["user"]
        except SlackApiError as exc:
            if _error(exc) == "users_not_found":
                ref.problem = "no member of this workspace has that email"
            elif _error(exc) == "missing_scope":
                ref.problem = (
                    f"looking up emails needs the {EMAIL_SCOPE} scope, which Porch's manifest "
                    "leaves out because Porch keeps no emails: write the @handle or member ID"
                )
            else:
                raise
            return
        if user.get("deleted") or user.get("is_bot"):
            ref.problem = "that email belongs to a deactivated account or a bot"
        else:
            self._resolved(ref, str(user["id"]))

    def _resolved(self, ref: ManagerRef, member_id: str) -> None:
        ref.member_id = member_id
        self.report.done.append(f"{ref.given} is {member_id}")

    def _people(self) -> list[dict[str, Any]]:
        """Every active person in the workspace (users.list, all pages)."""
        people = []
        for page in self.client.users_list(limit=200):
            for user in page["members"]:
                if user.get("deleted") or user.get("is_bot") or user["id"] == "USLACKBOT":
                    continue
                people.append(user)
        return people

    def _by_handle(self, ref: ManagerRef, people: list[dict[str, Any]]) -> None:
        """A handle is what follows @ in a mention: the display name, or the account's name."""
        wanted = ref.given.removeprefix("@").casefold()
        found = []
        for user in people:
            profile = user.get("profile", {})
            names = {
                str(user.get("name") or ""),
                str(profile.get("display_name") or ""),
                str(profile.get("display_name_normalized") or ""),
            }
            if wanted in {name.casefold() for name in names if name}:
                found.append(str(user["id"]))
        if len(found) == 1:
            self._resolved(ref, found[0])
        elif found:
            ref.problem = f"several members go by that name ({', '.join(found)}): write the ID"
        else:
            ref.problem = "no active member has that handle (display name or username)"

    def _check_member_ids(self) -> None:
        """Managers already written as member IDs must be people here: the example's
        U0MANAGER1, or an ID from another workspace, would leave Porch with no manager."""
        for user_id in self.config.managers.users:
            if user_id == UNRESOLVED:
                continue
            try:
                user = self.client.users_info(user=user_id)["user"]
            except SlackApiError as exc:
                if _error(exc) == "missing_scope":
                    return  # named among the missing scopes
                if _error(exc) != "user_not_found":
                    raise
                user = None
            if user is None or user.get("deleted"):
                self.unknown_ids.add(user_id)
                state = "no member of this workspace" if user is None else "deactivated"
                self.report.left.append(
                    f"managers: {user_id} is {state}: write the right member ID, @handle or "
                    "email in community.yml"
                )

    def manager_ids(self) -> list[str]:
        """The managers as member IDs: those already written so, and those just resolved."""
        ids = [
            user
            for user in self.config.managers.users
            if user != UNRESOLVED and user not in self.unknown_ids
        ]
        for ref in self.refs:
            if ref.member_id and ref.member_id not in ids:
                ids.append(ref.member_id)
        return ids

    # ------------------------------------------------------------------ channels

    def _channels(self) -> None:
        try:
            existing = self._existing_channels()
        except SlackApiError as exc:
            if _error(exc) != "missing_scope":
                raise
            self.report.left.append(
                f"channels not checked: listing them needs the {_needed(exc)} scope"
            )
            return
        private = {self.config.channels.moderators}
        for name in sorted(self.config.channel_names()):
            channel = existing.get(name)
            try:
                if channel is None:
                    channel = self._create(name, is_private=name in private)
                elif channel.get("is_archived"):
                    self.report.left.append(
                        f"#{name} is archived: unarchive it in Slack, or name another channel "
                        "in community.yml"
                    )
                    channel = None
                elif not channel.get("is_member"):
                    channel = self._join(channel)
            except SlackApiError as exc:
                if _error(exc) != "missing_scope":
                    raise
                self.report.left.append(f"#{name} not set up: that needs the {_needed(exc)} scope")
                continue
            if channel is not None and name == self.config.channels.moderators:
                self._invite_managers(channel)

    def _existing_channels(self) -> dict[str, dict[str, Any]]:
        """Every channel the bot can see, by name: all public ones, the private ones it is in.
        Archived ones too, so an archived name is reported rather than created again."""
        found: dict[str, dict[str, Any]] = {}
        for page in self.client.conversations_list(
            types="public_channel,private_channel", exclude_archived=False, limit=200
        ):
            for channel in page["channels"]:
                found[channel["name"]] = dict(channel)
        return found

    def _create(self, name: str, *, is_private: bool) -> dict[str, Any] | None:
        kind = "private channel" if is_private else "channel"
        if self.dry_run:
            self.report.left.append(
                f"would create the {kind} #{name} (if it is a private channel Porch is not in: "
                f"/invite @{self.bot_name} there instead)"
            )
            return None
        try:
            answer = self.client.conversations_create(name=name, is_private=is_private)
        except SlackApiError as exc:
            if _error(exc) != "name_taken":
                raise
            # Taken, yet not listed: a private channel the bot is not in. Only a member can
            # add it, so this is the one step left for a person.
            self.report.left.append(
                f"/invite @{self.bot_name} in #{name} (a private channel Porch is not in)"
            )
            return None
        self.report.done.append(f"created the {kind} #{name}")
        return dict(answer["channel"])

    def _join(self, channel: dict[str, Any]) -> dict[str, Any] | None:
        name = channel["name"]
        if self.dry_run:
            self.report.left.append(f"would join #{name}")
            return None
        answer = self.client.conversations_join(channel=channel["id"])
        self.report.done.append(f"joined #{name}")
        return dict(answer["channel"])

    def _invite_managers(self, channel: dict[str, Any]) -> None:
        """The managers' channel gets the cards, reports and members' DMs: every manager in it.
        One Porch just created as private has nobody else in it, and nobody could find it."""
        managers = self.manager_ids()
        if not managers:
            return
        inside: set[str] = set()
        for page in self.client.conversations_members(channel=channel["id"], limit=200):
            inside.update(page["members"])
        missing = [user for user in managers if user not in inside]
        if not missing:
            return
        names = ", ".join(missing)
        if self.dry_run:
            self.report.left.append(f"would invite the managers {names} to #{channel['name']}")
            return
        try:
            self.client.conversations_invite(channel=channel["id"], users=",".join(missing))
        except SlackApiError as exc:
            if _error(exc) == "missing_scope":
                raise
            # All or nothing: Slack invited none of them (a guest among them, say).
            self.report.left.append(
                f"invite the managers {names} to #{channel['name']}: Slack refused ({_error(exc)})"
            )
            return
        self.report.done.append(f"invited the managers {names} to #{channel['name']}")


def command(*, settings: Settings, dry_run: bool, write: bool) -> int:
    """`porch setup`: prints what was done and what is left; 0 when nothing is left, 1 when
    something is left for a person, 2 when setup could not run (config, token, network)."""
    path = settings.config_path
    try:
        text: str | None = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = None  # check_config says why, as `porch check` would
    refs = manager_refs(text) if text is not None else []
    try:
        config, _ = check_config(
            path, text=None if text is None else with_ids(text, refs, unresolved=UNRESOLVED)
        )
    except ConfigError as exc:
        for issue in exc.issues:
            click.echo(str(issue), err=True)
        return 2
    assert text is not None
    if not settings.slack_bot_token:
        click.echo(
            "porch: SLACK_BOT_TOKEN is not set (the Bot User OAuth Token, xoxb-…, from OAuth & "
            "Permissions in the app's settings)",
            err=True,
        )
        return 2
    client = web_client(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    setup = Setup(client=client, config=config, refs=refs, dry_run=dry_run)
    try:
        report = setup.run()
    except SetupError as exc:
        click.echo(f"porch: {exc}", err=True)
        return 2
    except SlackApiError as exc:
        click.echo(
            f"porch: Slack refused a call ({_error(exc)}); nothing after it was done", err=True
        )
        return 2
    except OSError as exc:
        click.echo(f"porch: cannot reach the Slack Web API at {client.base_url} ({exc})", err=True)
        return 2
    resolved = [ref for ref in refs if ref.member_id]
    if resolved and write and not dry_run:
        write_ids(path=path, text=text, refs=resolved)
        report.done.append(
            f"wrote {len(resolved)} manager member ID{'s' if len(resolved) > 1 else ''} into {path}"
        )
    report.left.extend(managers_step(refs=refs, write=write, dry_run=dry_run, path=path))
    click.echo(render(report, community=config.community.name, team=setup.team, dry_run=dry_run))
    return 1 if report.left else 0


def render(report: Report, *, community: str, team: str, dry_run: bool) -> str:
    """The checklist: done, then left, then one line saying where that leaves the manager."""
    lines = [
        f"Setting up {community} in the workspace {team}"
        + (" (dry run: nothing is changed)" if dry_run else "")
    ]
    if report.done:
        lines.append("Done:")
        lines.extend(f"  ✓ {item}" for item in report.done)
    if report.left:
        lines.append("Left to do:")
        lines.extend(f"  • {item}" for item in report.left)
        count = len(report.left)
        lines.append(
            f"{count} thing{'s' if count > 1 else ''} left; run `porch setup` again once done."
        )
    else:
        lines.append("Nothing left: Slack is ready for Porch. Next: `porch check`.")
    return "\n".join(lines)
