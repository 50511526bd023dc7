"""`porch feedback digest`: a month's digest printed as Markdown and saved as HTML."""

from __future__ import annotations

from click.testing import CliRunner

from porch.core.store import connect, migrate
from porch.runtime.cli import main
from tests.conftest import EXAMPLE_CONFIG


def test_porch_feedback_digest_prints_and_saves_a_month(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'porch.db'}",
        "PORCH_CONFIG": str(EXAMPLE_CONFIG),
    }
    engine = connect(env["DATABASE_URL"])
    migrate(engine)  # a store Porch made (the digest never creates one)
    engine.dispose()
    bad = CliRunner().invoke(main, ["feedback", "digest", "--month", "2026-13"], env=env)
    assert bad.exit_code == 2 and "is not YYYY-MM" in bad.output

    out = tmp_path / "digest.html"
    result = CliRunner().invoke(
        main, ["feedback", "digest", "--month", "2026-11", "--out", str(out)], env=env
    )
    assert result.exit_code == 0, result.output
    assert "# Feedback digest: 2026-11" in result.output
    assert "<h1>Feedback digest: 2026-11</h1>" in out.read_text()
