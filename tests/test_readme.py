"""The README documents every `porch` command, its first screen gives the two commands, and it
says each thing once."""

from __future__ import annotations

import re
from collections import Counter

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


def heading_slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    kept = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return kept.replace(" ", "-")


README_REFERENCES = (
    re.compile(r"README(?:\.md)?#([\w\-]+)"),
    re.compile(r"README section \\?[\"“']([^\"”'\\]+)"),
    re.compile(r"[\"“']([^\"”'\\]+)\\?[\"”'] (?:section )?in the README"),
)


def test_every_readme_section_the_code_points_to_exists():
    readme = (ROOT / "README.md").read_text()
    headings = [line.lstrip("#").strip() for line in readme.splitlines() if line.startswith("#")]
    slugs = {heading_slug(heading) for heading in headings}
    sources = [ROOT / "app.py"]
    for folder in ("porch", "handlers", "sheets_sync"):
        sources.extend((ROOT / folder).rglob("*.py"))
    found: list[tuple[str, str]] = []
    for source in sources:
        text = source.read_text(encoding="utf-8")
        for pattern in README_REFERENCES:
            for reference in pattern.findall(text):
                found.append((str(source.relative_to(ROOT)), reference))
    assert found, "expected the startup errors to name README sections"
    missing = [
        (where, reference)
        for where, reference in found
        if reference not in headings and heading_slug(reference) not in slugs
    ]
    assert not missing, f"README sections that do not exist: {missing}"


def test_the_readme_says_each_sentence_once():
    """Prose only (code blocks and table rows left out); short sentences may repeat."""
    text = re.sub(r"```.*?```", "", (ROOT / "README.md").read_text(), flags=re.DOTALL)
    prose = " ".join(
        line.strip().lstrip("-*> ").strip()
        for line in text.splitlines()
        if not line.lstrip().startswith("|")
    )
    sentences = Counter(s for s in re.split(r"(?<=[.!?])\s+", prose) if len(s) >= 30)
    repeated = [sentence for sentence, times in sentences.items() if times > 1]
    assert not repeated, f"said more than once in README.md: {repeated}"
