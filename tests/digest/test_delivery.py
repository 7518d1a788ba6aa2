"""Delivery against the local fake Slack Web API: DM + chart, exactly once, catch-up, refusals."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from digest_helpers import StoreBuilder, at, make_test_engine
from slack_sdk import WebClient
from sqlalchemy import Engine, select

from bot.config import Settings, settings_from
from bot.devtools.fake_slack import FakeSlack
from bot.slack_digest import REFUSAL, UNAVAILABLE, digest_for_command, send_due_digests, start_digest_scheduler
from bot.store.schema import digest_claims

LEAD = "ULEAD"
TEAM = "T1"
# Monday 2026-11-23 09:30 in Paris (08:30 UTC): W47's digest is due for a Paris lead.
MONDAY_0930_PARIS = datetime(2026, 11, 23, 8, 30, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(team_id=TEAM, users={LEAD: {"name": "Lea Lead", "tz": "Europe/Paris"}}) as server:
        yield server


def client_for(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.api_url)


def settings(**extra: str) -> Settings:
    return settings_from({"KINDLY_LEADS": LEAD, **extra})


def claim_rows(engine: Engine) -> list[tuple[str, str, str]]:
    c = digest_claims.c
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(c.lead_id, c.iso_week, c.status))]


def test_a_due_lead_gets_a_dm_with_blocks_and_the_chart(fake: FakeSlack, engine: Engine, store: StoreBuilder) -> None:
    store.msg(at(1), frustrated=True, cues="waiting")
    results = send_due_digests(settings(), client_for(fake), engine, now=MONDAY_0930_PARIS)
    assert [(r.lead_id, r.iso_week, r.outcome) for r in results] == [(LEAD, "2026-W47", "sent")]

    assert fake.calls("conversations.open")[0].params["users"] == LEAD
    (post,) = fake.calls("chat.postMessage")
    assert post.params["channel"] == "DLEAD"  # a D... id, not the user id
    blocks = post.params["blocks"]
    assert blocks[0]["type"] == "header" and "2026-W47" in blocks[0]["text"]["text"]
    assert "1 customer thread in 2026-W47" in post.params["text"]
    # files_upload_v2: URL, raw upload back to the fake, completion shared into the DM.
    assert fake.calls("files.getUploadURLExternal")[0].params["filename"] == "kindly-digest-2026-W47.png"
    assert fake.calls("upload")[0].params["_bytes"] > 1000
    assert fake.calls("files.completeUploadExternal")[0].params["channel_id"] == "DLEAD"
    assert claim_rows(engine) == [(LEAD, "2026-W47", "sent")]


def test_nothing_is_sent_before_the_leads_local_send_time(fake: FakeSlack, engine: Engine) -> None:
    # 07:30 UTC is 08:30 in Paris: W47's digest is not due yet.
    results = send_due_digests(settings(), client_for(fake), engine, now=datetime(2026, 11, 23, 7, 30, tzinfo=UTC))
    assert [r.outcome for r in results] == ["not_due"]
    assert fake.calls("chat.postMessage") == []
    assert claim_rows(engine) == []


def test_send_time_is_configurable(fake: FakeSlack, engine: Engine) -> None:
    friday_late = settings(KINDLY_DIGEST_DAY="fri", KINDLY_DIGEST_TIME="16:30")
    thursday = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
    assert [r.outcome for r in send_due_digests(friday_late, client_for(fake), engine, now=thursday)] == ["not_due"]
    friday = datetime(2026, 11, 27, 15, 31, tzinfo=UTC)  # 16:31 in Paris
    assert [r.iso_week for r in send_due_digests(friday_late, client_for(fake), engine, now=friday)] == ["2026-W47"]


def test_exactly_once_under_two_concurrent_senders(fake: FakeSlack, tmp_path: Path) -> None:
    """Two "processes" (own engine, own Slack client) race for the same leads and week."""
    path = tmp_path / "shared.db"
    make_test_engine(path).dispose()
    leads = settings_from({"KINDLY_LEADS": f"{LEAD},UOTHERLEAD"})
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def sender() -> None:
        engine = make_test_engine(path)
        client = client_for(fake)
        barrier.wait()
        outcomes.extend(r.outcome for r in send_due_digests(leads, client, engine, now=MONDAY_0930_PARIS))
        engine.dispose()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    posts = fake.calls("chat.postMessage")
    assert sorted(p.params["channel"] for p in posts) == ["DLEAD", "DOTHERLEAD"]  # one each, never two
    assert sorted(outcomes) == ["already_claimed", "already_claimed", "sent", "sent"]


def test_a_restart_does_not_resend(fake: FakeSlack, tmp_path: Path) -> None:
    path = tmp_path / "kindly.db"
    first = make_test_engine(path)
    send_due_digests(settings(), client_for(fake), first, now=MONDAY_0930_PARIS)
    first.dispose()
    restarted = make_test_engine(path)  # a new process on the same database, an hour later
    later = send_due_digests(settings(), client_for(fake), restarted, now=MONDAY_0930_PARIS + timedelta(hours=1))
    assert [r.outcome for r in later] == ["already_claimed"]
    assert len(fake.calls("chat.postMessage")) == 1


def test_missed_digest_is_sent_when_the_app_returns_within_the_week(fake: FakeSlack, engine: Engine) -> None:
    # Down all Monday; back on Wednesday of W48: W47's digest goes out then.
    wednesday = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)
    assert [(r.iso_week, r.outcome) for r in send_due_digests(settings(), client_for(fake), engine, now=wednesday)] == [
        ("2026-W47", "sent")
    ]
    # Down again until Tuesday of W50: W48's digest was missed for good, W49's is sent.
    tuesday_w50 = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    results = send_due_digests(settings(), client_for(fake), engine, now=tuesday_w50)
    assert [(r.iso_week, r.outcome) for r in results] == [("2026-W49", "sent")]
    assert sorted(w for _, w, _ in claim_rows(engine)) == ["2026-W47", "2026-W49"]


def test_a_slack_refusal_is_retried_later_but_never_doubled(fake: FakeSlack, engine: Engine) -> None:
    fake.fail("chat.postMessage", "error", error="channel_not_found")
    first = send_due_digests(settings(), client_for(fake), engine, now=MONDAY_0930_PARIS)
    assert [r.outcome for r in first] == ["failed"]
    assert claim_rows(engine) == [(LEAD, "2026-W47", "failed")]
    soon = send_due_digests(settings(), client_for(fake), engine, now=MONDAY_0930_PARIS + timedelta(minutes=5))
    assert [r.outcome for r in soon] == ["already_claimed"]  # retried only after a pause
    later = send_due_digests(settings(), client_for(fake), engine, now=MONDAY_0930_PARIS + timedelta(minutes=20))
    assert [r.outcome for r in later] == ["sent"]
    again = send_due_digests(settings(), client_for(fake), engine, now=MONDAY_0930_PARIS + timedelta(minutes=40))
    assert [r.outcome for r in again] == ["already_claimed"]
    assert claim_rows(engine) == [(LEAD, "2026-W47", "sent")]


def test_a_failed_chart_upload_still_counts_as_sent(fake: FakeSlack, engine: Engine) -> None:
    fake.fail("files.getUploadURLExternal", "error", error="not_allowed")
    results = send_due_digests(settings(), client_for(fake), engine, now=MONDAY_0930_PARIS)
    assert [r.outcome for r in results] == ["sent"]
    assert len(fake.calls("chat.postMessage")) == 1


def test_unknown_time_zone_falls_back_to_utc(engine: Engine) -> None:
    with FakeSlack(team_id=TEAM, users={LEAD: {"tz": None}}) as server:
        # 08:30 UTC Monday: due in UTC, though it would not be yet in New York.
        results = send_due_digests(settings(), client_for(server), engine, now=MONDAY_0930_PARIS)
    assert [(r.iso_week, r.outcome) for r in results] == [("2026-W47", "sent")]


def test_kindly_digest_command_for_a_lead_is_this_week_so_far(fake: FakeSlack, engine: Engine, store: StoreBuilder) -> None:
    store.msg(at(5), frustrated=True)
    reply = digest_for_command(LEAD, TEAM, settings(), engine, client=client_for(fake), now=at(5, 12))
    assert reply["response_type"] == "ephemeral"
    assert "so far" in reply["blocks"][0]["text"]["text"]
    assert "1 customer thread so far this week" in reply["text"]
    assert claim_rows(engine) == []  # asking for it is not the weekly send


def test_kindly_digest_command_refuses_non_leads_politely(engine: Engine, store: StoreBuilder) -> None:
    store.msg(at(1), frustrated=True)
    reply = digest_for_command("UAGENT", TEAM, settings(), engine, now=at(5))
    assert reply == {"response_type": "ephemeral", "text": REFUSAL}


def test_scheduler_catches_up_on_start(fake: FakeSlack, engine: Engine) -> None:
    # Due from Monday 00:00 local, so whatever today's date the first tick finds a due week.
    always_due = settings(KINDLY_DIGEST_TIME="00:00")
    scheduler = start_digest_scheduler(always_due, client_for(fake), engine, team_id=TEAM)
    try:
        fake.wait_for("chat.postMessage", timeout=15)
    finally:
        scheduler.shutdown(wait=True)
    assert [(lead, status) for lead, _, status in claim_rows(engine)] == [(LEAD, "sent")]


def test_kindly_digest_command_survives_a_database_error(tmp_path: Path) -> None:
    broken = make_test_engine(tmp_path / "gone.db")
    with broken.begin() as conn:
        conn.exec_driver_sql("DROP TABLE messages")
    reply = digest_for_command(LEAD, TEAM, settings(), broken, now=at(5))
    assert reply == {"response_type": "ephemeral", "text": UNAVAILABLE}


def test_cron_path_sends_through_the_same_code(
    fake: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m bot digest send` with the environment pointing at the fake Slack API."""
    from bot.__main__ import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cron.db'}")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-cron")
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    monkeypatch.setenv("KINDLY_LEADS", LEAD)
    monkeypatch.setenv("KINDLY_DIGEST_TIME", "00:00")  # due whatever today's date
    assert main(["digest", "send"]) == 0
    assert capsys.readouterr().out.strip().endswith("sent")
    assert main(["digest", "send"]) == 0  # a second cron run finds the claim
    assert capsys.readouterr().out.strip().endswith("already_claimed")
    assert len(fake.calls("chat.postMessage")) == 1


def test_cron_path_sends_to_the_leads_saved_in_slack_when_the_environment_names_none(
    fake: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Leads chosen in Kindly's Settings modal are enough for `digest send`; without any it says what to do."""
    from bot.__main__ import main
    from bot.store import Store, workspaces
    from bot.store.workspaces import WorkspaceSettings

    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 'cron.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-cron")
    monkeypatch.setenv("SLACK_API_URL", fake.api_url)
    monkeypatch.delenv("KINDLY_LEADS", raising=False)
    monkeypatch.setenv("KINDLY_DIGEST_TIME", "00:00")
    assert main(["digest", "send"]) == 2
    assert "no leads" in capsys.readouterr().err
    store = Store.open(url)
    workspaces.save(store.engine, TEAM, WorkspaceSettings(leads=frozenset({LEAD})), updated_by="UADMIN", now=at(5))
    store.close()
    assert main(["digest", "send"]) == 0
    assert capsys.readouterr().out.strip().endswith("sent")
    assert len(fake.calls("chat.postMessage")) == 1
