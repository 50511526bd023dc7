"""The built site says what community.yml says, and broken pages fail the build loudly."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from porch.runtime.cli import main
from porch.site import build as site
from tests.porch.site.helpers import REPO, article_text, community_data, write_config

PAGES = [
    "",
    "guidelines",
    "getting-started",
    "feedback",
    "ugc",
    "ambassadors",
    "showcase",
    "faq",
    "privacy",
]


def _positions(text: str, needles: list[str]) -> list[int]:
    found = [text.find(needle) for needle in needles]
    assert -1 not in found, [n for n, at in zip(needles, found, strict=True) if at == -1]
    return found


def test_every_page_is_built_at_its_stable_url(built_site: Path) -> None:
    for url in PAGES:
        assert (built_site / url / "index.html").is_file(), url


def test_site_name_links_and_address_come_from_the_config(page: Callable[[str], str]) -> None:
    home = page("")
    assert "<title>Harbour Knitters</title>" in home
    assert 'href="https://makers.example.org/newsletter"' in home
    assert '<link rel="canonical" href="https://makers.example.org/">' in home


def test_guidelines_list_the_rules_in_order_and_the_ladder(page: Callable[[str], str]) -> None:
    text = article_text(page("guidelines"))
    at = _positions(
        text,
        [
            "1. Zebra rule comes first",
            "Stripes before solids, always.",
            "2. Alpaca rule is second",
            "3. Yak rule closes the list",
        ],
    )
    assert at == sorted(at)
    data = community_data()
    steps = [step["step"] for step in data["guidelines"]["consequences"]]
    assert _positions(text, steps) == sorted(_positions(text, steps))
    assert data["guidelines"]["reporting"] in text
    assert 'id="rule-1"' in page("guidelines")


def test_getting_started_lists_channels_and_the_rituals_calendar(
    page: Callable[[str], str],
) -> None:
    html = page("getting-started")
    text = article_text(html)
    for name in ("#harbour-lounge", "#say-hello", "#yarn-feedback", "#cast-off"):
        assert name in text
    assert "Join the channels most members start with: #say-hello, #cast-off." in text
    # Calendar rows in weekday order, each with its day, time, channel and prompt.
    rows = re.findall(
        r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", html
    )
    lounge = "<strong>#harbour-lounge</strong>"
    tuesday = ("Tuesday", "07:15 Berlin time", "Tension Tuesday", lounge)
    sunday = ("Sunday", "18:45 Berlin time", "Swatch Sunday", "<strong>#cast-off</strong>")
    assert tuesday in rows and sunday in rows
    assert rows.index(tuesday) < rows.index(sunday)
    # A "|" in a prompt stays inside its table cell.
    assert "Show the swatch | you tested this week." in text
    assert "Europe/Berlin" in text


def test_feedback_page_maps_each_emoji_to_its_tag(page: Callable[[str], str]) -> None:
    html = page("feedback")
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*</tr>", html)
    assert rows == [
        ("🐛 <code>:bug:</code>", "dropped-stitch"),
        ("💡 <code>:bulb:</code>", "pattern-idea"),
        ("<code>:llama:</code>", "misc"),
    ]
    assert "within 4 hours" in article_text(html)


def test_ambassador_page_has_every_field(page: Callable[[str], str]) -> None:
    text = article_text(page("ambassadors"))
    ambassadors = community_data()["ambassadors"]
    for value in (
        *ambassadors["criteria"],
        *ambassadors["offer"],
        *ambassadors["commitment"],
        ambassadors["cadence"],
        ambassadors["apply"],
        "a first group of 7 ambassadors",
        "#ambassadors",
    ):
        assert value in text


def test_the_managers_guide_defines_the_figures_by_their_settings() -> None:
    """What the community team reads is in docs/managers.md, named by its config keys."""
    text = " ".join((REPO / "docs" / "managers.md").read_text(encoding="utf-8").split())
    for phrase in (
        "a score of `health.healthy_score` (60) or more",
        "below `health.stagnant_score` (40)",
        "between 10% and 30%",
        "Returning engagers",
        "at least two different days",
        "`feedback.response_hours` hours (4)",
        "Dashboard",
        "Members",
        "Feedback",
        "Wins",
        "Health",
        "/healthz",
        "Time to first response",
        "Retention",
        "Contribution density",
        "Referral rate",
        "NPS",
        "`health.replies_per_1000_target` (25) replies",
        "No message text is kept",
    ):
        assert phrase in text, phrase
    assert "{{" not in text and "{%" not in text  # plain Markdown: nothing fills it in
    # Only what Porch works out: none of the figures it does not compute.
    for absent in ("Net promoter", "ambassador", "follower"):
        assert absent.lower() not in text.lower(), absent
    assert "(docs/managers.md)" in (REPO / "README.md").read_text(encoding="utf-8")


def test_the_newcomer_site_has_no_managers_page(built_site: Path, page: Callable[[str], str]):
    assert not (built_site / "metrics").exists()
    assert not (REPO / "site" / "metrics.md").exists()
    for url in PAGES:
        html = page(url)
        assert "metrics/" not in html and "For managers" not in html, url
        assert "porch-footer-nav" not in html, url
    assert "<nav" in page("") and 'class="md-tabs' in page("")


def test_footer_links_have_a_visible_label(page: Callable[[str], str]) -> None:
    footer = re.search(r'<div class="md-social">.*?</div>', page(""), re.S)
    assert footer
    assert re.search(r'<span class="porch-social__label">\s*Newsletter\s*</span>', footer.group(0))


def test_member_pages_do_not_talk_about_porch(page: Callable[[str], str]) -> None:
    for url in PAGES:
        text = article_text(page(url)).lower()
        # They name the commands members type, nothing else.
        if url == "privacy":
            text = text.replace("/porch my-data", "").replace("/porch forget-me", "")
        if url == "ugc":
            text = text.replace("/porch share", "")
        if url == "ambassadors":  # the command to apply
            text = text.replace("/porch ambassador", "")
        assert "porch" not in text, url


def test_showcase_escapes_member_text(page: Callable[[str], str]) -> None:
    html = page("showcase")
    assert "&lt;script&gt;alert(" in html
    assert "<script>alert(" not in html
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt;" in html
    assert "javascript:" not in html.replace("[click me](javascript:alert(1))", "")
    assert 'href="javascript' not in html
    # Member text is never treated as a template either.
    assert "{{ community.name }}" in html
    assert 'href="https://ada.example.org/teardown"' in html
    assert "4 March 2026" in html
    # Paragraphs in member text become paragraphs, not visible tags.
    assert "<p>We cut the form to two fields.</p><p>[click me]" in html
    assert "Nothing here yet" not in html
    # A withdrawn entry is in the store, never on the page.
    assert "Taken back" not in html


def test_showcase_has_an_empty_state(tmp_path: Path) -> None:
    output = site.build(config_path=write_config(tmp_path), site_dir=tmp_path / "out")
    text = article_text((output / "showcase" / "index.html").read_text(encoding="utf-8"))
    assert "Nothing here yet" in text


def _site_copy(tmp_path: Path) -> Path:
    """A private copy of mkdocs.yml and site/ so a test can break a page."""
    shutil.copytree(REPO / "site", tmp_path / "site")
    settings = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    settings["hooks"] = [str(REPO / "porch" / "site" / "mkdocs_hook.py")]
    mkdocs_file = tmp_path / "mkdocs.yml"
    mkdocs_file.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return mkdocs_file


def test_unknown_placeholder_fails_naming_page_and_placeholder(tmp_path: Path) -> None:
    mkdocs_file = _site_copy(tmp_path)
    page = tmp_path / "site" / "guidelines.md"
    page.write_text(page.read_text() + "\nAsk {{ community.managr }}.\n", encoding="utf-8")
    line = page.read_text().count("\n")
    with pytest.raises(site.SiteBuildError) as failure:
        site.build(
            config_path=write_config(tmp_path), mkdocs_file=mkdocs_file, site_dir=tmp_path / "out"
        )
    assert failure.value.message == (
        f"site/guidelines.md:{line}: unknown placeholder 'community.managr'"
    )


def test_placeholder_without_a_value_fails(tmp_path: Path) -> None:
    mkdocs_file = _site_copy(tmp_path)
    page = tmp_path / "site" / "faq.md"
    page.write_text("# FAQ\n\nGroup: {{ managers.usergroup }}\n", encoding="utf-8")
    with pytest.raises(site.SiteBuildError) as failure:
        site.build(
            config_path=write_config(tmp_path), mkdocs_file=mkdocs_file, site_dir=tmp_path / "out"
        )
    assert failure.value.message == (
        "site/faq.md:3: placeholder 'managers.usergroup' has no value in community.yml"
    )


def test_broken_config_fails_with_the_config_line(tmp_path: Path) -> None:
    data = community_data()
    del data["guidelines"]["reporting"]
    config_path = write_config(tmp_path, data)
    with pytest.raises(site.SiteBuildError) as failure:
        site.build(config_path=config_path, site_dir=tmp_path / "out")
    assert re.fullmatch(
        rf"{re.escape(str(config_path))}:\d+: guidelines.reporting: required but missing",
        failure.value.message,
    )


def test_plain_mkdocs_strict_build_reports_both_kinds_of_error(tmp_path: Path) -> None:
    """What CI runs: `mkdocs build --strict`, finding the config through PORCH_CONFIG."""
    mkdocs_file = _site_copy(tmp_path)
    page = tmp_path / "site" / "ugc.md"
    page.write_text("# UGC\n\n{{ chanels.wins }}\n", encoding="utf-8")
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(mkdocs_file)]
    env = {**os.environ, "PORCH_CONFIG": str(write_config(tmp_path)), "NO_MKDOCS_2_WARNING": "1"}
    run = subprocess.run(mkdocs, env=env, capture_output=True, text=True, check=False)
    assert run.returncode != 0
    assert "site/ugc.md:3: unknown placeholder 'chanels'" in run.stderr

    broken = tmp_path / "broken.yml"
    broken.write_text("community:\n  name: X\n  nmae: Y\n", encoding="utf-8")
    run = subprocess.run(
        mkdocs, env={**env, "PORCH_CONFIG": str(broken)}, capture_output=True, text=True
    )
    assert run.returncode != 0
    assert f"{broken}:3: community.nmae: unknown key" in run.stderr


def test_porch_site_build_through_the_cli(tmp_path: Path) -> None:
    config_path = write_config(tmp_path)
    out = tmp_path / "public"
    result = CliRunner().invoke(
        main,
        ["site", "build", "--config", str(config_path)],
        env={"PORCH_SITE_DIR": str(out)},
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Site built: {out}/index.html"
    assert "Zebra rule comes first" in (out / "guidelines" / "index.html").read_text()


def test_porch_site_build_cli_reports_a_broken_config(tmp_path: Path) -> None:
    data = community_data()
    data["rituals"][0]["weekday"] = "funday"
    config_path = write_config(tmp_path, data)
    result = CliRunner().invoke(
        main,
        ["site", "build", "--config", str(config_path)],
        env={"PORCH_SITE_DIR": str(tmp_path / "public")},
    )
    assert result.exit_code == 1
    assert re.search(
        rf"Error: {re.escape(str(config_path))}:\d+: rituals\[[a-z0-9-]+\]\.weekday: ",
        result.output,
    )
    assert not (tmp_path / "public" / "index.html").exists()
