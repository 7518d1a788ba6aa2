"""Helpers for tests: constants, settings, and the real app served over HTTP against a fake Slack."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config import Settings, settings_from
from bot.devtools.fake_slack import FakeSlack
from bot.devtools.payloads import SignedSender

SECRET = "test-signing-secret"
AGENT = "UAGENT1"
AGENT2 = "UAGENT2"
CUSTOMER = "UCUST1"
EXTERNAL = "UEXT1"
OTHER_TEAM = "TOTHERORG"
CHANNEL = "CSUPPORT"


def make_settings(fake: FakeSlack, db: Path, **extra: str) -> Settings:
    env = {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": f"sqlite:///{db}",
        "KINDLY_AGENTS": f"{AGENT},{AGENT2}",
        **extra,
    }
    return settings_from(env)


@dataclass
class Running:
    """The real Kindly app, served over HTTP on a loopback port, talking to a fake Slack."""

    app: Any
    kindly: Any
    server: Any
    url: str
    fake: FakeSlack
    db: Path
    sender: SignedSender

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.kindly.store.close()


def start_app(fake: FakeSlack, db: Path, **extra: str) -> Running:
    from bot.app import build_app, serve_http_in_thread

    app, kindly = build_app(make_settings(fake, db, **extra))
    server, url = serve_http_in_thread(app)
    return Running(app, kindly, server, url, fake, db, SignedSender(url, SECRET))


def shown_text(blocks: object) -> str:
    """Every string Slack renders in these blocks (text objects), not button values or IDs."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    found.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(blocks)
    return "\n".join(found)
