"""The agent directory: env list, a cached user group, and Slack Connect outsiders as customers."""

from __future__ import annotations

from bot.agents import AgentDirectory, is_external


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_env_agents_and_everyone_else_customers() -> None:
    directory = AgentDirectory(["UA"])
    assert directory.role("UA") == "agent" and directory.role("UC") == "customer"


def test_external_user_is_a_customer_even_if_listed() -> None:
    assert AgentDirectory(["UA"]).role("UA", external=True) == "customer"


def test_group_is_cached_and_refreshed_after_ttl() -> None:
    calls: list[str] = []
    members = ["UG1"]

    def fetch(group: str) -> list[str]:
        calls.append(group)
        return list(members)

    clock = Clock()
    directory = AgentDirectory(["UA"], "SGROUP", fetch, ttl_seconds=60, clock=clock)
    assert directory.is_agent("UG1") and directory.is_agent("UA")
    members[:] = ["UG2"]
    clock.now = 59
    assert directory.is_agent("UG1") and len(calls) == 1  # cached
    clock.now = 61
    assert directory.is_agent("UG2") and not directory.is_agent("UG1") and len(calls) == 2
    directory.refresh()  # subteam_members_changed refreshes at once
    assert len(calls) == 3


def test_failed_refresh_keeps_the_last_good_list() -> None:
    state = {"fail": False}

    def fetch(group: str) -> list[str]:
        if state["fail"]:
            raise RuntimeError("plan_upgrade_required")
        return ["UG1"]

    clock = Clock()
    directory = AgentDirectory([], "SGROUP", fetch, ttl_seconds=10, clock=clock)
    assert directory.is_agent("UG1")
    state["fail"], clock.now = True, 100
    assert directory.is_agent("UG1")


def test_is_external() -> None:
    assert is_external("TOTHER", "THOME")
    assert not is_external("THOME", "THOME")
    assert not is_external(None, "THOME")  # no author team in the event: treat as ours
    assert not is_external("TSISTER", "THOME", "EORG", "EORG")  # same Enterprise Grid org
    assert is_external("TOTHER", "THOME", "EOTHER", "EORG")
