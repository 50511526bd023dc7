"""Pure rendering logic: placeholders, missing values and the showcase data file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from porch.core.config import load_config
from porch.site.render import (
    SiteError,
    build_context,
    load_showcase,
    make_environment,
    render_page,
    resolve_config_path,
    resolve_showcase_path,
)
from tests.porch.site.helpers import REPO

CONFIG = load_config(REPO / "community.yml")


def render(source: str) -> str:
    context = build_context(CONFIG, showcase=[])
    return render_page(source, page="site/p.md", context=context, environment=make_environment())


def test_placeholders_fill_from_the_config() -> None:
    assert render("{{ community.name }}: {{ channels.wins | channel }}") == (
        f"{CONFIG.community.name}: **#{CONFIG.channels.wins}**"
    )
    assert render("{{ community.promise.statement }}") == CONFIG.community.promise.statement


def test_whole_number_thresholds_print_without_a_decimal() -> None:
    assert render("{{ thresholds.healthy_participation_pct }}%") == "10%"


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


def test_config_and_showcase_paths(tmp_path: Path) -> None:
    mkdocs_file = tmp_path / "mkdocs.yml"
    assert resolve_config_path(mkdocs_file=mkdocs_file, environ={}) == tmp_path / "community.yml"
    assert resolve_config_path(mkdocs_file=mkdocs_file, environ={"PORCH_CONFIG": "x.yml"}) == (
        Path("x.yml")
    )
    config = tmp_path / "c" / "community.yml"
    assert resolve_showcase_path(config_path=config, environ={}) == tmp_path / "c/showcase.json"
    assert resolve_showcase_path(config_path=config, environ={"PORCH_SHOWCASE": "s.yml"}) == (
        Path("s.yml")
    )


def test_showcase_file_is_optional_and_validated(tmp_path: Path) -> None:
    assert load_showcase(tmp_path / "missing.json") == []
    good = tmp_path / "showcase.yml"
    good.write_text("- {title: T, author: A, text: X, extra_field: ignored}\n", encoding="utf-8")
    assert [entry.title for entry in load_showcase(good)] == ["T"]

    bad = tmp_path / "showcase.json"
    bad.write_text(json.dumps([{"title": "T", "author": "A", "text": "X", "url": "javascript:x"}]))
    with pytest.raises(SiteError, match=r"showcase.json: entry 1: url: must be an http\(s\) link"):
        load_showcase(bad)
    bad.write_text("{not json")
    with pytest.raises(SiteError, match=r"showcase\.json: not valid json"):
        load_showcase(bad)
    bad.write_text('{"title": "T"}')
    with pytest.raises(SiteError, match="expected a list of showcase entries"):
        load_showcase(bad)
