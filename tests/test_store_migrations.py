"""A database made by an older Kindly catches up on start."""

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect

from bot.store.migrations import current_version, migrate
from bot.store.schema import SCHEMA_VERSION, messages, metadata, nudges, schema_version


def test_a_version_1_database_gains_the_digest_index(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    # Build the version-1 database as it was: every table, without the index added in version 2.
    index = next(i for i in messages.indexes if i.name == "ix_messages_thread_role_time")
    messages.indexes.discard(index)
    try:
        metadata.create_all(engine)
    finally:
        messages.indexes.add(index)
    with engine.begin() as conn:
        conn.execute(schema_version.insert().values(version=1, applied_at=datetime.now(UTC)))
    assert "ix_messages_thread_role_time" not in {i["name"] for i in inspect(engine).get_indexes("messages")}

    assert migrate(engine) == SCHEMA_VERSION == current_version(engine)
    assert "ix_messages_thread_role_time" in {i["name"] for i in inspect(engine).get_indexes("messages")}


def test_a_version_2_database_gains_the_digest_covering_indexes(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'v2.db'}")
    # The version-2 database: the thread index without curt and user_id, no week index.
    current = {i.name: i for i in messages.indexes if i.name in ("ix_messages_thread_role_time", "ix_messages_week")}
    for index in current.values():
        messages.indexes.discard(index)
    try:
        metadata.create_all(engine)
    finally:
        messages.indexes.update(current.values())
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE INDEX ix_messages_thread_role_time ON messages (team_id, channel_id, thread_ts, role, created_at)"
        )
        for version in (1, 2):
            conn.execute(schema_version.insert().values(version=version, applied_at=datetime.now(UTC)))

    assert migrate(engine) == SCHEMA_VERSION == current_version(engine)
    found = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("messages")}
    for name, index in current.items():
        assert found[name] == [c.name for c in index.columns]


def test_a_version_3_database_gains_sent_at_on_the_nudge_cooldown_index(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'v3.db'}")
    index = next(i for i in nudges.indexes if i.name == "ix_nudges_target_thread")
    nudges.indexes.discard(index)
    try:
        metadata.create_all(engine)
    finally:
        nudges.indexes.add(index)
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE INDEX ix_nudges_target_thread ON nudges (team_id, target_user_id, channel_id, thread_ts)"
        )
        for version in (1, 2, 3):
            conn.execute(schema_version.insert().values(version=version, applied_at=datetime.now(UTC)))

    assert migrate(engine) == SCHEMA_VERSION == current_version(engine)
    found = {i["name"]: i["column_names"] for i in inspect(engine).get_indexes("nudges")}
    assert found["ix_nudges_target_thread"] == ["team_id", "target_user_id", "channel_id", "thread_ts", "sent_at"]
