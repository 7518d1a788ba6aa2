"""`python -m bot score` prints scores, cues and VADER's compound; --json and --reply-to work."""

import json

import pytest

from bot.__main__ import main


def test_score_prints_scores_cues_and_vader(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "Still not working. Again."]) == 0
    out = capsys.readouterr().out
    assert "frustration" in out and "curtness" in out and "warmth" in out
    assert "still_broken" in out
    assert "compound +0.000" in out


def test_score_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "Read the docs.", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["analysis"]["curtness"] >= 0.5
    assert "dismissive_phrase" in [c["name"] for c in data["analysis"]["cues"]]


def test_score_reply_to_judges_the_reply_in_context(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "Restart it.", "--reply-to", "Third time asking, still broken!!", "--json"]) == 0
    in_context = json.loads(capsys.readouterr().out)
    assert main(["score", "Restart it.", "--json"]) == 0
    alone = json.loads(capsys.readouterr().out)
    assert in_context["reply_to"]["frustration"] >= 0.5
    assert in_context["analysis"]["curtness"] > alone["analysis"]["curtness"]
    assert "no_acknowledgement" in [c["name"] for c in in_context["analysis"]["cues"]]


def test_score_empty_text_says_it_cannot_judge(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", ""]) == 0
    assert "cannot judge" in capsys.readouterr().out
