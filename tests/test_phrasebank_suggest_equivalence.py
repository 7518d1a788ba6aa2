"""suggest() and its scoring agree with a plain reference written out below.

suggest() runs on every frustrated message, so it is optimised (caches, a top-m shortcut, early
stops in the greedy pick). Those must never change a result: this file keeps the straightforward
version of the whole pipeline (query, scores, ranking, pick) and compares them exactly.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Collection, Iterable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.phrasebank import Phrase, Phrasebank, load_phrasebank
from bot.phrasebank.bank import COVER_BONUS, MAX_INPUT, SAME_INTENT_PENALTY, SAME_ROLE_PENALTY
from bot.phrasebank.matching import (
    CUE_INTENTS,
    CUE_SITUATIONS,
    INTENT_PRIOR,
    INTENT_WORDS,
    PHRASE_SITUATIONS,
    SITUATION_INTENTS,
    SITUATION_WORDS,
    STOPWORDS,
    Index,
    query_from_cues,
    query_from_text,
    stem,
)
from bot.tone import Analysis, Cue, analyze

PB = load_phrasebank()
BOOKS = {
    "bundled": PB,
    "reversed": Phrasebank(list(reversed(PB.phrases))),  # list order differs from id order
    "subset": Phrasebank(random.Random(7).sample(PB.phrases, 50)),
}
INTENT_NAMES = sorted({p.intent for p in PB.phrases})
SITUATION_NAMES = sorted({s for p in PB.phrases for s in p.situations})
IDS = sorted(p.id for p in PB.phrases)
CUE_NAMES = sorted(set(CUE_SITUATIONS) | set(CUE_INTENTS) | {"greeting", "please", "terse", "harsh_words"})
SIGNALS = ["still waiting", "locked out", "that worked", "error 500", "my bad", "works for me", "is down", "no reply"]
VOCAB = (
    sorted({w for p in PB.phrases for w in re.findall(r"[A-Za-z']+", p.text)})[:400]
    + SIGNALS
    + [
        w
        for words in ("refund late again third outage angry furious password escalate sorry thanks", "bug feature")
        for w in words.split()
    ]
)

# ---- the reference: the pipeline written the plain way, one phrase at a time ----

_WORD = re.compile(r"[a-z0-9]+")


def ref_tokens(text: str) -> list[str]:
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def ref_text_query(text: str) -> tuple[dict[str, float], dict[str, float], list[str]]:
    words = list(dict.fromkeys(ref_tokens(text)))
    situations: dict[str, float] = {}
    lower = text.lower().replace("\u2019", "'")
    for pattern, situation in PHRASE_SITUATIONS:
        if pattern.search(lower):
            situations[situation] = situations.get(situation, 0.0) + 1.0
    intents: dict[str, float] = {}
    for word in words:
        for s in SITUATION_WORDS.get(word, ()):
            situations[s] = min(2.0, situations.get(s, 0.0) + 1.0)
        for i in INTENT_WORDS.get(word, ()):
            intents[i] = min(2.0, intents.get(i, 0.0) + 1.0)
    return situations, intents, words


def ref_query(query: str | Analysis, text: str | None) -> tuple[dict[str, float], dict[str, float], list[str]]:
    if isinstance(query, str):
        return ref_text_query(query[:MAX_INPUT])
    situations: dict[str, float] = {}
    intents: dict[str, float] = {}
    for cue in query.cue_names:
        for s, w in CUE_SITUATIONS.get(cue, ()):
            situations[s] = min(1.5, situations.get(s, 0.0) + w)
        for i, w in CUE_INTENTS.get(cue, ()):
            intents[i] = intents.get(i, 0.0) + w
    if query.frustration >= 0.5:
        intents["acknowledge"] = intents.get("acknowledge", 0.0) + 0.8
        intents["apologize"] = intents.get("apologize", 0.0) + 0.5
    intents["follow_up"] = intents.get("follow_up", 0.0) + 0.3
    if not text:
        return situations, intents, []
    more_situations, more_intents, words = ref_text_query(text[:MAX_INPUT])
    for s, w in more_situations.items():
        situations[s] = situations.get(s, 0.0) + w
    for i, w in more_intents.items():
        intents[i] = intents.get(i, 0.0) + w
    return {s: min(w, 1.5) for s, w in situations.items()}, intents, words


def ref_scores(
    phrases: list[Phrase], situations: dict[str, float], asked: dict[str, float], words: list[str]
) -> dict[int, float]:
    """Each phrase's score, added up in the documented order: situations, its intent, words."""
    vocab = [set(ref_tokens(p.text)) | {t for k in p.keywords for t in ref_tokens(k)} for p in phrases]
    total = max(1, len(phrases))
    idf = {}
    for word in set().union(*vocab):
        df = sum(word in v for v in vocab)
        idf[word] = math.log(1.0 + total / df) / math.log(1.0 + total)
    intents = dict(INTENT_PRIOR)
    for situation, weight in situations.items():
        for intent, extra in SITUATION_INTENTS.get(situation, ()):
            intents[intent] = intents.get(intent, 0.0) + extra * min(weight, 1.0) / Index.INTENT_WEIGHT
    for intent, weight in asked.items():
        intents[intent] = intents.get(intent, 0.0) + weight
    scores: dict[int, float] = {}
    for n, p in enumerate(phrases):
        score, touched = 0.0, False
        for situation, weight in situations.items():
            for _ in range(p.situations.count(situation)):
                score = score + Index.SITUATION_WEIGHT * weight + 0.3 * (1.0 / len(p.situations))
                touched = True
        if not situations:
            for _ in range(p.situations.count("general")):
                score, touched = score + Index.GENERAL_BONUS, True
        if p.intent in intents:
            score, touched = score + Index.INTENT_WEIGHT * intents[p.intent], True
        for word in words:
            if word in vocab[n]:
                score, touched = score + Index.WORD_WEIGHT * idf[word], True
        if touched:
            scores[n] = score
    return scores


