"""Faults of the Web API and of the database: the app keeps serving, logs each, loses nothing it acknowledged.

Each fault hits the first nudge of a frustrated customer's message (two agents hear of it).
Afterwards the message's record is still stored, the agent whose nudge failed has no phantom
nudge counted against them, and a slash command is still answered.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from kindly_harness import AGENT, AGENT2, BACKENDS, CUSTOMER, Running, start_app
from sqlalchemy import func, select
from tcp_relay import TcpRelay

from bot.devtools import payloads
from bot.devtools.fake_slack import FakeSlack
from bot.store.schema import messages, nudges

ANGRY = "This is the THIRD time I'm asking. I've been waiting 3 days for my refund and nobody answers!!"


def count(app: Running, table: object) -> int:
    with app.kindly.store.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)  # type: ignore[arg-type]


def still_serving(app: Running) -> None:
    reply = app.sender.form(payloads.command("help", user=AGENT))
    assert reply.status == 200 and "kindly" in reply.body.lower()


@dataclass(frozen=True)
class Fault:
    name: str
    kind: str
    error: str = "internal_error"
    times: int = 1
    retry_after: int = 0
    delay: float = 0.0
    delivered: int = 1  # nudges Slack finally accepted, of the two
    logged: str = ""


FAULTS = [
    Fault("500 twice (outlasts the one retry)", "500", times=2, logged="HTTP 500"),
    Fault("500 once (the retry succeeds)", "500", times=1, delivered=2),
    Fault("429 with Retry-After 0 (retried in place)", "429", delivered=2),
    Fault("429 with Retry-After 2 (deferred, then sent)", "429", retry_after=2, delivered=2, logged="deferred"),
    Fault("429 with Retry-After 3600 (no longer timely)", "429", retry_after=3600, logged="not_timely"),
    Fault("timeout", "slow", delay=3.0, logged="chat.postEphemeral failed: TimeoutError"),
    Fault("ok:false channel_not_found", "error", error="channel_not_found", logged="channel_not_found"),
    Fault("ok:false user_not_in_channel", "error", error="user_not_in_channel", logged="user_not_in_channel"),
    Fault("ok:false not_in_channel", "error", error="not_in_channel", logged="not_in_channel"),
    Fault("ok:false invalid_auth", "error", error="invalid_auth", logged="invalid_auth"),
]


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_web_api_fault_is_logged_and_survived(running: Running, fault: Fault, all_logs: pytest.LogCaptureFixture) -> None:
    running.app.client.timeout = 1  # copied into every per-request client; the "slow" fault outlasts it
    running.fake.fail(
        "chat.postEphemeral", fault.kind, error=fault.error, times=fault.times, retry_after=fault.retry_after,
        delay=fault.delay,
    )  # fmt: skip
    assert running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY))).status == 200
    running.fake.wait_for("chat.postEphemeral", count=2)
    still_serving(running)  # answered at once, even while a deferred nudge waits
    if fault.retry_after and fault.delivered == 2:
        running.fake.wait_for("chat.postEphemeral", count=3, timeout=10)  # the deferred one, sent later
    running.fake.settle(quiet=0.5, timeout=10)
    assert count(running, messages) == 1  # the acknowledged message is stored, whatever Slack said
    assert count(running, nudges) == fault.delivered  # only delivered nudges are counted
    assert running.kindly.deferred.pending() == 0
    if fault.logged:
        assert fault.logged in all_logs.text
    assert ANGRY not in all_logs.text


def test_a_429_storm_never_blocks_request_handling(running: Running) -> None:
    """Every nudge of many messages meets a 2 s Retry-After: listener threads must not sleep it off."""
    channels = [f"CSTORM{n}" for n in range(8)]
    running.fake.fail("chat.postEphemeral", "429", retry_after=2, times=len(channels) * 2)
    for channel in channels:
        assert running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY, channel=channel))).status == 200
    # Bolt's 5 listener threads would all be asleep if they honoured Retry-After themselves, and
    # this command's ack would then time out; it is answered instead.
    still_serving(running)
    assert running.kindly.deferred.pending() > 0
    sent = running.fake.wait_for("chat.postEphemeral", count=len(channels) * 4, timeout=20)
    delivered = {(c.params["channel"], c.params["user"]) for c in sent[len(channels) * 2 :]}
    assert delivered == {(ch, agent) for ch in channels for agent in (AGENT, AGENT2)}  # none lost
    assert count(running, nudges) == len(channels) * 2 and count(running, messages) == len(channels)


# the database unavailable for a while, then back ---------------------------------------------


def wait_until(check: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return check()


@pytest.fixture
def outage(backend: str, db_url: str) -> Iterator[tuple[str, object]]:
    """(URL the app uses, switch with down()/up()): a TCP relay on PostgreSQL, a moved file on SQLite."""
    from sqlalchemy.engine import make_url

    if backend == "postgresql":
        url = make_url(db_url)
        proxy = TcpRelay(url.host or "127.0.0.1", url.port or 5432)
        yield url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False), proxy
        proxy.close()
        return
    yield db_url, None


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_database_unavailable_then_back(
    fake_slack: FakeSlack, outage: tuple[str, object], all_logs: pytest.LogCaptureFixture
) -> None:
    import json
    import urllib.error
    import urllib.request

    url, proxy = outage
    app = start_app(fake_slack, url)
    health_url = app.url.removesuffix("/slack/events") + "/healthz"

    def health() -> int:
        try:
            with urllib.request.urlopen(health_url, timeout=10) as resp:
                assert json.loads(resp.read())["status"] == "ok"
                return int(resp.status)
        except urllib.error.HTTPError as err:
            return err.code

    engine = app.kindly.store.engine
    try:
        before = payloads.message(CUSTOMER, ANGRY, channel="CBEFORE")
        assert app.sender.event(payloads.envelope(before)).status == 200
        fake_slack.wait_for("chat.postEphemeral", count=2)
        fake_slack.settle()

        if proxy is not None:
            proxy.down()  # type: ignore[attr-defined]
        else:  # SQLite: point the store at a file that cannot be opened
            from sqlalchemy import create_engine

            app.kindly.store.engine = create_engine("sqlite:////nonexistent-dir/kindly.db")
        assert health() == 503
        during = payloads.message(CUSTOMER, ANGRY, channel="CDURING")
        assert app.sender.event(payloads.envelope(during)).status == 200  # acknowledged, not crashed
        fake_slack.settle(quiet=0.5, timeout=15)
        assert "database error on event" in all_logs.text
        assert len(fake_slack.calls("chat.postEphemeral")) == 2  # no nudge without its record
        still_serving(app)

        if proxy is not None:
            proxy.up()  # type: ignore[attr-defined]
        else:
            app.kindly.store.engine.dispose()
            app.kindly.store.engine = engine
        assert health() == 200
        after = payloads.message(CUSTOMER, ANGRY, channel="CAFTER")
        assert app.sender.event(payloads.envelope(after)).status == 200
        fake_slack.wait_for("chat.postEphemeral", count=4, timeout=10)
        assert wait_until(lambda: app.kindly.watcher.backlog.pending() == 0)  # type: ignore[union-attr]
        with engine.connect() as conn:
            stored = {row.channel_id: row for row in conn.execute(select(messages))}
        # what was stored before the outage survived it, and the message acknowledged during it was kept
        # (scored without its thread's context) and written once the database answered again
        assert set(stored) == {"CBEFORE", "CDURING", "CAFTER"}
        assert stored["CDURING"].frustrated and stored["CDURING"].role == "customer"
        assert {c.params["channel"] for c in fake_slack.calls("chat.postEphemeral")} == {"CBEFORE", "CAFTER"}
        assert "database back: 1 message records written" in all_logs.text
    finally:
        app.kindly.store.engine = engine
        app.stop()


def test_web_api_unreachable_then_back(running: Running, all_logs: pytest.LogCaptureFixture) -> None:
    """Connection refused (retried once by the connection-error handler), then Slack is reachable again."""
    import socket

    with socket.socket() as probe:  # a loopback port with nothing listening on it
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    still_serving(running)  # Bolt checks the token once (auth.test) on its first request, then caches it
    real = running.app.client.base_url
    running.app.client.base_url = f"http://127.0.0.1:{closed}/api/"  # copied into every per-request client
    try:
        assert running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY, channel="CDOWN"))).status == 200
        still_serving(running)
        deadline = time.monotonic() + 10
        while all_logs.text.count("chat.postEphemeral failed: URLError") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # one per agent, each after its one retry
        assert all_logs.text.count("chat.postEphemeral failed: URLError") == 2
    finally:
        running.app.client.base_url = real
    assert running.fake.calls("chat.postEphemeral") == []
    assert running.sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY, channel="CUP"))).status == 200
    running.fake.wait_for("chat.postEphemeral", count=2)
    running.fake.settle()
    assert count(running, messages) == 2  # both acknowledged messages are stored
    assert count(running, nudges) == 2  # only the two delivered nudges are counted
