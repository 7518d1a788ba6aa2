"""The outage backlog: records wait in order while the database is down and are written once it answers."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from bot.backlog import Backlog
from bot.store import MessageRecord, Store
from bot.store.schema import messages

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def record(n: int) -> MessageRecord:
    return MessageRecord(
        team_id="T1", event_id=f"Ev{n}", channel_id="C1", thread_ts="100.0", ts=f"{100 + n}.0", user_id="UC",
        role="customer", frustration=0.8, curtness=0.1, warmth=0.2, compound=-0.5, cues=("waiting",),
        judgeable=True, frustrated=True, curt=False, created_at=T0,
    )  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store.open(f"sqlite:///{tmp_path / 'k.db'}")
    yield opened
    opened.close()


def stored(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return [row.event_id for row in conn.execute(select(messages.c.event_id).order_by(messages.c.id))]


class Outage:
    """Points the store at a file that cannot be opened, and back."""

    def __init__(self, store: Store) -> None:
        self.store, self.engine = store, store.engine

    def down(self) -> None:
        self.store.engine = create_engine("sqlite:////nonexistent-dir/kindly.db")

    def up(self) -> None:
        self.store.engine.dispose()
        self.store.engine = self.engine


def test_records_wait_while_down_and_are_written_in_order_when_back(store: Store) -> None:
    outage, backlog = Outage(store), Backlog(store, retry_seconds=3600)
    store.record(record(2))  # already stored before the outage: written again it is a no-op, not an error
    outage.down()
    for n in (1, 2, 3):
        assert backlog.keep(record(n))
    assert backlog.flush() == 0 and backlog.pending() == 3
    outage.up()
    assert backlog.flush() == 3 and backlog.pending() == 0
    assert stored(store) == ["Ev2", "Ev1", "Ev3"]


def test_a_full_backlog_drops_and_counts_the_overflow(store: Store) -> None:
    dropped: list[int] = []
    outage, backlog = Outage(store), Backlog(store, max_records=2, retry_seconds=3600, on_dropped=lambda: dropped.append(1))
    outage.down()
    assert [backlog.keep(record(n)) for n in (1, 2, 3)] == [True, True, False]
    assert dropped == [1] and backlog.pending() == 2
    outage.up()
    backlog.flush()
    assert stored(store) == ["Ev1", "Ev2"]


def test_the_writer_thread_retries_until_the_database_answers(store: Store) -> None:
    outage, backlog = Outage(store), Backlog(store, retry_seconds=0.05)
    outage.down()
    backlog.keep(record(1))
    outage.up()
    backlog.nudge()
    deadline = time.monotonic() + 10
    while backlog.pending() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert backlog.pending() == 0 and stored(store) == ["Ev1"]


def test_stopping_during_an_outage_reports_what_is_lost(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    outage, backlog = Outage(store), Backlog(store, retry_seconds=3600)
    outage.down()
    backlog.keep(record(1))
    backlog.keep(record(2))
    assert backlog.stop() == 2
    assert "2 message records were never stored" in caplog.text
    outage.up()
