"""Repository functions over the shared schema. Every query is scoped by team_id.

Nothing here accepts message text: the records carry IDs, timestamps, scores and cue names
(DESIGN.md invariant 2), so text cannot reach the database by accident.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection, Engine, and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.engine import make_engine
from bot.store.migrations import migrate
from bot.store.schema import messages, mutes, nudges, user_settings

OUTCOMES = ("none", "used", "more", "not_helpful", "muted")


def _aware(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back naive; everything Kindly stores is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class MessageRecord:
    team_id: str
    event_id: str
    channel_id: str
    thread_ts: str
    ts: str
    user_id: str
    role: str  # "customer" | "agent"
    frustration: float
    curtness: float
    warmth: float
    compound: float
    cues: tuple[str, ...]
    judgeable: bool
    frustrated: bool
    curt: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class NewNudge:
    """A nudge about to be shown for a recorded message (its team, channel and thread are the message's)."""

    target_user_id: str
    kind: str
    phrase_ids: tuple[str, ...]
    cues: tuple[str, ...]
    sent_at: datetime


@dataclass(frozen=True, slots=True)
class ThreadSummary:
    """What the thread so far says, without any text: who helped, who waits, how upset."""

    agents: tuple[str, ...]  # agents who wrote in the thread, first to join first
    unanswered: int  # customer messages since the last agent reply
    first_unanswered_at: datetime | None
    last_customer_frustration: float | None
    last_customer_id: str | None
    last_customer_cues: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class NudgeRecord:
    id: int
    team_id: str
    channel_id: str
    thread_ts: str
    message_ts: str
    target_user_id: str
    kind: str
    phrase_ids: tuple[str, ...]
    cues: tuple[str, ...]
    sent_at: datetime
    outcome: str


@dataclass(frozen=True, slots=True)
class WeekStats:
    received: int
    used: int
    more: int
    not_helpful: int
    muted: int

    @property
    def dismissed(self) -> int:
        return self.not_helpful + self.muted


def _join(items: Iterable[str]) -> str:
    return ",".join(items)[:512]


def _split(raw: str | None) -> tuple[str, ...]:
    return tuple(part for part in (raw or "").split(",") if part)


# The statements of the per-message path, built once with bound parameters: SQLAlchemy then
# skips rebuilding the expression tree on every message (its compiled-SQL cache already
# skips recompiling). Each reads exactly like the per-call form it replaced.

_INSERT_MESSAGE = insert(messages)
_INSERT_NUDGE = insert(nudges)

# No ORDER BY: given one, SQLite walks the team's time index in order instead of seeking the
# thread's few rows (a cost that grows with the team's history). `thread_summary` sorts them.
_THREAD_ROWS = select(
    messages.c.created_at,
    messages.c.id,
    messages.c.user_id,
    messages.c.role,
    messages.c.frustration,
    messages.c.cues,
).where(
    messages.c.team_id == bindparam("team_id"),
    messages.c.channel_id == bindparam("channel_id"),
    messages.c.thread_ts == bindparam("thread_ts"),
    messages.c.ts != bindparam("before_ts"),
)

_RECENT_CHANNEL_AGENTS = (
    select(messages.c.user_id, func.max(messages.c.created_at).label("last"))
    .where(
        messages.c.team_id == bindparam("team_id"),
        messages.c.channel_id == bindparam("channel_id"),
        messages.c.role == "agent",
    )
    .group_by(messages.c.user_id)
    .order_by(func.max(messages.c.created_at).desc())
    .limit(bindparam("limit"))
)

_NUDGES_ENABLED = select(user_settings.c.nudges_enabled).where(
    user_settings.c.team_id == bindparam("team_id"), user_settings.c.user_id == bindparam("user_id")
)

_MUTED = select(func.count()).where(
    mutes.c.team_id == bindparam("team_id"),
    mutes.c.user_id == bindparam("user_id"),
    or_(
        and_(mutes.c.channel_id == bindparam("channel_id"), mutes.c.thread_ts == bindparam("thread_ts")),
        and_(
            mutes.c.thread_ts.is_(None),
            or_(mutes.c.until.is_(None), mutes.c.until > bindparam("now", type_=mutes.c.until.type)),
        ),
    ),
)

_LAST_NUDGE_AT = select(func.max(nudges.c.sent_at)).where(
    nudges.c.team_id == bindparam("team_id"),
    nudges.c.target_user_id == bindparam("user_id"),
    nudges.c.channel_id == bindparam("channel_id"),
    nudges.c.thread_ts == bindparam("thread_ts"),
)

# The three facts `nudge_gate` needs, in one round trip.
_GATE = select(
    _NUDGES_ENABLED.scalar_subquery().label("enabled"),
    _MUTED.scalar_subquery().label("muted"),
    _LAST_NUDGE_AT.scalar_subquery().label("last_nudged_at"),
)


class Store:
    """The app's persistence; one instance per process, safe to share between threads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # SQLite allows one writer at a time. Threads of this process that collide on its write
        # lock are put to sleep by SQLite's busy handler (1, 2, 5, 10... ms, polling), which under
        # load cost more than the writes themselves; queueing them on a lock here hands the turn
        # over at once. Other processes are still kept apart by SQLite's lock and busy timeout.
        self._write_lock = threading.Lock() if engine.dialect.name == "sqlite" else None

    @contextmanager
    def _write(self, conn: Connection | None = None) -> Iterator[Connection]:
        """A write transaction, one at a time in this process on SQLite; on `conn` when given.

        The lock covers the transaction only, not the pool's checkout and reset-on-return.
        """
        with self._reading(conn) as using:
            if using.in_transaction():  # the reads before it autobegan one; the write starts afresh
                using.commit()
            with self._write_lock or nullcontext(), using.begin():
                yield using

    @contextmanager
    def _reading(self, conn: Connection | None) -> Iterator[Connection]:
        if conn is not None:
            yield conn
            return
        with self.engine.connect() as fresh:
            yield fresh

    def connection(self) -> AbstractContextManager[Connection]:
        """One pooled connection for several calls (pass it as `conn=`): the message path's reads
        and its write share it instead of checking one out for each."""
        return self.engine.connect()

    @classmethod
    def open(cls, url: str) -> Store:
        """Connect and bring the schema up to date (created on first start)."""
        engine = make_engine(url)
        migrate(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    # messages -------------------------------------------------------------------------------

    def record(
        self, rec: MessageRecord, new_nudges: Sequence[NewNudge] = (), *, conn: Connection | None = None
    ) -> list[int] | None:
        """Insert a scored message and the nudges it earned in one transaction; the nudges' ids.

        None means this event_id was already handled (a Slack retry): nothing is written.
        """
        values = {
            "team_id": rec.team_id,
            "event_id": rec.event_id,
            "channel_id": rec.channel_id,
            "thread_ts": rec.thread_ts,
            "ts": rec.ts,
            "user_id": rec.user_id,
            "role": rec.role,
            "frustration": rec.frustration,
            "curtness": rec.curtness,
            "warmth": rec.warmth,
            "compound": rec.compound,
            "cues": _join(rec.cues),
            "judgeable": rec.judgeable,
            "frustrated": rec.frustrated,
            "curt": rec.curt,
            "created_at": rec.created_at,
        }
        try:
            with self._write(conn) as tx:
                tx.execute(_INSERT_MESSAGE, values)
                return [self._insert_nudge(tx, rec, nudge) for nudge in new_nudges]
        except IntegrityError:
            return None

    @staticmethod
    def _insert_nudge(tx: Connection, rec: MessageRecord, nudge: NewNudge) -> int:
        values = {
            "team_id": rec.team_id,
            "channel_id": rec.channel_id,
            "thread_ts": rec.thread_ts,
            "message_ts": rec.ts,
            "target_user_id": nudge.target_user_id,
            "kind": nudge.kind,
            "phrase_ids": _join(nudge.phrase_ids),
            "cues": _join(nudge.cues),
            "sent_at": nudge.sent_at,
            "outcome": "none",
        }
        key = tx.execute(_INSERT_NUDGE, values).inserted_primary_key
        assert key is not None
        return int(key[0])

    def thread_summary(
        self, team_id: str, channel_id: str, thread_ts: str, before_ts: str, *, conn: Connection | None = None
    ) -> ThreadSummary:
        """Summarise the thread up to (not including) the message at `before_ts`."""
        params = {"team_id": team_id, "channel_id": channel_id, "thread_ts": thread_ts, "before_ts": before_ts}
        with self._reading(conn) as using:
            rows = sorted(using.execute(_THREAD_ROWS, params))
        agents: list[str] = []
        unanswered = 0
        first_unanswered: datetime | None = None
        last_frustration: float | None = None
        last_customer: str | None = None
        last_cues: tuple[str, ...] = ()
        for created_at, _id, user_id, role, frustration, cues in rows:
            if role == "agent":
                if user_id not in agents:
                    agents.append(user_id)
                unanswered, first_unanswered = 0, None
            else:
                unanswered += 1
                first_unanswered = first_unanswered or _aware(created_at)
                last_frustration, last_customer, last_cues = float(frustration), user_id, _split(cues)
        return ThreadSummary(tuple(agents), unanswered, first_unanswered, last_frustration, last_customer, last_cues)

    def recent_channel_agents(
        self, team_id: str, channel_id: str, limit: int, *, conn: Connection | None = None
    ) -> list[str]:
        """Agents who spoke in the channel, most recent first (who is likely around to help)."""
        params = {"team_id": team_id, "channel_id": channel_id, "limit": limit}
        with self._reading(conn) as using:
            return [row.user_id for row in using.execute(_RECENT_CHANNEL_AGENTS, params)]

    # nudges ---------------------------------------------------------------------------------

    def delete_nudge(self, nudge_id: int) -> None:
        """Forget a nudge Slack refused to deliver, so stats and cooldowns only count real ones."""
        with self._write() as conn:
            conn.execute(delete(nudges).where(nudges.c.id == nudge_id))

    def get_nudge(self, team_id: str, nudge_id: int) -> NudgeRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(nudges).where(nudges.c.id == nudge_id, nudges.c.team_id == team_id)).first()
        if row is None:
            return None
        return NudgeRecord(
            id=row.id,
            team_id=row.team_id,
            channel_id=row.channel_id,
            thread_ts=row.thread_ts,
            message_ts=row.message_ts,
            target_user_id=row.target_user_id,
            kind=row.kind,
            phrase_ids=_split(row.phrase_ids),
            cues=_split(row.cues),
            sent_at=_aware(row.sent_at) or row.sent_at,
            outcome=row.outcome,
        )

    def add_phrase_ids(self, team_id: str, nudge_id: int, phrase_ids: Iterable[str]) -> None:
        """Remember phrases shown after "More", so the next "More" shows new ones."""
        nudge = self.get_nudge(team_id, nudge_id)
        if nudge is None:
            return
        merged = list(dict.fromkeys([*nudge.phrase_ids, *phrase_ids]))
        with self._write() as conn:
            conn.execute(update(nudges).where(nudges.c.id == nudge_id).values(phrase_ids=_join(merged)))

    def last_nudge_at(self, team_id: str, user_id: str, channel_id: str, thread_ts: str) -> datetime | None:
        params = {"team_id": team_id, "user_id": user_id, "channel_id": channel_id, "thread_ts": thread_ts}
        with self.engine.connect() as conn:
            return _aware(conn.execute(_LAST_NUDGE_AT, params).scalar())

    def set_outcome(
        self,
        team_id: str,
        nudge_id: int,
        user_id: str,
        outcome: str,
        now: datetime,
        phrase_id: str | None = None,
    ) -> bool:
        """Record what the agent did with a nudge; only the nudge's own target can."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        values: dict[str, object] = {"outcome": outcome, "outcome_at": now}
        if phrase_id:
            values["phrase_used"] = phrase_id[:64]
        with self._write() as conn:
            result = conn.execute(
                update(nudges)
                .where(nudges.c.id == nudge_id, nudges.c.team_id == team_id, nudges.c.target_user_id == user_id)
                .values(**values)
            )
        return bool(result.rowcount)

    def week_stats(self, team_id: str, user_id: str, now: datetime) -> WeekStats:
        since = now - timedelta(days=7)
        query = (
            select(nudges.c.outcome, func.count())
            .where(nudges.c.team_id == team_id, nudges.c.target_user_id == user_id, nudges.c.sent_at >= since)
            .group_by(nudges.c.outcome)
        )
        with self.engine.connect() as conn:
            counts = {outcome: int(n) for outcome, n in conn.execute(query)}
        return WeekStats(
            received=sum(counts.values()),
            used=counts.get("used", 0),
            more=counts.get("more", 0),
            not_helpful=counts.get("not_helpful", 0),
            muted=counts.get("muted", 0),
        )

    # mutes and settings -----------------------------------------------------------------------

    def mute_thread(self, team_id: str, user_id: str, channel_id: str, thread_ts: str, now: datetime) -> None:
        with self._write() as conn:
            conn.execute(
                insert(mutes).values(
                    team_id=team_id,
                    user_id=user_id,
                    channel_id=channel_id,
                    thread_ts=thread_ts,
                    created_at=now,
                )
            )

    def mute_all(self, team_id: str, user_id: str, until: datetime | None, now: datetime) -> None:
        """Silence every nudge for the user until `until` (None: until they unmute)."""
        with self._write() as conn:
            conn.execute(  # expired time mutes of this user are of no further use
                delete(mutes).where(
                    mutes.c.team_id == team_id,
                    mutes.c.user_id == user_id,
                    mutes.c.thread_ts.is_(None),
                    mutes.c.until.is_not(None),
                    mutes.c.until <= now,
                )
            )
            conn.execute(insert(mutes).values(team_id=team_id, user_id=user_id, until=until, created_at=now))

    def unmute(self, team_id: str, user_id: str) -> int:
        """Lift the user's time mutes (thread mutes stay: the agent chose them per thread)."""
        with self._write() as conn:
            result = conn.execute(
                delete(mutes).where(mutes.c.team_id == team_id, mutes.c.user_id == user_id, mutes.c.thread_ts.is_(None))
            )
        return int(result.rowcount or 0)

    def muted_until(self, team_id: str, user_id: str, now: datetime) -> datetime | bool | None:
        """False if not muted overall; None if muted until unmuted; else the end of the mute."""
        query = select(mutes.c.until).where(
            mutes.c.team_id == team_id,
            mutes.c.user_id == user_id,
            mutes.c.thread_ts.is_(None),
            or_(mutes.c.until.is_(None), mutes.c.until > now),
        )
        with self.engine.connect() as conn:
            rows = [_aware(row.until) for row in conn.execute(query)]
        if not rows:
            return False
        if any(until is None for until in rows):
            return None
        return max(until for until in rows if until is not None)

    def is_muted(self, team_id: str, user_id: str, channel_id: str, thread_ts: str, now: datetime) -> bool:
        params = {"team_id": team_id, "user_id": user_id, "channel_id": channel_id, "thread_ts": thread_ts, "now": now}
        with self.engine.connect() as conn:
            return bool(conn.execute(_MUTED, params).scalar())

    def nudges_enabled(self, team_id: str, user_id: str) -> bool:
        with self.engine.connect() as conn:
            value = conn.execute(_NUDGES_ENABLED, {"team_id": team_id, "user_id": user_id}).scalar()
        return True if value is None else bool(value)

    def nudge_gate(
        self, team_id: str, user_id: str, channel_id: str, thread_ts: str, now: datetime, *, conn: Connection | None = None
    ) -> tuple[bool, bool, datetime | None]:
        """`nudges_enabled`, `is_muted` and `last_nudge_at` for one agent and thread, in one query."""
        params = {"team_id": team_id, "user_id": user_id, "channel_id": channel_id, "thread_ts": thread_ts, "now": now}
        with self._reading(conn) as using:
            enabled, muted, last = using.execute(_GATE, params).one()
        return (True if enabled is None else bool(enabled)), bool(muted), _aware(last)

    def set_nudges_enabled(self, team_id: str, user_id: str, enabled: bool, now: datetime) -> None:
        with self._write() as conn:
            changed = conn.execute(
                update(user_settings)
                .where(user_settings.c.team_id == team_id, user_settings.c.user_id == user_id)
                .values(nudges_enabled=enabled, updated_at=now)
            ).rowcount
            if not changed:
                conn.execute(
                    insert(user_settings).values(team_id=team_id, user_id=user_id, nudges_enabled=enabled, updated_at=now)
                )
