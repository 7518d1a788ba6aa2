"""Helpers shared by the listeners: Web API calls that log failures (never text) and survive."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError, SlackRequestError

from bot import blocks
from bot.agents import is_external, may_configure
from bot.app import Kindly

log = logging.getLogger("bot.listeners")


def safe_call(what: str, fn: Callable[..., Any], **kwargs: Any) -> Any | None:
    """Call the Web API; on a Slack error, a 429 that outlived its retry or a network error,
    log the method and the error code and return None (DESIGN.md invariant 7)."""
    try:
        return fn(**kwargs)
    except SlackApiError as exc:
        status = getattr(exc.response, "status_code", "?")
        code = exc.response.get("error") if hasattr(exc.response, "get") else None
        log.warning("%s failed: HTTP %s, error %s", what, status, code or "unknown")
    except (SlackRequestError, OSError) as exc:
        log.warning("%s failed: %s", what, type(exc).__name__)
    return None


def is_agent_user(kindly: Kindly, user_id: str, user_team: str | None, home_team: str | None) -> bool:
    """Analyses of customers are for agents only (DESIGN.md invariant 1), and never for outsiders."""
    directory = kindly.directory.for_team(home_team or "")
    return directory.role(user_id, external=is_external(user_team, home_team)) == "agent"


def first_name(client: Any, user_id: str | None) -> str | None:
    """The customer's first name for filling a phrase, if Slack tells us; None otherwise."""
    if not user_id:
        return None
    info = safe_call("users.info", client.users_info, user=user_id)
    if not info:
        return None
    user = info.get("user") or {}
    profile = user.get("profile") or {}
    name = profile.get("first_name") or profile.get("display_name") or user.get("real_name") or ""
    return str(name).split(" ")[0] or None


def installer_of(kindly: Kindly, team_id: str, enterprise_id: str | None = None) -> str | None:
    """The user who installed Kindly in this workspace (OAuth mode); None when unknown."""
    if kindly.installation_store is None:
        return None
    try:
        found = kindly.installation_store.find_installation(enterprise_id=enterprise_id, team_id=team_id)
    except Exception as exc:  # a database error: fall back to the admin check
        log.warning("installation lookup failed: %s", type(exc).__name__)
        return None
    return found.user_id if found is not None else None


def can_configure(
    kindly: Kindly,
    client: Any,
    team_id: str,
    user_id: str,
    *,
    user_team: str | None = None,
    enterprise_id: str | None = None,
) -> bool:
    """Workspace admins/owners (users.info) and the installer may change the workspace's settings.
    Someone from another organisation (Slack Connect) never may. Checked on every submission too."""
    if not team_id or not user_id or (user_team and user_team != team_id):
        return False
    installer = installer_of(kindly, team_id, enterprise_id)
    if installer == user_id:
        return True
    info = safe_call("users.info", client.users_info, user=user_id)
    return may_configure(user_id, (info or {}).get("user") or {}, installer)


def home_view(
    kindly: Kindly, team_id: str, user_id: str, intent: str | None, situation: str | None, admin: bool = False
) -> dict:
    store, suggester, settings, now = kindly.store, kindly.suggester, kindly.settings, kindly.clock()
    return blocks.home_view(
        stats=store.week_stats(team_id, user_id, now),
        enabled=store.nudges_enabled(team_id, user_id),
        muted=store.muted_until(team_id, user_id, now),
        intents=suggester.intents(),
        situations=suggester.situations(),
        phrases=suggester.browse(intent, situation),
        intent=intent,
        situation=situation,
        sensitivity=(
            f"Set for the team: a nudge when a customer's frustration reaches {settings.frustration_threshold:.0%}"
            f" or a reply's curtness {settings.curtness_threshold:.0%}; at most one per thread every"
            f" {settings.nudge_cooldown_minutes} minutes."
        ),
        workspace=blocks.workspace_blocks(kindly.directory.settings(team_id), admin),
    )


def publish_home(
    kindly: Kindly,
    client: Any,
    team_id: str,
    user_id: str,
    intent: str | None = None,
    situation: str | None = None,
    enterprise_id: str | None = None,
) -> None:
    admin = can_configure(kindly, client, team_id, user_id, enterprise_id=enterprise_id)
    view = home_view(kindly, team_id, user_id, intent, situation, admin)
    safe_call("views.publish", client.views_publish, user_id=user_id, view=view)
