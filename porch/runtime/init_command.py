"""`porch init`: a new community's own files in the current folder.

A community starts from a short community.yml (the sections Porch cannot run without, the rest
left to their defaults) and its own copy of the site's pages, so nobody copies the example out
of site-packages or edits 260 lines of someone else's community. `porch check`, `preview`,
`site build` and `site serve` then read these files from the current folder.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from porch.core.config import USER_ID
from porch.core.resources import project_path

CONFIG_FILE = "community.yml"
SITE_FOLDER = "site"
DEFAULT_NAME = "My Community"
DEFAULT_TIMEZONE = "UTC"
# Stands in for the managers until someone names them: a valid member ID shape, so the new file
# passes `porch check`, which warns while it is still there (porch/runtime/cli.py).
PLACEHOLDER_MANAGER = "U0CHANGEME"
# What of the bundled site/ a community owns: its pages and its stylesheet. The theme overrides
# (site/overrides/) stay Porch's, so an upgrade brings their fixes.
OWN_SITE_PARTS = ("*.md", "assets")


@dataclass(frozen=True)
class Answers:
    """What `porch init` asks; everything else in the new community.yml is a default."""

    name: str = DEFAULT_NAME
    timezone: str = DEFAULT_TIMEZONE
    managers: tuple[str, ...] = ()


class AlreadyThere(Exception):
    """Files `porch init` would overwrite; the message names them."""


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


def write(*, folder: Path, answers: Answers, force: bool) -> list[Path]:
    """Write community.yml and site/ into `folder`; return what was written.

    Without `force`, an existing community.yml or site/ raises AlreadyThere before anything is
    written: the files may hold a community's edits."""
    config = folder / CONFIG_FILE
    site = folder / SITE_FOLDER
    present = [path for path in (config, site) if path.exists()]
    if present and not force:
        raise AlreadyThere(
            ", ".join(f"{path.name}{'/' if path.is_dir() else ''}" for path in present)
        )
    config.write_text(community_yml(answers), encoding="utf-8")
    return [config, *_copy_site(site)]


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


def community_yml(answers: Answers) -> str:
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
