"""`python -m bot run` in OAuth mode starts the digest scheduler for every installed workspace."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from kindly_harness import start_app
from test_run_cli import env_for

from bot.devtools.fake_slack import FakeSlack
from bot.store import workspaces
from bot.store.workspaces import WorkspaceSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "prod"))
from test_oauth import install


def test_oauth_run_sends_each_installed_workspace_its_digest(fake_slack: FakeSlack, tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    oauth = {"SLACK_CLIENT_ID": "1111.2222", "SLACK_CLIENT_SECRET": "oauth-secret"}
    first = start_app(fake_slack, db, SLACK_BOT_TOKEN="", **oauth)  # install two workspaces, as a browser would
    try:
        for team, lead in (("TALPHA", "ULEADA"), ("TBRAVO", "ULEADB")):
            install(first, team)
            chosen = WorkspaceSettings(leads=frozenset({lead}))
            workspaces.save(first.kindly.store.engine, team, chosen, updated_by="UINSTALLER", now=datetime.now(UTC))
    finally:
        first.stop()
    fake_slack.clear()

    env = env_for(
        fake_slack, tmp_path, **oauth, KINDLY_DIGEST_DAY="mon", KINDLY_DIGEST_TIME="00:00", KINDLY_LEADS="UENVLEAD"
    )
    del env["SLACK_BOT_TOKEN"]
    proc = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=env, stderr=subprocess.DEVNULL)
    try:
        posts = fake_slack.wait_for("chat.postMessage", count=2, timeout=30)  # the first tick runs at start
        fake_slack.settle()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert {(c.params["channel"], c.token) for c in posts} == {
        ("DLEADA", "xoxb-TALPHA-installed"),
        ("DLEADB", "xoxb-TBRAVO-installed"),
    }
    assert all(c.params["users"] != "UENVLEAD" for c in fake_slack.calls("conversations.open"))  # env is not any workspace's
