"""`porch init`: a new community's own files in the current folder.

A community starts from a short community.yml (the sections Porch cannot run without, the rest
left to their defaults) and its own copy of the site's pages, so nobody copies the example out
of site-packages or edits 260 lines of someone else's community. `porch check`, `preview`,
`site build` and `site serve` then read these files from the current folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from porch.core.config import USER_ID, Config, ConfigIssue
from porch.core.resources import project_path

CONFIG_FILE = "community.yml"
SITE_FOLDER = "site"
DEFAULT_NAME = "My Community"
DEFAULT_TIMEZONE = "UTC"
LOCALTIME = Path("/etc/localtime")
# Stands in for the managers until someone names them: a valid member ID shape, so the new file
# passes `porch check`, which warns while it is still there (placeholder_managers below).
PLACEHOLDER_MANAGER = "U0CHANGEME"
# What of the bundled site/ a community owns: its pages and its stylesheet. The theme overrides
# (site/overrides/) stay Porch's, so an upgrade brings their fixes.
OWN_SITE_PARTS = ("*.md", "assets")


@dataclass(frozen=True)
class StarterAnswers:
    """What `porch init` asks; everything else in the new community.yml is a default."""

    name: str = DEFAULT_NAME
    timezone: str = DEFAULT_TIMEZONE
    managers: tuple[str, ...] = ()


def timezone(value: str) -> str:
    """An IANA timezone name, or ValueError saying what one looks like (click re-asks)."""
    text = value.strip()
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(  # noqa: B904 (the message is the whole answer)
            f"unknown timezone {text!r}: use an IANA name such as Europe/Berlin or America/New_York"
        )
    return text


def local_timezone(environ: Mapping[str, str], *, localtime: Path = LOCALTIME) -> str:
    """This machine's IANA timezone, the question's default: $TZ when it names one, else the
    zone /etc/localtime links to, else UTC. Without a terminal the default stays UTC, so a
    scripted `porch init` writes the same file on every machine."""
    candidates = [environ.get("TZ", "").lstrip(":")]
    with contextlib.suppress(OSError):
        resolved = str(localtime.resolve())
        if "/zoneinfo/" in resolved:
            candidates.append(resolved.split("/zoneinfo/", 1)[1])
    for candidate in candidates:
        with contextlib.suppress(ValueError):
            if "/" in candidate or candidate == "UTC":
                return timezone(candidate)
    return DEFAULT_TIMEZONE


def managers(value: str | tuple[str, ...]) -> tuple[str, ...]:
    """Member IDs from "U1, U2" (or the --manager options), or ValueError naming a wrong one."""
    items = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    wrong = [item for item in items if not USER_ID.fullmatch(item)]
    if wrong:
        raise ValueError(
            f"{', '.join(wrong)}: a manager is a Slack member ID such as U0123ABCD (in Slack: "
            "open the profile, then ⋯ → Copy member ID)"
        )
    return tuple(dict.fromkeys(items))


def name(value: str) -> str:
    text = value.strip()
    if not text:
        raise ValueError("the community needs a name")
    return text


def taken(folder: Path) -> list[str]:
    """What of community.yml and site/ already exists in `folder`: files a community may have
    edited, which `porch init` keeps unless --force."""
    return [name for name in (CONFIG_FILE, SITE_FOLDER) if (folder / name).exists()]


def write(*, folder: Path, answers: StarterAnswers) -> list[Path]:
    """Write community.yml and site/ into `folder` (over what is there); return what was
    written."""
    config = folder / CONFIG_FILE
    config.write_text(community_yml(answers), encoding="utf-8")
    return [config, *_copy_site(folder / SITE_FOLDER)]


def _copy_site(target: Path) -> list[Path]:
    source = project_path(SITE_FOLDER)
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for pattern in OWN_SITE_PARTS:
        for path in sorted(source.glob(pattern)):
            if path.is_dir():
                shutil.copytree(path, target / path.name, dirs_exist_ok=True)
            else:
                shutil.copy2(path, target / path.name)
            written.append(target / path.name)
    return written


def _text(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is one), safe for any name."""
    return json.dumps(value, ensure_ascii=False)


def community_yml(answers: StarterAnswers) -> str:
    """The starter community.yml: what Porch needs, with a comment saying what each part does."""
    listed = answers.managers or (PLACEHOLDER_MANAGER,)
    manager_note = (
        ""
        if answers.managers
        else f"  # {PLACEHOLDER_MANAGER} is a placeholder: porch check warns until it is replaced\n"
    )
    return STARTER.format(
        name=_text(answers.name),
        timezone=_text(answers.timezone),
        managers=", ".join(listed),
        manager_note=manager_note,
    )


def _asked(check: Callable[[Any], Any]) -> Callable[[str], Any]:
    """click.prompt's value_proc from one of the checks above: a wrong answer prints the
    check's message and is asked again."""

    def value_proc(value: str) -> Any:
        try:
            return check(value)
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from None

    return value_proc


def _ask(given: StarterAnswers, *, zone_given: bool) -> StarterAnswers:
    """The questions, in a terminal, with what the options gave as the defaults (the machine's
    timezone when --timezone did not say)."""
    zone = given.timezone if zone_given else local_timezone(os.environ)
    return StarterAnswers(
        name=click.prompt("Community name", default=given.name, value_proc=_asked(name)),
        timezone=click.prompt("Timezone (IANA name)", default=zone, value_proc=_asked(timezone)),
        managers=click.prompt(
            "Managers' Slack member IDs, comma-separated (profile → ⋯ → Copy member ID; "
            "blank for later)",
            default=", ".join(given.managers),
            show_default=bool(given.managers),
            value_proc=_asked(managers),
        ),
    )


