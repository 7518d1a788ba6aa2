"""DESIGN.md invariants 2, 3, 4, 5 and 7 over real HTTP, signed requests and a fake Slack."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from kindly_harness import AGENT, BACKENDS, CUSTOMER, Running, dump_database, shown_text, start_app
from sqlalchemy import func, select

from bot.devtools import payloads
from bot.devtools.fake_slack import FakeSlack
from bot.store.schema import messages

pytestmark = pytest.mark.parametrize("backend", BACKENDS, indirect=True)  # SQLite, and PostgreSQL when configured

ANGRY = "This is the THIRD time I'm asking. I've been waiting 3 days for my refund and nobody answers!!"


def count_messages(app: Running) -> int:
    with app.kindly.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(messages)).scalar() or 0)


# invariant 3 ---------------------------------------------------------------------------------


def test_a_retried_event_yields_exactly_one_nudge(running: Running) -> None:
    envelope = payloads.envelope(payloads.message(CUSTOMER, ANGRY))
    first = running.sender.event(envelope)
    retries = [
        running.sender.event(envelope, headers={"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"})
        for n in (1, 2, 3)
    ]
    assert first.status == 200 and all(r.status == 200 for r in retries)  # acked, so Slack stops retrying
    running.fake.wait_for("chat.postEphemeral")
    sent = [c for c in running.fake.settle() if c.method == "chat.postEphemeral"]
    per_agent = [c.params["user"] for c in sent]
    assert len(per_agent) == len(set(per_agent)) == 2  # each agent once: two agents, no duplicates
    assert count_messages(running) == 1


def test_retries_racing_in_parallel_still_nudge_once(running: Running) -> None:
    import threading

    envelope = payloads.envelope(payloads.message(CUSTOMER, ANGRY))
    threads = [
        threading.Thread(target=running.sender.event, args=(envelope,), kwargs={"headers": {"X-Slack-Retry-Num": "1"}})
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    running.fake.wait_for("chat.postEphemeral")
    sent = [c.params["user"] for c in running.fake.settle() if c.method == "chat.postEphemeral"]
    assert sorted(sent) == sorted(set(sent)) and len(sent) == 2
    assert count_messages(running) == 1


# invariant 4 ---------------------------------------------------------------------------------


def test_bad_signature_is_refused_with_401(running: Running) -> None:
    envelope = payloads.envelope(payloads.message(CUSTOMER, ANGRY))
    reply = running.sender.event(envelope, signature="v0=" + "0" * 64)
    assert reply.status == 401
    forged = payloads.SignedSender(running.url, "not-the-secret").event(envelope)
    assert forged.status == 401
    time.sleep(0.3)  # give a (wrongly) accepted event time to show up before checking it did not
    assert running.fake.calls("chat.postEphemeral") == [] and count_messages(running) == 0


def test_stale_timestamp_is_refused_with_401(running: Running) -> None:
    envelope = payloads.envelope(payloads.message(CUSTOMER, ANGRY))
    old = running.sender.event(envelope, timestamp=int(time.time()) - 6 * 60)
    future = running.sender.event(envelope, timestamp=int(time.time()) + 6 * 60)
    assert old.status == 401 and future.status == 401
    form = running.sender.form(payloads.command("help", user=AGENT), timestamp=int(time.time()) - 3600)
    assert form.status == 401
    time.sleep(0.3)
    assert running.fake.calls("chat.postEphemeral") == [] and count_messages(running) == 0


def test_url_verification_and_unsigned_requests(running: Running) -> None:
    challenge = running.sender.event({"type": "url_verification", "token": "t", "challenge": "abc123"})
    assert challenge.status == 200 and "abc123" in challenge.body
    import urllib.error
    import urllib.request

    unsigned = urllib.request.Request(running.url, data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(unsigned, timeout=5)
    assert err.value.code == 401


# invariant 5 ---------------------------------------------------------------------------------

NASTY = "<!channel> <@U0BOSS> <!here> see <https://evil.example|totally safe> & go"


def assert_inert(rendered: str) -> None:
    for raw in ("<!channel>", "<@U0BOSS>", "<!here>", "<https://evil.example"):
        assert raw not in rendered
    assert "&lt;!channel&gt;" in rendered and "&lt;@U0BOSS&gt;" in rendered


def test_echoed_draft_is_escaped_in_slash_command(running: Running) -> None:
    reply = running.sender.form(payloads.command(f"check {NASTY}", user=AGENT))
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert_inert(shown_text(body["blocks"]) + body["text"])


def test_echoed_free_words_are_escaped(running: Running) -> None:
    reply = running.sender.form(payloads.command(NASTY, user=AGENT))
    assert_inert(shown_text(reply.json()))


def test_echoed_agent_reply_is_escaped_in_curt_nudge(fake_slack: FakeSlack, db_url: str) -> None:
    app = start_app(fake_slack, db_url, KINDLY_NUDGE_COOLDOWN_MINUTES="0")
    try:
        root = payloads.message(CUSTOMER, ANGRY)
        app.sender.event(payloads.envelope(root))
        fake_slack.wait_for("chat.postEphemeral")
        fake_slack.settle()
        fake_slack.clear()
        curt = payloads.message(AGENT, "Read the docs. <!channel> <@U0BOSS>", thread_ts=root["ts"])
        app.sender.event(payloads.envelope(curt))
        [call] = fake_slack.wait_for("chat.postEphemeral")
        rendered = shown_text(call.params["blocks"]) + call.params["text"]
        assert "<!channel>" not in rendered and "<@U0BOSS>" not in rendered
        assert "&lt;!channel&gt;" in rendered
    finally:
        app.stop()


# invariant 2 ---------------------------------------------------------------------------------

SECRET_WORD = "Zanzibarquux"


def test_message_text_is_neither_stored_nor_logged(
    fake_slack: FakeSlack, db_url: str, tmp_path: Path, all_logs: pytest.LogCaptureFixture
) -> None:
    app = start_app(fake_slack, db_url, KINDLY_NUDGE_COOLDOWN_MINUTES="0")
    try:
        root = payloads.message(CUSTOMER, f"{ANGRY} {SECRET_WORD} order 4411")
        app.sender.event(payloads.envelope(root))
        app.sender.event(payloads.envelope(payloads.message(AGENT, f"Send the logs {SECRET_WORD}.", thread_ts=root["ts"])))
        app.sender.form(payloads.command(f"check {SECRET_WORD} now", user=AGENT))
        # a refused request: Bolt would log its whole body at INFO if we let it
        app.sender.event(payloads.envelope(payloads.message(CUSTOMER, SECRET_WORD)), signature="v0=bad")
        fake_slack.wait_for("chat.postEphemeral", count=2)
        fake_slack.settle()
        assert count_messages(app) == 2  # the messages were handled and scored...
    finally:
        app.stop()
    rows = dump_database(db_url)
    assert "UCUST1" in rows and SECRET_WORD.lower() not in rows.lower()  # ...but the text is in no row
    stored = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("kindly.db"))
    assert SECRET_WORD.encode() not in stored  # nor in any SQLite file (WAL included; none on PostgreSQL)
    assert SECRET_WORD.lower().encode() not in stored.lower()
    assert SECRET_WORD not in all_logs.text
    assert all(SECRET_WORD not in str(r.args) for r in all_logs.records)


# invariant 7 ---------------------------------------------------------------------------------


def test_server_errors_and_ok_false_are_survived(running: Running, all_logs: pytest.LogCaptureFixture) -> None:
    fake = running.fake
    fake.fail("chat.postEphemeral", "500", times=4)  # outlasts the one retry for both agents
    running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY)))
    fake.wait_for("chat.postEphemeral", count=4)
    fake.settle()
    assert "chat.postEphemeral failed: HTTP 500" in all_logs.text

    fake.fail("chat.postEphemeral", "error", error="user_not_in_channel", times=2)
    running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY, channel="COTHER")))
    fake.wait_for("chat.postEphemeral", count=6)
    fake.settle()
    assert "user_not_in_channel" in all_logs.text

    # still serving, and undelivered nudges were not counted against the cooldown or the stats
    fake.clear()
    running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY, channel="CTHIRD")))
    fake.wait_for("chat.postEphemeral", count=2)
    reply = running.sender.form(payloads.command("stats", user=AGENT))
    assert reply.status == 200 and "1 nudge received" in reply.body


def test_rate_limit_is_retried_after_retry_after(running: Running) -> None:
    running.fake.fail("chat.postEphemeral", "429", retry_after=0, times=1)
    running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY)))
    calls = running.fake.wait_for("chat.postEphemeral", count=3)  # one 429, then the retry, then agent 2
    assert len(calls) >= 3


def test_rate_limit_that_persists_is_logged_and_survived(running: Running, all_logs: pytest.LogCaptureFixture) -> None:
    running.fake.fail("chat.postEphemeral", "429", retry_after=0, times=10)
    running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY)))
    running.fake.wait_for("chat.postEphemeral", count=4)
    running.fake.settle()
    assert "HTTP 429" in all_logs.text
    assert running.sender.form(payloads.command("help", user=AGENT)).status == 200


def test_database_errors_are_survived(running: Running, all_logs: pytest.LogCaptureFixture) -> None:
    with running.kindly.store.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE messages")
    reply = running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY)))
    assert reply.status == 200
    running.fake.settle()
    assert "database error" in all_logs.text
    assert running.fake.calls("chat.postEphemeral") == []
    assert running.sender.form(payloads.command("help", user=AGENT)).status == 200
    stats = running.sender.form(payloads.command("stats", user=AGENT))
    assert stats.status == 200 and "nudges" in stats.body


def test_malformed_bodies_get_400_and_the_app_keeps_serving(running: Running) -> None:
    for body, content_type in (("{not json", "application/json"), ("payload=%7Bbad", "application/x-www-form-urlencoded")):
        assert running.sender.post(body, content_type).status == 400
        assert running.sender.post(body, content_type, signature="v0=bad").status == 400
    assert running.sender.form(payloads.command("help", user=AGENT)).status == 200


def test_other_paths_and_methods_are_not_served(running: Running) -> None:
    import urllib.error
    import urllib.request

    base = running.url.removesuffix("/slack/events")
    for url, method in ((base + "/", "POST"), (base + "/slack/install", "GET"), (running.url, "GET")):
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(urllib.request.Request(url, method=method, data=b"" if method == "POST" else None))
        assert err.value.code in (404, 405)
