"""How much does rendering the site from community.yml cost?

Times `porch site build` (porch.site.build.build: MkDocs with our hook, loading the
config and rendering every page through Jinja2) against a bare mkdocs-material
build of the very same Markdown, already rendered, with no hook. Both run in
this process, interleaved, several times; the goal is a ratio of at most 1.2.

    python bench/site_build.py [--repeat N]
"""

from __future__ import annotations

import argparse
import logging
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from mkdocs.commands.build import build as mkdocs_build  # noqa: E402
from mkdocs.config import load_config  # noqa: E402

from porch.site import build as site  # noqa: E402
from porch.site.render import load_renderer  # noqa: E402

GOAL = 1.2


def bare_project(work: Path, config_path: Path) -> Path:
    """The rendered Markdown and an equivalent mkdocs.yml without the hook."""
    settings = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    docs = REPO / settings["docs_dir"]
    renderer = load_renderer(config_path=config_path)
    bare_docs = work / "docs"
    shutil.copytree(docs, bare_docs, ignore=shutil.ignore_patterns("overrides"))
    for page in bare_docs.rglob("*.md"):
        page.write_text(
            renderer.render(page.read_text(encoding="utf-8"), page=str(page)), encoding="utf-8"
        )
    community = renderer.config.community
    settings.pop("hooks")
    settings.pop("exclude_docs")
    settings.update(docs_dir=str(bare_docs), site_name=community.name, site_url=community.site_url)
    settings["theme"]["custom_dir"] = str(docs / "overrides")
    settings.setdefault("extra", {})["social"] = [
        {"icon": "material/link-variant", "link": link.url, "name": link.name}
        for link in community.links
    ]
    mkdocs_file = work / "mkdocs.yml"
    mkdocs_file.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    return mkdocs_file


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--config", type=Path, default=REPO / "community.yml")
    args = parser.parse_args()
    logging.getLogger("mkdocs").setLevel(logging.ERROR)

    with tempfile.TemporaryDirectory(prefix="porch-bench-") as tmp:
        work = Path(tmp)
        bare_file = bare_project(work, args.config)

        def porch_build() -> None:
            site.build(config_path=args.config, site_dir=work / "porch-out")

        def bare_build() -> None:
            mkdocs_build(load_config(str(bare_file), strict=True, site_dir=str(work / "bare-out")))

        # One untimed round each: imports, theme and Jinja caches warm up once.
        porch_build()
        bare_build()
        porch_times, bare_times = [], []
        for _ in range(args.repeat):
            porch_times.append(timed(porch_build))
            bare_times.append(timed(bare_build))

        pages = sorted(p.relative_to(work / "porch-out") for p in work.glob("porch-out/**/*.html"))
        same = pages == sorted(
            p.relative_to(work / "bare-out") for p in work.glob("bare-out/**/*.html")
        )

    porch_median, bare_median = statistics.median(porch_times), statistics.median(bare_times)
    ratio = porch_median / bare_median
    print(f"site build, {args.repeat} runs each (median, min), {len(pages)} HTML files")
    print(f"  porch site build (hook):    {porch_median:.3f} s  {min(porch_times):.3f} s")
    print(f"  bare mkdocs-material build: {bare_median:.3f} s  {min(bare_times):.3f} s")
    print(f"  ratio: {ratio:.2f}x (goal <= {GOAL}x) {'OK' if ratio <= GOAL else 'OVER GOAL'}")
    if not same:
        print("  warning: the two builds produced different sets of pages")


if __name__ == "__main__":
    main()
