"""The store: schema on start, versioned migrations, retry dedupe, thread facts, mutes, outcomes."""

from __future__ import annotations

import itertools
import os
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.store import MessageRecord, NewNudge, Store, make_engine, migrate
from bot.store.migrations import current_version
from bot.store.schema import SCHEMA_VERSION, messages, metadata, schema_version

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


POSTGRES_URL = os.environ.get("KINDLY_TEST_POSTGRES_URL")  # e.g. postgresql+psycopg://kindly@127.0.0.1/kindly_test


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each store test runs on SQLite, and on PostgreSQL too when KINDLY_TEST_POSTGRES_URL is set."""
    if request.param == "sqlite":
        opened = Store.open(f"sqlite:///{tmp_path / 'k.db'}")
        yield opened
        opened.close()
        return
    if not POSTGRES_URL:
        pytest.skip("set KINDLY_TEST_POSTGRES_URL to run the store tests on PostgreSQL too")
    engine = make_engine(POSTGRES_URL)
    metadata.drop_all(engine)
    opened = Store.open(POSTGRES_URL)
    yield opened
    metadata.drop_all(opened.engine)
    opened.close()
    engine.dispose()


def record(event_id: str, user: str, role: str, minutes: int, thread: str = "100.0", frustration: float = 0.1,
           channel: str = "C1") -> MessageRecord:  # fmt: skip
    return MessageRecord(
        team_id="T1",
        event_id=event_id,
        channel_id=channel,
        thread_ts=thread,
        ts=f"{100 + minutes}.0",
        user_id=user,
        role=role,
        frustration=frustration,
        curtness=0.1,
        warmth=0.5,
        compound=0.0,
        cues=("waiting", "billing"),
        judgeable=True,
        frustrated=frustration >= 0.6,
        curt=False,
        created_at=T0 + timedelta(minutes=minutes),
    )


def test_schema_is_created_and_migration_is_idempotent(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'k.db'}")
    assert current_version(store.engine) == SCHEMA_VERSION
    assert migrate(store.engine) == SCHEMA_VERSION  # a second start changes nothing
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema_version)).scalar() == SCHEMA_VERSION


def test_a_database_newer_than_the_code_is_refused(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(schema_version.insert().values(version=SCHEMA_VERSION + 1, applied_at=T0))
    with pytest.raises(RuntimeError, match="newer than this code"):
        migrate(store.engine)


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'k.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_in_memory_database_is_shared_between_threads() -> None:
    store = Store.open("sqlite://")
    seen: list[bool] = []
    thread = threading.Thread(target=lambda: seen.append(store.record(record("E1", "U1", "customer", 0)) is not None))
    thread.start()
    thread.join()
    assert seen == [True] and store.record(record("E1", "U1", "customer", 0)) is None


def test_same_event_id_is_recorded_once(store: Store) -> None:
    assert store.record(record("Ev1", "UC", "customer", 0)) == []  # stored, no nudges asked for
    assert store.record(record("Ev1", "UC", "customer", 0)) is None  # a retry: nothing written
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(messages)).scalar() == 1


def test_concurrent_inserts_of_one_event_let_exactly_one_through(store: Store) -> None:
    results: list[bool] = []
    lock = threading.Lock()

    def insert() -> None:
        ok = store.record(record("EvRace", "UC", "customer", 0)) is not None
        with lock:
            results.append(ok)

    threads = [threading.Thread(target=insert) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False] * 7 + [True]


def test_thread_summary_tracks_agents_and_unanswered_customers(store: Store) -> None:
    store.record(record("E1", "UC", "customer", 0, frustration=0.2))
    store.record(record("E2", "UA", "agent", 5))
    store.record(record("E3", "UC", "customer", 10, frustration=0.5))
    store.record(record("E4", "UC", "customer", 20, frustration=0.9))
    store.record(record("E5", "UB", "agent", 1, thread="999.0"))  # another thread
    summary = store.thread_summary("T1", "C1", "100.0", before_ts="999999.0")
    assert summary.agents == ("UA",)
    assert summary.unanswered == 2
    assert summary.first_unanswered_at == T0 + timedelta(minutes=10)
    assert summary.last_customer_frustration == 0.9 and summary.last_customer_id == "UC"
    assert store.thread_summary("T2", "C1", "100.0", before_ts="x").agents == ()  # teams stay apart


def test_recent_channel_agents_most_recent_first(store: Store) -> None:
    store.record(record("E1", "UA", "agent", 0))
    store.record(record("E2", "UB", "agent", 10))
    store.record(record("E3", "UC", "customer", 20))
    store.record(record("E4", "UD", "agent", 5, channel="C2"))
    assert store.recent_channel_agents("T1", "C1", 5) == ["UB", "UA"]
    assert store.recent_channel_agents("T1", "C1", 1) == ["UB"]


_nudged_messages = itertools.count(1)


def nudge(store: Store, target: str = "UA", at: datetime = T0) -> int:
    """A frustrated customer message in thread 100.0 of C1, recorded with one nudge for `target`."""
    message = record(f"EvNudge{next(_nudged_messages)}", "UC", "customer", 1, frustration=0.9)
    ids = store.record(message, [NewNudge(target, "frustrated_customer", ("p1", "p2"), ("waiting",), at)])
    assert ids is not None
    return ids[0]


def test_nudge_outcomes_only_by_their_target_and_counted_in_stats(store: Store) -> None:
    first, second, third = nudge(store), nudge(store), nudge(store)
    assert store.set_outcome("T1", first, "UA", "used", T0, "p1") is True
    assert store.set_outcome("T1", second, "USOMEONE", "muted", T0) is False  # not theirs
    store.set_outcome("T1", second, "UA", "not_helpful", T0)
    store.set_outcome("T1", third, "UA", "more", T0)
    store.add_phrase_ids("T1", third, ["p3", "p1"])
    got = store.get_nudge("T1", third)
    assert got is not None and got.phrase_ids == ("p1", "p2", "p3") and got.outcome == "more"
    stats = store.week_stats("T1", "UA", T0 + timedelta(days=1))
    assert (stats.received, stats.used, stats.more, stats.not_helpful, stats.dismissed) == (3, 1, 1, 1, 1)
    assert store.week_stats("T1", "UA", T0 + timedelta(days=8)).received == 0
    with pytest.raises(ValueError):
        store.set_outcome("T1", first, "UA", "loved", T0)


def test_last_nudge_and_delete(store: Store) -> None:
    assert store.last_nudge_at("T1", "UA", "C1", "100.0") is None
    nudge(store, at=T0)
    late = nudge(store, at=T0 + timedelta(minutes=3))
    assert store.last_nudge_at("T1", "UA", "C1", "100.0") == T0 + timedelta(minutes=3)
    store.delete_nudge(late)
    assert store.last_nudge_at("T1", "UA", "C1", "100.0") == T0


def test_mutes_by_thread_by_time_and_until_unmuted(store: Store) -> None:
    store.mute_thread("T1", "UA", "C1", "100.0", T0)
    assert store.is_muted("T1", "UA", "C1", "100.0", T0)
    assert not store.is_muted("T1", "UA", "C1", "200.0", T0)
    assert store.muted_until("T1", "UA", T0) is False  # a thread mute is not a global one

    store.mute_all("T1", "UA", T0 + timedelta(hours=1), T0)
    assert store.is_muted("T1", "UA", "C1", "200.0", T0 + timedelta(minutes=30))
    assert not store.is_muted("T1", "UA", "C1", "200.0", T0 + timedelta(hours=2))
    assert store.muted_until("T1", "UA", T0) == T0 + timedelta(hours=1)

    store.mute_all("T1", "UB", None, T0)
    assert store.muted_until("T1", "UB", T0) is None
    assert store.unmute("T1", "UB") == 1
    assert not store.is_muted("T1", "UB", "C1", "200.0", T0)
    store.unmute("T1", "UA")
    assert store.is_muted("T1", "UA", "C1", "100.0", T0)  # the thread mute stays


def test_nudges_enabled_defaults_on_and_toggles(store: Store) -> None:
    assert store.nudges_enabled("T1", "UA") is True
    store.set_nudges_enabled("T1", "UA", False, T0)
    assert store.nudges_enabled("T1", "UA") is False
    store.set_nudges_enabled("T1", "UA", True, T0)
    assert store.nudges_enabled("T1", "UA") is True
    assert store.nudges_enabled("T2", "UA") is True


def test_nudge_gate_reads_the_same_facts_as_the_three_single_queries(store: Store) -> None:
    def separate(user: str, thread: str, now: datetime) -> tuple[bool, bool, datetime | None]:
        return (
            store.nudges_enabled("T1", user),
            store.is_muted("T1", user, "C1", thread, now),
            store.last_nudge_at("T1", user, "C1", thread),
        )

    def check(user: str, thread: str, now: datetime, expected: tuple[bool, bool, datetime | None]) -> None:
        assert store.nudge_gate("T1", user, "C1", thread, now) == separate(user, thread, now) == expected

    check("UA", "100.0", T0, (True, False, None))  # nothing stored yet
    nudge(store, at=T0)
    nudge(store, at=T0 + timedelta(minutes=3))
    check("UA", "100.0", T0, (True, False, T0 + timedelta(minutes=3)))
    check("UA", "200.0", T0, (True, False, None))
    store.set_nudges_enabled("T1", "UA", False, T0)
    check("UA", "100.0", T0, (False, False, T0 + timedelta(minutes=3)))
    store.set_nudges_enabled("T1", "UA", True, T0)
    store.mute_thread("T1", "UA", "C1", "100.0", T0)
    check("UA", "100.0", T0, (True, True, T0 + timedelta(minutes=3)))
    check("UA", "200.0", T0, (True, False, None))
    store.mute_all("T1", "UB", T0 + timedelta(hours=1), T0)
    check("UB", "200.0", T0 + timedelta(minutes=30), (True, True, None))
    check("UB", "200.0", T0 + timedelta(hours=2), (True, False, None))
    gate = store.nudge_gate("T1", "UA", "C1", "100.0", T0)
    assert gate[2] is not None and gate[2].tzinfo is not None


def test_expired_time_mutes_are_cleared_when_muting_again(store: Store) -> None:
    from bot.store.schema import mutes

    store.mute_all("T1", "UA", T0 + timedelta(hours=1), T0)
    store.mute_all("T1", "UA", T0 + timedelta(hours=5), T0 + timedelta(hours=3))
    with store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(mutes)).scalar() == 1
