"""community.yml validation: one clear line per problem, naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from porch.core.config import ConfigError
from porch.features.registry import load_config
from porch.runtime.cli import main
from tests.conftest import EXAMPLE_CONFIG

EXAMPLE = EXAMPLE_CONFIG.read_text()


def broken(tmp_path: Path, old: str, new: str) -> Path:
    assert old in EXAMPLE, old
    path = tmp_path / "community.yml"
    path.write_text(EXAMPLE.replace(old, new, 1))
    return path


def line_of(text: str) -> int:
    return next(i for i, line in enumerate(EXAMPLE.splitlines(), 1) if text in line)


def only_issue(path: Path) -> str:
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    [issue] = caught.value.issues
    return str(issue)


def test_the_example_config_is_valid():
    config = load_config(EXAMPLE_CONFIG)
    assert config.community.promise.statement.startswith("This is the place where ")
    assert config.channels.introductions == "introductions"


def test_an_unknown_timezone_is_named(tmp_path: Path):
    path = broken(tmp_path, "timezone: Europe/Berlin", "timezone: Europe/Berln")
    issue = only_issue(path)
    assert issue.startswith(f"{path}:{line_of('timezone: Europe')}: community.timezone:")
    assert "unknown timezone 'Europe/Berln'" in issue


def test_a_missing_channel_is_named(tmp_path: Path):
    path = broken(tmp_path, "  wins: wins\n", "")
    issue = only_issue(path)
    assert issue == f"{path}:{line_of('channels:')}: channels.wins: required but missing"


def test_broken_yaml_names_its_line(tmp_path: Path):
    path = broken(tmp_path, "  name: Indie Makers Circle", "  name: [Indie Makers")
    assert ":(yaml):" not in only_issue(path)  # the field is replaced by the YAML problem
    assert only_issue(path).startswith(f"{path}:")


def test_a_duplicate_key_is_an_error(tmp_path: Path):
    path = broken(tmp_path, "  home: general\n", "  home: general\n  home: lobby\n")
    assert "duplicate key" in only_issue(path)


def test_porch_check_exits_2_with_one_line_per_problem(tmp_path: Path):
    path = broken(tmp_path, "timezone: Europe/Berlin", "timezone: Mars/Olympus")
    result = CliRunner().invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "community.timezone" in result.output


def test_porch_check_summarises_a_valid_config():
    result = CliRunner().invoke(main, ["check", "--config", str(EXAMPLE_CONFIG)])
    assert result.exit_code == 0, result.output
    assert "Indie Makers Circle: valid" in result.output


def test_a_missing_file_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "nope.yml"
    result = CliRunner().invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 2
    assert result.output == f"{path}: no such file (porch init writes one here; or pass " + (
        "--config PATH or set PORCH_CONFIG)\n"
    )


def test_the_shipped_config_has_no_warnings():
    result = CliRunner().invoke(main, ["check", "--config", str(EXAMPLE_CONFIG)])
    assert result.exit_code == 0
    assert "warning" not in result.output
    config = load_config(EXAMPLE_CONFIG)
    assert config.ambassadors.apply.endswith("or ask any of the team in #general.")


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "    bug: bug",
            "    🐛: bug",
            "feedback.tags.🐛",
            "'🐛' is an emoji, not its name: write the name Slack shows when you hover it, "
            "e.g. wave for 👋",
        ),
        (
            "    bulb: idea",
            "    :bulb: idea",
            "feedback.tags.:bulb",
            "write the emoji name without colons: bulb, not :bulb",
        ),
        (
            "site_url: https://makers.example.org/",
            "site_url: makers.example.org",
            "community.site_url",
            "must be a web address starting with https:// (or http://), e.g. "
            '"https://makers.example.org"',
        ),
        (
            "site_url: https://makers.example.org/",
            "site_url: ftp://makers.example.org/",
            "community.site_url",
            "must be a web address starting with https:// (or http://), e.g. "
            '"https://makers.example.org/"',
        ),
        (
            'time: "09:30"',
            "time: 9:30",
            "rituals[monday-goals].time",
            'time must be HH:MM, e.g. "09:30" (quote it)',
        ),
        (
            'time: "09:30"',
            'time: "9.30am"',
            "rituals[monday-goals].time",
            "time must be HH:MM, e.g. \"09:30\" (quote it), not '9.30am'",
        ),
        (
            "  introductions: introductions",
            "  introductions: '#introductions'",
            "channels.introductions",
            "write the channel name without the #: introductions",
        ),
        (
            "  introductions: introductions",
            "  introductions: #introductions",
            "channels.introductions",
            'is empty: YAML reads everything after " #" as a comment, so quote the value '
            "(or, for a channel, write its name without the #)",
        ),
        (
            "  users: [U0MANAGER1]",
            "  users: [sam]",
            "managers.users.0",
            "must be a Slack member ID such as U0123ABCD, not 'sam' (in Slack: open the "
            "profile, then ⋯ → Copy member ID)",
        ),
        (
            "- id: monday-goals",
            "- id: Monday Goals",
            "rituals[Monday Goals].id",
            "must be lowercase letters, digits and -, e.g. monday-goals, not 'Monday Goals'",
        ),
        (
            "  name: Indie Makers Circle",
            "  name:",
            "community.name",
            "is empty: write a value after the colon",
        ),
        (
            "  invite_url: https://makers.example.org/join",
            "  invite_url: makers.example.org/join",
            "community.invite_url",
            "must be a web address starting with https:// (or http://), e.g. "
            '"https://makers.example.org/join"',
        ),
        (
            "      slack_id: U0MANAGER1",
            "      slack_id: sam",
            "managers.contacts.0.slack_id",
            "must be a Slack member ID such as U0123ABCD, not 'sam' (in Slack: open the "
            "profile, then ⋯ → Copy member ID)",
        ),
        (
            "    - name: Priya Nair",
            "    - name:",
            "managers.contacts.1.name",
            "is empty: write a value after the colon",
        ),
    ],
)
def test_mistakes_are_explained_in_plain_words(
    tmp_path: Path, old: str, new: str, field: str, message: str
):
    path = broken(tmp_path, old, new)
    assert only_issue(path) == f"{path}:{line_of(old)}: {field}: {message}"


def test_valid_emoji_names_pass(tmp_path: Path):
    path = broken(
        tmp_path,
        "    heart: praise",
        '    heart: praise\n    "+1": agree\n    thumbsup::skin-tone-2: thanks',
    )
    path.write_text(
        path.read_text().replace("react_to_introductions: wave", "react_to_introductions:")
    )
    config = load_config(path)
    assert config.onboarding.react_to_introductions is None
    assert {"+1", "thumbsup::skin-tone-2"} <= set(config.feedback.tags)


def check(path: Path) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, ["check", "--config", str(path)])
    return result.exit_code, result.output.splitlines()


def test_text_cut_short_by_an_unquoted_hash_is_a_warning(tmp_path: Path):
    old = '  apply: "Type /porch ambassador in Slack, or ask any of the team in #general."'
    new = "  apply: Type /porch ambassador in Slack, or ask any of the team in #general, today."
    path = broken(tmp_path, old, new)
    # A comment after a one-word value is a comment, not a cut.
    path.write_text(path.read_text().replace("welcome: automatic", "welcome: automatic # or warm"))

    code, lines = check(path)

    assert code == 0  # a warning, not an error: the rest may really be a comment
    assert lines[0] == (
        f"{path}:{line_of(old)}: ambassadors.apply: warning: the text stops before "
        '"#general, today.": YAML reads " #" as the start of a '
        "comment. If the rest belongs to the text, put the whole value in quotes."
    )
    assert "Indie Makers Circle: valid" in lines
    assert (
        load_config(path).ambassadors.apply
        == "Type /porch ambassador in Slack, or ask any of the team in"
    )


def test_contacts_with_a_slack_id_are_managers_too(tmp_path: Path):
    path = broken(
        tmp_path,
        "  users: [U0MANAGER1]\n",
        "",
    )
    config = load_config(path)
    assert config.managers.users == ["U0MANAGER1"]
    assert [c.name for c in config.managers.contacts] == ["Sam Rivera", "Priya Nair"]


def test_contacts_without_any_slack_id_do_not_count_as_managers(tmp_path: Path):
    path = broken(tmp_path, "  users: [U0MANAGER1]\n", "")
    path.write_text(path.read_text().replace("      slack_id: U0MANAGER1\n", ""))
    with pytest.raises(ConfigError, match="contacts with a slack_id"):
        load_config(path)


def test_the_new_site_fields_are_optional(tmp_path: Path):
    path = tmp_path / "community.yml"
    text = EXAMPLE
    for line in (
        "  invite_url: https://makers.example.org/join\n",
        "  anti_harassment: ",
        "  scope: ",
    ):
        start = text.index(line)
        text = text[:start] + text[text.index("\n", start) + 1 :]
    text = text[: text.index("  contacts:")] + text[text.index("\n\n# Channel names") :]
    path.write_text(text)
    config = load_config(path)
    assert config.community.invite_url is None
    assert config.guidelines.anti_harassment is None
    assert config.guidelines.scope.startswith("These guidelines apply everywhere")
    assert config.managers.contacts == []
    assert config.managers.concerns.startswith("If your concern is about a community manager")


def test_a_tab_in_the_indentation_says_to_use_spaces(tmp_path: Path):
    path = broken(tmp_path, "  name: Indie Makers Circle", "\tname: Indie Makers Circle")
    assert only_issue(path) == (
        f"{path}:{line_of('name: Indie Makers Circle')}: (yaml): a tab character: use spaces, "
        "not tabs, to indent"
    )


def test_errors_in_a_ritual_name_it_by_its_id(tmp_path: Path):
    path = broken(tmp_path, "    weekday: friday", "    weekday: fryday")
    issue = only_issue(path)
    assert issue.startswith(f"{path}:{line_of('weekday: friday')}: rituals[friday-wins].weekday: ")


@pytest.mark.parametrize(
    ("old", "new", "field", "suggestion"),
    [
        ("  timezone: Europe/Berlin", "  timezon: Europe/Berlin", "community.timezon", "timezone"),
        ("    weekday: friday", "    wekday: friday", "rituals[friday-wins].wekday", "weekday"),
        ("channels:", "chanels:", "chanels", "channels"),
    ],
)
def test_an_unknown_key_close_to_a_known_one_says_did_you_mean(
    tmp_path: Path, old: str, new: str, field: str, suggestion: str
):
    path = broken(tmp_path, old, new)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    lines = [str(issue) for issue in caught.value.issues]
    expected = f"{path}:{line_of(old)}: {field}: unknown key: did you mean {suggestion}?"
    assert expected in lines, lines


def test_an_unknown_key_far_from_any_known_one_has_no_guess(tmp_path: Path):
    path = broken(tmp_path, "  timezone: Europe/Berlin", "  timezone: Europe/Berlin\n  zzz: 1")
    assert "did you mean" not in only_issue(path)
    assert only_issue(path).endswith(
        "community.zzz: unknown key (check the spelling: see the "
        'README section "Configuration reference")'
    )
