"""A small versioned migration scheme on the `kindly_schema_version` table.

Version 1 is the schema in `schema.py`, created whole. A later change appends a step to
`STEPS` (version -> function run inside one transaction) and bumps `SCHEMA_VERSION`; each
start applies the missing steps in order, so old databases catch up and new ones are built
the same way. Several processes starting at once agree because the version row is the
primary key: a second insert of the same version fails and that process re-reads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, Table, func, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from bot.store.schema import SCHEMA_VERSION, messages, metadata, nudges, schema_version, workspace_settings

log = logging.getLogger(__name__)


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, checkfirst=True)


def _v2(conn: Connection) -> None:
    """The digest's first-reply lookup index (schema.py has it, so new databases get it in v1)."""
    _rebuild_if_changed(conn, messages, "ix_messages_thread_role_time")


def _v3(conn: Connection) -> None:
    """The digest's covering indexes: the week index is new, and the thread index gains curt and
    user_id (rebuilt only where it still has the columns of v2)."""
    _rebuild_if_changed(conn, messages, "ix_messages_thread_role_time")
    _rebuild_if_changed(conn, messages, "ix_messages_week")


def _v4(conn: Connection) -> None:
    """The nudge cooldown index gains sent_at, so the last nudge of a thread is one seek."""
    _rebuild_if_changed(conn, nudges, "ix_nudges_target_thread")


def _v5(conn: Connection) -> None:
    """Per-workspace settings (agents, agent group, leads, channels), set by an admin in Slack."""
    workspace_settings.create(conn, checkfirst=True)


def _rebuild_if_changed(conn: Connection, table: Table, name: str) -> None:
    """Create index `name` as schema.py defines it, dropping an older one with other columns."""
    existing = {i["name"]: list(i["column_names"]) for i in inspect(conn).get_indexes(table.name)}
    index = next(i for i in table.indexes if i.name == name)
    if existing.get(name) not in (None, [c.name for c in index.columns]):
        index.drop(conn)
    index.create(conn, checkfirst=True)


STEPS: dict[int, Callable[[Connection], None]] = {1: _v1, 2: _v2, 3: _v3, 4: _v4, 5: _v5}


def current_version(engine: Engine) -> int:
    """The highest applied version, 0 for an empty database."""
    if not inspect(engine).has_table(schema_version.name):
        return 0
    with engine.connect() as conn:
        return int(conn.execute(select(func.max(schema_version.c.version))).scalar() or 0)


def migrate(engine: Engine) -> int:
    """Bring the database to SCHEMA_VERSION; returns the version now in force."""
    schema_version.create(engine, checkfirst=True)
    version = current_version(engine)
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"database schema version {version} is newer than this code ({SCHEMA_VERSION}); upgrade Kindly")
    for target in range(version + 1, SCHEMA_VERSION + 1):
        try:
            with engine.begin() as conn:
                STEPS[target](conn)
                conn.execute(insert(schema_version).values(version=target, applied_at=datetime.now(UTC)))
            log.info("database migrated to schema version %d", target)
        except IntegrityError:
            log.info("schema version %d was applied by another process", target)
    return current_version(engine)
