"""Nudge policy: who gets which nudge, and when Kindly stays quiet. Pure functions, no Slack.

Kindly must never nag. A nudge goes to an agent only if that agent has nudges switched on,
has not muted the thread or muted everything, and has not had a nudge in the same thread
within the cooldown. The caller reads those facts from the store; this module decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

FRUSTRATED_CUSTOMER = "frustrated_customer"
CURT_REPLY = "curt_reply"
ON_DEMAND = "on_demand"

CUSTOMER = "customer"
AGENT = "agent"

DEFAULT_MUTE = timedelta(hours=1)
MAX_MUTE = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class AgentGate:
    """The facts about one agent that decide whether a nudge may reach them now."""

    enabled: bool
    muted: bool
    last_nudged_at: datetime | None


def may_nudge(gate: AgentGate, now: datetime, cooldown: timedelta) -> bool:
    """True when a nudge would not be nagging: switched on, not muted, cooldown over."""
    if not gate.enabled or gate.muted:
        return False
    return gate.last_nudged_at is None or now - gate.last_nudged_at >= cooldown


def customer_nudge_candidates(thread_agents: Sequence[str], channel_agents: Sequence[str], limit: int) -> list[str]:
    """Agents to tell about a frustrated customer.

    The agents already in the thread own the conversation, so they alone hear about it. When
    nobody has joined yet, the channel's agents hear, but only a few, so a busy channel does
    not ping the whole team.
    """
    if thread_agents:
        return list(dict.fromkeys(thread_agents))
    return list(dict.fromkeys(channel_agents))[: max(limit, 0)]


def curt_nudge_candidates(author_id: str, author_role: str) -> list[str]:
    """A curt reply is the author's own business: only they hear about it, and only agents."""
    return [author_id] if author_role == AGENT else []


def only_agents(user_ids: Iterable[str], is_agent: set[str] | frozenset[str]) -> list[str]:
    """Last line of defence for invariant 1: whatever the caller passed, customers drop out."""
    return [user for user in user_ids if user in is_agent]


_DURATION = re.compile(r"^\s*(\d{1,4})\s*(m|min|mins|minutes?|h|hr|hrs|hours?|d|days?)\s*$", re.IGNORECASE)


def parse_mute_duration(text: str) -> timedelta | None:
    """'30m', '2h', '1 day' -> a duration (capped at 30 days); '' -> one hour; else None."""
    if not text.strip():
        return DEFAULT_MUTE
    match = _DURATION.match(text)
    if not match:
        return None
    amount, unit = int(match.group(1)), match.group(2).lower()
    if amount <= 0:
        return None
    if unit.startswith("m"):
        span = timedelta(minutes=amount)
    elif unit.startswith("h"):
        span = timedelta(hours=amount)
    else:
        span = timedelta(days=amount)
    return min(span, MAX_MUTE)


def describe_duration(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return f"{days} day" + ("s" if days != 1 else "")
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour" + ("s" if hours != 1 else "")
    return f"{minutes} minute" + ("s" if minutes != 1 else "")