def ref_suggest(
    book: Phrasebank,
    query: str | Analysis,
    k: int,
    text: str | None = None,
    intents: Collection[str] | None = None,
    situations: Collection[str] | None = None,
    auto_only: bool = False,
    exclude: Iterable[str] = (),
) -> list[str]:
    """Rank every allowed phrase by (-score, id), pad with general-first defaults, then the greedy diverse pick."""
    phrases = book.phrases
    if k <= 0 or not phrases:
        return []
    wanted, asked, words = ref_query(query, text)
    scores = ref_scores(phrases, wanted, asked, words)
    excluded = set(exclude)

    def allowed(p: Phrase) -> bool:
        return (
            p.id not in excluded
            and (intents is None or p.intent in intents)
            and (situations is None or any(s in situations for s in p.situations))
            and (not auto_only or (p.auto and not p.placeholders))
        )

    ranked = sorted((n for n in scores if allowed(phrases[n])), key=lambda n: (-scores[n], phrases[n].id))
    if len(ranked) < k:
        defaults = sorted(range(len(phrases)), key=lambda n: ("general" not in phrases[n].situations, phrases[n].id))
        ranked += [n for n in defaults if n not in ranked and allowed(phrases[n])]
    remaining = ranked[: max(40, 4 * k)]
    uncovered = {s for s in wanted if s != "general"} if len(wanted) > 1 else set()
    picked: list[Phrase] = []
    while remaining and len(picked) < k:
        values = []
        for n in remaining:
            p = phrases[n]
            values.append(
                scores.get(n, 0.0)
                - SAME_INTENT_PENALTY * sum(q.intent == p.intent for q in picked)
                - SAME_ROLE_PENALTY * sum(q.role == p.role for q in picked)
                + (COVER_BONUS if uncovered.intersection(p.situations) else 0.0)
            )
        best = values.index(max(values))  # the first of the best
        p = phrases[remaining.pop(best)]
        picked.append(p)
        uncovered -= set(p.situations)
    return [p.id for p in sorted(picked, key=lambda p: p.role)]


# ---- the comparisons ----

