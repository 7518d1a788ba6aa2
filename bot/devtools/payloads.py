"""Slack-shaped payloads and a signed sender, for the end-to-end tests and the offline demo.

The sender signs each body with Slack's v0 algorithm (slack_sdk's SignatureVerifier), so
the app under test checks signatures exactly as it does in production.
"""

from __future__ import annotations

import itertools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier

from bot.devtools.fake_slack import DEFAULT_BOT_USER, DEFAULT_TEAM

_counter = itertools.count(1)


def next_ts() -> str:
    """A fresh, increasing Slack-style timestamp."""
    return f"{time.time():.6f}"[:-6] + f"{next(_counter) % 1_000_000:06d}"


@dataclass
class Reply:
    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class SignedSender:
    """Posts to the app's /slack/events like Slack does: signed, with the right content type."""

    def __init__(self, url: str, signing_secret: str) -> None:
        self.url = url
        self.verifier = SignatureVerifier(signing_secret)

    def post(
        self,
        raw: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        sig = signature or str(self.verifier.generate_signature(timestamp=stamp, body=raw))
        request = urllib.request.Request(
            self.url,
            data=raw.encode(),
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": sig,
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as resp:
                return Reply(resp.status, resp.read().decode(), dict(resp.headers))
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read().decode(), dict(err.headers))

    def event(self, envelope: dict[str, Any], **kwargs: Any) -> Reply:
        return self.post(json.dumps(envelope), "application/json", **kwargs)

    def form(self, fields: dict[str, str], **kwargs: Any) -> Reply:
        return self.post(urlencode(fields), "application/x-www-form-urlencoded", **kwargs)

    def interaction(self, payload: dict[str, Any], **kwargs: Any) -> Reply:
        return self.form({"payload": json.dumps(payload)}, **kwargs)


def envelope(
    event: dict[str, Any], *, team_id: str = DEFAULT_TEAM, event_id: str | None = None, shared: bool = False
) -> dict[str, Any]:
    return {
        "token": "legacy-unused",
        "team_id": team_id,
        "api_app_id": "AKINDLY",
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_counter):010d}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": DEFAULT_BOT_USER,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": shared,
        "event_context": f"ctx-{next(_counter)}",
        "event": event,
    }


def message(
    user: str,
    text: str,
    *,
    channel: str = "CSUPPORT",
    ts: str | None = None,
    thread_ts: str | None = None,
    team: str = DEFAULT_TEAM,
    channel_type: str = "channel",
    **extra: Any,
) -> dict[str, Any]:
    stamp = ts or next_ts()
    event = {
        "type": "message",
        "channel": channel,
        "channel_type": channel_type,
        "user": user,
        "text": text,
        "ts": stamp,
        "event_ts": stamp,
        "team": team,
        "client_msg_id": f"m-{stamp}",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    event.update(extra)
    return event


def command(
    text: str, *, user: str, channel: str = "CSUPPORT", response_url: str = "", team_id: str = DEFAULT_TEAM
) -> dict[str, str]:
    return {
        "token": "legacy-unused",
        "team_id": team_id,
        "team_domain": "kindly-demo",
        "channel_id": channel,
        "channel_name": "support",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/kindly",
        "text": text,
        "api_app_id": "AKINDLY",
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": f"trigger-{next(_counter)}",
    }


def block_action(
    action_id: str,
    value: str,
    *,
    user: str,
    channel: str = "CSUPPORT",
    response_url: str = "",
    team_id: str = DEFAULT_TEAM,
    message_ts: str | None = None,
) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": user, "username": user.lower(), "name": user.lower(), "team_id": team_id},
        "api_app_id": "AKINDLY",
        "token": "legacy-unused",
        "container": {
            "type": "message",
            "message_ts": message_ts or next_ts(),
            "channel_id": channel,
            "is_ephemeral": True,
        },
        "trigger_id": f"trigger-{next(_counter)}",
        "team": {"id": team_id, "domain": "kindly-demo"},
        "channel": {"id": channel, "name": "support"},
        "response_url": response_url,
        "actions": [
            {
                "action_id": action_id,
                "block_id": "b",
                "type": "button",
                "value": value,
                "action_ts": next_ts(),
            }
        ],
        "state": {"values": {}},
    }


def home_action(
    action_id: str,
    *,
    user: str,
    value: str | None = None,
    selected: str | None = None,
    metadata: str = "{}",
    team_id: str = DEFAULT_TEAM,
) -> dict[str, Any]:
    act: dict[str, Any] = {"action_id": action_id, "block_id": "b", "action_ts": next_ts()}
    if selected is not None:
        act.update(
            type="static_select",
            selected_option={"value": selected, "text": {"type": "plain_text", "text": selected}},
        )
    else:
        act.update(type="button", value=value or "")
    return {
        "type": "block_actions",
        "user": {"id": user, "team_id": team_id},
        "api_app_id": "AKINDLY",
        "container": {"type": "view", "view_id": "VHOME"},
        "trigger_id": f"trigger-{next(_counter)}",
        "team": {"id": team_id},
        "view": {"id": "VHOME", "type": "home", "private_metadata": metadata, "state": {"values": {}}},
        "actions": [act],
    }


def message_shortcut(
    callback_id: str,
    *,
    user: str,
    author: str,
    text: str,
    channel: str = "CSUPPORT",
    response_url: str = "",
    team_id: str = DEFAULT_TEAM,
) -> dict[str, Any]:
    ts = next_ts()
    return {
        "type": "message_action",
        "callback_id": callback_id,
        "trigger_id": f"trigger-{next(_counter)}",
        "response_url": response_url,
        "message_ts": ts,
        "message": {"type": "message", "user": author, "text": text, "ts": ts, "team": team_id},
        "channel": {"id": channel, "name": "support"},
        "user": {"id": user, "name": user.lower(), "team_id": team_id},
        "team": {"id": team_id, "domain": "kindly-demo"},
        "action_ts": ts,
        "is_enterprise_install": False,
    }


def global_shortcut(callback_id: str, *, user: str, team_id: str = DEFAULT_TEAM) -> dict[str, Any]:
    return {
        "type": "shortcut",
        "callback_id": callback_id,
        "trigger_id": f"trigger-{next(_counter)}",
        "user": {"id": user, "team_id": team_id},
        "team": {"id": team_id},
        "action_ts": next_ts(),
        "is_enterprise_install": False,
    }


def view_submission(callback_id: str, values: dict[str, str], *, user: str, team_id: str = DEFAULT_TEAM) -> dict[str, Any]:
    state = {block: {"text": {"type": "plain_text_input", "value": value}} for block, value in values.items()}
    return {
        "type": "view_submission",
        "team": {"id": team_id},
        "user": {"id": user, "team_id": team_id},
        "api_app_id": "AKINDLY",
        "trigger_id": f"trigger-{next(_counter)}",
        "view": {
            "id": "VCOMPOSE",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": "",
            "state": {"values": state},
            "hash": "h1",
            "app_installed_team_id": team_id,
        },
        "response_urls": [],
    }


def app_home_opened(user: str, *, tab: str = "home", team_id: str = DEFAULT_TEAM) -> dict[str, Any]:
    return envelope(
        {"type": "app_home_opened", "user": user, "channel": "DHOME", "tab": tab, "event_ts": next_ts()},
        team_id=team_id,
    )
