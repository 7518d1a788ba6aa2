"""Per-workspace settings: the v5 table, its migration, and the per-team agent directory."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from kindly_harness import BACKENDS
from sqlalchemy import create_engine, inspect

from bot.agents import InvalidSettings, Workspaces, checked_settings, defaults_from, may_configure
from bot.config import settings_from
from bot.store import make_engine, migrate
from bot.store import workspaces as ws
from bot.store.migrations import current_version
from bot.store.schema import SCHEMA_VERSION, metadata, schema_version, workspace_settings
from bot.store.workspaces import WorkspaceSettings

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_a_version_4_database_gains_the_workspace_settings_table(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        metadata.create_all(engine, tables=[t for t in metadata.sorted_tables if t is not workspace_settings])
        with engine.begin() as conn:
            for version in (1, 2, 3, 4):
                conn.execute(schema_version.insert().values(version=version, applied_at=NOW))
        assert not inspect(engine).has_table("workspace_settings")

        assert migrate(engine) == SCHEMA_VERSION == 5 == current_version(engine)
        assert inspect(engine).has_table("workspace_settings")
        ws.save(engine, "TA", WorkspaceSettings(agents=frozenset({"UA1"})), updated_by="UADM", now=NOW)
        assert migrate(engine) == 5  # idempotent on the next start
        stored = ws.load(engine, "TA")
        assert stored is not None and stored.agents == {"UA1"} and stored.updated_by == "UADM"
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_settings_are_kept_per_team_and_replaced_as_a_whole(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        migrate(engine)
        first = WorkspaceSettings(
            agents=frozenset({"UA1", "UA2"}), agent_group="SGRP1", leads=frozenset({"UL1"}), channels=frozenset({"CA1"})
        )
        ws.save(engine, "TA", first, updated_by="UADM", now=NOW)
        ws.save(engine, "TB", WorkspaceSettings(leads=frozenset({"UL2"})), updated_by="UB", now=NOW)
        a, b = ws.load(engine, "TA"), ws.load(engine, "TB")
        assert a is not None and (a.agents, a.agent_group, a.leads, a.channels) == (
            {"UA1", "UA2"},
            "SGRP1",
            {"UL1"},
            {"CA1"},
        )
        assert a.updated_at == NOW and a.stored
        assert b is not None and b.agents == frozenset() and b.leads == {"UL2"} and b.agent_group is None
        ws.save(engine, "TA", WorkspaceSettings(agents=frozenset({"UA3"})), updated_by="UADM2", now=NOW)
        a = ws.load(engine, "TA")
        assert a is not None and a.agents == {"UA3"} and a.leads == frozenset() and a.updated_by == "UADM2"
        assert ws.load(engine, "TC") is None
        assert ws.configured_teams(engine) == ["TA", "TB"]
    finally:
        engine.dispose()


def test_env_lists_are_the_default_in_single_workspace_mode_and_nothing_in_oauth_mode() -> None:
    single = settings_from({"KINDLY_AGENTS": "UA1", "KINDLY_LEADS": "UL1", "KINDLY_CHANNELS": "CA1"})
    assert defaults_from(single) == WorkspaceSettings(
        agents=frozenset({"UA1"}), leads=frozenset({"UL1"}), channels=frozenset({"CA1"})
    )
    oauth = settings_from({"KINDLY_AGENTS": "UA1", "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "s"})
    assert defaults_from(oauth) == WorkspaceSettings()


def test_the_registry_keeps_one_directory_per_team_and_rereads_after_a_change() -> None:
    engine = create_engine("sqlite://")
    migrate(engine)
    fetched: list[tuple[str, str]] = []

    def fetch(team: str, group: str) -> list[str]:
        fetched.append((team, group))
        return [f"U{team}G"]

    defaults = WorkspaceSettings(agents=frozenset({"UENV"}))
    registry = Workspaces(lambda team: ws.load(engine, team), defaults, fetch, settings_ttl_seconds=3600)
    assert registry.for_team("TA").is_agent("UENV") and registry.watches("TA", "CANY")
    ws.save(engine, "TA", WorkspaceSettings(agents=frozenset({"UA1"}), agent_group="SA"), updated_by="U", now=NOW)
    assert registry.for_team("TA").is_agent("UENV")  # cached until told or the TTL passes
    registry.changed("TA")
    assert registry.for_team("TA").is_agent("UA1") and not registry.for_team("TA").is_agent("UENV")
    assert registry.for_team("TA").is_agent("UTAG") and fetched == [("TA", "SA")]  # the group, with team A's client
    assert registry.for_team("TB").is_agent("UENV") and not registry.for_team("TB").is_agent("UA1")
    registry.group_changed("TB", "SA")  # another team's event about a group of that ID: not ours
    assert fetched == [("TA", "SA")]
    registry.group_changed("TA", "SA")
    assert fetched == [("TA", "SA"), ("TA", "SA")]


def test_the_registry_keeps_the_last_good_settings_when_the_database_fails() -> None:
    calls = {"n": 0}
    clock = [0.0]

    def load(team: str) -> WorkspaceSettings | None:
        calls["n"] += 1
        if calls["n"] > 1:
            raise RuntimeError("database down")
        return WorkspaceSettings(agents=frozenset({"UA1"}), updated_at=NOW)

    registry = Workspaces(load, settings_ttl_seconds=10, clock=lambda: clock[0])
    assert registry.for_team("TA").is_agent("UA1")
    clock[0] = 100
    assert registry.for_team("TA").is_agent("UA1") and calls["n"] == 2


def test_only_admins_owners_and_the_installer_may_configure() -> None:
    assert may_configure("U1", {"id": "U1", "is_admin": True}, None)
    assert may_configure("U1", {"id": "U1", "is_owner": True}, None)
    assert may_configure("U1", {}, "U1")  # the installer, even when users.info is unavailable
    assert not may_configure("U1", {"id": "U1"}, "U2")
    assert not may_configure("U1", {"id": "U1", "is_admin": True, "is_restricted": True}, None)
    assert not may_configure("U1", {"id": "U2", "is_admin": True}, None)


def test_submitted_ids_are_checked() -> None:
    got = checked_settings(["UA1"], " s0grp ", ["UL1"], ["CA1", "GPRIV"])
    assert got.agent_group == "S0GRP" and got.channels == {"CA1", "GPRIV"}
    with pytest.raises(InvalidSettings) as err:
        checked_settings([], "@support-team", [], [])
    assert err.value.field == "agent_group"
    with pytest.raises(InvalidSettings) as err:
        checked_settings([], None, [], ["#general"])
    assert err.value.field == "channels"
