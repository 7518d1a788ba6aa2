"""Who is an agent. Everyone else is a customer; a Slack Connect outsider always is.

Agents come from `KINDLY_AGENTS` and from the members of `KINDLY_AGENT_GROUP`. The group is
fetched through a callable (the app passes a Web API call), cached for `ttl`, and on failure
the last good list is kept, so a Slack hiccup never turns agents into customers or back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable

log = logging.getLogger(__name__)

GroupFetcher = Callable[[str], Iterable[str]]


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
