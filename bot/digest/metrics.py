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
nearest-rank value (rank ceil(0.9 n)). Both are picked with ROW_NUMBER windows and group
sizes from plain aggregates; conditional aggregates use FILTER (WHERE ...), cheaper than CASE
on SQLite. SQLite (>= 3.30) and PostgreSQL share all of it.
The one step done in Python is splitting the few distinct comma-separated cue combinations the
database has already grouped and counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    CompoundSelect,
    Connection,
    Float,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement

from bot.digest.figures import TEAM, AgentLoad, NudgeCounts, ScopeFigures, Timing, WeekFigures
from bot.digest.sqlfuncs import seconds_between
from bot.digest.week import WeekWindow, to_utc
from bot.store.schema import messages, nudges

OUTCOMES = ("used", "more", "not_helpful", "muted")

# Each statement is built once and run with these parameters (see _params): building and
# compiling the large statements anew would cost more Python time than a small week's SQL.
_AT = messages.c.created_at.type
_TEAM = bindparam("team_id", type_=String())
_START, _END = bindparam("week_start", type_=_AT), bindparam("week_end", type_=_AT)
_DAY_ENDS = tuple(bindparam(f"day_end_{i}", type_=_AT) for i in range(6))  # local midnights, Tuesday .. Sunday


def _params(team_id: str, window: WeekWindow) -> dict[str, Any]:
    days = {f"day_end_{i}": window.day_starts[i + 1] for i in range(6)}
    return {"team_id": team_id, "week_start": window.start, "week_end": window.end, **days}


def _is(column: Any) -> ColumnElement[bool]:
    return column.is_(true())


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _day_bucket(column: Any) -> ColumnElement[int]:
    """Local day index 0..6 of a UTC timestamp, from the window's DST-aware midnights."""
    whens = [(column < _DAY_ENDS[i], i) for i in range(6)]
    return case(*whens, else_=6)


def _in_week(column: Any) -> ColumnElement[bool]:
    return and_(column >= _START, column < _END)


def _thread_rows(all_replies: bool = True) -> Any:
    """One row per thread active in the week with its facts (a CTE).

    The week's rows are grouped by thread once. Most facts fall out of that grouping; two need
    "after the first customer / frustrated message" and are read from the group's minima and
    maxima, with an index seek only for the rare thread the bounds cannot settle:
    - first reply: the thread's first agent message in the week if it came after the first
      customer message, else a seek (an agent wrote first, or the reply came after the week);
    - curt replies to a frustrated customer: all of the thread's curt replies when the first
      came after the first frustrated message, none when the last came before it, else a count.
    The thread recovered when its last customer message is later than its last frustrated one.

    `all_replies=False` (the previous week: only frustrated threads' replies are compared) groups
    just the customer messages and the curt replies, about half the week's rows, since no other
    agent message changes a figure; its few frustrated threads seek their first reply instead.
    """
    m = messages
    customer, agent, frustrated = m.c.role == "customer", m.c.role == "agent", _is(m.c.frustrated)
    curt = and_(agent, _is(m.c.curt))
    at = m.c.created_at
    th = (
        select(
            m.c.channel_id,
            m.c.thread_ts,
            func.count().filter(customer).label("cust_msgs"),
            func.min(at).filter(customer).label("first_cust"),
            func.max(at).filter(customer).label("last_cust"),
            func.min(at).filter(and_(customer, frustrated)).label("first_frus"),
            func.max(at).filter(and_(customer, frustrated)).label("last_frus"),
            *([func.min(at).filter(agent).label("first_agent")] if all_replies else []),
            func.count().filter(curt).label("curt"),
            func.min(at).filter(curt).label("first_curt"),
            func.max(at).filter(curt).label("last_curt"),
        )
        .where(m.c.team_id == _TEAM, _in_week(m.c.created_at), *(() if all_replies else (or_(customer, curt),)))
        .group_by(m.c.thread_ts, m.c.channel_id)  # nearly unique key first: a cheaper sort
        .cte("th")
    )
    t = th.c
    m2 = messages.alias("m2")
    same_thread = (m2.c.team_id == _TEAM, m2.c.channel_id == t.channel_id, m2.c.thread_ts == t.thread_ts)
    seek_reply = (
        select(func.min(m2.c.created_at))
        .where(*same_thread, m2.c.role == "agent", m2.c.created_at > t.first_cust)
        .scalar_subquery()
    )
    first_reply = case((t.first_agent > t.first_cust, t.first_agent), else_=seek_reply) if all_replies else seek_reply
    is_frus = t.first_frus.is_not(None)
    recovered = and_(is_frus, t.last_frus < t.last_cust)
    rt: Any = case((t.first_cust.is_not(None), seconds_between(first_reply, t.first_cust)))
    if not all_replies:  # only frustrated threads' replies are compared week to week
        rt = case((is_frus, rt))
    count_curt = (
        select(func.count())
        .where(
            *same_thread,
            m2.c.role == "agent",
            _is(m2.c.curt),
            m2.c.created_at > t.first_frus,
            m2.c.created_at < _END,
        )
        .scalar_subquery()
    )
    curt_frus = case(
        (or_(t.curt == 0, t.first_frus.is_(None), t.last_curt <= t.first_frus), 0),
        (t.first_curt > t.first_frus, t.curt),
        else_=count_curt,
    )
    return select(
        t.channel_id,
        t.cust_msgs,
        _flag(t.cust_msgs > 0).label("counted"),
        _flag(is_frus).label("is_frus"),
        _flag(recovered).label("recovered"),
        *(
            # the chart counts frustrated threads by their first frustrated day and recovered ones
            # by their last day: no other thread needs a day
            (
                case((is_frus, _day_bucket(t.first_frus))).label("frus_day"),
                case((recovered, _day_bucket(t.last_cust))).label("last_day"),
            )
            if all_replies  # the chart's days are this week's only
            else (literal(None, Integer).label("frus_day"), literal(None, Integer).label("last_day"))
        ),
        t.curt,
        curt_frus.label("curt_frus"),
        rt.label("rt"),
    ).cte("th2")


