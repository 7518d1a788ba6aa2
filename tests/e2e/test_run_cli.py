"""`python -m bot run` as a user starts it: a real process, HTTP mode, configured by environment."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from kindly_harness import AGENT, CUSTOMER, SECRET

from bot.devtools import payloads
from bot.devtools.fake_slack import FakeSlack

ROOT = Path(__file__).resolve().parents[2]
ANGRY = "This is the THIRD time I'm asking. I've been waiting 3 days for my refund and nobody answers!!"


def env_for(fake: FakeSlack, tmp_path: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "KINDLY_", "DATABASE_URL", "PORT"))}
    return {
        **keep,
        "SLACK_BOT_TOKEN": "xoxb-cli",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "KINDLY_AGENTS": AGENT,
        "PORT": "0",
        **extra,
    }


def test_run_serves_http_and_nudges(fake_slack: FakeSlack, tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=tmp_path,  # no .env here
        env=env_for(fake_slack, tmp_path),
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        port = None
        deadline = time.monotonic() + 30
        assert proc.stderr is not None
        while port is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            match = re.search(r"HTTP mode: POST http://0\.0\.0\.0:(\d+)/slack/events", line)
            port = int(match.group(1)) if match else None
        assert port, "the app did not report its port"
        sender = payloads.SignedSender(f"http://127.0.0.1:{port}/slack/events", SECRET)
        assert sender.event(payloads.envelope(payloads.message(CUSTOMER, ANGRY))).status == 200
        [call] = fake_slack.wait_for("chat.postEphemeral")
        assert call.params["user"] == AGENT and call.token == "xoxb-cli"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_run_explains_a_refused_token(fake_slack: FakeSlack, tmp_path: Path) -> None:
    fake_slack.fail("auth.test", "error", error="invalid_auth")
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env_for(fake_slack, tmp_path), capture_output=True,
        text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert "SLACK_BOT_TOKEN was refused" in result.stderr and "invalid_auth" in result.stderr


def test_run_names_a_missing_variable(fake_slack: FakeSlack, tmp_path: Path) -> None:
    env = env_for(fake_slack, tmp_path)
    del env["SLACK_SIGNING_SECRET"]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2 and "SLACK_SIGNING_SECRET" in result.stderr


def test_run_with_oauth_serves_the_install_page_without_a_bot_token(fake_slack: FakeSlack, tmp_path: Path) -> None:
    env = env_for(fake_slack, tmp_path, SLACK_CLIENT_ID="1111.2222", SLACK_CLIENT_SECRET="oauth-secret")
    del env["SLACK_BOT_TOKEN"]
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
    try:
        port = None
        deadline = time.monotonic() + 30
        assert proc.stderr is not None
        while port is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            match = re.search(r"install at GET http://0\.0\.0\.0:(\d+)/slack/install", line)
            port = int(match.group(1)) if match else None
        assert port, "the app did not report its install URL"
        import urllib.request

        with urllib.request.urlopen(f"http://127.0.0.1:{port}/slack/install", timeout=10) as resp:
            assert resp.status == 200 and "client_id=1111.2222" in resp.read().decode()
        assert fake_slack.calls("auth.test") == []  # no token to check: workspaces bring theirs
    finally:
        proc.terminate()
        proc.wait(timeout=10)
