"""/kindly: help, phrasing help from free words, check <draft>, mute/unmute, stats. Always ephemeral."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot import blocks, nudges
from bot.app import Kindly, deps
from bot.drafts import check_draft, parse_command
from bot.listeners._common import is_agent_user
from bot.listeners.actions import open_workspace_settings
from bot.slack_digest import digest_for_command

log = logging.getLogger("bot.listeners")

COMMAND = "/kindly"


def digest_reply(
    kindly: Kindly, team_id: str, user_id: str, client: WebClient | None = None
) -> tuple[str, list[blocks.Block]]:
    """`/kindly digest`: this week so far for a lead (in the lead's time zone), a polite refusal otherwise."""
    reply = digest_for_command(user_id, team_id, kindly.settings, kindly.store.engine, client=client, now=kindly.clock())
    return reply["text"], reply.get("blocks") or [blocks.section(reply["text"])]


def answer(
    kindly: Kindly,
    team_id: str,
    user_id: str,
    text: str,
    is_agent: bool = True,
    client: WebClient | None = None,
) -> tuple[str, list[blocks.Block]]:
    """Route one /kindly line to the core and render the reply."""
    cmd = parse_command(text)
    now = kindly.clock()
    if cmd.name == "help":
        return blocks.help_message()
    if cmd.name == "digest":  # for leads, who need not be agents
        return digest_reply(kindly, team_id, user_id, client)
    if not is_agent:
        return blocks.agents_only()
    if cmd.name == "check":
        if not cmd.arg:
            return blocks.help_message("Paste your draft after `check`, e.g. `/kindly check Send the logs.`")
        result = check_draft(kindly.suggester, cmd.arg)
        return blocks.check_result(cmd.arg, result.analysis, result.rewrite, kindly.settings.curtness_threshold)
    if cmd.name == "mute":
        span = nudges.parse_mute_duration(cmd.arg)
        if span is None:
            return blocks.help_message("I did not understand that duration: try `/kindly mute 30m`, `2h` or `1d`.")
        kindly.store.mute_all(team_id, user_id, now + span, now)
        return blocks.mute_confirmation(nudges.describe_duration(span))
    if cmd.name == "unmute":
        kindly.store.unmute(team_id, user_id)
        kindly.store.set_nudges_enabled(team_id, user_id, True, now)
        return blocks.acknowledged(":bell: Nudges are back on.")
    if cmd.name == "stats":
        return blocks.stats_message(kindly.store.week_stats(team_id, user_id, now))
    phrases = kindly.suggester.suggest(cmd.arg, k=3)
    return blocks.phrases_for(cmd.arg, phrases)


def on_kindly(ack: Ack, command: dict[str, Any], context: BoltContext) -> None:
    kindly = deps(context)
    team_id = context.team_id or command.get("team_id", "")
    if (command.get("text") or "").strip().lower() == "settings":  # the same modal as App Home's Settings button
        body = {"user": {"id": command.get("user_id")}, "team": {"id": team_id}, "trigger_id": command.get("trigger_id")}
        allowed = open_workspace_settings(kindly, context.client, body, context, refuse_in_modal=False)
        if allowed:
            ack()
        else:
            ack(text=blocks.SETTINGS_REFUSED, response_type="ephemeral")
        return
    agent = is_agent_user(kindly, command["user_id"], command.get("user_team") or command.get("team_id"), team_id)
    try:
        text, reply = answer(
            kindly, team_id, command["user_id"], command.get("text") or "", is_agent=agent, client=context.client
        )
    except SQLAlchemyError as exc:
        log.error("database error in /kindly: %s", type(exc).__name__)
        text, reply = blocks.acknowledged("Kindly could not reach its database just now. Please try again.")
    ack(text=text, blocks=reply, response_type="ephemeral")


def register(app: App) -> None:
    app.command(COMMAND)(on_kindly)
