"""A database made by an older Kindly catches up on start."""

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect

from bot.store.migrations import current_version, migrate
from bot.store.schema import SCHEMA_VERSION, messages, metadata, schema_version


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
