"""`porch site build` and `porch site serve`: MkDocs, driven from Python.

Both go through the project's mkdocs.yml, whose hook (porch/site/mkdocs_hook.py)
fills the pages from community.yml, so `porch site build` and a plain
`mkdocs build --strict` in CI publish the same site.

mkdocs.yml comes from the installed package or the checkout
(porch/core/resources.py). The pages come from site/ in the current folder
when it holds an index.md (what `porch init` writes), so a community edits and
live-previews its own pages, not files inside site-packages; otherwise from the
package's or checkout's site/. The theme overrides (site/overrides/) are the
community's when its site/ has them, else Porch's. mkdocs.yml names its hook by
a path relative to itself, which only exists in a checkout, so Porch hands
MkDocs the path of the hook module it actually imported. Its output goes to
public/ in the current folder, never beside a mkdocs.yml that may sit inside
site-packages.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
import yaml

from porch.core.resources import project_path
from porch.site import mkdocs_hook
from porch.site.mkdocs_hook import CONFIG_PATH_KEY, STORE_KEY
from porch.site.render import CONFIG_ENV, SiteStore

SITE_DIR_ENV = "PORCH_SITE_DIR"
MKDOCS_FILE = project_path("mkdocs.yml")
PAGES_FOLDER = "site"
OVERRIDES_FOLDER = "overrides"
HOOK_FILE = Path(mkdocs_hook.__file__).resolve()
DEFAULT_SITE_DIR = "public"


class SiteBuildError(click.ClickException):
    """The site did not build. The message is what MkDocs and the hook reported, one per line.

    A ClickException so the CLI prints the message without a traceback: every
    failure here is something a manager fixes in a page or in community.yml.
    """


class _Collect(logging.Handler):
    """Keeps MkDocs' warnings and errors so a failed build can say why."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _mkdocs_log(handler: logging.Handler, *, level: int) -> Iterator[None]:
    mkdocs_logger = logging.getLogger("mkdocs")
    previous = mkdocs_logger.level
    mkdocs_logger.addHandler(handler)
    mkdocs_logger.setLevel(level)
    try:
        yield
    finally:
        mkdocs_logger.removeHandler(handler)
        mkdocs_logger.setLevel(previous)


def build(
    *,
    config_path: Path,
    mkdocs_file: Path | None = None,
    site_dir: Path | None = None,
    store: SiteStore | None = None,
) -> Path:
    """Build the site strictly (any warning fails) and return the output directory.

    The output goes to `site_dir`, else $PORCH_SITE_DIR, else public/ in the
    current folder (a custom `mkdocs_file` keeps its own `site_dir`). With a `store`, the pages
    filled from it (the showcase) show that workspace's data; without one they are empty. Raises
    SiteBuildError naming the page and placeholder, or the config line, that
    broke the build.
    """
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    overrides: dict[str, object] = {}
    if mkdocs_file is None:
        overrides.update(_own_site_overrides())
        overrides.update(pages_overrides(Path.cwd()))
    if target := site_dir or os.environ.get(SITE_DIR_ENV):
        overrides["site_dir"] = str(Path(target).resolve())
    collected = _Collect()
    with _mkdocs_log(collected, level=logging.WARNING):
        try:
            mkdocs_config = load_config(str(mkdocs_file or MKDOCS_FILE), strict=True, **overrides)
            mkdocs_config[CONFIG_PATH_KEY] = Path(config_path)
            mkdocs_config[STORE_KEY] = store
            mkdocs_build(mkdocs_config)
        except (Abort, ConfigurationError) as exc:
            # MkDocs adds a bare "Error reading page 'x.md':" before the hook's own line.
            problems = [
                m
                for m in collected.messages
                if not (m.startswith("Error reading page") and m.endswith(":"))
            ]
            raise SiteBuildError("\n".join(problems) or str(exc)) from None
    return Path(mkdocs_config.site_dir)


