"""Who is an agent, per workspace. Everyone else is a customer; a Slack Connect outsider always is.

Each workspace's agents are a list of user IDs plus the members of a user group, from the
settings an admin saved in Slack, or (single-workspace mode, nothing saved) from `KINDLY_AGENTS`
and `KINDLY_AGENT_GROUP`. The group is fetched through a callable (the app passes a Web API
call), cached for `ttl`, and on failure the last good list is kept, so a Slack hiccup never
turns agents into customers or back. `Workspaces` keeps one `AgentDirectory` per team.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.config import _CHANNEL_ID, _GROUP_ID, _USER_ID, Settings
from bot.store.workspaces import WorkspaceSettings

log = logging.getLogger(__name__)

GroupFetcher = Callable[[str], Iterable[str]]
TeamGroupFetcher = Callable[[str, str], Iterable[str]]  # (team_id, group_id) -> member IDs


class AgentDirectory:
    def __init__(
        self,
        agents: Iterable[str] = (),
        group_id: str | None = None,
        fetch_group: GroupFetcher | None = None,
        ttl_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._static = frozenset(agents)
        self._group_id = group_id
        self._fetch = fetch_group
        self._ttl = ttl_seconds
        self._clock = clock
        self._group: frozenset[str] = frozenset()
        self._fetched_at: float | None = None
        self._lock = threading.Lock()
        self._fetching = threading.Lock()  # one fetch at a time; others wait and reuse its result

    def refresh(self) -> None:
        """Re-read the user group now (also called when Slack says its members changed)."""
        if not self._group_id or self._fetch is None:
            return
        try:
            members = frozenset(self._fetch(self._group_id))
        except Exception as exc:  # keep the last good list; the next call retries after the TTL
            log.warning("could not refresh agent group %s: %s", self._group_id, type(exc).__name__)
            with self._lock:
                self._fetched_at = self._clock()
            return
        with self._lock:
            self._group, self._fetched_at = members, self._clock()

    def agents(self) -> frozenset[str]:
        if self._group_id and self._fetch is not None and self._stale():
            with self._fetching:
                if self._stale():
                    self.refresh()
        return self._static | self._group

    def _stale(self) -> bool:
        return self._fetched_at is None or self._clock() - self._fetched_at >= self._ttl

    def is_agent(self, user_id: str) -> bool:
        return user_id in self.agents()

    def role(self, user_id: str, *, external: bool = False) -> str:
        """'agent' or 'customer'. External (Slack Connect) users are customers whatever the lists say."""
        if external:
            return "customer"
        return "agent" if self.is_agent(user_id) else "customer"


def is_external(
    user_team: str | None,
    home_team: str | None,
    user_enterprise: str | None = None,
    home_enterprise: str | None = None,
) -> bool:
    """True when the author belongs to another organisation than the installing workspace.

    In a Slack Connect channel a message names its author's workspace (`user_team`). A
    different workspace inside our own Enterprise Grid org is still a colleague.
    """
    if not user_team or not home_team or user_team == home_team:
        return False
    return not (user_enterprise and home_enterprise and user_enterprise == home_enterprise)


def defaults_from(settings: Settings) -> WorkspaceSettings:
    """What a workspace without saved settings gets: the environment's lists in single-workspace
    mode; nothing in OAuth mode, where the environment cannot know any one workspace's people."""
    if settings.oauth_enabled:
        return WorkspaceSettings()
    return WorkspaceSettings(
        agents=settings.agents, agent_group=settings.agent_group, leads=settings.leads, channels=settings.channels
    )


def may_configure(user_id: str, user: Mapping[str, Any], installer_id: str | None) -> bool:
    """Workspace admins and owners (users.info) and the person who installed Kindly may change its settings."""
    if installer_id and user_id == installer_id:
        return True
    if user.get("id") not in (None, user_id) or user.get("deleted") or user.get("is_restricted"):
        return False
    return bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))


