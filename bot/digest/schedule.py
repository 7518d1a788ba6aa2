"""When each lead is due a digest: a local weekday and time, by default Monday 09:00.

The digest always covers the last complete ISO week (in the lead's time zone) and is due from
the configured moment of the following week until that week ends. A process that was down at
the due moment therefore catches up as soon as it runs again within the week.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.config import ConfigError
from bot.digest.week import iso_week_of, parse_iso_week, shift_week

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class DigestSchedule:
    weekday: int = 0  # 0 = Monday, as date.weekday()
    at: time = time(9, 0)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> DigestSchedule:
        """KINDLY_DIGEST_DAY (mon..sun) and KINDLY_DIGEST_TIME (HH:MM, the lead's local time)."""
        day = (env.get("KINDLY_DIGEST_DAY") or "mon").strip().lower()[:3]
        if day not in DAYS:
            raise ConfigError(f"KINDLY_DIGEST_DAY: {day!r} is not one of {', '.join(DAYS)}")
        raw = (env.get("KINDLY_DIGEST_TIME") or "09:00").strip()
        match = _TIME.match(raw)
        if not match:
            raise ConfigError(f"KINDLY_DIGEST_TIME: {raw!r} is not a time like 09:00")
        return cls(DAYS.index(day), time(int(match.group(1)), int(match.group(2))))

    def send_at(self, iso_week: str, tz: ZoneInfo) -> datetime:
        """The local moment in `iso_week` when the previous week's digest becomes due."""
        year, week = parse_iso_week(iso_week)
        day = date.fromisocalendar(year, week, self.weekday + 1)
        return datetime.combine(day, self.at, tzinfo=tz)

    def due_week(self, now: datetime, tz: ZoneInfo) -> str | None:
        """The ISO week whose digest is due at `now` for a lead in `tz`, or None before the due time."""
        this_week = iso_week_of(now, tz)
        if now < self.send_at(this_week, tz):
            return None
        return shift_week(this_week, -1)
