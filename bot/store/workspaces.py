"""Per-workspace settings (schema v5): who the agents and leads are and which channels are watched.

An admin sets them in Slack; every read and write is keyed by `team_id`, so one workspace's
settings can never reach another's. Only Slack IDs are stored, never names or text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from bot.store.schema import workspace_settings

_T = workspace_settings.c


@dataclass(frozen=True)
class WorkspaceSettings:
    """One workspace's who-is-who. `updated_at` is None for defaults that were never saved."""

    agents: frozenset[str] = frozenset()
    agent_group: str | None = None
    leads: frozenset[str] = frozenset()
    channels: frozenset[str] = frozenset()  # empty: every channel Kindly is a member of
    updated_by: str | None = None
    updated_at: datetime | None = None

    @property
    def stored(self) -> bool:
        return self.updated_at is not None

    def watches(self, channel_id: str) -> bool:
        return not self.channels or channel_id in self.channels


def _join(ids: Iterable[str]) -> str:
    return ",".join(sorted(set(ids)))


def _split(raw: str | None) -> frozenset[str]:
    return frozenset(part for part in (raw or "").split(",") if part)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite hands back naive datetimes


def load(engine: Engine, team_id: str) -> WorkspaceSettings | None:
    """The stored settings of `team_id`, or None when nobody has saved any."""
    with engine.connect() as conn:
        row = conn.execute(
            select(_T.agents, _T.agent_group, _T.leads, _T.channels, _T.updated_by, _T.updated_at).where(
                _T.team_id == team_id
            )
        ).first()
    if row is None:
        return None
    return WorkspaceSettings(
        agents=_split(row.agents),
        agent_group=row.agent_group or None,
        leads=_split(row.leads),
        channels=_split(row.channels),
        updated_by=row.updated_by,
        updated_at=_aware(row.updated_at),
    )


def resolve(engine: Engine, team_id: str, defaults: WorkspaceSettings) -> WorkspaceSettings:
    """What is in force for `team_id`: its stored settings as a whole, else `defaults`."""
    return load(engine, team_id) or defaults


def save(engine: Engine, team_id: str, settings: WorkspaceSettings, *, updated_by: str, now: datetime) -> WorkspaceSettings:
    """Store `settings` for `team_id` (replacing any earlier row); returns what was stored."""
    values = {
        "agents": _join(settings.agents),
        "agent_group": settings.agent_group or None,
        "leads": _join(settings.leads),
        "channels": _join(settings.channels),
        "updated_by": updated_by,
        "updated_at": now,
    }
    for _attempt in range(2):  # a concurrent first save of the same team: the loser updates
        try:
            with engine.begin() as conn:
                if conn.execute(update(workspace_settings).where(_T.team_id == team_id).values(**values)).rowcount == 0:
                    conn.execute(insert(workspace_settings).values(team_id=team_id, **values))
            break
        except IntegrityError:
            continue
    stored = load(engine, team_id)
    assert stored is not None
    return stored


def configured_teams(engine: Engine) -> list[str]:
    """Team IDs with stored settings (the operator's view; the digest walks installations instead)."""
    with engine.connect() as conn:
        return [str(t) for t in conn.execute(select(_T.team_id).order_by(_T.team_id)).scalars()]
