"""The bundled phrasebank: size, spread over intents and situations, and every phrase warm."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.phrasebank import INTENTS, SITUATIONS, load_phrasebank, render
from bot.phrasebank.replace import Replacer
from bot.tone import analyze

PB = load_phrasebank()
SAMPLE = {"name": "Sam", "timeframe": "two working days", "team": "our billing team"}
# The curt phrasings the issue names; each must be caught by some replacement.
ISSUE_CURT = [
    "read the docs",
    "as I said",
    "that's not our problem",
    "calm down",
    "you should have",
    "obviously",
    "per my last message",
    "works on my end",
    "No.",
]


def test_at_least_200_phrases_with_unique_ids() -> None:
    ids = [p.id for p in PB.phrases]
    assert len(ids) >= 200
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("intent", list(INTENTS))
def test_every_intent_is_well_stocked(intent: str) -> None:
    assert Counter(p.intent for p in PB.phrases)[intent] >= 15


@pytest.mark.parametrize("situation", [s for s in SITUATIONS if s != "general"])
def test_every_situation_is_well_stocked_across_intents(situation: str) -> None:
    fitting = [p for p in PB.phrases if situation in p.situations]
    assert len(fitting) >= 12
    # Enough kinds of phrase to compose a reply: feelings, an action and what happens after.
    assert {p.role for p in fitting} == {0, 1, 2}
    assert len({p.intent for p in fitting}) >= 9


def test_intents_and_situations_report_the_closed_lists() -> None:
    assert PB.intents() == list(INTENTS)
    assert PB.situations() == list(SITUATIONS)


@pytest.mark.parametrize("phrase", PB.phrases, ids=lambda p: p.id)
def test_every_phrase_scores_warm_and_not_curt(phrase) -> None:  # type: ignore[no-untyped-def]
    analysis = analyze(render(phrase, **SAMPLE))
    assert analysis.judgeable
    assert analysis.warmth >= 0.5, (phrase.id, analysis.to_dict())
    assert analysis.curtness < 0.5, (phrase.id, analysis.to_dict())


def test_auto_phrases_assert_no_case_facts() -> None:
    """The rewriter adds `auto` phrases unasked, so they may hold no placeholder and no number."""
    auto = [p for p in PB.phrases if p.auto]
    assert len(auto) >= 40
    for phrase in auto:
        assert not phrase.placeholders, phrase.id
        assert not any(ch.isdigit() for ch in phrase.text), phrase.id


def test_auto_phrases_cover_every_situation_for_the_rewriter() -> None:
    for situation in SITUATIONS:
        intents = {p.intent for p in PB.phrases if p.auto and situation in p.situations}
        assert intents & {"acknowledge", "apologize"}, situation
        assert "follow_up" in intents or situation in {"handover"}, situation


def test_phrases_use_only_known_placeholders() -> None:
    used = Counter(ph for p in PB.phrases for ph in p.placeholders)
    assert set(used) <= {"name", "timeframe", "team"}
    assert used["timeframe"] and used["team"] and used["name"]


@pytest.mark.parametrize("curt", ISSUE_CURT)
def test_issue_curt_phrasings_have_a_replacement(curt: str) -> None:
    hits = Replacer(PB.replacements).find(f"{curt} The export is at https://example.com/x.")
    assert hits and hits[0].start == 0


@pytest.mark.parametrize("rep", PB.replacements, ids=lambda r: r.id)
def test_each_replacement_matches_its_phrases_and_not_its_alternatives(rep) -> None:  # type: ignore[no-untyped-def]
    replacer = Replacer(PB.replacements)
    for phrase in rep.match:
        found = replacer.find(f"Hello. {phrase.capitalize()} here.")
        assert found, phrase
    for alternative in [*rep.alternatives, rep.inline or ""]:
        if alternative:
            assert not replacer.find(alternative), (rep.id, alternative)
