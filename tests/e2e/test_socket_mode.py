"""Socket Mode: Bolt's own SocketModeHandler connects to a local WebSocket speaking Slack's envelopes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from kindly_harness import AGENT, AGENT2, CUSTOMER, make_settings, shown_text
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import build_app
from bot.devtools import payloads
from bot.devtools.fake_slack import FakeSlack
from bot.devtools.fake_socket_mode import FakeSocketModeServer

ANGRY = "This is the THIRD time I'm asking. I've been waiting 3 days for my refund and nobody answers!!"


@pytest.fixture
def socket_app(fake_slack: FakeSlack, tmp_path: Path) -> Iterator[FakeSocketModeServer]:
    server = FakeSocketModeServer()
    fake_slack.socket_url = server.url
    settings = make_settings(fake_slack, tmp_path / "k.db", SLACK_APP_TOKEN="xapp-1-test", SLACK_SIGNING_SECRET="")
    assert settings.socket_mode
    app, kindly = build_app(settings)
    handler = SocketModeHandler(app, settings.slack_app_token)
    handler.connect()
    server.wait_connected()
    yield server
    server.close()
    handler.close()
    kindly.store.close()


def envelope(kind: str, payload: dict, retry: int = 0) -> dict:
    return {
        "envelope_id": str(uuid.uuid4()),
        "type": kind,
        "payload": payload,
        "accepts_response_payload": kind != "events_api",
        "retry_attempt": retry,
        "retry_reason": "timeout" if retry else "",
    }


def test_socket_mode_event_nudges_agents_once_even_when_retried(
    socket_app: FakeSocketModeServer, fake_slack: FakeSlack
) -> None:
    assert fake_slack.calls("apps.connections.open")[0].token == "xapp-1-test"
    body = payloads.envelope(payloads.message(CUSTOMER, ANGRY))
    first = envelope("events_api", body)
    socket_app.send(first)
    assert socket_app.wait_for_ack(first["envelope_id"])["envelope_id"] == first["envelope_id"]
    fake_slack.wait_for("chat.postEphemeral", count=2)
    retry = envelope("events_api", body, retry=1)
    socket_app.send(retry)
    socket_app.wait_for_ack(retry["envelope_id"])
    sent = [c.params["user"] for c in fake_slack.settle() if c.method == "chat.postEphemeral"]
    assert sorted(sent) == [AGENT, AGENT2]


def test_socket_mode_slash_command_answers_in_the_ack(socket_app: FakeSocketModeServer) -> None:
    command = envelope("slash_commands", payloads.command("check <!channel> Read the docs.", user=AGENT))
    socket_app.send(command)
    ack = socket_app.wait_for_ack(command["envelope_id"])
    reply = ack["payload"]
    assert reply["response_type"] == "ephemeral"
    shown = shown_text(reply["blocks"])
    assert "may read as curt" in shown and "&lt;!channel&gt;" in shown
