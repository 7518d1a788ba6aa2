"""Events: person-written messages in watched channels, App Home opens, agent group changes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient
from sqlalchemy.exc import SQLAlchemyError

from bot import blocks, nudges
from bot.agents import is_external
from bot.app import Kindly, deps
from bot.listeners._common import publish_home
from bot.watcher import IncomingMessage, PlannedNudge
from bot.webclient import keep_alive

log = logging.getLogger("bot.listeners")

PERSON_SUBTYPES = (None, "file_share", "thread_broadcast")  # a person speaking; everything else is ignored


def is_person_message(event: dict[str, Any]) -> bool:
    """Allow-list: a human's new message in a channel. Bots, edits, deletions, joins… drop out."""
    return (
        event.get("type") == "message"
        and event.get("subtype") in PERSON_SUBTYPES
        and all(isinstance(event.get(key), str) for key in ("user", "channel", "ts", "text"))
        and isinstance(event.get("thread_ts"), str | None)
        and bool(event.get("user"))
        and event.get("user") != "USLACKBOT"
        and not event.get("bot_id")
        and not event.get("bot_profile")
        and event.get("channel_type") in ("channel", "group")
        and bool(event.get("text"))
    )


def to_incoming(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> IncomingMessage:
    home_team = context.team_id or body.get("team_id") or ""
    user_team = event.get("user_team") or event.get("team")
    external = is_external(user_team, home_team, event.get("user_enterprise"), context.enterprise_id)
    thread_ts = event.get("thread_ts")
    return IncomingMessage(
        team_id=home_team,
        event_id=str(body.get("event_id") or f"{event.get('channel')}:{event.get('ts')}"),
        channel_id=event["channel"],
        user_id=event["user"],
        text=event.get("text") or "",
        ts=event["ts"],
        thread_ts=thread_ts if thread_ts and thread_ts != event["ts"] else None,
        external=external,
    )


def render(plan: PlannedNudge) -> tuple[str, list[blocks.Block]]:
    if plan.kind == nudges.CURT_REPLY:
        return blocks.curt_reply_nudge(plan.nudge_id, plan.analysis, plan.rewrite, plan.phrases)
    return blocks.frustrated_customer_nudge(plan.nudge_id, plan.analysis, plan.phrases, plan.author_id)


def on_message(body: dict[str, Any], event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    kindly = deps(context)
    msg = to_incoming(body, event, context)
    try:
        plans = kindly.watcher.handle(msg)
    except SQLAlchemyError as exc:
        log.error("database error on event %s: %s; no nudge", msg.event_id, type(exc).__name__)
        return
    assert kindly.nudge_sender is not None
    client = keep_alive(client)  # Bolt's per-request client, over the shared keep-alive connections
    for plan in plans:
        text, nudge_blocks = render(plan)
        kwargs: dict[str, Any] = {"channel": plan.channel_id, "user": plan.target, "text": text}
        kwargs["blocks"] = nudge_blocks
        if plan.post_thread_ts:
            kwargs["thread_ts"] = plan.post_thread_ts
        # a rate-limited nudge is sent later by a background thread, or forgotten if no longer timely
        kindly.nudge_sender.send(
            client.chat_postEphemeral, kwargs, nudge_id=plan.nudge_id, kind=plan.kind, forget=forget(kindly, plan.nudge_id)
        )


def forget(kindly: Kindly, nudge_id: int) -> Callable[[], None]:
    """Drop the record of a nudge Slack did not deliver, so stats and cooldowns count real ones."""

    def drop() -> None:
        try:
            kindly.store.delete_nudge(nudge_id)
        except SQLAlchemyError as exc:
            log.error("database error forgetting nudge %s: %s", nudge_id, type(exc).__name__)

    return drop


def ignore_message(body: dict[str, Any]) -> None:
    """Catch-all for messages Kindly does not read, so Slack gets a 200 and does not retry."""


def on_app_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
    if event.get("tab") != "home":
        return
    try:
        publish_home(deps(context), client, context.team_id or "", event["user"], enterprise_id=context.enterprise_id)
    except SQLAlchemyError as exc:
        log.error("database error rendering App Home: %s", type(exc).__name__)


def on_subteam_members_changed(event: dict[str, Any], context: BoltContext) -> None:
    subteam = event.get("subteam_id")
    if context.team_id and isinstance(subteam, str):
        deps(context).directory.group_changed(context.team_id, subteam)


def register(app: App) -> None:
    app.event("message", matchers=[lambda event: is_person_message(event)])(on_message)
    app.event("app_home_opened")(on_app_home_opened)
    app.event("subteam_members_changed")(on_subteam_members_changed)
    app.event("message")(ignore_message)
