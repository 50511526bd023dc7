"""The demo's showcase: Dana submits her teardown with `/porch share`, Sam approves it, and
the site built afterwards shows it on its Showcase page."""

from __future__ import annotations

from typing import Any

Demo = Any  # porch.sandbox.demo.Demo, which features do not import

SCENES: dict[str, Any] = {}