words_text = st.lists(st.sampled_from(VOCAB), max_size=14).map(" ".join)
any_text = st.one_of(words_text, st.text(max_size=120))
analysis = st.builds(
    lambda names, frustration: Analysis(
        vader={}, frustration=frustration, curtness=0.0, warmth=0.0, cues=tuple(Cue(n, "", "frustration") for n in names)
    ),
    st.lists(st.sampled_from(CUE_NAMES), max_size=5),
    st.sampled_from([0.0, 0.3, 0.49, 0.5, 0.8, 1.0]),
)
ks = st.one_of(st.integers(min_value=0, max_value=8), st.sampled_from([10, 12, 40, 300]))
filters = st.fixed_dictionaries(
    {},
    optional={
        "intents": st.one_of(st.none(), st.sets(st.sampled_from(INTENT_NAMES)), st.lists(st.sampled_from(INTENT_NAMES))),
        "situations": st.one_of(
            st.none(), st.sets(st.sampled_from(SITUATION_NAMES)), st.tuples(st.sampled_from(SITUATION_NAMES))
        ),
        "auto_only": st.booleans(),
        "exclude": st.lists(st.sampled_from(IDS), max_size=40),
    },
)


def ids(found: list[Phrase]) -> list[str]:
    return [p.id for p in found]


@settings(max_examples=300, deadline=None)
@given(book=st.sampled_from(sorted(BOOKS)), query=any_text, k=ks, kw=filters)
def test_free_words_match_the_reference(book: str, query: str, k: int, kw: dict[str, object]) -> None:
    assert ids(BOOKS[book].suggest(query, k, **kw)) == ref_suggest(BOOKS[book], query, k, **kw)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(book=st.sampled_from(sorted(BOOKS)), query=analysis, text=st.one_of(st.none(), any_text), k=ks, kw=filters)
def test_analysis_queries_match_the_reference(
    book: str, query: Analysis, text: str | None, k: int, kw: dict[str, object]
) -> None:
    found = BOOKS[book].suggest(query, k, text=text, **kw)  # type: ignore[arg-type]
    assert ids(found) == ref_suggest(BOOKS[book], query, k, text, **kw)  # type: ignore[arg-type]


MESSAGES = [
    "This is the THIRD time I'm asking. I've been waiting 3 days for my refund and nobody answers!!",
    "Your site is down again and we can't work. Fix it NOW.",
    "I'm locked out of my account and the password reset never arrives",
    "Thanks, that worked! All good now.",
    "I was charged twice this month, where is my money???",
    "Oops, I deleted the project by accident, my bad",
    "",
]


@pytest.mark.parametrize("message", MESSAGES)
@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_real_messages_match_the_reference_with_and_without_filters(message: str, k: int) -> None:
    found = analyze(message)
    for book in BOOKS.values():
        assert ids(book.suggest(message, k)) == ref_suggest(book, message, k)
        assert ids(book.suggest(found, k)) == ref_suggest(book, found, k)
        assert ids(book.suggest(found, k, text=message)) == ref_suggest(book, found, k, message)
        narrow = {"intents": ("follow_up", "acknowledge"), "situations": {"general", "billing"}, "auto_only": True}
        assert ids(book.suggest(found, k, text=message, **narrow)) == ref_suggest(book, found, k, message, **narrow)  # type: ignore[arg-type]
        first = ids(book.suggest(found, 1, text=message))
        assert ids(book.suggest(found, k, text=message, exclude=first)) == ref_suggest(
            book, found, k, message, exclude=first
        )


@settings(max_examples=200, deadline=None)
@given(text=any_text)
def test_index_scores_are_the_same_floats(text: str) -> None:
    phrases = BOOKS["subset"].phrases
    query = query_from_text(text)
    assert Index(phrases).score(query) == ref_scores(phrases, *ref_text_query(text))


def test_cue_queries_are_fresh_copies() -> None:
    first = query_from_cues(("waiting", "profanity"), 0.9)
    first.intents["follow_up"] = 99.0
    first.situations.clear()
    again = query_from_cues(("waiting", "profanity"), 0.9)
    assert again.intents["follow_up"] == pytest.approx(0.3) and again.situations == {"wait": 1.0, "angry_customer": 0.8}
