"""Shared fixtures: a clean environment, a fake Slack Web API, and the real app served over HTTP."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from kindly_harness import AGENT, AGENT2, CUSTOMER, POSTGRES_SKIP, POSTGRES_URL, Running, fresh_postgres_schema, start_app

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


def pytest_configure(config: pytest.Config) -> None:
    if not POSTGRES_URL:
        config.issue_config_time_warning(pytest.PytestWarning(POSTGRES_SKIP), stacklevel=2)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line, always, saying whether the PostgreSQL variants ran: a silent skip would hide it."""
    counts = {}
    for outcome in ("passed", "failed", "error", "skipped"):
        reports = terminalreporter.stats.get(outcome, [])
        counts[outcome] = sum(1 for r in reports if "postgresql" in getattr(r, "nodeid", "") and r.when != "teardown")
    if POSTGRES_URL:
        where = POSTGRES_URL.rsplit("@", 1)[-1]  # host/db only, never a password
        summary = ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n)
        terminalreporter.write_line(f"PostgreSQL variant ran against {where}: {summary or 'no tests'}", green=True)
    else:
        terminalreporter.write_line(
            f"!!! {POSTGRES_SKIP}: {counts['skipped']} test(s) ran on SQLite only !!!", yellow=True, bold=True
        )


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """ "sqlite" unless a module parametrizes it (indirect) over `kindly_harness.BACKENDS`."""
    return str(getattr(request, "param", "sqlite"))


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database for one test: a SQLite file, or a new PostgreSQL schema."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'kindly.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip(POSTGRES_SKIP)
    with fresh_postgres_schema(POSTGRES_URL) as url:
        yield url


@pytest.fixture
def running(fake_slack: FakeSlack, db_url: str) -> Iterator[Running]:
    app = start_app(fake_slack, db_url)
    yield app
    app.stop()


@pytest.fixture
def all_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture every log record at DEBUG from every logger, to prove text is never logged."""
    caplog.set_level(logging.DEBUG)
    return caplog
