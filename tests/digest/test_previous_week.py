"""The previous week's figures (detail=False) take a shorter path; what they keep must match."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from digest_helpers import W47, StoreBuilder, at
from kindly_harness import POSTGRES_URL, fresh_postgres_schema
from sqlalchemy import Engine, create_engine

from bot.digest.figures import NudgeCounts, ScopeFigures, Timing, WeekFigures
from bot.digest.metrics import week_figures
from bot.digest.week import week_window
from bot.store.schema import metadata


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest, store: StoreBuilder) -> Iterator[StoreBuilder]:
    """The store on SQLite, and on PostgreSQL too when KINDLY_TEST_POSTGRES_URL is set."""
    if request.param == "sqlite":
        yield store
        return
    if not POSTGRES_URL:
        pytest.skip("set KINDLY_TEST_POSTGRES_URL to run the digest's portability tests on PostgreSQL too")
    with fresh_postgres_schema(POSTGRES_URL) as url:
        engine = create_engine(url)
        metadata.create_all(engine)
        yield StoreBuilder(engine)
        engine.dispose()


def _kept(scope: ScopeFigures, team: bool) -> ScopeFigures:
    """What detail=False computes: every count but nudges and the daily series, and only the
    team's frustrated-thread timing."""
    return replace(
        scope,
        nudges=NudgeCounts(),
        answered_threads=0,
        response_all=Timing(),
        response_frustrated=scope.response_frustrated if team else Timing(),
        frustrated_by_day=(0,) * 7,
        recovered_by_day=(0,) * 7,
    )


def _both(engine: Engine, week: str, tz: str) -> tuple[WeekFigures, WeekFigures]:
    with engine.connect() as conn:
        window = week_window(week, tz)
        return week_figures(conn, "T1", window), week_figures(conn, "T1", window, detail=False)


def _assert_same(full: WeekFigures, brief: WeekFigures) -> None:
    assert brief.team == _kept(full.team, team=True)
    kept = {cid: _kept(f, team=False) for cid, f in full.channels.items()}
    # A channel whose only messages in the week were plain agent replies has nothing to compare.
    assert brief.channels == {cid: f for cid, f in kept.items() if cid in brief.channels}
    assert {cid for cid, f in kept.items() if f.customer_messages or f.curt_replies} <= set(brief.channels)


def test_previous_week_figures_match_the_full_computation_on_edge_cases(any_store: StoreBuilder) -> None:
    store = any_store
    store.msg(at(0, 8), thread="early", role="agent")  # agent first: the reply is sought
    store.msg(at(0, 9), thread="early", frustrated=True)
    store.msg(at(0, 11), thread="early", role="agent", curt=True)
    store.msg(at(6, 23), thread="late", frustrated=True)  # answered after the week
    store.msg(at(7, 1), thread="late", role="agent")
    store.msg(at(1), thread="b", role="agent", curt=True)  # curt before and after frustration
    store.msg(at(1, 10), thread="b", frustrated=True)
    store.msg(at(1, 11), thread="b", role="agent", curt=True)
    store.msg(at(1, 12), thread="b")  # recovered
    store.msg(at(2), thread="open", frustrated=True, channel="C2")  # never answered
    store.msg(at(3), thread="agents", role="agent", channel="C3")  # agent-only channel
    store.msg(at(3), thread="curt-only", role="agent", curt=True, channel="C4")
    store.msg(W47 - timedelta(minutes=5), thread="spans", frustrated=True)  # the week before
    store.msg(at(0, 1), thread="spans", role="agent")
    store.nudge(at(1), outcome="used", phrase="p")
    full, brief = _both(store.engine, "2026-W47", "UTC")
    assert full.team.frustrated_threads == 4 and full.team.curt_to_frustrated == 2
    _assert_same(full, brief)


def test_previous_week_figures_match_the_full_computation_on_a_random_store(any_store: StoreBuilder) -> None:
    store = any_store
    rng = random.Random(7)
    for n in range(120):
        thread, channel, moment = f"t{n}", f"C{rng.randrange(4)}", W47 + timedelta(hours=rng.uniform(-30, 180))
        for _ in range(rng.randint(1, 6)):
            customer = rng.random() < 0.55
            store.msg(
                moment,
                thread=thread,
                channel=channel,
                role="customer" if customer else "agent",
                user=None if customer else f"UA{rng.randrange(5)}",
                frustrated=customer and rng.random() < 0.35,
                curt=not customer and rng.random() < 0.3,
            )
            moment += timedelta(minutes=rng.expovariate(1 / 90))
    for tz in ("UTC", "Europe/Paris"):
        full, brief = _both(store.engine, "2026-W47", tz)
        assert full.team.frustrated_threads > 10
        _assert_same(full, brief)


def test_team_percentiles_are_exact_ranks_on_every_backend(any_store: StoreBuilder) -> None:
    """The team's row adds up the channels' rows; PostgreSQL's NUMERIC sums must not turn the
    percentile ranks into fractions (which would pick nothing)."""
    for minutes in range(1, 11):
        thread = f"t{minutes}"
        any_store.msg(at(0, 9), thread=thread, channel=f"C{minutes % 3}", frustrated=minutes >= 8)
        any_store.msg(at(0, 9, minutes), thread=thread, channel=f"C{minutes % 3}", role="agent")
    full, brief = _both(any_store.engine, "2026-W47", "UTC")
    for team in (full.team, brief.team):
        assert team.response_frustrated == Timing(3, 9 * 60, 10 * 60)
    assert full.team.response_all == Timing(10, 5.5 * 60, 9 * 60)
    assert full.team.frustrated_by_day == (3, 0, 0, 0, 0, 0, 0)
