"""The core loop over real HTTP: customer and agent messages in, ephemeral nudges out (invariant 1)."""

from __future__ import annotations

import json

import pytest
from kindly_harness import AGENT, AGENT2, BACKENDS, CHANNEL, CUSTOMER, EXTERNAL, OTHER_TEAM, Running, start_app

from bot.devtools import payloads
from bot.devtools.fake_slack import FakeSlack
from bot.devtools.waiting import wait_recorded

pytestmark = pytest.mark.parametrize("backend", BACKENDS, indirect=True)  # SQLite, and PostgreSQL when configured

ANGRY = "This is the THIRD time I'm asking. I've been waiting 3 days for my refund and nobody answers!!"
ANGRY_AGAIN = "Still nothing?? This is ridiculous, I want my money back NOW!"
CURT = "Send the logs."
KIND = (
    "Hi Dana, I'm so sorry about the wait. I've looked into your refund myself: it went out today "
    "and should reach you within 2 days. Thank you for your patience!"
)


def say(app: Running, user: str, text: str, thread_ts: str | None = None, **extra: object) -> str:
    event = payloads.message(user, text, thread_ts=thread_ts, **extra)
    assert app.sender.event(payloads.envelope(event)).status == 200
    if app.kindly.watcher.watches(str(event["channel"])):
        wait_recorded(app.kindly.store, str(event["ts"]))  # in order, as a person would read them
    return str(event["ts"])


def test_frustrated_customer_nudges_the_thread_agent_only(running: Running) -> None:
    root = say(running, CUSTOMER, "Hi, where is my refund?")
    say(running, AGENT, "Hi Dana, thanks for reaching out! Let me check that for you right away.", thread_ts=root)
    say(running, CUSTOMER, ANGRY, thread_ts=root)

    [call] = running.fake.wait_for("chat.postEphemeral")
    running.fake.settle()
    assert len(running.fake.calls("chat.postEphemeral")) == 1
    assert call.params["user"] == AGENT  # the agent in the thread, not the one who is not
    assert call.params["channel"] == CHANNEL
    assert call.params["thread_ts"] == root  # in the thread, at its root
    rendered = json.dumps(call.params["blocks"])
    for label in ("Use this", "More", "Not helpful", "Mute this thread"):
        assert label in rendered
    assert "What I noticed" in rendered and "waiting 3 days" in rendered
    assert running.fake.calls("chat.postMessage") == []  # nothing public, ever


def test_without_agents_in_thread_a_few_channel_agents_hear(fake_slack: FakeSlack, db_url: str) -> None:
    app = start_app(fake_slack, db_url, KINDLY_MAX_CHANNEL_AGENTS="1")
    try:
        say(app, CUSTOMER, ANGRY)
        fake_slack.wait_for("chat.postEphemeral")
        calls = fake_slack.settle() and fake_slack.calls("chat.postEphemeral")
        assert [c.params["user"] for c in calls] == [AGENT]  # capped at one, and an agent
        assert "thread_ts" not in calls[0].params  # a root message: shown in the channel view, to the agent only
    finally:
        app.stop()


def test_customers_never_receive_nudges(running: Running) -> None:
    root = say(running, CUSTOMER, ANGRY)
    say(running, "UCUST2", ANGRY_AGAIN, thread_ts=root)
    running.fake.wait_for("chat.postEphemeral")
    targets = {c.params["user"] for c in running.fake.settle() if c.method == "chat.postEphemeral"}
    assert targets and targets <= {AGENT, AGENT2}


def test_slack_connect_external_user_is_a_customer_and_never_nudged(fake_slack: FakeSlack, db_url: str) -> None:
    # EXTERNAL is (wrongly) listed as an agent, but writes from another organisation.
    app = start_app(fake_slack, db_url, KINDLY_AGENTS=f"{AGENT},{EXTERNAL}")
    try:
        shared = {"user_team": OTHER_TEAM, "source_team": OTHER_TEAM}
        root = say(app, EXTERNAL, "Hello?", **shared)
        say(app, AGENT, "Hi! Checking now, thanks for your patience.", thread_ts=root)
        say(app, EXTERNAL, ANGRY, thread_ts=root, **shared)
        say(app, EXTERNAL, CURT, thread_ts=root, **shared)  # curt, but a customer's: no curt nudge
        fake_slack.wait_for("chat.postEphemeral")
        sent = [c for c in fake_slack.settle() if c.method == "chat.postEphemeral"]
        assert {c.params["user"] for c in sent} == {AGENT}
        assert all(c.params["user"] != EXTERNAL for c in sent)
    finally:
        app.stop()


def test_curt_reply_gets_its_author_a_rewrite_and_a_kind_one_does_not(fake_slack: FakeSlack, db_url: str) -> None:
    # cooldown 0: the frustrated-customer nudge both agents just got must not hide the curt one
    running = start_app(fake_slack, db_url, KINDLY_NUDGE_COOLDOWN_MINUTES="0")
    try:
        _curt_flow(running)
    finally:
        running.stop()


