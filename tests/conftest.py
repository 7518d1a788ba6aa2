"""Shared fixtures: a clean environment, a fake Slack Web API, and the real app served over HTTP."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from kindly_harness import AGENT, AGENT2, CUSTOMER, Running, start_app

from bot.devtools.fake_slack import FakeSlack

_CONTROLLED = ("SLACK_", "KINDLY_", "DATABASE_URL", "PORT", "PHRASEBANK_DIR", "LOG_")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bolt and our config read the environment; tests decide every variable themselves."""
    for name in list(os.environ):
        if name.startswith(_CONTROLLED):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    users = {CUSTOMER: {"name": "Dana Reyes"}, AGENT: {"name": "Sam Lee"}, AGENT2: {"name": "Kim Ito"}}
    with FakeSlack(users=users) as fake:
        yield fake


@pytest.fixture
def running(fake_slack: FakeSlack, tmp_path: Path) -> Iterator[Running]:
    app = start_app(fake_slack, tmp_path / "kindly.db")
    yield app
    app.stop()


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture every log record at DEBUG from every logger, to prove text is never logged."""
    caplog.set_level(logging.DEBUG)
    return caplog
