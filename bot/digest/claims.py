"""Exactly-once digests: the claim is a row under a uniqueness constraint, not a process lock.

Whichever process inserts (team, lead, ISO week) first sends; every other insert fails on the
constraint, on SQLite and PostgreSQL alike, across processes and restarts (DESIGN.md invariant 6).
A claim whose send failed before anything was posted is marked "failed" and may be taken again
by one process, through a conditional UPDATE that only one racer can win.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql.elements import ColumnElement

from bot.store.schema import digest_claims

RETRY_FAILED_AFTER = timedelta(minutes=15)


def _key(team_id: str, lead_id: str, iso_week: str) -> ColumnElement[bool]:
    c = digest_claims.c
    return and_(c.team_id == team_id, c.lead_id == lead_id, c.iso_week == iso_week)


def claim(engine: Engine, team_id: str, lead_id: str, iso_week: str, now: datetime) -> bool:
    """True for exactly one caller per (team, lead, week); False for everyone else."""
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(digest_claims).values(
                    team_id=team_id, lead_id=lead_id, iso_week=iso_week, claimed_at=now, status="claimed"
                )
            )
        return True
    except IntegrityError:
        pass
    with engine.begin() as conn:  # a failed send may be retried, by one process only
        taken = conn.execute(
            update(digest_claims)
            .where(
                _key(team_id, lead_id, iso_week),
                digest_claims.c.status == "failed",
                digest_claims.c.claimed_at <= now - RETRY_FAILED_AFTER,
            )
            .values(status="claimed", claimed_at=now)
        )
        return taken.rowcount == 1


def is_settled(engine: Engine, team_id: str, lead_id: str, iso_week: str, now: datetime) -> bool:
    """A cheap read before trying to claim: already sent, being sent, or failed too recently."""
    c = digest_claims.c
    with engine.connect() as conn:
        row = conn.execute(select(c.status, c.claimed_at).where(_key(team_id, lead_id, iso_week))).first()
    if row is None:
        return False
    if row.status != "failed":
        return True
    claimed_at = row.claimed_at if row.claimed_at.tzinfo else row.claimed_at.replace(tzinfo=now.tzinfo)
    return claimed_at > now - RETRY_FAILED_AFTER


def mark(engine: Engine, team_id: str, lead_id: str, iso_week: str, status: str, now: datetime) -> None:
    """Record how the send ended: "sent" (with sent_at) or "failed" (nothing was posted)."""
    values: dict[str, object] = {"status": status}
    if status == "sent":
        values["sent_at"] = now
    with engine.begin() as conn:
        conn.execute(update(digest_claims).where(_key(team_id, lead_id, iso_week)).values(**values))
