"""ISO-week bounds in the lead's time zone, including DST weeks and year ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from digest_helpers import StoreBuilder

from bot.digest.week import iso_week_of, parse_iso_week, shift_week, week_window


def test_utc_week_is_monday_to_monday() -> None:
    w = week_window("2026-W47", "UTC")
    assert w.start == datetime(2026, 11, 16, tzinfo=UTC)
    assert w.end == datetime(2026, 11, 23, tzinfo=UTC)


@pytest.mark.parametrize(
    ("tz", "start_utc"),
    [
        ("Europe/Paris", datetime(2026, 11, 15, 23, 0, tzinfo=UTC)),  # UTC+1
        ("America/New_York", datetime(2026, 11, 16, 5, 0, tzinfo=UTC)),  # UTC-5
        ("Pacific/Auckland", datetime(2026, 11, 15, 11, 0, tzinfo=UTC)),  # UTC+13 (summer)
        ("Asia/Kolkata", datetime(2026, 11, 15, 18, 30, tzinfo=UTC)),  # UTC+5:30
    ],
)
def test_week_starts_at_local_monday_midnight(tz: str, start_utc: datetime) -> None:
    w = week_window("2026-W47", tz)
    assert w.start == start_utc
    assert w.end == start_utc + timedelta(days=7)


def test_dst_week_is_25_hours_longer_on_its_sunday() -> None:
    # Europe/Paris leaves summer time on Sunday 2026-10-25 (ISO week 2026-W43).
    w = week_window("2026-W43", "Europe/Paris")
    assert w.start == datetime(2026, 10, 18, 22, 0, tzinfo=UTC)
    assert w.end == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)
    assert w.day_starts[7] - w.day_starts[6] == timedelta(hours=25)


def test_the_same_message_falls_in_different_weeks_for_different_leads(store: StoreBuilder) -> None:
    # Sunday 2026-11-22 23:30 UTC: still W47 in New York, already W48 in Paris.
    moment = datetime(2026, 11, 22, 23, 30, tzinfo=UTC)
    store.msg(moment, frustrated=True)
    assert iso_week_of(moment, ZoneInfo("America/New_York")) == "2026-W47"
    assert iso_week_of(moment, ZoneInfo("Europe/Paris")) == "2026-W48"
    assert store.figures("2026-W47", "America/New_York").team.frustrated_threads == 1
    assert store.figures("2026-W47", "Europe/Paris").team.frustrated_threads == 0
    assert store.figures("2026-W48", "Europe/Paris").team.frustrated_threads == 1


def test_week_arithmetic_across_year_ends() -> None:
    assert shift_week("2026-W01", -1) == "2025-W52"
    assert shift_week("2026-W53", 1) == "2027-W01"  # 2026 has 53 ISO weeks
    assert shift_week("2026-W47", -1) == "2026-W46"
    assert parse_iso_week("2026-W47") == (2026, 47)


@pytest.mark.parametrize("bad", ["2026-47", "2026-W00", "2025-W53", "W47", ""])
def test_malformed_or_missing_weeks_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_iso_week(bad)
