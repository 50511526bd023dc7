"""app.py: the Bolt app, built without noise in the operator's log."""

from __future__ import annotations

import logging

import pytest

from porch.app import build_app


def test_building_the_app_logs_no_library_warning(
    workspace, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")
    with caplog.at_level(logging.DEBUG):
        build_app(porch=workspace.runtime.porch, client=workspace.runtime.client)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_bolt_still_logs_through_the_app_logger(workspace, caplog: pytest.LogCaptureFixture):
    app = build_app(porch=workspace.runtime.porch, client=workspace.runtime.client)
    with caplog.at_level(logging.WARNING):
        app.logger.warning("something Bolt says")
    assert "something Bolt says" in caplog.text
