"""Generate a synthetic Kindly store: N message rows over 30 channels, 50 agents and 8 weeks.

    python benchmarks/synth_store.py --rows 1000000 --db /tmp/kindly-bench.db

Threads alternate customer and agent messages (about five each), a fifth of customer messages
are frustrated (with cue names), some agent replies are curt, and roughly one nudge is written
per ten messages. The weeks end with ISO week END_WEEK, the week the benchmark digests.
Rows go in through SQLAlchemy Core executemany in batches, so any DATABASE_URL works.
"""

from __future__ import annotations

import argparse
import heapq
import random
import sys
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.store.engine import make_engine
from bot.store.migrations import migrate
from bot.store.schema import messages, metadata, nudges

TEAM = "TBENCH"
END_WEEK = (2026, 47)
WEEKS = 8
CHANNELS = [f"C{n:08d}" for n in range(30)]
AGENTS = [f"UAGENT{n:03d}" for n in range(50)]
CUES = ["waiting", "repeated_contact", "outage", "billing", "account_access", "harsh_words", "all_caps"]
PHRASES = [f"phrase-{n:02d}" for n in range(25)]
OUTCOMES = ["none"] * 5 + ["used"] * 3 + ["more", "not_helpful", "muted"]
BATCH = 20_000


def first_instant() -> datetime:
    monday = date.fromisocalendar(*END_WEEK, 1) - timedelta(weeks=WEEKS - 1)
    return datetime(monday.year, monday.month, monday.day, tzinfo=UTC)


def _thread(rng: random.Random, start: datetime, serial: int) -> list[tuple[datetime, int, dict[str, Any]]]:
    """One thread's messages (customer, agent, customer, ...), each with its time."""
    channel = rng.choice(CHANNELS)
    agent = AGENTS[min(int(rng.paretovariate(1.6)) - 1, 49)] if rng.random() < 0.3 else rng.choice(AGENTS)
    customer = f"UCUST{rng.randrange(40_000):06d}"
    angry = rng.random() < 0.25
    moment, out = start, []
    for i in range(rng.randint(2, 8)):
        is_customer = i % 2 == 0
        frustrated = is_customer and angry and rng.random() < (0.8 if i == 0 else 0.45)
        curt = not is_customer and rng.random() < 0.08
        row = {
            "team_id": TEAM,
            "channel_id": channel,
            "thread_ts": f"{start.timestamp():.6f}",
            "ts": f"{moment.timestamp():.6f}",
            "user_id": customer if is_customer else agent,
            "role": "customer" if is_customer else "agent",
            "frustration": 0.8 if frustrated else 0.2,
            "curtness": 0.7 if curt else 0.1,
            "warmth": 0.3,
            "compound": -0.5 if frustrated else 0.2,
            "cues": ",".join(rng.sample(CUES, rng.randint(1, 2))) if frustrated else "",
            "judgeable": True,
            "frustrated": frustrated,
            "curt": curt,
            "created_at": moment,
            "_agent": agent,
        }
        out.append((moment, serial * 16 + i, row))
        moment += timedelta(minutes=rng.expovariate(1 / 25) + 1)
    return out


def _nudge(rng: random.Random, row: dict[str, Any]) -> dict[str, Any] | None:
    if not (row["frustrated"] or rng.random() < 0.03):
        return None
    outcome = rng.choice(OUTCOMES)
    return {
        "team_id": TEAM,
        "channel_id": row["channel_id"],
        "thread_ts": row["thread_ts"],
        "message_ts": row["ts"],
        "target_user_id": row["_agent"],
        "kind": "frustrated_customer" if row["frustrated"] else "curt_reply",
        "phrase_ids": ",".join(rng.sample(PHRASES, 2)),
        "cues": row["cues"],
        "sent_at": row["created_at"] + timedelta(seconds=2),
        "outcome": outcome,
        "phrase_used": rng.choice(PHRASES) if outcome == "used" else None,
    }


def _rows(total: int, seed: int) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Yield (message row, nudge row or None) in time order, as a live app would write them.

    Threads start at exponential gaps sized so `total` messages span the 8 weeks; their
    messages wait in a heap until their time comes, so memory holds only open threads.
    """
    rng = random.Random(seed)
    mean_gap = WEEKS * 7 * 86400 / (total / 5)  # five messages per thread on average
    pending: list[tuple[datetime, int, dict[str, Any]]] = []
    start, serial, made = first_instant(), 0, 0
    while made < total:
        start += timedelta(seconds=rng.expovariate(1 / mean_gap))
        serial += 1
        for item in _thread(rng, start, serial):
            heapq.heappush(pending, item)
        while pending and pending[0][0] <= start and made < total:
            _, _, row = heapq.heappop(pending)
            made += 1
            row["event_id"] = f"Ev{made:09d}"
            nudge = _nudge(rng, row)
            del row["_agent"]
            yield row, nudge


def generate(engine: Engine, total: int, seed: int = 47) -> tuple[int, int]:
    """Insert `total` message rows (and their nudges); returns (messages, nudges) written."""
    migrate(engine)
    batch: list[dict[str, Any]] = []
    nudge_batch: list[dict[str, Any]] = []
    written_nudges = 0

    def flush() -> None:
        with engine.begin() as conn:
            if batch:
                conn.execute(insert(messages), batch)
            if nudge_batch:
                conn.execute(insert(nudges), nudge_batch)
        batch.clear()
        nudge_batch.clear()

    for row, nudge in _rows(total, seed):
        batch.append(row)
        if nudge:
            nudge_batch.append(nudge)
            written_nudges += 1
        if len(batch) >= BATCH:
            flush()
    flush()
    if engine.dialect.name != "sqlite":
        # The steady state autovacuum reaches after a bulk load: statistics, visibility map.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return total, written_nudges


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, help="SQLite file (replaced); default: --url")
    parser.add_argument("--url", help="SQLAlchemy URL of a scratch database (its Kindly tables are dropped)")
    parser.add_argument("--seed", type=int, default=47)
    args = parser.parse_args()
    if args.db:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{args.db}{suffix}").unlink(missing_ok=True)
    url = args.url or f"sqlite:///{args.db or 'kindly-bench.db'}"
    engine = make_engine(url)
    if args.url:
        metadata.drop_all(engine)  # a scratch database: start from empty Kindly tables
    started = time.perf_counter()
    written, nudged = generate(engine, args.rows, args.seed)
    print(f"wrote {written:,} messages and {nudged:,} nudges in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
