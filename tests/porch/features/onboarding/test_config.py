"""community.yml's `onboarding` section: its mistakes explained in plain words, at their line,
and its `templates_dir` of the managers' own templates, checked by `porch check`."""

from __future__ import annotations

from pathlib import Path

import pytest

from porch.features.registry import load_config
from tests.porch.core.test_config import broken, check, line_of, only_issue


def test_an_unknown_key_names_its_line(tmp_path: Path):
    path = broken(tmp_path, "  skip_guests: true", "  skip_guest: true")
    issue = only_issue(path)
    assert issue.startswith(f"{path}:{line_of('skip_guests')}: onboarding.skip_guest: unknown key")


def test_a_wrong_type_names_its_line(tmp_path: Path):
    path = broken(tmp_path, "mention_batch_size: 10", "mention_batch_size: lots")
    issue = only_issue(path)
    expected = (
        f"{path}:{line_of('mention_batch_size')}: onboarding.intro_thread.mention_batch_size:"
    )
    assert issue.startswith(expected)
    assert issue.endswith("must be a whole number, e.g. 10, not 'lots'")


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "react_to_introductions: wave",
            "react_to_introductions: :wave",
            "onboarding.react_to_introductions",
            "write the emoji name without colons: wave, not :wave",
        ),
        (
            "react_to_introductions: wave",
            'react_to_introductions: ":wave:"',
            "onboarding.react_to_introductions",
            "write the emoji name without colons: wave, not :wave:",
        ),
        (
            "react_to_introductions: wave",
            "react_to_introductions: 👋",
            "onboarding.react_to_introductions",
            "'👋' is an emoji, not its name: write the name Slack shows when you hover it, "
            "e.g. wave for 👋",
        ),
        (
            "react_to_introductions: wave",
            "react_to_introductions: Wave",
            "onboarding.react_to_introductions",
            "emoji names are lowercase: wave, not Wave",
        ),
        (
            "  skip_guests: true",
            "  skip_guests: maybe",
            "onboarding.skip_guests",
            "must be true or false, not 'maybe'",
        ),
        (
            "  mention_batch_size: 10",
            "  mention_batch_size: 500",
            "onboarding.intro_thread.mention_batch_size",
            "must be at most 50, not 500",
        ),
        (
            "  welcome: automatic",
            "  welcome: manual",
            "onboarding.welcome",
            "must be 'automatic' or 'warm', not 'manual'",
        ),
    ],
)
def test_mistakes_are_explained_in_plain_words(
    tmp_path: Path, old: str, new: str, field: str, message: str
):
    path = broken(tmp_path, old, new)
    assert only_issue(path) == f"{path}:{line_of(old)}: {field}: {message}"


def test_emoji_names_written_with_colons_in_yaml_get_a_hint(tmp_path: Path):
    path = broken(tmp_path, "react_to_introductions: wave", "react_to_introductions: :wave:")
    issue = only_issue(path)
    assert issue.startswith(f"{path}:{line_of('react_to_introductions')}:")
    assert issue.endswith("(write emoji names without colons: wave)")


def test_a_missing_templates_dir_is_an_error(tmp_path: Path):
    path = broken(tmp_path, "  # templates_dir: ./my-templates", "  templates_dir: ./my-templates")
    assert only_issue(path) == (
        f"{path}:{line_of('templates_dir')}: onboarding.templates_dir: the folder "
        f"{tmp_path / 'my-templates'} does not exist (a path relative to community.yml)"
    )


def test_templates_dir_is_relative_to_the_config_file(tmp_path: Path, monkeypatch):
    path = broken(tmp_path, "  # templates_dir: ./my-templates", "  templates_dir: ./my-templates")
    (tmp_path / "my-templates").mkdir()
    monkeypatch.chdir("/")
    assert load_config(path).onboarding.templates_dir == str(tmp_path / "my-templates")


def test_porch_check_compiles_and_renders_every_override(tmp_path: Path):
    path = broken(tmp_path, "  # templates_dir: ./my-templates", "  templates_dir: ./my-templates")
    folder = tmp_path / "my-templates"
    ours = folder / "onboarding"
    ours.mkdir(parents=True)
    (ours / "check_in.j2").write_text("{% call msg.section() %}\nDay {{ days }}\n{% endcall %}\n")
    assert check(path)[0] == 0  # a good override passes

    (ours / "welcome_dm.j2").write_text(
        "{% call msg.section() %}\nHi {{ member.nmae }}!\n{% endcall %}\n"
    )
    (ours / "inactive.j2").write_text("{% if days %}\nWe miss you\n")
    (ours / "nudge_introduce.j2").write_text("{# nothing #}\n")
    (ours / "welcom_dm.j2").write_text("Hi\n")
    (folder / "welcome_dm.j2").write_text("Hi\n")  # where it was before templates/onboarding/

    code, lines = check(path)

    assert code == 2
    assert lines == [
        f"{ours / 'inactive.j2'}:2: onboarding.templates_dir: onboarding/inactive.j2 does not "
        "compile: Unexpected end of template. Jinja was looking for the following tags: 'elif' "
        "or 'else' or 'endif'. The innermost block that needs to be closed is 'if'.",
        f"{ours / 'welcom_dm.j2'}:1: onboarding.templates_dir: warning: onboarding/welcom_dm.j2 "
        "is not a template Porch sends, so it changes nothing (overrides use the names in "
        "Porch's templates/ folder, e.g. app_home.j2)",
        f"{folder / 'welcome_dm.j2'}:1: onboarding.templates_dir: warning: welcome_dm.j2 is not "
        "a template Porch sends, so it changes nothing (overrides use the names in Porch's "
        "templates/ folder, e.g. app_home.j2)",
        f"{ours / 'welcome_dm.j2'}:2: onboarding.templates_dir: onboarding/welcome_dm.j2 fails "
        "with sample data: 'dict object' has no attribute 'nmae'",
        f"{ours / 'nudge_introduce.j2'}:1: onboarding.templates_dir: onboarding/nudge_introduce.j2 "
        "renders an empty message",
    ]
