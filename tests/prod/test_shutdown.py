"""Stopping on SIGTERM/SIGINT: accepted work finishes, deferred nudges are sent or forgotten, never lost silently.

`Deferred.drain` is tested with a fake clock; then the real `python -m bot run` process is
stopped with a signal while one nudge waits out a 2 s Retry-After (sent within the grace
period) and another a 60 s one (given up: its record deleted, so no stats count it).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from kindly_harness import AGENT, AGENT2, CUSTOMER, SECRET
from sqlalchemy import create_engine, select

from bot.delivery import Deferred
from bot.devtools import payloads
from bot.devtools.fake_slack import FakeSlack
from bot.devtools.fake_socket_mode import FakeSocketModeServer
from bot.store.schema import nudges

Start = Callable[[dict[str, str]], "Process"]
ANGRY = "This is the THIRD time I'm asking. I've been waiting 3 days for my refund and nobody answers!!"
STOPPING = "stopping (SIGTERM)"


# Deferred.drain, with a fake clock ------------------------------------------------------------


@dataclass
class FakeClock:
    now: float = 1000.0
    slept: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@dataclass
class Ledger:
    """What happened to each job: sent at (fake) time, or given up with a reason."""

    clock: FakeClock
    sent: dict[str, float] = field(default_factory=dict)
    gave_up: dict[str, str] = field(default_factory=dict)

    def add(self, deferred: Deferred, name: str, wait: float, result: object = True) -> bool:
        def send() -> object:
            self.sent[name] = self.clock.now
            return result

        def give_up(reason: str) -> None:
            self.gave_up[name] = reason

        return deferred.schedule(wait, self.clock.now + 300, send, give_up)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def deferred(clock: FakeClock) -> Deferred:
    return Deferred(clock=clock, sleep=clock.sleep)


def test_drain_sends_jobs_due_within_the_grace_in_order_and_gives_up_the_rest(deferred: Deferred, clock: FakeClock) -> None:
    ledger = Ledger(clock)
    start = clock.now
    for name, wait in (("late", 60.0), ("soon", 2.0), ("sooner", 1.5), ("edge", 10.0)):
        assert ledger.add(deferred, name, wait)
    assert deferred.drain(10.0) == (3, 1)
    assert ledger.sent == {"sooner": start + 1.5, "soon": start + 2.0, "edge": start + 10.0}  # each when due, not before
    assert ledger.gave_up == {"late": "shutdown"}
    assert deferred.pending() == 0


def test_drain_with_no_grace_gives_up_everything_not_yet_due(deferred: Deferred, clock: FakeClock) -> None:
    ledger = Ledger(clock)
    ledger.add(deferred, "a", 5.0)
    ledger.add(deferred, "b", 0.5)
    assert deferred.drain(0.0) == (0, 2)
    assert ledger.sent == {} and ledger.gave_up == {"a": "shutdown", "b": "shutdown"}
    assert clock.slept == []


def test_a_job_that_fails_during_drain_counts_as_dropped(deferred: Deferred, clock: FakeClock) -> None:
    ledger = Ledger(clock)
    ledger.add(deferred, "refused again", 1.0, result=False)  # e.g. a second 429: it gave up by itself
    ledger.add(deferred, "fine", 2.0)
    assert deferred.drain(5.0) == (1, 1)
    assert set(ledger.sent) == {"refused again", "fine"}


def test_after_drain_new_jobs_are_refused_as_shutdown(deferred: Deferred, clock: FakeClock) -> None:
    ledger = Ledger(clock)
    assert deferred.drain(1.0) == (0, 0)
    assert not ledger.add(deferred, "too late", 1.0)
    assert ledger.gave_up == {"too late": "shutdown"} and deferred.pending() == 0
    assert deferred.drain(1.0) == (0, 0)  # idempotent: Kindly.close drains again


# the real process, stopped with a signal ------------------------------------------------------


def app_env(fake: FakeSlack, tmp_path: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "KINDLY_", "DATABASE_URL", "PORT", "LOG_"))}
    return {
        **keep,
        "SLACK_BOT_TOKEN": "xoxb-stop",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kindly.db'}",
        "KINDLY_AGENTS": f"{AGENT},{AGENT2}",
        "PORT": "0",
        **extra,
    }


@dataclass
class Process:
    proc: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text()

    def wait_for_log(self, pattern: str, count: int = 1, timeout: float = 30.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            found = list(re.finditer(pattern, self.text()))
            if len(found) >= count:
                return found[count - 1]
            time.sleep(0.05)
        raise AssertionError(f"no {pattern!r} (x{count}) in the log:\n{self.text()}")

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        self.proc.send_signal(sig)
        return self.proc.wait(timeout=30)


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Start]:
    started: list[Process] = []

    def run(env: dict[str, str]) -> Process:
        log = tmp_path / f"app{len(started)}.log"
        with log.open("w") as out:
            proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, stderr=out)
        started.append(Process(proc, log))
        return started[-1]

    yield run
    for process in started:
        if process.proc.poll() is None:
            process.proc.kill()
            process.proc.wait(timeout=10)


def start_http(start: Start, fake: FakeSlack, tmp_path: Path) -> tuple[Process, payloads.SignedSender]:
    process = start(app_env(fake, tmp_path))
    port = process.wait_for_log(r"HTTP mode: POST http://0\.0\.0\.0:(\d+)/slack/events").group(1)
    return process, payloads.SignedSender(f"http://127.0.0.1:{port}/slack/events", SECRET)


def test_sigterm_sends_deferred_nudges_due_within_the_grace_and_forgets_the_rest(
    start: Start, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    fake_slack.fail("chat.postEphemeral", "429", retry_after=60)  # the first agent's nudge: still timely, but long
    fake_slack.fail("chat.postEphemeral", "429", retry_after=2)  # the second's: due within the grace period
    process, sender = start_http(start, fake_slack, tmp_path)
    assert sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY))).status == 200
    process.wait_for_log(r"nudge \d+ deferred", count=2)
    first, second = fake_slack.wait_for("chat.postEphemeral", count=2)

    assert process.stop() == 0
    log = process.text()
    assert STOPPING in log and "stopped: 1 deferred nudge(s) sent, 1 dropped" in log
    assert re.search(r"nudge \d+ dropped: shutdown", log)
    delivered = fake_slack.calls("chat.postEphemeral")[2:]
    assert [c.params["user"] for c in delivered] == [second.params["user"]]  # sent before exit, not lost
    engine = create_engine(f"sqlite:///{tmp_path / 'kindly.db'}")
    try:
        with engine.connect() as conn:
            targets = [row.target_user_id for row in conn.execute(select(nudges.c.target_user_id))]
    finally:
        engine.dispose()
    assert targets == [second.params["user"]]  # the dropped nudge's record is gone: no stats count it
    assert first.params["user"] != second.params["user"]
    assert ANGRY not in log


def test_sigterm_lets_listener_work_in_flight_finish(start: Start, fake_slack: FakeSlack, tmp_path: Path) -> None:
    """The event is acknowledged at once; its nudges are still being posted (a slow Slack) when SIGTERM comes."""
    fake_slack.fail("chat.postEphemeral", "slow", delay=1.5, times=2)
    process, sender = start_http(start, fake_slack, tmp_path)
    assert sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY))).status == 200
    assert fake_slack.calls("chat.postEphemeral") == []  # the listener is still waiting for Slack
    assert process.stop() == 0
    log = process.text()
    assert sorted(c.params["user"] for c in fake_slack.calls("chat.postEphemeral")) == [AGENT, AGENT2]
    assert log.index(STOPPING) < log.rindex("(frustrated_customer) sent") < log.index("stopped: ")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_while_idle_stops_cleanly(start: Start, fake_slack: FakeSlack, tmp_path: Path, sig: signal.Signals) -> None:
    process, sender = start_http(start, fake_slack, tmp_path)
    assert sender.form(payloads.command("help", user=AGENT)).status == 200
    assert process.stop(sig) == 0
    log = process.text()
    assert f"stopping ({sig.name})" in log and "stopped: 0 deferred nudge(s) sent, 0 dropped" in log
    assert "Traceback" not in log


def test_sigterm_in_socket_mode_stops_cleanly(start: Start, fake_slack: FakeSlack, tmp_path: Path) -> None:
    server = FakeSocketModeServer()
    fake_slack.socket_url = server.url
    try:
        process = start(app_env(fake_slack, tmp_path, SLACK_APP_TOKEN="xapp-1-stop", SLACK_SIGNING_SECRET=""))
        process.wait_for_log("Socket Mode: no public URL needed")
        server.wait_connected(timeout=30)
        assert process.stop() == 0
    finally:
        server.close()
    log = process.text()
    assert STOPPING in log and "stopped: 0 deferred nudge(s) sent, 0 dropped" in log
    assert "Traceback" not in log
