"""Buttons on nudges (Use this, More, Not helpful, Mute this thread) and on App Home."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot import blocks, nudges
from bot.app import Kindly, deps
from bot.listeners._common import can_configure, first_name, publish_home, safe_call

log = logging.getLogger("bot.listeners")

DB_TROUBLE = "Kindly could not save that just now. Please try again in a moment."


def _who(body: dict[str, Any], context: BoltContext) -> tuple[str, str]:
    team = context.team_id or (body.get("team") or {}).get("id") or ""
    return team, (body.get("user") or {}).get("id", "")


def _value(body: dict[str, Any]) -> dict[str, Any]:
    acts = body.get("actions") or [{}]
    return blocks.decode_value(acts[0].get("value"))


EXPIRED = "This nudge has expired."


def _own_nudge(kindly: Kindly, team: str, user: str, nudge_id: int) -> Any:
    """The nudge behind a button, only if it was shown to the agent who clicked it."""
    nudge = kindly.store.get_nudge(team, nudge_id)
    return nudge if nudge is not None and nudge.target_user_id == user else None


def _reply(respond: Respond, rendered: tuple[str, list[blocks.Block]]) -> None:
    text, reply = rendered
    try:
        respond(text=text, blocks=reply, replace_original=True, response_type="ephemeral")
    except Exception as exc:  # response_url expired or Slack down: the click was recorded anyway
        log.warning("respond failed: %s", type(exc).__name__)


def on_use(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient, respond: Respond) -> None:
    ack()
    kindly = deps(context)
    team, user = _who(body, context)
    value = _value(body)
    nudge_id = int(value.get("n") or 0)
    if value.get("r"):
        text = str(value["r"])
        phrase_id = None
    else:
        phrase = kindly.suggester.by_id(str(value.get("p", "")))
        if phrase is None:
            _reply(respond, blocks.acknowledged("That phrasing is no longer in the phrasebank."))
            return
        text = kindly.suggester.fill(phrase, name=first_name(client, value.get("a")))
        phrase_id = phrase.id
    try:
        kindly.store.set_outcome(team, nudge_id, user, "used", kindly.clock(), phrase_id)
    except SQLAlchemyError as exc:
        log.error("database error recording a used nudge: %s", type(exc).__name__)
    _reply(respond, blocks.ready_to_paste(text, nudge_id))


def on_more(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    ack()
    kindly = deps(context)
    team, user = _who(body, context)
    nudge_id = int(_value(body).get("n") or 0)
    try:
        nudge = _own_nudge(kindly, team, user, nudge_id)
        if nudge is None:
            _reply(respond, blocks.acknowledged(EXPIRED))
            return
        frustration = 1.0 if nudge.kind == nudges.FRUSTRATED_CUSTOMER else 0.5
        phrases = kindly.suggester.suggest_for_cues(nudge.cues, frustration, k=3, exclude=nudge.phrase_ids)
        kindly.store.set_outcome(team, nudge_id, user, "more", kindly.clock())
        kindly.store.add_phrase_ids(team, nudge_id, [p.id for p in phrases])
    except SQLAlchemyError as exc:
        log.error("database error on More: %s", type(exc).__name__)
        _reply(respond, blocks.acknowledged(DB_TROUBLE))
        return
    _reply(respond, blocks.more_phrases(nudge_id, phrases, None))


def on_not_helpful(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    ack()
    kindly = deps(context)
    team, user = _who(body, context)
    try:
        kindly.store.set_outcome(team, int(_value(body).get("n") or 0), user, "not_helpful", kindly.clock())
    except SQLAlchemyError as exc:
        log.error("database error on Not helpful: %s", type(exc).__name__)
    _reply(respond, blocks.acknowledged("Thanks for telling me. I'll keep that in mind and step back here."))


def on_mute_thread(ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond) -> None:
    ack()
    kindly = deps(context)
    team, user = _who(body, context)
    nudge_id = int(_value(body).get("n") or 0)
    try:
        nudge = _own_nudge(kindly, team, user, nudge_id)
        if nudge is None:
            _reply(respond, blocks.acknowledged(EXPIRED))
            return
        now = kindly.clock()
        kindly.store.mute_thread(team, user, nudge.channel_id, nudge.thread_ts, now)
        kindly.store.set_outcome(team, nudge_id, user, "muted", now)
    except SQLAlchemyError as exc:
        log.error("database error on Mute: %s", type(exc).__name__)
        _reply(respond, blocks.acknowledged(DB_TROUBLE))
        return
    _reply(respond, blocks.acknowledged(":zipper_mouth_face: Muted: no more nudges in this thread."))


def _filters(body: dict[str, Any]) -> tuple[str | None, str | None]:
    view = body.get("view") or {}
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    intent, situation = meta.get("intent"), meta.get("situation")
    act = (body.get("actions") or [{}])[0]
    picked = ((act.get("selected_option") or {}).get("value")) or None
    picked = None if picked == "*" else picked
    if act.get("action_id") == blocks.ACTION_HOME_INTENT:
        intent = picked
    elif act.get("action_id") == blocks.ACTION_HOME_SITUATION:
        situation = picked
    return intent, situation


def on_home_action(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """Settings buttons and phrasebank filters on App Home; then the tab is drawn again."""
    ack()
    kindly = deps(context)
    team, user = _who(body, context)
    act = (body.get("actions") or [{}])[0]
    action_id, now = act.get("action_id"), kindly.clock()
    try:
        if action_id == blocks.ACTION_HOME_TOGGLE:
            kindly.store.set_nudges_enabled(team, user, act.get("value") == "on", now)
        elif action_id == blocks.ACTION_HOME_MUTE:
            kindly.store.mute_all(team, user, now + timedelta(hours=1), now)
        elif action_id == blocks.ACTION_HOME_UNMUTE:
            kindly.store.unmute(team, user)
        intent, situation = _filters(body)
        publish_home(kindly, client, team, user, intent, situation, enterprise_id=context.enterprise_id)
    except SQLAlchemyError as exc:
        log.error("database error on App Home: %s", type(exc).__name__)


def on_open_workspace_settings(ack: Ack, body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    """App Home's Settings button: the settings modal for admins, a polite note for anyone else."""
    ack()
    open_workspace_settings(deps(context), client, body, context)


