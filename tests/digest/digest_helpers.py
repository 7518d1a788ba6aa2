"""Hand-built stores for the digest tests: a tmp SQLite file with the shared schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert

from bot.digest.figures import WeekFigures
from bot.digest.metrics import week_figures
from bot.digest.week import week_window
from bot.store.schema import messages, metadata, nudges

# Monday 2026-11-16 00:00 UTC opens ISO week 2026-W47.
W47 = datetime(2026, 11, 16, tzinfo=UTC)


def make_test_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 15, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA busy_timeout=15000")

    metadata.create_all(engine)
    return engine


@dataclass
class StoreBuilder:
    """Adds messages and nudges with only the fields a test cares about."""

    engine: Engine
    team_id: str = "T1"
    _n: int = field(default=0)

    def msg(
        self,
        at: datetime,
        *,
        channel: str = "C1",
        thread: str = "t1",
        role: str = "customer",
        user: str | None = None,
        frustrated: bool = False,
        curt: bool = False,
        cues: str = "",
        team: str | None = None,
    ) -> None:
        self._n += 1
        row = {
            "team_id": team or self.team_id,
            "event_id": f"Ev{self._n}",
            "channel_id": channel,
            "thread_ts": thread,
            "ts": f"{at.timestamp():.6f}",
            "user_id": user or ("UCUST" if role == "customer" else "UAGENT"),
            "role": role,
            "frustration": 0.9 if frustrated else 0.1,
            "curtness": 0.8 if curt else 0.1,
            "warmth": 0.2,
            "compound": 0.0,
            "cues": cues,
            "judgeable": True,
            "frustrated": frustrated,
            "curt": curt,
            "created_at": at,
        }
        with self.engine.begin() as conn:
            conn.execute(insert(messages), [row])

    def nudge(
        self,
        at: datetime,
        *,
        outcome: str = "none",
        phrase: str | None = None,
        channel: str = "C1",
        target: str = "UAGENT",
    ) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                insert(nudges),
                [
                    {
                        "team_id": self.team_id,
                        "channel_id": channel,
                        "thread_ts": "t1",
                        "message_ts": "1.0",
                        "target_user_id": target,
                        "kind": "frustrated_customer",
                        "phrase_ids": phrase or "",
                        "cues": "",
                        "sent_at": at,
                        "outcome": outcome,
                        "phrase_used": phrase,
                    }
                ],
            )

    def figures(self, week: str = "2026-W47", tz: str = "UTC") -> WeekFigures:
        with self.engine.connect() as conn:
            return week_figures(conn, self.team_id, week_window(week, tz))


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A UTC instant in W47: day 0 is Monday 2026-11-16."""
    return W47 + timedelta(days=day, hours=hour, minutes=minute)
