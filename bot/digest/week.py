"""ISO weeks in a lead's time zone, turned into UTC bounds for SQL.

The store keeps UTC; a lead thinks in local Mondays. Converting the local week's edges (and each
local midnight, so DST days are 23 or 25 hours long) to UTC keeps SQL free of time-zone logic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_iso_week(text: str) -> tuple[int, int]:
    """'2026-W47' -> (2026, 47); raises ValueError for weeks that do not exist."""
    match = _ISO_WEEK.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not an ISO week like 2026-W47")
    year, week = int(match.group(1)), int(match.group(2))
    date.fromisocalendar(year, week, 1)  # raises ValueError for W00 or W53 in a 52-week year
    return year, week


def format_iso_week(year: int, week: int) -> str:
    return f"{year:04d}-W{week:02d}"


def iso_week_of(moment: datetime, tz: ZoneInfo) -> str:
    """The ISO week `moment` falls in, as seen on a clock in `tz`."""
    year, week, _ = moment.astimezone(tz).isocalendar()
    return format_iso_week(year, week)


def shift_week(iso_week: str, weeks: int) -> str:
    """The ISO week `weeks` away (negative for earlier); handles 52/53-week years."""
    year, week = parse_iso_week(iso_week)
    monday = date.fromisocalendar(year, week, 1) + timedelta(weeks=weeks)
    y, w, _ = monday.isocalendar()
    return format_iso_week(y, w)


@dataclass(frozen=True)
class WeekWindow:
    """One ISO week in one time zone: its UTC start/end and the UTC start of each local day."""

    iso_week: str
    tz: ZoneInfo
    start: datetime  # UTC, inclusive: Monday 00:00 local
    end: datetime  # UTC, exclusive: next Monday 00:00 local
    day_starts: tuple[datetime, ...]  # 8 UTC instants: each local midnight, Monday .. next Monday

    @property
    def days(self) -> tuple[date, ...]:
        year, week = parse_iso_week(self.iso_week)
        monday = date.fromisocalendar(year, week, 1)
        return tuple(monday + timedelta(days=i) for i in range(7))


def _local_midnight_utc(day: date, tz: ZoneInfo) -> datetime:
    """UTC instant of local 00:00 (zoneinfo resolves a midnight that DST skips or repeats)."""
    return datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(UTC)


def week_window(iso_week: str, tz: ZoneInfo | str = "UTC") -> WeekWindow:
    """The UTC bounds of `iso_week` on the clocks of `tz`."""
    zone = ZoneInfo(tz) if isinstance(tz, str) else tz
    year, week = parse_iso_week(iso_week)
    monday = date.fromisocalendar(year, week, 1)
    starts = tuple(_local_midnight_utc(monday + timedelta(days=i), zone) for i in range(8))
    return WeekWindow(iso_week=iso_week, tz=zone, start=starts[0], end=starts[7], day_starts=starts)


def to_utc(moment: datetime) -> datetime:
    """Naive datetimes from SQLite are UTC by the store's convention."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
