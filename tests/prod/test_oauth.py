"""Multi-workspace OAuth: install two workspaces through the real flow, then prove their isolation.

Each workspace gets its own bot token from the installation store (kept in Kindly's database),
nudges for one workspace are sent with that workspace's token, and one workspace's mutes and
figures never reach the other, even for the same user ID (Enterprise Grid shares user IDs).
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from kindly_harness import AGENT, AGENT2, BACKENDS, CUSTOMER, Running, start_app

from bot.devtools import payloads
from bot.devtools.fake_slack import FakeSlack
from bot.store import workspaces
from bot.store.workspaces import WorkspaceSettings

pytestmark = pytest.mark.parametrize("backend", BACKENDS, indirect=True)

ANGRY = "This is the THIRD time I'm asking. I've been waiting 3 days for my refund and nobody answers!!"
TEAM_A, TEAM_B, TEAM_UNKNOWN = "TALPHA", "TBRAVO", "TNOTINSTALLED"


@pytest.fixture
def multi(fake_slack: FakeSlack, db_url: str) -> Iterator[Running]:
    app = start_app(fake_slack, db_url, SLACK_BOT_TOKEN="", SLACK_CLIENT_ID="1111.2222", SLACK_CLIENT_SECRET="oauth-secret")
    yield app
    app.stop()


def install(app: Running, team: str) -> str:
    """Click "Add to Slack" and come back from Slack with a code, as a browser would."""
    base = app.url.removesuffix("/slack/events")
    with urllib.request.urlopen(base + "/slack/install", timeout=10) as resp:
        cookie = resp.headers["Set-Cookie"].split(";")[0]
        page = resp.read().decode()
    state = re.search(r"state=([\w-]+)", page)
    assert state and "oauth/v2/authorize" in page
    redirect = urllib.request.Request(
        f"{base}/slack/oauth_redirect?code=code-{team}&state={state.group(1)}", headers={"Cookie": cookie}
    )
    with urllib.request.urlopen(redirect, timeout=10) as resp:
        assert resp.status == 200
        return resp.read().decode()


def configure(app: Running, team: str, **fields: frozenset[str]) -> None:
    """Save a workspace's settings as the admin's Settings modal does (the modal has its own tests)."""
    workspaces.save(app.kindly.store.engine, team, WorkspaceSettings(**fields), updated_by="UADMIN", now=datetime.now(UTC))
    app.kindly.directory.changed(team)


def angry(app: Running, team: str, channel: str) -> None:
    event = payloads.message(CUSTOMER, ANGRY, channel=channel, team=team)
    assert app.sender.event(payloads.envelope(event, team_id=team)).status == 200


def command(app: Running, team: str, user: str, text: str) -> str:
    reply = app.sender.form(payloads.command(text, user=user, team_id=team))
    assert reply.status == 200
    return reply.body


def test_install_then_each_workspace_uses_its_own_token_and_sees_only_its_own_data(multi: Running) -> None:
    fake = multi.fake
    for team in (TEAM_A, TEAM_B):
        assert f"slack://app?team={team}" in install(multi, team)  # the success page opens that workspace
    assert set(fake.installed.values()) == {TEAM_A, TEAM_B}
    # a state that was never issued (or is replayed) is refused
    base = multi.url.removesuffix("/slack/events")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{base}/slack/oauth_redirect?code=code-TEVIL&state=forged", timeout=10)
    assert err.value.code == 400 and "TEVIL" not in fake.installed.values()
    for team in (TEAM_A, TEAM_B):  # a fresh install knows no agents: each workspace's admin names them
        configure(multi, team, agents=frozenset({AGENT, AGENT2}))

    angry(multi, TEAM_A, "CA1")
    angry(multi, TEAM_B, "CB1")
    sent = fake.wait_for("chat.postEphemeral", count=4)
    fake.settle()
    tokens = {(c.params["channel"], c.token) for c in sent}
    assert tokens == {("CA1", f"xoxb-{TEAM_A}-installed"), ("CB1", f"xoxb-{TEAM_B}-installed")}

    # settings: AGENT mutes in workspace A; workspace B still nudges the same user ID
    assert "mute" in command(multi, TEAM_A, AGENT, "mute 2h").lower()
    fake.clear()
    angry(multi, TEAM_A, "CA2")
    angry(multi, TEAM_B, "CB2")
    fake.wait_for("chat.postEphemeral", count=3)
    fake.settle()
    nudged = {(c.params["channel"], c.params["user"]) for c in fake.calls("chat.postEphemeral")}
    assert nudged == {("CA2", AGENT2), ("CB2", AGENT), ("CB2", AGENT2)}

    # figures: AGENT2 has two nudges in A and two in B; each workspace counts its own
    assert "2 nudges received" in command(multi, TEAM_A, AGENT2, "stats")
    assert "2 nudges received" in command(multi, TEAM_B, AGENT2, "stats")
    assert "1 nudge received" in command(multi, TEAM_A, AGENT, "stats")  # muted before the second
    assert "2 nudges received" in command(multi, TEAM_B, AGENT, "stats")


def test_a_workspace_that_never_installed_gets_nothing(multi: Running) -> None:
    install(multi, TEAM_A)
    angry(multi, TEAM_UNKNOWN, "CX1")
    multi.fake.settle()
    assert multi.fake.calls("chat.postEphemeral") == []
