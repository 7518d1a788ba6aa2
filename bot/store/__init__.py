"""Persistence: SQLAlchemy Core over SQLite (default) or PostgreSQL (by DATABASE_URL)."""

from bot.store.engine import make_engine
from bot.store.migrations import migrate
from bot.store.repo import MessageRecord, NewNudge, NudgeRecord, Store, ThreadSummary, WeekStats

__all__ = ["MessageRecord", "NewNudge", "NudgeRecord", "Store", "ThreadSummary", "WeekStats", "make_engine", "migrate"]
