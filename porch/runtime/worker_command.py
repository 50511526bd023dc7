"""`porch worker`: the background work alone, in a process of its own.

`porch serve` starts these itself (porch/runtime/supervisor.py) and answers Slack in its own
process; more can run on other machines against the same PostgreSQL database.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from porch.runtime.settings import Settings


@click.command()
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="community.yml")
@click.option("--wake-fd", type=int, hidden=True, help="A pipe the edge writes to on new work.")
def worker(config_path: Path | None, wake_fd: int | None) -> None:
    """The background work alone: features, effects, scheduled jobs and the tracker.

    `porch serve` starts these itself. Run more on other machines, against the same PostgreSQL
    database, to share the work; they find new work by polling every second.
    """
    from porch.runtime import logs
    from porch.runtime.cli import _load
    from porch.runtime.cli_services import start_runtime
    from porch.runtime.supervisor import listen_for_wakes

    settings = Settings.from_env(config_path=config_path)
    logs.configure(settings)
    runtime = start_runtime(settings, _load(settings), receives_events=False)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    signal.signal(signal.SIGINT, lambda *_: stopping.set())
    if wake_fd is not None:
        listen_for_wakes(fd=wake_fd, wake=runtime.wake_background, parent_gone=stopping.set)
    runtime.start_background()
    try:
        while not stopping.wait(1.0):
            pass
    finally:
        runtime.stop_background()