@click.command()
@click.option("--name", "community_name", help="The community's name (asked in a terminal).")
@click.option(
    "--timezone", "zone", help="Its IANA timezone, e.g. Europe/Berlin (asked in a terminal)."
)
@click.option(
    "--manager",
    "manager_ids",
    multiple=True,
    help="A manager's Slack member ID, U…; repeat for each (asked in a terminal).",
)
@click.option("--yes", "-y", is_flag=True, help="Ask nothing: defaults for what is not given.")
@click.option("--force", is_flag=True, help="Overwrite community.yml and site/ if they exist.")
def init(
    community_name: str | None,
    zone: str | None,
    manager_ids: tuple[str, ...],
    yes: bool,
    force: bool,
) -> None:
    """Start a community here: a short commented community.yml and site/ with its pages.

    In a terminal it asks for the name, the timezone and the managers; otherwise (or with
    --yes) it uses the options given and plain defaults. `porch check`, `preview`, `site build`
    and `site serve` then read these files from this folder. Existing files are kept unless
    --force.
    """
    try:
        answers = StarterAnswers(
            name=name(community_name) if community_name is not None else DEFAULT_NAME,
            timezone=timezone(zone) if zone is not None else DEFAULT_TIMEZONE,
            managers=managers(manager_ids),
        )
    except ValueError as exc:
        click.echo(f"porch init: {exc}", err=True)
        sys.exit(2)
    folder = Path.cwd()
    existing = taken(folder)
    if existing and not force:  # before any question: the answers could not be used
        click.echo(
            f"porch init: {' and '.join(existing)} already exist here; keeping them "
            "(--force overwrites them).",
            err=True,
        )
        sys.exit(2)
    if not yes and sys.stdin.isatty():
        answers = _ask(answers, zone_given=zone is not None)
    written = write(folder=folder, answers=answers)
    pages = [path for path in written if path.suffix == ".md"]
    click.echo(f"Wrote {CONFIG_FILE} and {SITE_FOLDER}/ ({len(pages)} pages).")
    if not answers.managers:
        click.echo(
            f"Put your managers' member IDs in managers.users (in place of {PLACEHOLDER_MANAGER})."
        )
    click.echo(
        "Next: porch manifest --socket-mode --out slack-manifest.yml, then porch setup "
        '(the README section "Run Porch for real").'
    )


def placeholder_managers(path: Path, config: Config) -> list[ConfigIssue]:
    """For `porch check`: a warning while the manager `porch init` put in stands where the
    real ones go. The file is valid, but no manager would get the alerts."""
    if PLACEHOLDER_MANAGER not in config.managers.users:
        return []
    message = (
        f"warning: {PLACEHOLDER_MANAGER} is the placeholder `porch init` wrote: put your "
        "managers' Slack member IDs in managers.users"
    )
    return [ConfigIssue(path, 0, "managers.users", message, warning=True)]


STARTER = """\
# community.yml: the one file that drives Porch (the Slack app, the tracker and the site).
# Written by `porch init`. Check it with `porch check`; every other setting and its default is
# in the README section "Configuration reference".

community:
  name: {name}  # also the Slack app's and the bot's name (porch manifest)
  # Shown on the site and in the welcome: "This is the place where <who> get <outcome> through
  # <format>."
  promise:
    who: people who want to learn together
    outcome: answers, feedback and steady progress
    format: weekly threads and friendly conversations
  timezone: {timezone}  # rituals and "community hours" run on this clock
  # site_url: https://community.example.org/   # where the site is published
  # invite_url: https://community.example.org/join   # the site's "Join" button

# Who runs the community: Slack member IDs (profile, then ⋯ → Copy member ID).
managers:
{manager_note}  users: [{managers}]

# Channel names without the #. `porch setup` creates the missing ones.
channels:
  home: general  # announcements and rituals
  introductions: introductions  # the weekly introductions thread
  feedback: feedback
  wins: wins
  moderators: community-team  # private: alerts and the managers' check-in
  ambassadors: ambassadors
  showcase: showcase-review  # private: member content waiting for review

# The guidelines page and the welcome link to these.
guidelines:
  rules:
    - title: Be kind and assume good intent
      detail: Critique ideas and work, never people.
    - title: Keep it useful
      detail: Share specifics, stay on topic, and no unsolicited pitches.
    - title: Keep private things private
      detail: What members share here stays here unless they say otherwise.
  consequences:
    - step: A friendly reminder
      detail: A manager points to the rule in a thread or DM.
    - step: A temporary suspension
      detail: Seven days away from the community.
    - step: Removal
      detail: For repeated or serious harm.
  reporting: Send a direct message to any community manager. We keep every report confidential.

# Weekly threads Porch posts. Add more, or delete these.
rituals:
  - id: monday-goals
    name: Monday goals
    weekday: monday
    time: "09:30"
    channel: home
    kind: goals
    prompt: What will you get done this week? Reply in the thread.
  - id: friday-wins
    name: Friday wins
    weekday: friday
    time: "15:00"
    channel: wins
    kind: wins
    prompt: What moved forward this week? Big or small, post it here.

# Reacting with one of these emoji to a message turns it into feedback for the team.
feedback:
  tags:
    bug: bug
    bulb: idea
    question: question
"""
