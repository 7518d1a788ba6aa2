"""Nudge policy: never nag, agents only, a few channel agents at most, readable mute durations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot import nudges

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
COOLDOWN = timedelta(minutes=10)


def gate(enabled: bool = True, muted: bool = False, minutes_ago: float | None = None) -> nudges.AgentGate:
    last = None if minutes_ago is None else NOW - timedelta(minutes=minutes_ago)
    return nudges.AgentGate(enabled=enabled, muted=muted, last_nudged_at=last)


def test_may_nudge_respects_switch_mute_and_cooldown() -> None:
    assert nudges.may_nudge(gate(), NOW, COOLDOWN)
    assert not nudges.may_nudge(gate(enabled=False), NOW, COOLDOWN)
    assert not nudges.may_nudge(gate(muted=True), NOW, COOLDOWN)
    assert not nudges.may_nudge(gate(minutes_ago=9), NOW, COOLDOWN)
    assert nudges.may_nudge(gate(minutes_ago=10), NOW, COOLDOWN)
    assert nudges.may_nudge(gate(minutes_ago=0), NOW, timedelta(0))


@given(st.floats(min_value=0, max_value=60))
def test_cooldown_is_a_clean_cut(minutes_ago: float) -> None:
    assert nudges.may_nudge(gate(minutes_ago=minutes_ago), NOW, COOLDOWN) == (minutes_ago >= 10)


def test_thread_agents_win_over_channel_agents() -> None:
    assert nudges.customer_nudge_candidates(["UA", "UB", "UA"], ["UC", "UD"], 1) == ["UA", "UB"]


def test_channel_agents_are_capped() -> None:
    assert nudges.customer_nudge_candidates([], ["UC", "UD", "UE", "UC"], 2) == ["UC", "UD"]
    assert nudges.customer_nudge_candidates([], ["UC"], 0) == []


def test_curt_nudge_goes_to_its_author_only_if_an_agent() -> None:
    assert nudges.curt_nudge_candidates("UA", nudges.AGENT) == ["UA"]
    assert nudges.curt_nudge_candidates("UC", nudges.CUSTOMER) == []


@given(st.lists(st.sampled_from(["UA", "UB", "UC1", "UC2", "UEXT"]), max_size=10))
def test_only_agents_ever_pass(users: list[str]) -> None:
    out = nudges.only_agents(users, frozenset({"UA", "UB"}))
    assert set(out) <= {"UA", "UB"}


def test_mute_durations() -> None:
    assert nudges.parse_mute_duration("") == timedelta(hours=1)
    assert nudges.parse_mute_duration("30m") == timedelta(minutes=30)
    assert nudges.parse_mute_duration("2 hours") == timedelta(hours=2)
    assert nudges.parse_mute_duration("1d") == timedelta(days=1)
    assert nudges.parse_mute_duration("400d") == nudges.MAX_MUTE
    for bad in ("forever", "0m", "-3h", "2 weeks", "h"):
        assert nudges.parse_mute_duration(bad) is None


def test_describe_duration() -> None:
    assert nudges.describe_duration(timedelta(hours=2)) == "2 hours"
    assert nudges.describe_duration(timedelta(hours=1)) == "1 hour"
    assert nudges.describe_duration(timedelta(minutes=90)) == "90 minutes"
    assert nudges.describe_duration(timedelta(days=1)) == "1 day"


def test_core_modules_do_not_import_slack() -> None:
    """Data flows payload -> listener -> core: the core never sees Slack's libraries."""
    import ast
    import inspect

    from bot import agents, blocks, drafts, suggestions, watcher
    from bot.store import repo

    for module in (nudges, watcher, drafts, suggestions, agents, repo, blocks):
        tree = ast.parse(inspect.getsource(module))
        imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not any(name.startswith(("slack_bolt", "slack_sdk")) for name in imported), module.__name__
