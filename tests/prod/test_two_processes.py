"""Two real `python -m bot run` processes against one database behave as one (DESIGN.md "Scaling out").

Slack delivers an event to one endpoint, but behind a load balancer a retry of it can land on
the other process while the first is still working. Both processes here get the event and its
retries at once; the database's uniqueness constraint lets exactly one of them nudge. The
weekly digest's cron path, started in both processes at once, sends one digest per lead.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from kindly_harness import AGENT, AGENT2, BACKENDS, CUSTOMER, SECRET
from sqlalchemy import create_engine, func, select

from bot.devtools import payloads
from bot.devtools.fake_slack import FakeSlack
from bot.store.schema import messages, nudges

pytestmark = pytest.mark.parametrize("backend", BACKENDS, indirect=True)

ANGRY = "This is the THIRD time I'm asking. I've been waiting 3 days for my refund and nobody answers!!"
LEAD = "ULEAD1"


def app_env(fake: FakeSlack, db_url: str, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "KINDLY_", "DATABASE_URL", "PORT", "LOG_"))}
    return {
        **keep,
        "SLACK_BOT_TOKEN": "xoxb-two",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": db_url,
        "KINDLY_AGENTS": f"{AGENT},{AGENT2}",
        "PORT": "0",
        **extra,
    }


@pytest.fixture
def two_apps(fake_slack: FakeSlack, db_url: str, tmp_path: Path) -> Iterator[list[payloads.SignedSender]]:
    procs, senders = [], []
    try:
        for n in (1, 2):
            log = tmp_path / f"app{n}.log"
            with log.open("w") as out:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=app_env(fake_slack, db_url), stderr=out
                )
            procs.append(proc)
            deadline, port = time.monotonic() + 30, None
            while port is None and time.monotonic() < deadline and proc.poll() is None:
                match = re.search(r"HTTP mode: POST http://0\.0\.0\.0:(\d+)/slack/events", log.read_text())
                port = match.group(1) if match else None
                time.sleep(0.05)
            assert port, log.read_text()
            senders.append(payloads.SignedSender(f"http://127.0.0.1:{port}/slack/events", SECRET))
        yield senders
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)


def test_a_retried_event_delivered_to_both_processes_nudges_once(
    two_apps: list[payloads.SignedSender], fake_slack: FakeSlack, db_url: str
) -> None:
    for round_ in range(3):  # three separate events, each racing through both processes
        envelope = payloads.envelope(payloads.message(CUSTOMER, ANGRY, channel=f"CRACE{round_}"))
        threads = [
            threading.Thread(target=sender.event, args=(envelope,), kwargs={"headers": headers})
            for sender in two_apps
            for headers in ({}, {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    fake_slack.wait_for("chat.postEphemeral", count=6)
    sent = [c for c in fake_slack.settle(quiet=0.5) if c.method == "chat.postEphemeral"]
    pairs = sorted((c.params["channel"], c.params["user"]) for c in sent)
    assert pairs == sorted((f"CRACE{r}", agent) for r in range(3) for agent in (AGENT, AGENT2))  # once each
    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(messages)).scalar() == 3
            assert conn.execute(select(func.count()).select_from(nudges)).scalar() == 6
    finally:
        engine.dispose()


def test_digest_cron_in_both_processes_sends_one_digest_per_lead(fake_slack: FakeSlack, db_url: str, tmp_path: Path) -> None:
    from bot.store import Store

    Store.open(db_url).close()  # schema in place, as a running app would leave it
    day = datetime.now(UTC).strftime("%a").lower()
    env = app_env(fake_slack, db_url, KINDLY_LEADS=LEAD, KINDLY_DIGEST_DAY=day, KINDLY_DIGEST_TIME="00:00")
    env["TZ"] = "UTC"
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bot", "digest", "send"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )
        for _ in range(2)
    ]  # fmt: skip
    results = [proc.communicate(timeout=120) for proc in procs]
    assert all(proc.returncode == 0 for proc in procs), results
    fake_slack.settle(quiet=0.5)
    to_lead = [c for c in fake_slack.calls("conversations.open") if LEAD in str(c.params.get("users"))]
    posts = fake_slack.calls("chat.postMessage") + fake_slack.calls("files.completeUploadExternal")
    assert len(to_lead) >= 1 and len(posts) >= 1, results  # a digest was sent...
    assert len(to_lead) == 1  # ...by exactly one of the two processes
