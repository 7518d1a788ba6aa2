"""Weekly figures, each computed by the database (SQL aggregation), never by loading rows.

A thread is (team_id, channel_id, thread_ts). For one week window:
- a thread counts when a customer wrote in it during the week;
- it is frustrated when one of those customer messages was frustrated;
- it recovered when it was frustrated and the customer's last message in the week was not;
- its first response time runs from its first customer message in the week to the first agent
  message after that (which may fall after the week: a Sunday-night message answered on Monday
  still has a response time);
- a curt reply to a frustrated customer is a curt agent message after the thread's first
  frustrated customer message in the week.
Percentiles: the median averages the two middle values for an even count; p90 is the
nearest-rank value (rank ceil(0.9 n)). Both are picked with ROW_NUMBER/COUNT windows, which
SQLite (>= 3.25) and PostgreSQL share.
The one step done in Python is splitting the few distinct comma-separated cue combinations the
database has already grouped and counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    true,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from bot.digest.sqlfuncs import seconds_between
from bot.digest.week import WeekWindow, to_utc
from bot.store.schema import messages, nudges

TEAM = "*"  # the scope key of team-wide figures, beside channel IDs
OUTCOMES = ("used", "more", "not_helpful", "muted")


@dataclass(frozen=True)
class Timing:
    """First-response times in seconds over `n` answered threads; None when nothing to measure."""

    n: int = 0
    median: float | None = None
    p90: float | None = None


@dataclass(frozen=True)
class NudgeCounts:
    sent: int = 0
    used: int = 0
    more: int = 0
    not_helpful: int = 0
    muted: int = 0


@dataclass(frozen=True)
class ScopeFigures:
    """The figures of one channel, or of the whole team (scope == TEAM)."""

    scope: str
    customer_messages: int = 0
    threads: int = 0
    frustrated_threads: int = 0
    recovered_threads: int = 0
    answered_threads: int = 0
    curt_replies: int = 0
    curt_to_frustrated: int = 0
    response_all: Timing = field(default_factory=Timing)
    response_frustrated: Timing = field(default_factory=Timing)
    nudges: NudgeCounts = field(default_factory=NudgeCounts)
    frustrated_by_day: tuple[int, ...] = (0,) * 7
    recovered_by_day: tuple[int, ...] = (0,) * 7

    @property
    def has_customers(self) -> bool:
        return self.customer_messages > 0

    @property
    def frustrated_share(self) -> float | None:
        """None, not 0, when there were no threads: a quiet week is not a calm week."""
        return self.frustrated_threads / self.threads if self.threads else None

    @property
    def recovery_share(self) -> float | None:
        return self.recovered_threads / self.frustrated_threads if self.frustrated_threads else None


@dataclass(frozen=True)
class AgentLoad:
    """An agent whose frustrated-thread count is far above the team median (lead's eyes only)."""

    user_id: str
    frustrated_threads: int
    team_median: float


@dataclass(frozen=True)
class WeekFigures:
    window: WeekWindow
    team: ScopeFigures
    channels: dict[str, ScopeFigures]
    top_cues: list[tuple[str, int]]
    top_phrases: list[tuple[str, int]]
    load: list[AgentLoad]
    agents_active: int
    first_seen: datetime | None  # the team's earliest stored message, to tell "no data" from "quiet"
    last_seen: datetime | None

    @property
    def has_data(self) -> bool:
        return self.team.customer_messages > 0


def _is(column: Any) -> ColumnElement[bool]:
    return column.is_(true())


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _day_bucket(column: Any, window: WeekWindow) -> ColumnElement[int]:
    """Local day index 0..6 of a UTC timestamp, from the window's DST-aware midnights."""
    whens = [(column < window.day_starts[i + 1], i) for i in range(6)]
    return case(*whens, else_=6)


def _thread_rows(team_id: str, window: WeekWindow) -> Any:
    """One row per thread active in the week, with its per-thread facts (a CTE)."""
    m = messages
    part = (m.c.channel_id, m.c.thread_ts)
    is_customer = m.c.role == "customer"
    wk = (
        select(
            m.c.channel_id,
            m.c.thread_ts,
            m.c.role,
            m.c.frustrated,
            m.c.curt,
            m.c.created_at,
            func.min(case((and_(is_customer, _is(m.c.frustrated)), m.c.created_at)))
            .over(partition_by=part)
            .label("first_frus"),
            func.max(case((is_customer, m.c.created_at))).over(partition_by=part).label("last_cust"),
        )
        .where(m.c.team_id == team_id, m.c.created_at >= window.start, m.c.created_at < window.end)
        .cte("wk")
    )
    w = wk.c
    w_customer = w.role == "customer"
    w_agent_curt = and_(w.role == "agent", _is(w.curt))
    th = (
        select(
            w.channel_id,
            w.thread_ts,
            func.sum(_flag(w_customer)).label("cust_msgs"),
            func.min(case((w_customer, w.created_at))).label("first_cust"),
            func.max(w.last_cust).label("last_cust"),
            func.min(w.first_frus).label("first_frus"),
            func.max(_flag(and_(w_customer, w.created_at == w.last_cust, _is(w.frustrated)))).label("last_frus"),
            func.sum(_flag(w_agent_curt)).label("curt"),
            func.sum(_flag(and_(w_agent_curt, w.created_at > w.first_frus))).label("curt_frus"),
        )
        .group_by(w.channel_id, w.thread_ts)
        .cte("th")
    )
    m2 = messages.alias("m2")
    first_reply = (
        select(func.min(m2.c.created_at))
        .where(
            m2.c.team_id == team_id,
            m2.c.channel_id == th.c.channel_id,
            m2.c.thread_ts == th.c.thread_ts,
            m2.c.role == "agent",
            m2.c.created_at > th.c.first_cust,
        )
        .scalar_subquery()
    )
    is_frus = th.c.first_frus.is_not(None)
    rt = seconds_between(first_reply, th.c.first_cust)
    th2 = select(
        th.c.channel_id,
        th.c.cust_msgs,
        th.c.curt,
        th.c.curt_frus,
        _flag(th.c.cust_msgs > 0).label("counted"),
        _flag(is_frus).label("is_frus"),
        _flag(and_(is_frus, th.c.last_frus == 0)).label("recovered"),
        _day_bucket(th.c.first_frus, window).label("frus_day"),
        _day_bucket(th.c.last_cust, window).label("last_day"),
        rt.label("rt"),
    ).cte("th2")
    return th2


def _ranked(th2: Any) -> Any:
    """Add rank/count windows over response times, per channel and team-wide, all and frustrated."""
    c = th2.c
    nulls_last = (case((c.rt.is_(None), 1), else_=0), c.rt)
    return select(
        c.channel_id,
        c.cust_msgs,
        c.curt,
        c.curt_frus,
        c.counted,
        c.is_frus,
        c.recovered,
        c.frus_day,
        c.last_day,
        c.rt,
        func.row_number().over(partition_by=c.channel_id, order_by=nulls_last).label("rn_c"),
        func.count(c.rt).over(partition_by=c.channel_id).label("n_c"),
        func.row_number().over(partition_by=(c.channel_id, c.is_frus), order_by=nulls_last).label("rn_cf"),
        func.count(c.rt).over(partition_by=(c.channel_id, c.is_frus)).label("n_cf"),
        func.row_number().over(order_by=nulls_last).label("rn_t"),
        func.count(c.rt).over().label("n_t"),
        func.row_number().over(partition_by=c.is_frus, order_by=nulls_last).label("rn_tf"),
        func.count(c.rt).over(partition_by=c.is_frus).label("n_tf"),
    ).cte("ranked")


def _median(rt: Any, rn: Any, n: Any, only: ColumnElement[bool] | None = None) -> Any:
    middle = and_(rt.is_not(None), rn.in_([(n + 1) // 2, (n + 2) // 2]))
    return func.avg(case((middle if only is None else and_(only, middle), rt)))


def _p90(rt: Any, rn: Any, n: Any, only: ColumnElement[bool] | None = None) -> Any:
    at = and_(rt.is_not(None), rn == (n * 9 + 9) // 10)
    return func.max(case((at if only is None else and_(only, at), rt)))


def _aggregates(r: Any, rn: Any, n: Any, rnf: Any, nf: Any) -> list[Any]:
    frus = r.is_frus == 1
    cols: list[Any] = [
        func.coalesce(func.sum(r.cust_msgs), 0).label("cust_msgs"),
        func.coalesce(func.sum(r.counted), 0).label("threads"),
        func.coalesce(func.sum(r.is_frus), 0).label("frus"),
        func.coalesce(func.sum(r.recovered), 0).label("recovered"),
        func.count(r.rt).label("answered"),
        func.count(case((frus, r.rt))).label("answered_frus"),
        func.coalesce(func.sum(r.curt), 0).label("curt"),
        func.coalesce(func.sum(r.curt_frus), 0).label("curt_frus"),
        _median(r.rt, rn, n).label("med_all"),
        _p90(r.rt, rn, n).label("p90_all"),
        _median(r.rt, rnf, nf, frus).label("med_frus"),
        _p90(r.rt, rnf, nf, frus).label("p90_frus"),
    ]
    for day in range(7):
        cols.append(func.coalesce(func.sum(_flag(and_(frus, r.frus_day == day))), 0).label(f"fd{day}"))
    for day in range(7):
        cols.append(func.coalesce(func.sum(_flag(and_(r.recovered == 1, r.last_day == day))), 0).label(f"rd{day}"))
    return cols


def _thread_figures(conn: Connection, team_id: str, window: WeekWindow) -> dict[str, dict[str, Any]]:
    """Counts, timings and daily series per channel plus the team row, in one statement."""
    r = _ranked(_thread_rows(team_id, window)).c
    per_channel = select(r.channel_id.label("scope"), *_aggregates(r, r.rn_c, r.n_c, r.rn_cf, r.n_cf)).group_by(r.channel_id)
    team = select(literal(TEAM, String).label("scope"), *_aggregates(r, r.rn_t, r.n_t, r.rn_tf, r.n_tf))
    rows = conn.execute(union_all(per_channel, team)).mappings().all()
    return {row["scope"]: dict(row) for row in rows}


def _nudge_figures(conn: Connection, team_id: str, window: WeekWindow) -> dict[str, NudgeCounts]:
    n = nudges.c
    cols = [func.count().label("sent")] + [
        func.coalesce(func.sum(_flag(n.outcome == outcome)), 0).label(outcome) for outcome in OUTCOMES
    ]
    where = (n.team_id == team_id, n.sent_at >= window.start, n.sent_at < window.end)
    per_channel = select(n.channel_id.label("scope"), *cols).where(*where).group_by(n.channel_id)
    team = select(literal(TEAM, String).label("scope"), *cols).where(*where)
    result: dict[str, NudgeCounts] = {}
    for row in conn.execute(union_all(per_channel, team)).mappings():
        result[row["scope"]] = NudgeCounts(**{k: int(row[k] or 0) for k in ("sent", *OUTCOMES)})
    return result


def _top_phrases(conn: Connection, team_id: str, window: WeekWindow, limit: int) -> list[tuple[str, int]]:
    n = nudges.c
    count = func.count().label("n")
    query = (
        select(n.phrase_used, count)
        .where(
            n.team_id == team_id,
            n.sent_at >= window.start,
            n.sent_at < window.end,
            n.outcome == "used",
            n.phrase_used.is_not(None),
            n.phrase_used != "",
        )
        .group_by(n.phrase_used)
        .order_by(count.desc(), n.phrase_used)
        .limit(limit)
    )
    return [(str(p), int(c)) for p, c in conn.execute(query)]


def _top_cues(conn: Connection, team_id: str, window: WeekWindow, limit: int) -> list[tuple[str, int]]:
    """Cues on frustrated customer messages: the database counts each distinct cue list."""
    m = messages.c
    query = (
        select(m.cues, func.count())
        .where(
            m.team_id == team_id,
            m.created_at >= window.start,
            m.created_at < window.end,
            m.role == "customer",
            _is(m.frustrated),
            m.cues != "",
        )
        .group_by(m.cues)
    )
    totals: Counter[str] = Counter()
    for cues, count in conn.execute(query):
        for name in {part.strip() for part in str(cues).split(",") if part.strip()}:
            totals[name] += int(count)
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


def _load(conn: Connection, team_id: str, window: WeekWindow) -> tuple[list[AgentLoad], int]:
    """Agents far above the team's median of frustrated threads: >= 2x the median and >= median + 3.

    The median is over every agent who wrote in the week (zero-load agents included), picked by
    window functions like the response-time percentiles.
    """
    m = messages.c
    in_week = (m.team_id == team_id, m.created_at >= window.start, m.created_at < window.end)
    frus_threads = (
        select(m.channel_id, m.thread_ts).where(*in_week, m.role == "customer", _is(m.frustrated)).distinct().cte("ft")
    )
    agent_threads = select(m.user_id, m.channel_id, m.thread_ts).where(*in_week, m.role == "agent").distinct().cte("at")
    per_agent = (
        select(
            agent_threads.c.user_id,
            func.count(frus_threads.c.thread_ts).label("n"),
        )
        .select_from(
            agent_threads.outerjoin(
                frus_threads,
                and_(
                    frus_threads.c.channel_id == agent_threads.c.channel_id,
                    frus_threads.c.thread_ts == agent_threads.c.thread_ts,
                ),
            )
        )
        .group_by(agent_threads.c.user_id)
        .cte("pa")
    )
    ranked = select(
        per_agent.c.user_id,
        per_agent.c.n,
        func.row_number().over(order_by=(per_agent.c.n, per_agent.c.user_id)).label("rn"),
        func.count().over().label("k"),
    ).cte("ra")
    median = (
        select(func.avg(cast(ranked.c.n, Integer) * 1.0))
        .where(ranked.c.rn.in_([(ranked.c.k + 1) // 2, (ranked.c.k + 2) // 2]))
        .scalar_subquery()
    )
    agents = select(func.count()).select_from(per_agent).scalar_subquery()
    query = (
        select(ranked.c.user_id, ranked.c.n, median.label("median"), agents.label("agents"))
        .where(ranked.c.n >= median * 2, ranked.c.n >= median + 3)
        .order_by(ranked.c.user_id)  # alphabetical on purpose: this list is never a ranking
    )
    rows = conn.execute(query).all()
    active = int(conn.execute(select(agents)).scalar() or 0) if not rows else int(rows[0].agents)
    return [AgentLoad(str(r.user_id), int(r.n), float(r.median)) for r in rows], active


def _seen(conn: Connection, team_id: str) -> tuple[datetime | None, datetime | None]:
    m = messages.c
    first, last = conn.execute(select(func.min(m.created_at), func.max(m.created_at)).where(m.team_id == team_id)).one()
    return (to_utc(first) if first else None, to_utc(last) if last else None)


def _ms(value: Any) -> float | None:
    """Round to milliseconds: SQLite's julianday arithmetic carries microsecond noise."""
    return None if value is None else round(float(value), 3)


def _timing(n: Any, median: Any, p90: Any) -> Timing:
    return Timing(int(n or 0), _ms(median), _ms(p90))


def _scope(scope: str, row: dict[str, Any] | None, nudge: NudgeCounts | None) -> ScopeFigures:
    nudge = nudge or NudgeCounts()
    if row is None:
        return ScopeFigures(scope=scope, nudges=nudge)
    return ScopeFigures(
        scope=scope,
        customer_messages=int(row["cust_msgs"] or 0),
        threads=int(row["threads"] or 0),
        frustrated_threads=int(row["frus"] or 0),
        recovered_threads=int(row["recovered"] or 0),
        answered_threads=int(row["answered"] or 0),
        curt_replies=int(row["curt"] or 0),
        curt_to_frustrated=int(row["curt_frus"] or 0),
        response_all=_timing(row["answered"], row["med_all"], row["p90_all"]),
        response_frustrated=_timing(row["answered_frus"], row["med_frus"], row["p90_frus"]),
        nudges=nudge,
        frustrated_by_day=tuple(int(row[f"fd{d}"] or 0) for d in range(7)),
        recovered_by_day=tuple(int(row[f"rd{d}"] or 0) for d in range(7)),
    )


def week_figures(
    conn: Connection,
    team_id: str,
    window: WeekWindow,
    *,
    detail: bool = True,
    top: int = 3,
) -> WeekFigures:
    """All figures of one team for one week. `detail=False` skips cues, phrases and load
    (the previous week only needs the comparable counts)."""
    threads = _thread_figures(conn, team_id, window)
    nudge = _nudge_figures(conn, team_id, window)
    channel_ids = sorted((set(threads) | set(nudge)) - {TEAM})
    channels = {cid: _scope(cid, threads.get(cid), nudge.get(cid)) for cid in channel_ids}
    team = _scope(TEAM, threads.get(TEAM), nudge.get(TEAM))
    cues = _top_cues(conn, team_id, window, top) if detail else []
    phrases = _top_phrases(conn, team_id, window, top) if detail else []
    load, active = _load(conn, team_id, window) if detail else ([], 0)
    first, last = _seen(conn, team_id)
    return WeekFigures(window, team, channels, cues, phrases, load, active, first, last)


__all__ = [
    "TEAM",
    "AgentLoad",
    "NudgeCounts",
    "ScopeFigures",
    "Timing",
    "WeekFigures",
    "week_figures",
]
