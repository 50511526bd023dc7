"""The community.yml side of `porch setup`: managers written as "@handle" or email.

`porch check` (and Porch at startup) accept only member IDs, which the app can compare with a
request's user; a handle changes when its owner renames themself. So handles and emails are a
way to write the file, and setup turns them into IDs: found here with their place in the text,
so --write replaces just those scalars and keeps the rest of the file, comments included.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

# Stands in for a manager not yet resolved while the rest of community.yml is validated: a
# valid member ID's shape, never written to the file and never invited anywhere.
UNRESOLVED = "U0PORCHSETUP"
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass
class ManagerRef:
    """A manager community.yml gives as "@handle" or email, where a member ID belongs."""

    given: str
    field: str
    line: int
    # Where the scalar (quotes included) sits in the file's text, to replace it in place.
    start: int
    end: int
    member_id: str | None = None
    problem: str | None = None

    @property
    def is_email(self) -> bool:
        return not self.given.startswith("@")


def manager_refs(text: str) -> list[ManagerRef]:
    """The entries of managers.users and managers.contacts[].slack_id written as "@handle" or
    email. YAML that does not parse yields none: validation reports it with its line."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    managers = _child(root, "managers")
    refs: list[ManagerRef] = []
    users = _child(managers, "users")
    if isinstance(users, yaml.SequenceNode):
        for index, item in enumerate(users.value):
            refs.extend(_ref(item, f"managers.users[{index}]"))
    contacts = _child(managers, "contacts")
    if isinstance(contacts, yaml.SequenceNode):
        for index, item in enumerate(contacts.value):
            refs.extend(_ref(_child(item, "slack_id"), f"managers.contacts[{index}].slack_id"))
    return refs


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    return next((value for name, value in node.value if name.value == key), None)


def _ref(node: yaml.Node | None, where: str) -> Iterator[ManagerRef]:
    if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:str":
        return
    value = node.value.strip()
    if re.fullmatch(r"@[\w.\-]+", value) or EMAIL.fullmatch(value):
        yield ManagerRef(
            given=value,
            field=where,
            line=node.start_mark.line + 1,
            start=node.start_mark.index,
            end=node.end_mark.index,
        )


def with_ids(text: str, refs: Iterable[ManagerRef], *, unresolved: str | None) -> str:
    """`text` with each resolved reference replaced by its member ID, in place: comments,
    quoting elsewhere and layout stay. `unresolved` stands for the others, or leaves them."""
    for ref in sorted(refs, key=lambda ref: ref.start, reverse=True):
        value = ref.member_id or unresolved
        if value is not None:
            text = text[: ref.start] + value + text[ref.end :]
    return text


def managers_step(*, refs: list[ManagerRef], write: bool, dry_run: bool, path: Path) -> list[str]:
    """What is left about managers once resolved: unresolved ones, and resolved ones that
    community.yml still holds as handles or emails (unless written there)."""
    left = [
        f"{ref.field} {ref.given!r} (line {ref.line}): {ref.problem}" for ref in refs if ref.problem
    ]
    resolved = [ref for ref in refs if ref.member_id]
    if resolved and (not write or dry_run):
        verb = "would write" if dry_run and write else "write"
        left.extend(
            f"{verb} {ref.member_id} for {ref.given!r} at {ref.field} in {path} (line {ref.line})"
            + ("" if write else " (or run again with --write)")
            for ref in resolved
        )
    return left


def write_ids(*, path: Path, text: str, refs: list[ManagerRef]) -> str:
    """community.yml with the resolved managers' IDs, written in place (comments kept) through
    a file beside it, so a crash leaves the old file or the new one, never half of each."""
    updated = with_ids(text, refs, unresolved=None)
    spare = path.with_name(f".{path.name}.porch-setup")
    spare.write_text(updated, encoding="utf-8")
    shutil.copymode(path, spare)
    os.replace(spare, path)
    return updated
