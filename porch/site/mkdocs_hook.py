"""MkDocs hook: fill the site's Markdown from community.yml before MkDocs parses it.

Referenced from mkdocs.yml (`hooks:`), so a plain `mkdocs build --strict` renders
the same pages as `porch site build`. The rendering itself lives in
porch.site.render; this module only adapts it to MkDocs' events.

State for one build (the loaded config and page context) is kept on that
build's MkDocsConfig, not in this module, because `mkdocs serve` reloads the
config for every rebuild and a module global would go stale.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from porch.core.config import ConfigError
from porch.site.render import SiteError, SiteRenderer, load_renderer, resolve_config_path

# `porch site build` passes its config path through this key; plain `mkdocs`
# never sets it and the hook falls back to PORCH_CONFIG or community.yml.
CONFIG_PATH_KEY = "porch_config_path"
# ... and the store it builds beside (render.SiteStore), for the pages filled from it (the
# showcase); plain `mkdocs` has none.
STORE_KEY = "porch_store"
RENDERER_KEY = "porch_renderer"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    mkdocs_file = Path(config.config_file_path or "mkdocs.yml")
    config_path = config.get(CONFIG_PATH_KEY) or resolve_config_path(
        mkdocs_file=mkdocs_file, environ=os.environ
    )
    try:
        renderer = load_renderer(config_path=Path(config_path), store=config.get(STORE_KEY))
    except (ConfigError, SiteError) as exc:
        raise PluginError(str(exc)) from None
    config[RENDERER_KEY] = renderer
    community = renderer.config.community
    # community.yml is the single source of truth for the name and the address.
    config.site_name = community.name
    if not config.site_url:
        config.site_url = community.site_url
    # What a shared link shows (the description and Open Graph tags, site/overrides/main.html)
    # when a page gives no `description:` of its own: the community's promise.
    if not config.site_description:
        config.site_description = community.promise.statement
    # What the not-found page (site/overrides/404.html) points a lost visitor to.
    config.extra["porch"] = {"home_channel": renderer.config.channels.home}
    config.extra["social"] = [
        {"icon": "material/link-variant", "link": link.url, "name": link.name}
        for link in community.links
    ]
    return config


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Files the features generate for the site (Feature.site_context's `site_files`, name ->
    text), e.g. the calendar feed, added so pages may link to them."""
    renderer: SiteRenderer = config[RENDERER_KEY]
    generated = renderer.context.get("site_files") or {}
    for name, text in generated.items():
        files.append(File.generated(config, str(name), content=str(text)))
    return files


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    renderer: SiteRenderer = config[RENDERER_KEY]
    # Named as from the folder that holds the pages ("site/index.md"), wherever that is.
    base = Path(config.docs_dir).parent
    try:
        name = os.path.relpath(page.file.abs_src_path or page.file.src_uri, base)
    except ValueError:  # another drive on Windows
        name = page.file.src_uri
    try:
        return renderer.render(markdown, page=name)
    except SiteError as exc:
        raise PluginError(str(exc)) from None


def on_serve(server: LiveReloadServer, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
    """Rebuild on config edits too, not just on Markdown edits."""
    renderer: SiteRenderer = config[RENDERER_KEY]
    if renderer.config_path.exists():
        server.watch(str(renderer.config_path))
    return server
