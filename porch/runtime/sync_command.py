"""`porch sync [--backfill]`: one tracker cycle (or a rebuild) now, with a progress bar."""

from __future__ import annotations

import sys
from typing import Any

import click

from porch.core.config import Config
from porch.core.store import migrate
from porch.runtime.cli_services import existing_store
from porch.runtime.settings import Settings
from porch.runtime.tracker_sync import backfill, sync_once
from porch.sheets_sync.client import TrackerError


class _ProgressBar:
    """A click progress bar that appears once the first cycle knows how many rows it writes."""

    def __init__(self, label: str) -> None:
        self.label = label
        self._bar: Any = None
        self._shown = 0

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = click.progressbar(length=max(total, 1), label=self.label, file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(done - self._shown)
        self._shown = done

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)


def command(
    *, config: Config, settings: Settings, rebuild: bool, team_id: str | None = None
) -> int:
    """The body of `porch sync [--backfill]`; returns the exit status."""
    engine = existing_store(settings.database_url)
    migrate(engine)
    bar = _ProgressBar("Rebuilding the tracker" if rebuild else "Writing tracker rows")
    run = backfill if rebuild else sync_once
    try:
        report = run(engine=engine, config=config, settings=settings, progress=bar, team_id=team_id)
    except TrackerError as error:
        bar.close()
        click.echo(f"porch sync: {error}", err=True)
        return 1
    finally:
        engine.dispose()
    bar.close()
    click.echo(report.summary())
    return 0
