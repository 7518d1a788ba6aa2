"""The digest's figures as plain data: what the SQL in metrics.py produces, per week and scope.

None (not 0) marks a figure with nothing to measure, so renderers can say "no data" instead
of showing a zero that looks like success.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.digest.week import WeekWindow

TEAM = "*"  # the scope key of team-wide figures, beside channel IDs


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
