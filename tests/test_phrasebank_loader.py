"""Loading, validation and the team-folder merge (add, override, disable)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.phrasebank import (
    BUNDLED_DIR,
    Phrase,
    Phrasebank,
    PhrasebankError,
    clear_cache,
    load_phrasebank,
    render,
)

FIXTURES = Path(__file__).parent / "fixtures"
TEAM = FIXTURES / "phrasebank_team"
BROKEN = FIXTURES / "phrasebank_broken"


def _problems(folder: Path) -> list[str]:
    clear_cache()
    with pytest.raises(PhrasebankError) as info:
        load_phrasebank(folder)
    return [str(p) for p in info.value.problems]


def _write(tmp_path: Path, body: str, name: str = "team.yaml") -> Path:
    (tmp_path / name).write_text(body, encoding="utf-8")
    return tmp_path


def test_bundled_folder_sits_next_to_the_package() -> None:
    assert BUNDLED_DIR.is_dir()
    assert (BUNDLED_DIR / "replacements.yaml").is_file()


def test_load_is_cached_per_folder() -> None:
    clear_cache()
    assert load_phrasebank() is load_phrasebank(None)
    assert load_phrasebank(TEAM) is load_phrasebank(TEAM)
    assert load_phrasebank(TEAM) is not load_phrasebank()


def test_team_folder_adds_overrides_and_disables() -> None:
    clear_cache()
    bundled, team = load_phrasebank(), load_phrasebank(TEAM)
    added = team.by_id("acme-bill-01")
    assert added is not None and added.intent == "apologize" and bundled.by_id("acme-bill-01") is None
    overridden = team.by_id("cls-gen-03")
    assert overridden is not None and "Acme" in overridden.text
    assert bundled.by_id("cls-gen-03") is not None and "Acme" not in bundled.by_id("cls-gen-03").text  # type: ignore[union-attr]
    assert team.by_id("help-gen-01") is None and bundled.by_id("help-gen-01") is not None
    assert "rep-sigh" not in {r.id for r in team.replacements}
    assert "acme-rep-ticket" in {r.id for r in team.replacements}
    assert len(team) == len(bundled)  # one added, one disabled, one replaced in place


def test_team_phrase_is_suggested_for_its_keywords() -> None:
    clear_cache()
    ids = [p.id for p in load_phrasebank(TEAM).suggest("double charge after a plan change", k=3)]
    assert "acme-bill-01" in ids


def test_broken_folder_reports_every_problem_with_file_and_entry() -> None:
    problems = _problems(BROKEN)
    text = "\n".join(problems)
    assert "phrases.yaml: entry #1 (id 'broken-no-text'): missing field 'text'" in text
    assert "entry #2 (id 'broken-intent'): unknown intent 'sympathise'" in text
    assert "entry #3 (id 'broken-braces'): unbalanced placeholder" in text
    assert "entry #4 (id 'broken-unknown-placeholder'): unknown placeholder {deadline}" in text
    assert "entry #6 (id 'broken-dup'): duplicate id, already used in" in text
    assert "entry #7 (id 'broken-situation'): unknown situation 'weather'" in text
    assert "disable: unknown id 'no-such-phrase'" in text
    assert any("syntax.yaml" in p and "not valid YAML at line" in p for p in problems)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("phrases:\n  - intent: close\n    situations: [resolved]\n    text: Thanks!\n", "missing field 'id'"),
        ("phrases:\n  - id: x-01\n    situations: [resolved]\n    text: Thanks!\n", "missing field 'intent'"),
        ("phrases:\n  - id: x-01\n    intent: close\n    text: Thanks!\n", "missing field 'situations'"),
        ("phrases:\n  - id: x-01\n    intent: close\n    situations: []\n    text: Hi\n", "non-empty list"),
        ("phrases:\n  - id: X 01\n    intent: close\n    situations: [resolved]\n    text: Hi\n", "lowercase slug"),
        ("phrases:\n  - id: x-01\n    intent: close\n    situation: [resolved]\n    text: Hi\n", "unknown field"),
        ('phrases:\n  - id: x-01\n    intent: close\n    situations: [resolved]\n    text: "a } b"\n', "unbalanced"),
        ("phrases:\n  - id: x-01\n    intent: close\n    situations: [resolved]\n    text: Hi\n    auto: 1\n", "auto"),
        ("phrases:\n  - just a string\n", "must be a mapping"),
        ("phrases: {id: x}\n", "'phrases' must be a list"),
        ("phrase:\n  - id: x-01\n", "unknown top-level key 'phrase'"),
        ("- id: x-01\n", "must be a mapping with keys"),
        ("replacements:\n  - id: r-01\n    alternatives: [Sure]\n    reason: why\n", "missing field 'match'"),
        ("replacements:\n  - id: r-01\n    match: [nah]\n    reason: why\n", "missing field 'alternatives'"),
        ("replacements:\n  - id: r-01\n    match: [nah]\n    alternatives: [ok]\n", "missing field 'reason'"),
        ("replacements:\n  - id: r-01\n    regex: '(('\n    alternatives: [ok]\n    reason: r\n", "does not compile"),
        ("phrases:\n  - id: rep-no\n    intent: close\n    situations: [resolved]\n    text: Hi\n", "replacement id"),
    ],
)
def test_each_schema_problem_is_named(tmp_path: Path, body: str, expected: str) -> None:
    problems = _problems(_write(tmp_path, body))
    assert any(expected in p and "team.yaml" in p for p in problems), problems


def test_duplicate_ids_across_a_teams_files_are_reported(tmp_path: Path) -> None:
    entry = "phrases:\n  - id: dup-01\n    intent: close\n    situations: [resolved]\n    text: Thank you!\n"
    _write(tmp_path, entry, "a.yaml")
    _write(tmp_path, entry, "b.yaml")
    problems = _problems(tmp_path)
    assert any("b.yaml" in p and "duplicate id, already used in" in p and "a.yaml" in p for p in problems)


def test_missing_team_folder_is_a_problem(tmp_path: Path) -> None:
    assert any("is not a folder" in p for p in _problems(tmp_path / "nope"))


def test_empty_team_folder_is_the_bundled_phrasebank(tmp_path: Path) -> None:
    clear_cache()
    assert len(load_phrasebank(tmp_path)) == len(load_phrasebank())


def test_render_fills_known_and_leaves_the_rest_visible() -> None:
    phrase = Phrase("t-01", "Hi {name}, {team} will reply within {timeframe}.", "expectations", ("handover",))
    assert render(phrase, name="Ana", team="billing", timeframe="a day") == "Hi Ana, billing will reply within a day."
    assert render(phrase, name="  ") == "Hi [name], [team] will reply within [timeframe]."
    assert render("no placeholders here") == "no placeholders here"


def test_by_id_and_empty_phrasebank() -> None:
    pb = Phrasebank([])
    assert pb.by_id("anything") is None
    assert pb.suggest("refund", k=3) == []
    assert pb.intents() == [] and pb.situations() == []