def _count_rows(th2: Any, daily: bool = True) -> Any:
    """Per scope (each channel, and the team as TEAM): thread counts, answered counts, daily series.

    The threads are grouped by channel once; the team's row adds up the channels' rows. The
    daily series feeds the team's chart only; channels get NULLs.
    """
    c = th2.c
    sums: dict[str, Any] = {
        "cust_msgs": func.sum(c.cust_msgs),
        "threads": func.sum(c.counted),
        "frus": func.sum(c.is_frus),
        "recovered": func.sum(c.recovered),
        "answered": func.count(c.rt),
        "answered_frus": func.count(c.rt).filter(c.is_frus == 1),
        "curt": func.sum(c.curt),
        "curt_frus": func.sum(c.curt_frus),
    }
    days = {f"fd{d}": and_(c.is_frus == 1, c.frus_day == d) for d in range(7)}
    days |= {f"rd{d}": and_(c.recovered == 1, c.last_day == d) for d in range(7)}
    counted = {**sums, **({name: func.count().filter(when) for name, when in days.items()} if daily else {})}
    ch = select(c.channel_id.label("scope"), *(v.label(k) for k, v in counted.items())).group_by(c.channel_id).cte("agg_c")
    nothing = literal(None, Integer)
    per_channel = select(ch.c.scope, *(ch.c[k] for k in sums), *(nothing.label(k) for k in days))
    # PostgreSQL sums bigints to NUMERIC: cast back, or the percentile ranks would not be integers
    team = select(
        literal(TEAM, String).label("scope"),
        *(cast(func.sum(ch.c[k]), Integer).label(k) for k in sums),
        *((cast(func.sum(ch.c[k]), Integer) if daily else nothing).label(k) for k in days),
    )
    return union_all(per_channel, team).cte("agg")


