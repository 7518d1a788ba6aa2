"""When digests are due, the claim row itself, retention, and the `python -m bot digest` CLI."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from digest_helpers import StoreBuilder, at, make_test_engine
from sqlalchemy import Engine, func, select

from bot.__main__ import main
from bot.config import ConfigError
from bot.digest import claims
from bot.digest.retention import purge
from bot.digest.schedule import DigestSchedule
from bot.store.schema import digest_claims, messages, nudges

PARIS = ZoneInfo("Europe/Paris")
TOKYO = ZoneInfo("Asia/Tokyo")


def test_default_schedule_is_monday_0900_local() -> None:
    s = DigestSchedule.from_env({})
    assert (s.weekday, s.at) == (0, time(9, 0))
    # Monday 2026-11-23 00:30 UTC is 09:30 in Tokyo (due) but 01:30 in Paris (not yet).
    now = datetime(2026, 11, 23, 0, 30, tzinfo=UTC)
    assert s.due_week(now, TOKYO) == "2026-W47"
    assert s.due_week(now, PARIS) is None
    # Sunday evening in Paris: the W46 digest is still the one due (until the week ends).
    assert s.due_week(datetime(2026, 11, 22, 20, 0, tzinfo=UTC), PARIS) == "2026-W46"


def test_schedule_reads_day_and_time() -> None:
    s = DigestSchedule.from_env({"KINDLY_DIGEST_DAY": "Tuesday", "KINDLY_DIGEST_TIME": "7:45"})
    assert (s.weekday, s.at) == (1, time(7, 45))
    assert s.send_at("2026-W48", PARIS) == datetime(2026, 11, 24, 7, 45, tzinfo=PARIS)


@pytest.mark.parametrize(("name", "value"), [("KINDLY_DIGEST_DAY", "someday"), ("KINDLY_DIGEST_TIME", "25:00")])
def test_bad_schedule_settings_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        DigestSchedule.from_env({name: value})


def test_claim_is_won_once_even_by_racing_threads(tmp_path: Path) -> None:
    path = tmp_path / "claims.db"
    make_test_engine(path).dispose()
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    barrier = threading.Barrier(8)
    wins: list[bool] = []

    def racer() -> None:
        engine = make_test_engine(path)
        barrier.wait()
        wins.append(claims.claim(engine, "T1", "ULEAD", "2026-W47", now))
        engine.dispose()

    threads = [threading.Thread(target=racer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(wins) == [False] * 7 + [True]


def test_claims_are_per_lead_and_per_week(engine: Engine) -> None:
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    assert claims.claim(engine, "T1", "ULEAD", "2026-W47", now)
    assert claims.claim(engine, "T1", "UOTHER", "2026-W47", now)
    assert claims.claim(engine, "T1", "ULEAD", "2026-W48", now)
    assert claims.claim(engine, "T2", "ULEAD", "2026-W47", now)
    assert not claims.claim(engine, "T1", "ULEAD", "2026-W47", now + timedelta(days=1))


def test_only_one_racer_retakes_a_failed_claim(engine: Engine) -> None:
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    claims.claim(engine, "T1", "ULEAD", "2026-W47", now)
    claims.mark(engine, "T1", "ULEAD", "2026-W47", "failed", now)
    later = now + timedelta(minutes=30)
    assert claims.claim(engine, "T1", "ULEAD", "2026-W47", later)
    assert not claims.claim(engine, "T1", "ULEAD", "2026-W47", later)


def count(engine: Engine, table: object) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def test_retention_purges_rows_older_than_the_setting(engine: Engine, store: StoreBuilder) -> None:
    now = at(6)
    store.msg(now - timedelta(days=91))
    store.msg(now - timedelta(days=89))
    store.nudge(now - timedelta(days=120))
    store.nudge(now - timedelta(days=1))
    claims.claim(engine, "T1", "ULEAD", "2026-W30", now - timedelta(days=100))
    claims.claim(engine, "T1", "ULEAD", "2026-W46", now - timedelta(days=5))
    result = purge(engine, 90, now)
    assert (result.messages, result.nudges, result.digest_claims) == (1, 1, 1)
    assert (count(engine, messages), count(engine, nudges), count(engine, digest_claims)) == (1, 1, 1)


def test_retention_deletes_in_batches(engine: Engine, store: StoreBuilder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.digest.retention.BATCH", 2)
    for i in range(5):
        store.msg(at(-200, minute=i), thread=f"t{i}")
    assert purge(engine, 90, at(6)).messages == 5
    assert count(engine, messages) == 0


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: Engine) -> Path:
    """Point the CLI at the test store; an empty .env folder keeps the developer's .env out."""
    url = str(engine.url)
    monkeypatch.chdir(tmp_path)
    for var in ("SLACK_BOT_TOKEN", "KINDLY_LEADS", "KINDLY_CHANNELS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("DATABASE_URL", url)
    return tmp_path


def test_cli_prints_a_week_and_writes_the_chart(
    cli_db: Path, store: StoreBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    store.msg(at(2), thread="a", frustrated=True, cues="outage")
    store.msg(at(2, 9, 20), thread="a", role="agent")
    chart = cli_db / "week.png"
    code = main(["digest", "--week", "2026-W47", "--print", "--tz", "Europe/Paris", "--chart", str(chart)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Kindly digest · 2026-W47 · team T1" in out
    assert "1 customer thread in 2026-W47; 100% had a frustrated customer" in out
    assert "First reply, frustrated threads  median 20 min" in out
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_refuses_a_malformed_week(cli_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["digest", "--week", "2026-47", "--print"]) == 2
    assert "not an ISO week" in capsys.readouterr().err


def test_cli_purge_and_send_need_their_settings(
    cli_db: Path, store: StoreBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    store.msg(datetime.now(UTC) - timedelta(days=400))
    assert main(["digest", "purge"]) == 0
    assert "1 messages" in capsys.readouterr().out
    assert main(["digest", "send"]) == 2
    assert "SLACK_BOT_TOKEN" in capsys.readouterr().err
