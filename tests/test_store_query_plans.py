"""The per-message queries seek one thread's rows; they never walk a whole team's history.

Without statistics SQLite's planner likes the (team_id, time) indexes for ORDER BY and max(),
which turns a lookup of a thread's few rows into a walk over every message the team ever
sent: fine in a test, ruinous at a million rows. The plans are read, not timed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.sql import Executable

from bot.store import Store, repo

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
PARAMS = {
    "team_id": "T1",
    "channel_id": "C1",
    "thread_ts": "1.0",
    "before_ts": "2.0",
    "user_id": "U1",
    "now": NOW,
    "limit": 3,
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'plans.db'}")
    yield opened
    opened.close()


def plan(store: Store, statement: Executable) -> list[str]:
    compiled = statement.compile(dialect=store.engine.dialect)
    values = compiled.construct_params(PARAMS)
    processors = compiled._bind_processors
    ordered = []
    for name in compiled.positiontup or []:
        value = values[name]
        ordered.append(processors[name](value) if name in processors else value)
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", tuple(ordered)).all()
    return [row[-1] for row in rows]


def test_a_threads_rows_are_found_through_the_thread_index(store: Store) -> None:
    steps = plan(store, repo._THREAD_ROWS)
    assert any("ix_messages_thread" in step for step in steps), steps
    assert not any("ix_messages_team_time" in step or "ix_messages_week" in step for step in steps), steps


def test_the_nudge_gate_seeks_the_agents_thread_and_never_walks_the_team(store: Store) -> None:
    steps = plan(store, repo._GATE)
    assert any("ix_nudges_target_thread" in step for step in steps), steps
    assert not any("ix_nudges_team_time" in step for step in steps), steps
    assert not any(step.startswith("SCAN") and "CONSTANT ROW" not in step for step in steps), steps


def test_recent_channel_agents_read_one_channel_only(store: Store) -> None:
    steps = plan(store, repo._RECENT_CHANNEL_AGENTS)
    assert any("(team_id=? AND channel_id=?" in step for step in steps), steps
