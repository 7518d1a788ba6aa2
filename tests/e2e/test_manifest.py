"""manifest.yml and the code agree: the command, shortcuts and events the app listens to."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot import blocks
from bot.listeners.commands import COMMAND
from bot.listeners.shortcuts import CHECK_TONE, COMPOSE

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yml").read_text())


def test_slash_command_and_shortcuts_match_the_listeners() -> None:
    assert [c["command"] for c in MANIFEST["features"]["slash_commands"]] == [COMMAND]
    shortcuts = {s["callback_id"]: s["type"] for s in MANIFEST["features"]["shortcuts"]}
    assert shortcuts == {CHECK_TONE: "message", COMPOSE: "global"}
    assert CHECK_TONE == blocks.CHECK_TONE_CALLBACK


def test_events_app_home_and_interactivity() -> None:
    settings = MANIFEST["settings"]
    assert {"message.channels", "message.groups", "app_home_opened"} <= set(settings["event_subscriptions"]["bot_events"])
    assert settings["interactivity"]["is_enabled"] is True
    assert MANIFEST["features"]["app_home"]["home_tab_enabled"] is True


def test_scopes_are_the_few_the_features_need() -> None:
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert {"channels:history", "groups:history", "chat:write", "commands"} <= scopes
    assert scopes <= {
        "channels:history",
        "groups:history",
        "chat:write",
        "commands",
        "users:read",
        "usergroups:read",
        "im:write",
        "files:write",
    }
    assert not any(s.endswith(":write") and s.startswith(("channels", "groups", "users")) for s in scopes)
