"""`python -m bot phrases | rewrite | phrasebank check`, driven through each module's register()."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import phrasebank as phrasebank_cli
from bot.cli import phrases as phrases_cli
from bot.cli import rewrite as rewrite_cli

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _no_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PHRASEBANK_DIR", raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot")
    sub = parser.add_subparsers(dest="command")
    for module in (phrases_cli, rewrite_cli, phrasebank_cli):
        module.register(sub)
    args = parser.parse_args(list(argv))
    return int(args.func(args))


def test_phrases_prints_k_numbered_suggestions(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("phrases", "refund delayed", "-k", "5") == 0
    out = capsys.readouterr().out
    assert [line[:2] for line in out.splitlines() if line[:1].isdigit()] == ["1.", "2.", "3.", "4.", "5."]
    assert "refund" in out.lower()


def test_phrases_json_fills_placeholders(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("phrases", "handover to billing", "-k", "3", "--json", "--team", "our billing team") == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3 and {"id", "intent", "situations", "text"} <= set(rows[0])
    assert all("{team}" not in r["text"] and "[team]" not in r["text"] for r in rows)


def test_phrases_uses_the_team_folder(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHRASEBANK_DIR", str(FIXTURES / "phrasebank_team"))
    assert _run("phrases", "double charge after a plan change", "-k", "3") == 0
    assert "acme-bill-01" in capsys.readouterr().out


def test_phrases_with_a_broken_team_folder_fails_clearly(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("phrases", "refund", "--phrasebank", str(FIXTURES / "phrasebank_broken")) == 1
    assert "unknown intent 'sympathise'" in capsys.readouterr().err


def test_rewrite_prints_text_changes_and_scores(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("rewrite", "No. Read the docs.", "--reply-to", "Can I get a refund?") == 0
    out = capsys.readouterr().out
    assert out.startswith("I'm sorry, that isn't something we can do.")
    assert "- replaced “No.”" in out and "warmth" in out


def test_rewrite_json_and_empty_draft(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("rewrite", "", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["text"] == "" and data["changes"] == [] and data["notes"]


def test_check_bundled_is_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("phrasebank", "check") == 0
    assert capsys.readouterr().out.startswith("OK: ")


def test_check_team_folder_is_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("phrasebank", "check", str(FIXTURES / "phrasebank_team")) == 0
    assert "bundled +" in capsys.readouterr().out


def test_check_broken_folder_lists_every_problem(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("phrasebank", "check", str(FIXTURES / "phrasebank_broken")) == 1
    err = capsys.readouterr().err
    assert err.startswith("8 problem(s) found:")
    for expected in ("missing field 'text'", "unknown intent", "duplicate id", "unbalanced placeholder", "YAML"):
        assert expected in err


def test_python_dash_m_bot_phrasebank_check_exit_code(tmp_path: Path) -> None:
    """The real entry point, in a subprocess, as a team lead would run it."""
    (tmp_path / "bad.yaml").write_text("phrases:\n  - id: x-01\n    intent: nope\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "phrasebank", "check", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert "bad.yaml: entry #1 (id 'x-01'): unknown intent 'nope'" in done.stderr
