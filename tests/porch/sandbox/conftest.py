"""Shared fixtures: a running fake workspace and a real slack_sdk client pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from porch.sandbox.slack_api import FakeSlack


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        yield running


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    # No retry handlers: each test opts into the retry behaviour it is about.
    return WebClient(token=fake.bot_token, base_url=fake.api_url, retry_handlers=[])
