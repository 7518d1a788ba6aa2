"""Retention: rows older than KINDLY_RETENTION_DAYS are deleted, in small batches.

Batches keep each transaction short, so the app's writes (and other processes) are never
blocked for long on SQLite; running the purge twice at once is harmless.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Column, Engine, Table, delete, select

from bot.store.schema import digest_claims, messages, nudges

BATCH = 5000


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    messages: int
    nudges: int
    digest_claims: int


def _purge(engine: Engine, table: Table, column: Column[datetime], cutoff: datetime) -> int:
    total = 0
    while True:
        ids = select(table.c.id).where(column < cutoff).limit(BATCH).scalar_subquery()
        with engine.begin() as conn:
            deleted = conn.execute(delete(table).where(table.c.id.in_(ids))).rowcount
        total += deleted
        if deleted < BATCH:
            return total


def purge(engine: Engine, retention_days: int, now: datetime) -> PurgeResult:
    """Delete scored messages, nudges and digest claims older than `retention_days`."""
    cutoff = now - timedelta(days=retention_days)
    return PurgeResult(
        cutoff=cutoff,
        messages=_purge(engine, messages, messages.c.created_at, cutoff),
        nudges=_purge(engine, nudges, nudges.c.sent_at, cutoff),
        digest_claims=_purge(engine, digest_claims, digest_claims.c.claimed_at, cutoff),
    )
