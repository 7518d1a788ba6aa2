"""Modal submissions: the compose modal answers with the analysis and the rewrite in place; the
workspace settings modal saves who the agents and leads are, for admins only."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot import blocks
from bot.agents import InvalidSettings, checked_settings
from bot.app import deps
from bot.drafts import check_draft
from bot.listeners._common import can_configure, is_agent_user, publish_home
from bot.store import workspaces

log = logging.getLogger("bot.listeners")

GROUP_ERRORS = {
    "no_such_subteam": "Slack does not know a user group with this ID in this workspace.",
    "subteam_not_found": "Slack does not know a user group with this ID in this workspace.",
    "plan_upgrade_required": "User groups need a paid Slack plan: pick the agents above instead.",
}


def _field(view: dict[str, Any], block_id: str) -> str:
    values = (view.get("state") or {}).get("values") or {}
    return str(((values.get(block_id) or {}).get("text") or {}).get("value") or "")


def _picked(view: dict[str, Any], block_id: str, action_id: str, key: str) -> list[str]:
    values = (view.get("state") or {}).get("values") or {}
    picked = ((values.get(block_id) or {}).get(action_id) or {}).get(key) or []
    return [str(item) for item in picked] if isinstance(picked, list) else []


def on_compose_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    user = body.get("user") or {}
    if not is_agent_user(deps(context), user.get("id", ""), user.get("team_id"), context.team_id):
        ack(response_action="update", view=blocks.agents_only_modal())
        return
    draft, customer = _field(view, "draft"), _field(view, "customer")
    if not draft.strip():
        ack(response_action="errors", errors={"draft": "Paste the reply you plan to send."})
        return
    kindly = deps(context)
    result = check_draft(kindly.suggester, draft, customer_text=customer or None)
    modal = blocks.analysis_modal(
        "Compose with Kindly",
        draft,
        result.analysis,
        result.rewrite,
        kindly.settings.curtness_threshold,
        customer=result.customer,
        phrases=result.phrases,
    )
    ack(response_action="update", view=modal)


def _group_error(client: WebClient, group_id: str) -> str | None:
    """Ask Slack whether the typed group exists here; an answer we cannot get does not block saving."""
    try:
        client.usergroups_users_list(usergroup=group_id)
    except SlackApiError as exc:
        code = exc.response.get("error") if hasattr(exc.response, "get") else None
        return GROUP_ERRORS.get(str(code))
    except Exception as exc:
        log.warning("usergroups.users.list failed while saving settings: %s", type(exc).__name__)
    return None


def on_workspace_settings_submit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
) -> None:
    """Checked again here: a modal can be replayed or forged, so the button's check is not enough."""
    kindly = deps(context)
    user = body.get("user") or {}
    team, user_id = context.team_id or (body.get("team") or {}).get("id") or "", str(user.get("id") or "")
    if not can_configure(kindly, client, team, user_id, user_team=user.get("team_id"), enterprise_id=context.enterprise_id):
        log.warning("workspace settings of %s: change by %s refused (not an admin, owner or the installer)", team, user_id)
        ack(response_action="update", view=blocks.settings_refused_modal())
        return
    try:
        wanted = checked_settings(
            _picked(view, "agents", "users", "selected_users"),
            _field(view, "agent_group"),
            _picked(view, "leads", "users", "selected_users"),
            _picked(view, "channels", "conversations", "selected_conversations"),
        )
    except InvalidSettings as exc:
        ack(response_action="errors", errors={exc.field: str(exc)})
        return
    if wanted.agent_group and wanted.agent_group != kindly.directory.settings(team).agent_group:
        problem = _group_error(client, wanted.agent_group)
        if problem:
            ack(response_action="errors", errors={"agent_group": problem})
            return
    try:
        workspaces.save(kindly.store.engine, team, wanted, updated_by=user_id, now=kindly.clock())
    except SQLAlchemyError as exc:
        log.error("database error saving workspace settings: %s", type(exc).__name__)
        ack(response_action="errors", errors={"agents": "Kindly could not save just now. Please try again in a moment."})
        return
    kindly.directory.changed(team)
    ack()
    log.info(
        "workspace settings of %s saved by %s: %d agents, group %s, %d leads, %d channels",
        team,
        user_id,
        len(wanted.agents),
        wanted.agent_group or "-",
        len(wanted.leads),
        len(wanted.channels),
    )
    try:
        publish_home(kindly, client, team, user_id, enterprise_id=context.enterprise_id)
    except SQLAlchemyError as exc:
        log.error("database error rendering App Home: %s", type(exc).__name__)


def register(app: App) -> None:
    app.view(blocks.COMPOSE_CALLBACK)(on_compose_submit)
    app.view(blocks.WORKSPACE_SETTINGS_CALLBACK)(on_workspace_settings_submit)
