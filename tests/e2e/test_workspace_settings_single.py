"""Single-workspace mode: KINDLY_* are the defaults until an admin saves settings in Slack."""

from __future__ import annotations

import json

from kindly_harness import AGENT, AGENT2, CUSTOMER, Running

from bot import blocks
from bot.devtools import payloads
from bot.devtools.fake_slack import DEFAULT_TEAM

ANGRY = "This is the THIRD time I'm asking. I've been waiting 3 days for my refund and nobody answers!!"
ADMIN = "UADMIN1"


def test_saved_settings_replace_the_environment_for_this_workspace(running: Running) -> None:
    fake = running.fake
    fake.users[ADMIN] = {"name": "Ada Admin", "is_owner": True}
    running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY)))
    fake.wait_for("chat.postEphemeral", count=2)
    fake.settle()
    assert {c.params["user"] for c in fake.calls("chat.postEphemeral")} == {AGENT, AGENT2}  # KINDLY_AGENTS

    payload = payloads.view_submission(blocks.WORKSPACE_SETTINGS_CALLBACK, {"agent_group": ""}, user=ADMIN)
    values = payload["view"]["state"]["values"]
    values["agents"] = {"users": {"type": "multi_users_select", "selected_users": [AGENT2]}}
    reply = running.sender.interaction(payload)
    assert reply.status == 200 and reply.body == ""
    [home] = fake.wait_for("views.publish")  # the admin's App Home is drawn again with the new settings
    assert f"<@{AGENT2}>" in json.dumps(home.params["view"]) and home.params["user_id"] == ADMIN

    fake.clear()
    running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY, channel="COTHER")))
    fake.wait_for("chat.postEphemeral")
    fake.settle()
    assert {c.params["user"] for c in fake.calls("chat.postEphemeral")} == {AGENT2}
    assert running.kindly.directory.settings(DEFAULT_TEAM).updated_by == ADMIN
