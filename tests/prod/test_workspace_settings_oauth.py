"""Per-workspace settings in OAuth mode, through the real install flow and signed requests.

Each workspace's admin (or installer) names its own agents, leads and channels in a modal;
nobody else may; and one workspace's settings never reach another's messages or digests.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from kindly_harness import AGENT, AGENT2, BACKENDS, CUSTOMER, Running, shown_text, start_app
from test_oauth import ANGRY, TEAM_A, TEAM_B, install

from bot import blocks
from bot.devtools import payloads
from bot.devtools.fake_slack import FakeSlack
from bot.slack_digest import REFUSAL, send_due_digests_everywhere
from bot.store import workspaces

pytestmark = pytest.mark.parametrize("backend", BACKENDS, indirect=True)

ADMIN, NOBODY, INSTALLER = "UADMIN1", "UNOBODY1", "UINSTALLER"  # the fake's oauth.v2.access names UINSTALLER
LEAD_A, LEAD_B = "ULEADA", "ULEADB"
# Monday 2026-11-23 09:30 in Berlin (the fake's users.info time zone): the week W47 is due.
MONDAY_0930_BERLIN = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)


@pytest.fixture
def multi(fake_slack: FakeSlack, db_url: str) -> Iterator[Running]:
    fake_slack.users[ADMIN] = {"name": "Ada Admin", "is_admin": True}
    fake_slack.users[NOBODY] = {"name": "Nora Body"}
    app = start_app(fake_slack, db_url, SLACK_BOT_TOKEN="", SLACK_CLIENT_ID="1111.2222", SLACK_CLIENT_SECRET="oauth-secret")
    install(app, TEAM_A)
    install(app, TEAM_B)
    yield app
    app.stop()


def submission(team: str, user: str, *, agents: tuple[str, ...] = (), group: str = "", leads: tuple[str, ...] = (),
               channels: tuple[str, ...] = ()) -> dict[str, Any]:  # fmt: skip
    """The view_submission Slack sends when the settings modal is saved."""
    payload = payloads.view_submission(blocks.WORKSPACE_SETTINGS_CALLBACK, {"agent_group": group}, user=user, team_id=team)
    values = payload["view"]["state"]["values"]
    values["agents"] = {"users": {"type": "multi_users_select", "selected_users": list(agents)}}
    values["leads"] = {"users": {"type": "multi_users_select", "selected_users": list(leads)}}
    values["channels"] = {"conversations": {"type": "multi_conversations_select", "selected_conversations": list(channels)}}
    return payload


def save(app: Running, team: str, user: str, **fields: Any) -> dict[str, Any]:
    reply = app.sender.interaction(submission(team, user, **fields))
    assert reply.status == 200
    return json.loads(reply.body) if reply.body else {}


def angry(app: Running, team: str, channel: str) -> None:
    event = payloads.message(CUSTOMER, ANGRY, channel=channel, team=team)
    assert app.sender.event(payloads.envelope(event, team_id=team)).status == 200


def nudged(app: Running) -> set[tuple[str, str, str | None]]:
    app.fake.settle()
    return {(c.params["channel"], c.params["user"], c.token) for c in app.fake.calls("chat.postEphemeral")}


def home_of(app: Running, team: str, user: str) -> dict[str, Any]:
    app.fake.clear()
    app.sender.event(payloads.app_home_opened(user, team_id=team))
    [call] = app.fake.wait_for("views.publish")
    view: dict[str, Any] = call.params["view"]
    return view


def has_settings_button(view: dict[str, Any]) -> bool:
    return any(
        e.get("action_id") == blocks.ACTION_HOME_WORKSPACE_SETTINGS
        for b in view["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    )


def test_a_fresh_install_treats_everyone_as_a_customer_and_app_home_says_so(multi: Running) -> None:
    angry(multi, TEAM_A, "CA1")
    assert nudged(multi) == set()  # KINDLY_AGENTS from the environment does not apply in OAuth mode

    installer = home_of(multi, TEAM_A, INSTALLER)
    assert "not set up in this workspace yet" in shown_text(installer["blocks"])
    assert "everyone is treated as a customer" in shown_text(installer["blocks"])
    assert has_settings_button(installer)
    admin = home_of(multi, TEAM_A, ADMIN)
    assert has_settings_button(admin)
    agent = home_of(multi, TEAM_A, NOBODY)
    assert "ask a workspace admin" in shown_text(agent["blocks"]) and not has_settings_button(agent)


def test_an_admin_sets_agents_and_channels_and_the_next_message_uses_them(multi: Running) -> None:
    fake = multi.fake
    # the Settings button opens the modal, pre-filled with what is in force (nothing yet)
    multi.sender.interaction(payloads.home_action(blocks.ACTION_HOME_WORKSPACE_SETTINGS, user=ADMIN, team_id=TEAM_A))
    [opened] = fake.wait_for("views.open")
    view = opened.params["view"]
    assert view["callback_id"] == blocks.WORKSPACE_SETTINGS_CALLBACK and opened.token == f"xoxb-{TEAM_A}-installed"
    kinds = {b["block_id"]: b["element"]["type"] for b in view["blocks"] if b["type"] == "input"}
    assert kinds == {
        "agents": "multi_users_select",
        "agent_group": "plain_text_input",
        "leads": "multi_users_select",
        "channels": "multi_conversations_select",
    }

    assert save(multi, TEAM_A, ADMIN, agents=(AGENT,), leads=(LEAD_A,), channels=("CA1",)) == {}
    stored = workspaces.load(multi.kindly.store.engine, TEAM_A)
    assert stored is not None and stored.agents == {AGENT} and stored.updated_by == ADMIN
    assert workspaces.load(multi.kindly.store.engine, TEAM_B) is None

    fake.clear()
    angry(multi, TEAM_A, "CA1")
    angry(multi, TEAM_A, "CA2")  # not one of A's channels
    angry(multi, TEAM_B, "CB1")  # B has configured nothing: A's agents are not B's
    assert nudged(multi) == {("CA1", AGENT, f"xoxb-{TEAM_A}-installed")}

    # the installer of B configures B differently; A is unchanged
    assert save(multi, TEAM_B, INSTALLER, agents=(AGENT2,), leads=(LEAD_B,)) == {}
    fake.clear()
    angry(multi, TEAM_A, "CA1")
    angry(multi, TEAM_B, "CB2")  # B watches every channel
    assert nudged(multi) == {("CA1", AGENT, f"xoxb-{TEAM_A}-installed"), ("CB2", AGENT2, f"xoxb-{TEAM_B}-installed")}

    # leads are per workspace too
    digest = payloads.command("digest", user=LEAD_A, team_id=TEAM_B)
    assert REFUSAL.split(".")[0] in multi.sender.form(digest).body
    assert "W" in multi.sender.form(payloads.command("digest", user=LEAD_A, team_id=TEAM_A)).body

    # App Home of A's admin now shows A's settings, not B's
    shown = shown_text(home_of(multi, TEAM_A, ADMIN)["blocks"])
    assert f"<@{AGENT}>" in shown and f"<@{LEAD_A}>" in shown and f"<@{AGENT2}>" not in shown
    assert "not set up" not in shown


def test_someone_who_is_not_an_admin_cannot_change_settings(multi: Running) -> None:
    fake = multi.fake
    reply = save(multi, TEAM_A, NOBODY, agents=(NOBODY,), leads=(NOBODY,))
    assert reply["response_action"] == "update" and "Only workspace admins" in shown_text(reply["view"]["blocks"])
    assert workspaces.load(multi.kindly.store.engine, TEAM_A) is None

    fake.clear()
    answer = multi.sender.form(payloads.command("settings", user=NOBODY, team_id=TEAM_A))
    assert "Only workspace admins" in answer.body
    fake.settle()
    assert fake.calls("views.open") == []

    # the same submission from a Slack Connect guest whose home is another org is refused too
    outsider = submission(TEAM_A, ADMIN, agents=(ADMIN,))
    outsider["user"]["team_id"] = "TOTHERORG"
    body = json.loads(multi.sender.interaction(outsider).body)
    assert body["response_action"] == "update"
    assert workspaces.load(multi.kindly.store.engine, TEAM_A) is None


def test_the_installer_opens_settings_with_the_command_and_a_bad_group_is_refused(multi: Running) -> None:
    fake = multi.fake
    fake.usergroups["SREAL1"] = [AGENT2]
    assert multi.sender.form(payloads.command("settings", user=INSTALLER, team_id=TEAM_A)).body == ""
    [opened] = fake.wait_for("views.open")
    assert opened.params["view"]["callback_id"] == blocks.WORKSPACE_SETTINGS_CALLBACK

    reply = save(multi, TEAM_A, INSTALLER, group="support-team")
    assert reply["response_action"] == "errors" and "agent_group" in reply["errors"]
    reply = save(multi, TEAM_A, INSTALLER, group="SMISSING")
    assert reply["response_action"] == "errors" and "does not know" in reply["errors"]["agent_group"]
    assert workspaces.load(multi.kindly.store.engine, TEAM_A) is None

    assert save(multi, TEAM_A, INSTALLER, group="SREAL1") == {}
    fake.clear()
    angry(multi, TEAM_A, "CA1")
    assert nudged(multi) == {("CA1", AGENT2, f"xoxb-{TEAM_A}-installed")}  # the group's member, read with A's token
    [lookup] = [c for c in fake.calls("usergroups.users.list")]
    assert lookup.token == f"xoxb-{TEAM_A}-installed"


def test_the_oauth_digest_goes_to_each_workspaces_own_leads_with_its_own_token(multi: Running) -> None:
    fake = multi.fake
    save(multi, TEAM_A, INSTALLER, agents=(AGENT,), leads=(LEAD_A, "ULEADX"))
    save(multi, TEAM_B, INSTALLER, agents=(AGENT,), leads=(LEAD_B, "ULEADX"))  # same user ID in both (Grid)
    fake.clear()
    kindly = multi.kindly
    results = send_due_digests_everywhere(
        kindly.settings, multi.app.client, kindly.store.engine, kindly.installation_store, now=MONDAY_0930_BERLIN
    )
    assert sorted((r.team_id, r.lead_id, r.outcome) for r in results) == [
        (TEAM_A, LEAD_A, "sent"),
        (TEAM_A, "ULEADX", "sent"),
        (TEAM_B, LEAD_B, "sent"),
        (TEAM_B, "ULEADX", "sent"),
    ]
    opened = {(c.params["users"], c.token) for c in fake.calls("conversations.open")}
    assert opened == {
        (LEAD_A, f"xoxb-{TEAM_A}-installed"),
        ("ULEADX", f"xoxb-{TEAM_A}-installed"),
        (LEAD_B, f"xoxb-{TEAM_B}-installed"),
        ("ULEADX", f"xoxb-{TEAM_B}-installed"),
    }
    posted = {(c.params["channel"], c.token) for c in fake.calls("chat.postMessage")}
    assert posted == {
        ("DLEADA", f"xoxb-{TEAM_A}-installed"),
        ("DLEADX", f"xoxb-{TEAM_A}-installed"),
        ("DLEADB", f"xoxb-{TEAM_B}-installed"),
        ("DLEADX", f"xoxb-{TEAM_B}-installed"),
    }
    # exactly once per team and lead, however often the scheduler ticks
    again = send_due_digests_everywhere(
        kindly.settings, multi.app.client, kindly.store.engine, kindly.installation_store, now=MONDAY_0930_BERLIN
    )
    assert {r.outcome for r in again} == {"already_claimed"}