def _timing_rows(th2: Any, agg: Any, per_channel: bool) -> Any:
    """Median and p90 first reply per (scope, subset), subsets "all" and "frus".

    Answered threads are stacked once per subset; one ROW_NUMBER ranks them within their
    channel and another within the team. Group sizes come from the per-scope counts joined
    back (a COUNT window costs SQLite another pass). One pass over the ranked rows keeps the
    few at a wanted rank, in the channel or in the team, and only those reach the two final
    GROUP BYs. `per_channel=False` ranks only the team's frustrated threads, which is all the
    previous week's comparison needs.
    """
    c = th2.c
    every, frus = literal("all", String), literal("frus", String)
    answered = c.rt.is_not(None)
    parts = [select(c.channel_id.label("channel_id"), frus.label("subset"), c.rt).where(c.is_frus == 1, answered)]
    if per_channel:
        parts.append(select(c.channel_id, every, c.rt).where(answered))
    st = union_all(*parts).cte("st")
    by_channel = [func.row_number().over(partition_by=(st.c.channel_id, st.c.subset), order_by=st.c.rt).label("rn_c")]
    ranked = select(
        st,
        *(by_channel if per_channel else []),  # a window is a sort: rank only what is picked
        func.row_number().over(partition_by=st.c.subset, order_by=st.c.rt).label("rn_t"),
    ).cte("ranked")
    r = ranked.c

    def size(scope: Any) -> Any:
        return case((r.subset == "all", scope.c.answered), else_=scope.c.answered_frus)

    def wanted(rn: Any, n: Any) -> tuple[list[Any], Any]:
        """The ranks of the median (one or two) and of p90 among n."""
        return [(n + 1) // 2, (n + 2) // 2], (n * 9 + 9) // 10

    team_agg = agg.alias("team_agg")
    scopes = [("t", r.rn_t, team_agg, team_agg.c.scope == literal(TEAM, String))]
    if per_channel:
        channel_agg = agg.alias("channel_agg")
        scopes.insert(0, ("c", r.rn_c, channel_agg, channel_agg.c.scope == r.channel_id))
    source: Any = ranked
    sizes, keep = [], []
    for name, rn, scope_agg, on in scopes:
        source = source.join(scope_agg, on)
        sizes.append(size(scope_agg).label(f"n_{name}"))
        middle, p90 = wanted(rn, size(scope_agg))
        keep.append(or_(rn.in_(middle), rn == p90))
    picked = select(r.channel_id, r.subset, r.rt, *(rn for _, rn, _, _ in scopes), *sizes)
    few = picked.select_from(source).where(or_(*keep)).cte("few")  # a few rows per scope and subset
    f = few.c

    def picks(scope: Any, name: str) -> Any:
        rn, n = f[f"rn_{name}"], f[f"n_{name}"]
        middle, p90 = wanted(rn, n)
        return (
            select(
                scope.label("scope"),
                f.subset,
                func.max(n).label("answered"),
                func.avg(case((rn.in_(middle), f.rt))).label("median"),
                func.max(case((rn == p90, f.rt))).label("p90"),
            )
            .where(or_(rn.in_(middle), rn == p90))
            # PostgreSQL refuses a constant in GROUP BY, so the team's rows group by subset only
            .group_by(*((scope, f.subset) if name == "c" else (f.subset,)))
        )

    team = picks(literal(TEAM, String), "t")
    return union_all(picks(f.channel_id, "c"), team) if per_channel else team


@cache
def _thread_statement(per_channel: bool) -> CompoundSelect:
    """Counts per scope and first-reply timings per (scope, subset), from one thread CTE.

    The two result shapes travel in one UNION ALL (padded with NULLs) so the week's rows are
    grouped into threads once.
    """
    th2 = _thread_rows(all_replies=per_channel)
    agg = _count_rows(th2, daily=per_channel)  # the chart needs only this week's days
    timings = _timing_rows(th2, agg, per_channel).subquery()
    count_cols = [
        "cust_msgs",
        "threads",
        "curt",
        "curt_frus",
        "frus",
        "recovered",
        *(f"fd{d}" for d in range(7)),
        *(f"rd{d}" for d in range(7)),
    ]
    nothing = literal(None, Integer)
    first = select(
        literal("counts", String).label("kind"),
        agg.c.scope,
        literal("all", String).label("subset"),
        *(agg.c[name].label(name) for name in count_cols),
        nothing.label("answered"),
        literal(None, Float).label("median"),
        literal(None, Float).label("p90"),
    )
    second = select(
        literal("timing", String),
        timings.c.scope,
        timings.c.subset,
        *(nothing for _ in count_cols),
        timings.c.answered,
        timings.c.median,
        timings.c.p90,
    )
    return union_all(first, second)


def _thread_figures(
    conn: Connection, team_id: str, window: WeekWindow, per_channel: bool = True
) -> tuple[dict[str, dict[str, Any]], dict[tuple[str, str], Timing]]:
    scope_counts: dict[str, dict[str, Any]] = {}
    scope_timings: dict[tuple[str, str], Timing] = {}
    for row in conn.execute(_thread_statement(per_channel), _params(team_id, window)).mappings():
        if row["kind"] == "counts":
            scope_counts[row["scope"]] = dict(row)
        else:
            scope_timings[(row["scope"], row["subset"])] = _timing(row["answered"], row["median"], row["p90"])
    return scope_counts, scope_timings


@cache
def _nudge_statement() -> CompoundSelect:
    n = nudges.c
    cols = [func.count().label("sent")] + [
        func.coalesce(func.sum(_flag(n.outcome == outcome)), 0).label(outcome) for outcome in OUTCOMES
    ]
    where = (n.team_id == _TEAM, _in_week(n.sent_at))
    per_channel = select(n.channel_id.label("scope"), *cols).where(*where).group_by(n.channel_id)
    team = select(literal(TEAM, String).label("scope"), *cols).where(*where)
    return union_all(per_channel, team)


def _nudge_figures(conn: Connection, team_id: str, window: WeekWindow) -> dict[str, NudgeCounts]:
    result: dict[str, NudgeCounts] = {}
    for row in conn.execute(_nudge_statement(), _params(team_id, window)).mappings():
        result[row["scope"]] = NudgeCounts(**{k: int(row[k] or 0) for k in ("sent", *OUTCOMES)})
    return result


@cache
def _phrases_statement(limit: int) -> Select[Any]:
    n = nudges.c
    count = func.count().label("n")
    return (
        select(n.phrase_used, count)
        .where(
            n.team_id == _TEAM,
            _in_week(n.sent_at),
            n.outcome == "used",
            n.phrase_used.is_not(None),
            n.phrase_used != "",
        )
        .group_by(n.phrase_used)
        .order_by(count.desc(), n.phrase_used)
        .limit(limit)
    )


def _top_phrases(conn: Connection, team_id: str, window: WeekWindow, limit: int) -> list[tuple[str, int]]:
    return [(str(p), int(c)) for p, c in conn.execute(_phrases_statement(limit), _params(team_id, window))]


def _split_cues(rows: list[tuple[str, int]], limit: int) -> list[tuple[str, int]]:
    """The database counted each distinct comma-separated cue list; add them up per cue name."""
    totals: Counter[str] = Counter()
    for cues, count in rows:
        for name in {part.strip() for part in str(cues).split(",") if part.strip()}:
            totals[name] += int(count)
    return sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


@dataclass(frozen=True)
class _LoadAndCues:
    load: list[AgentLoad]
    agents_active: int
    top_cues: list[tuple[str, int]]


@cache
def _load_statement() -> CompoundSelect:
    """Frustration cues and the compassion-fatigue watch, from one pass over frustrated messages.

    Cues: counted per distinct cue list of frustrated customer messages.
    Load: agents far above the team's median of frustrated threads (>= 2x the median and
    >= median + 3). The median is over every agent who wrote in the week, zero-load agents
    included. Starting from the few frustrated threads and seeking their agents on the
    thread index keeps this off the week's full sort.
    """
    m, a = messages, messages.alias("a")
    fr = (
        select(m.c.channel_id, m.c.thread_ts, m.c.cues)
        .where(m.c.team_id == _TEAM, _in_week(m.c.created_at), m.c.role == "customer", _is(m.c.frustrated))
        .cte("fr")
    )
    ft = select(fr.c.channel_id, fr.c.thread_ts).distinct().cte("ft")
    pairs = (
        select(a.c.user_id, ft.c.channel_id, ft.c.thread_ts)
        .select_from(
            ft.join(
                a,
                and_(
                    a.c.team_id == _TEAM,
                    a.c.channel_id == ft.c.channel_id,
                    a.c.thread_ts == ft.c.thread_ts,
                    a.c.role == "agent",
                    _in_week(a.c.created_at),
                ),
            )
        )
        .distinct()
        .cte("pairs")
    )
    loaded = select(pairs.c.user_id, func.count().label("n")).group_by(pairs.c.user_id).cte("loaded")
    agents = (
        select(m.c.user_id)
        .where(m.c.team_id == _TEAM, _in_week(m.c.created_at), m.c.role == "agent")
        .distinct()
        .cte("agents")
    )
    per_agent = (
        select(agents.c.user_id, func.coalesce(loaded.c.n, 0).label("n"))
        .select_from(agents.outerjoin(loaded, loaded.c.user_id == agents.c.user_id))
        .cte("pa")
    )
    ranked = select(
        per_agent.c.user_id,
        per_agent.c.n,
        func.row_number().over(order_by=(per_agent.c.n, per_agent.c.user_id)).label("rn"),
        func.count().over().label("k"),
    ).cte("ra")
    median = (
        select(func.avg(ranked.c.n * 1.0))
        .where(ranked.c.rn.in_([(ranked.c.k + 1) // 2, (ranked.c.k + 2) // 2]))
        .scalar_subquery()
    )
    nothing_float = literal(None, Float)
    summary = select(
        literal("summary", String).label("kind"),
        literal(None, String).label("key"),
        select(func.count()).select_from(agents).scalar_subquery().label("n"),
        median.label("median"),
    )
    outliers = select(literal("agent", String), ranked.c.user_id, ranked.c.n, median).where(
        ranked.c.n >= median * 2, ranked.c.n >= median + 3
    )
    cues = select(literal("cue", String), fr.c.cues, func.count(), nothing_float).where(fr.c.cues != "").group_by(fr.c.cues)
    return union_all(summary, outliers, cues)


def _load_and_cues(conn: Connection, team_id: str, window: WeekWindow, limit: int) -> _LoadAndCues:
    active, load, cue_rows = 0, [], []
    for kind, key, n, med in conn.execute(_load_statement(), _params(team_id, window)):
        if kind == "summary":
            active = int(n or 0)
        elif kind == "agent":
            load.append(AgentLoad(str(key), int(n), float(med)))
        else:
            cue_rows.append((str(key), int(n)))
    load.sort(key=lambda agent: agent.user_id)  # alphabetical on purpose: this list is never a ranking
    return _LoadAndCues(load, active, _split_cues(cue_rows, limit))


_FIRST_SEEN = select(func.min(messages.c.created_at)).where(messages.c.team_id == _TEAM)
_LAST_SEEN = select(func.max(messages.c.created_at)).where(messages.c.team_id == _TEAM)


def _seen(conn: Connection, team_id: str) -> tuple[datetime | None, datetime | None]:
    """Two statements on purpose: each is a single seek on (team_id, created_at)."""
    first = conn.execute(_FIRST_SEEN, {"team_id": team_id}).scalar()
    last = conn.execute(_LAST_SEEN, {"team_id": team_id}).scalar()
    return (to_utc(first) if first else None, to_utc(last) if last else None)


def _ms(value: Any) -> float | None:
    """Round to milliseconds: SQLite's julianday arithmetic carries microsecond noise."""
    return None if value is None else round(float(value), 3)


def _timing(n: Any, median: Any, p90: Any) -> Timing:
    return Timing(int(n or 0), _ms(median), _ms(p90))


def _scope(
    scope: str,
    counts: dict[str, dict[str, Any]],
    timings: dict[tuple[str, str], Timing],
    nudge: dict[str, NudgeCounts],
) -> ScopeFigures:
    row = counts.get(scope)
    everyone = timings.get((scope, "all"), Timing())
    base = ScopeFigures(
        scope=scope,
        nudges=nudge.get(scope, NudgeCounts()),
        answered_threads=everyone.n,
        response_all=everyone,
        response_frustrated=timings.get((scope, "frus"), Timing()),
    )
    if row is None:
        return base
    return replace(
        base,
        customer_messages=int(row["cust_msgs"] or 0),
        threads=int(row["threads"] or 0),
        curt_replies=int(row["curt"] or 0),
        curt_to_frustrated=int(row["curt_frus"] or 0),
        frustrated_threads=int(row["frus"] or 0),
        recovered_threads=int(row["recovered"] or 0),
        frustrated_by_day=tuple(int(row[f"fd{d}"] or 0) for d in range(7)),
        recovered_by_day=tuple(int(row[f"rd{d}"] or 0) for d in range(7)),
    )


def _no_jit(conn: Connection) -> None:
    """PostgreSQL only: skip JIT for this transaction.

    The planner's cost for the thread statement (inflated by the rarely-run seeks) triggers
    JIT, which then spends ~300 ms compiling a query that executes in ~75 ms (1M rows).
    """
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("SET LOCAL jit = off")


def week_figures(
    conn: Connection,
    team_id: str,
    window: WeekWindow,
    *,
    detail: bool = True,
    top: int = 3,
) -> WeekFigures:
    """All figures of one team for one week. `detail=False` (the previous week, which only
    feeds "what changed") skips cues, phrases, nudges, load, first/last seen, the daily series
    and all timings but the team's frustrated-thread ones."""
    _no_jit(conn)
    counts, timings = _thread_figures(conn, team_id, window, per_channel=detail)
    nudge = _nudge_figures(conn, team_id, window) if detail else {}
    channel_ids = sorted((set(counts) | {s for s, _ in timings} | set(nudge)) - {TEAM})
    channels = {cid: _scope(cid, counts, timings, nudge) for cid in channel_ids}
    team = _scope(TEAM, counts, timings, nudge)
    phrases = _top_phrases(conn, team_id, window, top) if detail else []
    extra = _load_and_cues(conn, team_id, window, top) if detail else _LoadAndCues([], 0, [])
    cues, load, active = extra.top_cues, extra.load, extra.agents_active
    first, last = _seen(conn, team_id) if detail else (None, None)
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
