"""Pure rendering logic: placeholders and missing values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from porch.features.registry import config_model, load_config
from porch.site.render import (
    SiteError,
    build_context,
    make_environment,
    render_page,
    resolve_config_path,
    timezone_label,
)
from tests.porch.site.helpers import REPO, community_data

CONFIG = load_config(REPO / "community.yml")


def render(source: str) -> str:
    context = build_context(CONFIG)
    return render_page(source, page="site/p.md", context=context, environment=make_environment())


def test_placeholders_fill_from_the_config() -> None:
    assert render("{{ community.name }}: {{ channels.wins | channel }}") == (
        f"{CONFIG.community.name}: **#{CONFIG.channels.wins}**"
    )
    assert render("{{ community.promise.statement }}") == CONFIG.community.promise.statement


def test_whole_number_thresholds_print_without_a_decimal() -> None:
    assert render("{{ thresholds.first_response_hours }} hours") == "4 hours"


def test_calendar_is_in_weekday_order_with_channel_names() -> None:
    rendered = render("{% for r in calendar %}{{ r.weekday }}/{{ r.channel_name }} {% endfor %}")
    assert rendered == "monday/general wednesday/general friday/wins "


def test_emoji_filter_shows_known_glyphs_and_the_name() -> None:
    assert render("{{ 'bug' | emoji }} {{ 'llama' | emoji }}") == "🐛 `:bug:` `:llama:`"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("ok\n\n{{ comunity.name }}", "site/p.md:3: unknown placeholder 'comunity'"),
        ("{{ community.nmae }}", "site/p.md:1: unknown placeholder 'community.nmae'"),
        (
            "{% for r in rituals %}\n{{ r.nam }}\n{% endfor %}",
            "site/p.md:2: unknown placeholder 'rituals[0].nam'",
        ),
        ("{{ rituals[9] }}", "site/p.md:1: unknown placeholder 'rituals[9]'"),
        (
            "x\n{{ managers.usergroup }}",
            "site/p.md:2: placeholder 'managers.usergroup' has no value in community.yml",
        ),
        ("{{ community.name", "site/p.md:1: template error: unexpected end of template"),
    ],
)
def test_template_errors_name_page_line_and_placeholder(source: str, message: str) -> None:
    with pytest.raises(SiteError) as failure:
        render(source)
    assert str(failure.value).startswith(message)


def test_optional_values_can_be_tested_with_is_defined() -> None:
    assert render("{{ 'set' if managers.usergroup is defined else 'unset' }}") == "unset"


def test_the_config_path(tmp_path: Path) -> None:
    mkdocs_file = tmp_path / "mkdocs.yml"
    assert resolve_config_path(mkdocs_file=mkdocs_file, environ={}) == tmp_path / "community.yml"
    assert resolve_config_path(mkdocs_file=mkdocs_file, environ={"PORCH_CONFIG": "x.yml"}) == (
        Path("x.yml")
    )


def render_site_page(name: str, **changes: dict[str, Any]) -> str:
    """A real page from site/, rendered from the example config with some sections changed."""
    data = community_data()
    for section, values in changes.items():
        data[section] = {**data[section], **values}
    config = config_model().model_validate(data)
    return render_page(
        (REPO / "site" / name).read_text(encoding="utf-8"),
        page=f"site/{name}",
        context=build_context(config),
        environment=make_environment(),
    )


def test_join_button_appears_only_with_an_invite_link() -> None:
    shown = render_site_page("index.md", community={"invite_url": "https://knit.example.org/join"})
    assert "[Join the community](https://knit.example.org/join){ .md-button" in shown
    data = community_data()
    data["community"].pop("invite_url", None)
    hidden = render_page(
        (REPO / "site" / "index.md").read_text(encoding="utf-8"),
        page="site/index.md",
        context=build_context(config_model().model_validate(data)),
        environment=make_environment(),
    )
    assert "Join the community" not in hidden
    assert "Join the community" not in render_site_page("index.md", community={"invite_url": ""})


def test_ritual_times_carry_their_timezone() -> None:
    home = render_site_page("index.md", community={"timezone": "America/New_York"})
    assert "Tuesday at 07:15 New York time" in home
    assert "America/New_York" in home
    calendar = render_site_page("getting-started.md")
    assert "| 07:15 Berlin time |" in calendar


@pytest.mark.parametrize(
    ("zone", "label"),
    [
        ("Europe/Berlin", "Berlin time"),
        ("America/Argentina/Buenos_Aires", "Buenos Aires time"),
        ("UTC", "UTC"),
        ("Etc/GMT+5", "Etc/GMT+5"),
    ],
)
def test_timezone_label(zone: str, label: str) -> None:
    assert timezone_label(zone) == label


def test_managers_appear_by_name_with_how_to_raise_a_concern() -> None:
    managers = {
        "users": ["U0MANAGER1"],
        "contacts": [
            {"name": "Ines Okafor", "slack_id": "U0INES", "role": "Community lead"},
            {"name": "Tom Berg"},
        ],
        "concerns": "Concerns about a manager go to trust@knit.example.org.",
    }
    guidelines = render_site_page("guidelines.md", managers=managers)
    assert "- **Ines Okafor**, Community lead\n- **Tom Berg**\n" in guidelines
    assert "U0INES" not in guidelines and "U0MANAGER1" not in guidelines
    assert "Concerns about a manager go to trust@knit.example.org." in guidelines
    faq = render_site_page("faq.md", managers=managers)
    assert "The team is Ines Okafor (Community lead) and Tom Berg." in faq
    assert "U0INES" not in faq


def test_without_contacts_the_concern_path_still_shows() -> None:
    data = community_data()
    data["managers"] = {"users": ["U0MANAGER1"]}
    guidelines = render_page(
        (REPO / "site" / "guidelines.md").read_text(encoding="utf-8"),
        page="site/guidelines.md",
        context=build_context(config_model().model_validate(data)),
        environment=make_environment(),
    )
    assert "Who you can contact" not in guidelines
    assert "U0MANAGER1" not in guidelines
    assert "If your concern is about a community manager, tell another manager" in guidelines


def test_guidelines_state_their_scope_and_the_anti_harassment_rule() -> None:
    page = render_site_page(
        "guidelines.md",
        guidelines={
            "scope": "These rules cover the knitting channels and our yarn fairs.",
            "anti_harassment": "Harassing anyone gets you removed the same day.",
        },
    )
    assert (
        "## Where they apply\n\nThese rules cover the knitting channels and our yarn fairs." in page
    )
    assert "Harassing anyone gets you removed the same day." in page
    assert page.index("Harassing anyone") < page.index("Zebra rule comes first")


def test_guidelines_scope_has_a_default_and_the_harassment_rule_is_optional() -> None:
    data = community_data()
    for key in ("scope", "anti_harassment"):
        data["guidelines"].pop(key, None)
    page = render_page(
        (REPO / "site" / "guidelines.md").read_text(encoding="utf-8"),
        page="site/guidelines.md",
        context=build_context(config_model().model_validate(data)),
        environment=make_environment(),
    )
    assert "These guidelines apply everywhere in the community" in page
    assert "No harassment" not in page