def serve(*, config_path: Path, port: int, mkdocs_file: Path | None = None) -> None:
    """Serve the site on 127.0.0.1 with live reload until interrupted; it rebuilds when a page
    in the pages folder (own_pages) or community.yml changes.

    MkDocs' dev server reloads mkdocs.yml for every rebuild, so the config path
    reaches the hook through PORCH_CONFIG for the life of the server (restored
    afterwards) rather than through the loaded config as in build().
    """
    from mkdocs.commands.serve import serve as mkdocs_serve
    from mkdocs.exceptions import Abort, ConfigurationError

    console = logging.StreamHandler()
    console.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    previous = os.environ.get(CONFIG_ENV)
    os.environ[CONFIG_ENV] = str(Path(config_path).resolve())
    try:
        with _mkdocs_log(console, level=logging.INFO):
            mkdocs_serve(
                str(mkdocs_file or MKDOCS_FILE),
                dev_addr=f"127.0.0.1:{port}",
                livereload=True,
                **(
                    {}
                    if mkdocs_file
                    else {"hooks": [str(HOOK_FILE)], **pages_overrides(Path.cwd())}
                ),
            )
    except (Abort, ConfigurationError) as exc:
        raise SiteBuildError(f"the site did not build (see the messages above): {exc}") from None
    finally:
        if previous is None:
            os.environ.pop(CONFIG_ENV, None)
        else:
            os.environ[CONFIG_ENV] = previous


def _own_site_overrides() -> dict[str, object]:
    """For Porch's own mkdocs.yml: the hook Porch imported, and public/ in the current folder."""
    return {"hooks": [str(HOOK_FILE)], "site_dir": str(Path.cwd() / DEFAULT_SITE_DIR)}


def own_pages(folder: Path) -> Path | None:
    """`folder`/site/ when it holds the community's own pages (an index.md), else None.

    index.md and not just the folder: `mkdocs build` writes its output to a site/ folder too,
    which has no Markdown in it.
    """
    pages = folder / PAGES_FOLDER
    return pages if (pages / "index.md").is_file() else None


def pages_overrides(folder: Path) -> dict[str, object]:
    """For Porch's own mkdocs.yml: the pages from `folder`/site/ when it has them (own_pages),
    with its theme overrides if it has some and Porch's otherwise. {} when it has none."""
    pages = own_pages(folder)
    if pages is None:
        return {}
    theme = dict(yaml.safe_load(MKDOCS_FILE.read_text(encoding="utf-8"))["theme"])
    custom = pages / OVERRIDES_FOLDER
    if not custom.is_dir():
        custom = project_path(PAGES_FOLDER) / OVERRIDES_FOLDER
    theme["custom_dir"] = str(custom.resolve())
    return {"docs_dir": str(pages.resolve()), "theme": theme}


@contextmanager
def store_beside(database_url: str, team_id: str | None) -> Iterator[SiteStore | None]:
    """The store `porch site build` fills the showcase from: Porch's database (DATABASE_URL,
    else porch.db in the current folder) and its one workspace, or `team_id`. None when there
    is no Porch database there or no workspace yet (the showcase is built empty); never creates
    one. Several workspaces and no `team_id`: SiteBuildError naming them."""
    from sqlalchemy import select
    from sqlalchemy.engine import make_url

    from porch.core.store import connect, is_migrated, migrate
    from porch.core.store.schema import workspaces

    url = make_url(database_url)
    database = url.database or ":memory:"
    if url.get_backend_name() == "sqlite" and (
        database == ":memory:" or not Path(database).exists()
    ):
        yield None
        return
    engine = connect(database_url)
    try:
        if not is_migrated(engine):
            yield None
            return
        migrate(engine)
        with engine.connect() as conn:
            known = list(conn.execute(select(workspaces.c.team_id)).scalars())
        if team_id is not None and team_id not in known:
            raise SiteBuildError(f"no workspace {team_id} in the store: one of {known or 'none'}")
        if team_id is None and len(known) > 1:
            raise SiteBuildError(
                f"the store serves several workspaces: pass --team, one of: {', '.join(known)}"
            )
        chosen = team_id or (known[0] if known else None)
        yield SiteStore(engine=engine, team_id=chosen) if chosen else None
    finally:
        engine.dispose()
