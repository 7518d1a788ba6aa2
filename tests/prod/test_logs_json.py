"""Structured logs of a real `python -m bot run`: JSON lines, and never a message's text or the token."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from kindly_harness import AGENT, CUSTOMER, SECRET

from bot.devtools import payloads
from bot.devtools.fake_slack import FakeSlack

TOKEN = "xoxb-4242-SeCrEtToKeN-kindly"
WORD = "Quetzalfrobnic"
TEXTS = [
    f"This is the THIRD time I'm asking about order {WORD}. I've been waiting 3 days and nobody answers!!",
    f"Send the logs {WORD}.",
    f"check {WORD} before I answer",
    f"refund {WORD}",
]


def test_json_logs_of_an_end_to_end_run_hold_no_text_and_no_token(fake_slack: FakeSlack, tmp_path: Path) -> None:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "KINDLY_", "DATABASE_URL", "PORT", "LOG_"))}
    env = {
        **keep,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake_slack.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'k.db'}",
        "KINDLY_AGENTS": AGENT,
        "KINDLY_NUDGE_COOLDOWN_MINUTES": "0",
        "PORT": "0",
        "LOG_FORMAT": "json",
        "LOG_LEVEL": "debug",  # the most talkative level must still hold text and token back
    }
    log_path = tmp_path / "stderr.log"
    with log_path.open("w") as log_file:
        proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, stderr=log_file)
        try:
            port = None
            deadline = time.monotonic() + 30
            while port is None and time.monotonic() < deadline and proc.poll() is None:
                match = re.search(r"HTTP mode: POST http://0\.0\.0\.0:(\d+)/slack/events", log_path.read_text())
                port = int(match.group(1)) if match else None
                time.sleep(0.05)
            assert port, log_path.read_text()
            base = f"http://127.0.0.1:{port}"
            sender = payloads.SignedSender(f"{base}/slack/events", SECRET)
            root = payloads.message(CUSTOMER, TEXTS[0])
            assert sender.event(payloads.envelope(root)).status == 200
            fake_slack.wait_for("chat.postEphemeral")
            fake_slack.fail("chat.postEphemeral", "error", error="invalid_auth")  # a failure gets logged too
            assert sender.event(payloads.envelope(payloads.message(AGENT, TEXTS[1], thread_ts=root["ts"]))).status == 200
            assert sender.form(payloads.command(TEXTS[2], user=AGENT)).status == 200
            assert (
                payloads.SignedSender(f"{base}/slack/events", "forged")
                .event(payloads.envelope(payloads.message(CUSTOMER, TEXTS[3])))
                .status
                == 401
            )
            assert sender.post("{" + TEXTS[3], "application/json").status == 400
            for path in ("/healthz", "/metrics"):
                with urllib.request.urlopen(base + path, timeout=5) as resp:
                    assert resp.status == 200
            fake_slack.wait_for("chat.postEphemeral", count=2)
            fake_slack.settle()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    output = log_path.read_text()
    lines = [line for line in output.splitlines() if line.strip()]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "logger", "message"} <= entry.keys() for entry in entries)
    messages = " | ".join(entry["message"] for entry in entries)
    assert "invalid_auth" in messages and "nudge" in messages  # it did log the run...
    assert len(entries) >= 5
    assert WORD.lower() not in output.lower()  # ...but no text it was sent
    assert all(text not in output for text in TEXTS)
    assert TOKEN not in output and "SeCrEtToKeN" not in output and "xoxb-" not in output  # nor the token
