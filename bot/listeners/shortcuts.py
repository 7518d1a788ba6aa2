"""Shortcuts: "Check tone" on any message, and "Compose with Kindly" (a modal) from anywhere."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import blocks
from bot.app import deps
from bot.drafts import check_message
from bot.listeners._common import is_agent_user, safe_call

log = logging.getLogger("bot.listeners")

CHECK_TONE = blocks.CHECK_TONE_CALLBACK
COMPOSE = "kindly_compose_shortcut"


def _from_agent(body: dict[str, Any], context: BoltContext) -> bool:
    user = body.get("user") or {}
    home = context.team_id or (body.get("team") or {}).get("id")
    return is_agent_user(deps(context), user.get("id", ""), user.get("team_id"), home)


def on_check_tone(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    if not _from_agent(body, context):
        safe_call("views.open", client.views_open, trigger_id=body["trigger_id"], view=blocks.agents_only_modal())
        return
    kindly = deps(context)
    message = body.get("message") or {}
    text = message.get("text") or ""
    author = message.get("user") or ""
    team = context.team_id or (body.get("team") or {}).get("id") or ""
    is_agent = kindly.directory.for_team(team).is_agent(author)
    result = check_message(kindly.suggester, text, author_is_agent=is_agent)
    threshold = kindly.settings.curtness_threshold
    if is_agent:
        view = blocks.analysis_modal("Check tone", text, result.analysis, result.rewrite, threshold)
    else:
        view = blocks.analysis_modal(
            "Check tone",
            text,
            result.analysis,
            None,
            threshold,
            customer=result.customer,
            phrases=result.phrases,
        )
    safe_call("views.open", client.views_open, trigger_id=body["trigger_id"], view=view)


def on_compose(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    ack()
    view = blocks.compose_modal() if _from_agent(body, context) else blocks.agents_only_modal()
    safe_call("views.open", client.views_open, trigger_id=body["trigger_id"], view=view)


def register(app: App) -> None:
    app.message_shortcut(CHECK_TONE)(on_check_tone)
    app.global_shortcut(COMPOSE)(on_compose)