def open_workspace_settings(
    kindly: Kindly, client: WebClient, body: dict[str, Any], context: BoltContext, refuse_in_modal: bool = True
) -> bool:
    """Open the workspace settings modal (or the refusal); shared with `/kindly settings`. True if allowed."""
    team, user = _who(body, context)
    user_team = (body.get("user") or {}).get("team_id") or body.get("user_team")
    allowed = can_configure(kindly, client, team, user, user_team=user_team, enterprise_id=context.enterprise_id)
    try:
        view = (
            blocks.workspace_settings_modal(kindly.directory.settings(team)) if allowed else blocks.settings_refused_modal()
        )
    except SQLAlchemyError as exc:
        log.error("database error reading workspace settings: %s", type(exc).__name__)
        view = blocks.message_modal(DB_TROUBLE)
    if allowed or refuse_in_modal:
        safe_call("views.open", client.views_open, trigger_id=body.get("trigger_id"), view=view)
    return allowed


def register(app: App) -> None:
    app.action(blocks.ACTION_HOME_WORKSPACE_SETTINGS)(on_open_workspace_settings)
    app.action(blocks.ACTION_USE)(on_use)
    app.action(blocks.ACTION_MORE)(on_more)
    app.action(blocks.ACTION_NOT_HELPFUL)(on_not_helpful)
    app.action(blocks.ACTION_MUTE)(on_mute_thread)
    for action_id in (
        blocks.ACTION_HOME_TOGGLE,
        blocks.ACTION_HOME_MUTE,
        blocks.ACTION_HOME_UNMUTE,
        blocks.ACTION_HOME_INTENT,
        blocks.ACTION_HOME_SITUATION,
    ):
        app.action(action_id)(on_home_action)
