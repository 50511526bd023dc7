"""From Slack to the site: an approved submission is on the Showcase page built next (from the
store, that workspace only); withdrawn or erased, it is gone from the build after. Also the
approved-content figure the ambassadors' criteria read, and `porch site build` finding the
store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine

from porch.core.personal_records import erase
from porch.features.registry import build_features, templates
from porch.features.showcase import entries
from porch.features.showcase.ids import Action
from porch.features.showcase.showcase import content_approved
from porch.runtime.cli import main
from porch.sandbox.workspace import SandboxWorkspace
from porch.site import build as site
from porch.site.render import SiteStore
from tests.porch.features.showcase.test_journeys import (
    DANA,
    LINK,
    joined,
    press,
    review_cards,
    share,
    submit,
    the_entry,
)
from tests.porch.site.helpers import HOSTILE_SHOWCASE, article_text, store_with_showcase


def showcase_page(engine: Engine, team_id: str, config_path: Path, out: Path) -> str:
    built = site.build(
        config_path=config_path, site_dir=out, store=SiteStore(engine=engine, team_id=team_id)
    )
    return article_text((built / "showcase" / "index.html").read_text(encoding="utf-8"))


def test_approved_work_reaches_the_site_and_leaves_it_when_withdrawn_or_erased(
    workspace: SandboxWorkspace, tmp_path: Path
):
    from tests.conftest import EXAMPLE_CONFIG

    joined(workspace)
    team = workspace.fake.team_id
    submit(workspace, DANA, share(workspace, DANA), title="Pending piece")
    page = showcase_page(workspace.engine, team, EXAMPLE_CONFIG, tmp_path / "a")
    assert "Nothing here yet" in page and "Pending piece" not in page

    [card] = review_cards(workspace)
    press(workspace, workspace.manager, Action.SHOWCASE_APPROVE, card)
    page = showcase_page(workspace.engine, team, EXAMPLE_CONFIG, tmp_path / "b")
    assert "Pending piece" in page and "By Dana" in page
    # Another workspace's store-mates never show.
    assert "Nothing here yet" in showcase_page(
        workspace.engine, "T0OTHER001", EXAMPLE_CONFIG, tmp_path / "c"
    )
    now = workspace.clock.now()
    with workspace.engine.begin() as conn:
        counted = content_approved(
            conn, team_id=team, since=now - dt.timedelta(days=30), until=now + dt.timedelta(1)
        )
    assert counted == {DANA: 1}

    entry = the_entry(workspace)
    workspace.click(DANA, Action.SHOWCASE_WITHDRAW, value=entry.entry_id)
    workspace.settle()
    assert "Pending piece" not in showcase_page(
        workspace.engine, team, EXAMPLE_CONFIG, tmp_path / "d"
    )


def test_erasure_takes_an_entry_off_the_site_and_export_lists_it(engine: Engine, config, tmp_path):
    from porch.core.personal_records import gather
    from tests.conftest import EXAMPLE_CONFIG

    features = build_features(config=config, templates=templates())
    now = dt.datetime(2026, 11, 2, tzinfo=dt.UTC)
    with engine.begin() as conn:
        entries.create(
            conn,
            team_id="T0ERASE001",
            entry_id="sc-erase",
            author_id=DANA,
            title="Mine to take back",
            url=LINK,
            description="",
            source=None,
            now=now,
        )
        entries.change(
            conn,
            team_id="T0ERASE001",
            entry_id="sc-erase",
            now=now,
            status=entries.APPROVED,
            reviewer_id="U0MANAGER1",
            published_at=now,
        )
        exported = gather(
            conn,
            team_id="T0ERASE001",
            user_id=DANA,
            declarations=features.personal_data,
            retention_days=config.privacy.retention.model_dump(),
        )
    assert any(d["data"] == "showcase_entries" and d["count"] == 1 for d in exported)
    store = SiteStore(engine=engine, team_id="T0ERASE001")
    built = site.build(config_path=EXAMPLE_CONFIG, site_dir=tmp_path / "a", store=store)
    assert "Mine to take back" in (built / "showcase" / "index.html").read_text()
    with engine.begin() as conn:
        erase(
            conn, team_id="T0ERASE001", user_id=DANA, declarations=features.personal_data, now=now
        )
    built = site.build(config_path=EXAMPLE_CONFIG, site_dir=tmp_path / "b", store=store)
    assert "Mine to take back" not in (built / "showcase" / "index.html").read_text()


def test_porch_site_build_reads_the_store_in_the_folder(tmp_path: Path, monkeypatch):
    engine = store_with_showcase(tmp_path, HOSTILE_SHOWCASE)
    engine.dispose()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    from tests.conftest import EXAMPLE_CONFIG

    result = CliRunner().invoke(main, ["site", "build", "--config", str(EXAMPLE_CONFIG)])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "public" / "showcase" / "index.html").read_text(encoding="utf-8")
    assert "Launch teardown" in html and "&lt;script&gt;" in html
    result = CliRunner().invoke(
        main, ["site", "build", "--config", str(EXAMPLE_CONFIG), "--team", "T0NOSUCH01"]
    )
    assert result.exit_code != 0 and "no workspace T0NOSUCH01" in result.output