class InvalidSettings(ValueError):
    """A submitted setting is malformed; `field` names the input it came from."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def checked_settings(
    agents: Iterable[str], agent_group: str | None, leads: Iterable[str], channels: Iterable[str]
) -> WorkspaceSettings:
    """Validate IDs from the settings form (Slack's pickers give IDs; the group is typed by hand)."""
    group = (agent_group or "").strip().upper() or None
    if group and not _GROUP_ID.match(group):
        raise InvalidSettings("agent_group", "That is not a user group ID: it starts with S, e.g. S0123ABCD.")
    for field, ids, pattern in (
        ("agents", agents, _USER_ID),
        ("leads", leads, _USER_ID),
        ("channels", channels, _CHANNEL_ID),
    ):
        for item in ids:
            if not pattern.match(item):
                raise InvalidSettings(field, "Pick people and channels from the list.")
    return WorkspaceSettings(
        agents=frozenset(agents), agent_group=group, leads=frozenset(leads), channels=frozenset(channels)
    )


_NOTHING = WorkspaceSettings()


@dataclass
class _Entry:
    settings: WorkspaceSettings
    directory: AgentDirectory
    loaded_at: float


class Workspaces:
    """One `AgentDirectory` per team, built from that team's settings and cached.

    A team's settings are re-read after `settings_ttl_seconds` (another process may have saved
    new ones) and at once after `changed(team_id)`; its directory is rebuilt only when they
    differ, so a cached user group survives the re-read. If the database cannot be read, the
    last good settings stay in force.
    """

    def __init__(
        self,
        load: Callable[[str], WorkspaceSettings | None],
        defaults: WorkspaceSettings = _NOTHING,
        fetch_group: TeamGroupFetcher | None = None,
        settings_ttl_seconds: float = 30.0,
        group_ttl_seconds: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self.defaults = defaults
        self._fetch = fetch_group
        self._ttl = settings_ttl_seconds
        self._group_ttl = group_ttl_seconds
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def _entry(self, team_id: str) -> _Entry:
        with self._lock:
            entry = self._entries.get(team_id)
        if entry is not None and self._clock() - entry.loaded_at < self._ttl:
            return entry
        try:
            settings = self._load(team_id) or self.defaults
        except Exception as exc:
            if entry is None:
                raise
            log.warning("could not re-read settings of team %s: %s; keeping the last ones", team_id, type(exc).__name__)
            settings = entry.settings
        with self._lock:
            current = self._entries.get(team_id)
            if current is not None and current.settings == settings:
                current.loaded_at = self._clock()
                return current
            fresh = _Entry(settings, self._directory(team_id, settings), self._clock())
            self._entries[team_id] = fresh
            return fresh

    def _directory(self, team_id: str, settings: WorkspaceSettings) -> AgentDirectory:
        fetch = self._fetch
        group_fetch: GroupFetcher | None = None
        if fetch is not None:

            def group_fetch(group_id: str) -> Iterable[str]:
                return fetch(team_id, group_id)

        return AgentDirectory(settings.agents, settings.agent_group, group_fetch, ttl_seconds=self._group_ttl)

    def settings(self, team_id: str) -> WorkspaceSettings:
        """The settings in force for `team_id` (stored, else the defaults)."""
        return self._entry(team_id).settings

    def for_team(self, team_id: str) -> AgentDirectory:
        return self._entry(team_id).directory

    def watches(self, team_id: str, channel_id: str) -> bool:
        return self.settings(team_id).watches(channel_id)

    def changed(self, team_id: str) -> None:
        """Settings of `team_id` were saved: the next call reads them again."""
        with self._lock:
            entry = self._entries.get(team_id)
            if entry is not None:
                entry.loaded_at = float("-inf")

    def group_changed(self, team_id: str, group_id: str) -> None:
        """Slack says a user group's members changed: re-read it if it is this team's agent group."""
        directory = self.for_team(team_id)
        if self.settings(team_id).agent_group == group_id:
            directory.refresh()