def _curt_flow(running: Running) -> None:
    root = say(running, CUSTOMER, ANGRY)
    running.fake.wait_for("chat.postEphemeral")
    running.fake.settle()
    running.fake.clear()

    say(running, AGENT2, KIND, thread_ts=root)
    running.fake.settle()
    assert running.fake.calls("chat.postEphemeral") == []  # a kind reply: silence

    say(running, AGENT, CURT, thread_ts=root)
    [call] = running.fake.wait_for("chat.postEphemeral")
    assert call.params["user"] == AGENT
    assert call.params["thread_ts"] == root
    rendered = json.dumps(call.params["blocks"])
    assert "curt" in rendered and "A warmer way to say it" in rendered and "Use this" in rendered


def test_one_nudge_per_agent_per_thread_within_the_cooldown(running: Running) -> None:
    root = say(running, CUSTOMER, "Hi, my order has not arrived yet.")
    say(running, AGENT, "Thanks for letting us know, Dana! I am checking your order now.", thread_ts=root)
    running.fake.settle()
    running.fake.clear()
    say(running, CUSTOMER, ANGRY_AGAIN, thread_ts=root)
    running.fake.wait_for("chat.postEphemeral")
    say(running, CUSTOMER, "Hello??? Anyone??? This is unacceptable!!", thread_ts=root)
    running.fake.settle()
    assert len(running.fake.calls("chat.postEphemeral")) == 1


def test_watches_only_kindly_channels_when_set(fake_slack: FakeSlack, db_url: str) -> None:
    app = start_app(fake_slack, db_url, KINDLY_CHANNELS="CWATCHED")
    try:
        say(app, CUSTOMER, ANGRY)  # in CSUPPORT, not watched
        say(app, CUSTOMER, ANGRY, channel="CWATCHED")
        fake_slack.wait_for("chat.postEphemeral")
        fake_slack.settle()
        assert {c.params["channel"] for c in fake_slack.calls("chat.postEphemeral")} == {"CWATCHED"}
    finally:
        app.stop()


def test_agent_group_members_are_agents(fake_slack: FakeSlack, db_url: str) -> None:
    fake_slack.usergroups["SAGENTS"] = ["UGROUPAGENT"]
    app = start_app(fake_slack, db_url, KINDLY_AGENTS="", KINDLY_AGENT_GROUP="SAGENTS")
    try:
        root = say(app, CUSTOMER, "Hi, my order is late")
        say(app, "UGROUPAGENT", "Thanks for writing, I'm looking into it now!", thread_ts=root)
        say(app, CUSTOMER, ANGRY, thread_ts=root)
        [call] = fake_slack.wait_for("chat.postEphemeral")
        assert call.params["user"] == "UGROUPAGENT"
        assert len(fake_slack.calls("usergroups.users.list")) == 1  # cached, not fetched per message
    finally:
        app.stop()


def test_bots_edits_deletions_and_joins_are_ignored(running: Running) -> None:
    bot_post = payloads.message("UOTHERBOT", ANGRY, bot_id="BOTHER")
    own_post = payloads.message("UKINDLYBOT", ANGRY, bot_id="BKINDLY")
    legacy_bot = {**payloads.message("UX", ANGRY), "subtype": "bot_message"}
    edit = {
        "type": "message",
        "subtype": "message_changed",
        "channel": CHANNEL,
        "channel_type": "channel",
        "hidden": True,
        "ts": payloads.next_ts(),
        "message": payloads.message(CUSTOMER, ANGRY),
        "previous_message": payloads.message(CUSTOMER, "hi"),
    }
    deletion = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": CHANNEL,
        "channel_type": "channel",
        "hidden": True,
        "ts": payloads.next_ts(),
        "deleted_ts": "1.0",
        "previous_message": payloads.message(CUSTOMER, ANGRY),
    }
    join = {**payloads.message(CUSTOMER, "<@UCUST1> has joined the channel"), "subtype": "channel_join"}
    for event in (bot_post, own_post, legacy_bot, edit, deletion, join):
        assert running.sender.event(payloads.envelope(event)).status == 200  # acked: Slack must not retry
    running.fake.settle()
    assert running.fake.calls("chat.postEphemeral") == []
    from sqlalchemy import func, select

    from bot.store.schema import messages

    with running.kindly.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(messages)).scalar() == 0


def test_simultaneous_frustrated_messages_in_one_thread_nudge_each_agent_once(running: Running) -> None:
    import threading

    root = say(running, CUSTOMER, "Hi, my order has not arrived yet.")
    say(running, AGENT, "Thanks for letting us know, Dana! I am checking your order now.", thread_ts=root)
    events = [payloads.envelope(payloads.message(CUSTOMER, f"{ANGRY} ({n})", thread_ts=root)) for n in range(5)]
    threads = [threading.Thread(target=running.sender.event, args=(e,)) for e in events]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    running.fake.wait_for("chat.postEphemeral")
    sent = [c.params["user"] for c in running.fake.settle() if c.method == "chat.postEphemeral"]
    assert sent == [AGENT]
