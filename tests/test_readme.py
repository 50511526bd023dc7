"""The README documents every `porch` command, and its first screen gives the two commands."""

from __future__ import annotations

import click

from porch.runtime.cli import main
from tests.conftest import ROOT


def command_paths(group: click.Group, prefix: str = "porch") -> list[str]:
    paths = []
    for name, command in group.commands.items():
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            paths.extend(command_paths(command, path))
        else:
            paths.append(path)
    return paths


def test_every_porch_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = [path for path in command_paths(main) if path not in readme]
    assert not missing, f"document these in README.md: {missing}"


def test_the_first_screen_gives_the_two_commands():
    first_screen = "\n".join((ROOT / "README.md").read_text().splitlines()[:40])
    assert "make demo" in first_screen
    assert "make test" in first_screen
