"""Word and cue matching for `suggest()`: a small inverted index built once at load.

The query side is cheap on purpose (tokenise, look up, add up), because the Slack app
asks for suggestions on every message it nudges about.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from bot.phrasebank.schema import Phrase

_WORD = re.compile(r"[a-z0-9]+")
_SUFFIXES = ("ing", "ed", "ly", "es", "s")
STOPWORDS = frozenset(
    "a an the and or but if of to in on at for from by with about as is are was were be been being am do does "
    "did i me my we our us you your it its this that these those there here so than then too very can could "
    "would should will shall may might must have has had just not yes what which who whom how when where "
    "why all any some up out into over also get got let s t ll re ve d m".split()
)


def stem(word: str) -> str:
    """Crude suffix stripping, applied the same way to phrases and queries, so 'refunds' meets 'refund'."""
    if len(word) <= 3:
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]
    return word


# Messages repeat their vocabulary, so each word is stemmed once (stem() is pure).
_stem = lru_cache(maxsize=16384)(stem)


def tokens(text: str) -> list[str]:
    """Content-word stems of `text`, in order (apostrophes split: "can't" -> "can", "t")."""
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def _stem_map(raw: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for label, words in raw.items():
        for word in words.split():
            for st in tokens(word) or [word]:
                out.setdefault(st, []).append(label)
    return {k: tuple(dict.fromkeys(v)) for k, v in out.items()}


# Words that point at a support situation when someone describes one in free text.
SITUATION_WORDS = _stem_map(
    {
        "wait": "wait waiting waited delay delayed late hours days weeks ages overdue long "
        "pending queue nobody response reply stuck",
        "repeat_contact": "again repeat repeated third second times chase chasing already before "
        "reopened recurring keeps follow-up another",
        "outage": "outage down incident offline unavailable degraded status site server servers",
        "cant_reproduce": "reproduce reproducible replicate intermittent randomly sometimes flaky "
        "cannot sporadic occasionally inconsistent bug glitch",
        "billing": "refund refunds billing bill billed charge charged charges invoice invoices payment "
        "paid pay money card subscription price pricing overcharged credit receipt renewal",
        "missing_feature": "feature features roadmap request requested support supported wish integration ability",
        "customer_mistake": "mistake mistakes accidentally accident deleted deleting wrong oops typo "
        "misconfigured misunderstood fault undo removed overwrote",
        "account_access": "password login log sign signin locked lockout access account 2fa mfa hacked "
        "compromised security verification suspicious two-factor",
        "angry_customer": "angry furious rude abusive abuse swearing shouting yelling upset hostile "
        "threat threatening insult insulting livid outraged",
        "handover": "handover hand transfer transferred escalate escalation specialist "
        "engineering department colleague tier",
        "resolved": "resolved fixed solved close closing closed done sorted wrap",
    }
)

# Words that ask for a kind of phrase rather than describe a situation.
INTENT_WORDS = _stem_map(
    {
        "acknowledge": "acknowledge validate validation empathy empathise empathize feel feelings frustrated frustration",
        "apologize": "sorry apology apologise apologize apologies",
        "reassure": "reassure reassurance worried anxious scared nervous patience calm",
        "respect": "respect dignity polite",
        "ownership": "ownership own responsibility responsible",
        "concrete_help": "help steps walkthrough workaround guide how",
        "expectations": "timeline eta expectations expect estimate when",
        "follow_up": "follow followup update updates check back",
        "gratitude": "thanks thank gratitude grateful appreciate",
        "boundary": "no refuse refusal decline boundary boundaries policy cannot abusive abuse insult insulting swearing",
        "escalate": "escalate manager supervisor senior lead",
        "close": "close closing goodbye bye wrap farewell",
    }
)

# Analyzer cue -> (situation, weight); frustration cues all point at an upset customer.
CUE_SITUATIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "waiting": (("wait", 1.0),),
    "repeated_contact": (("repeat_contact", 1.0),),
    "still_broken": (("repeat_contact", 0.7), ("cant_reproduce", 0.2)),
    "outage": (("outage", 1.0),),
    "billing": (("billing", 1.0),),
    "account_access": (("account_access", 1.0),),
    "escalation_threat": (("angry_customer", 0.6),),
    "profanity": (("angry_customer", 0.8),),
    "angry_emoji": (("angry_customer", 0.5),),
    "all_caps": (("angry_customer", 0.4),),
    "exclamation_burst": (("angry_customer", 0.3),),
    "sarcasm_marker": (("angry_customer", 0.3),),
    "blame": (("angry_customer", 0.4),),
}
CUE_INTENTS: dict[str, tuple[tuple[str, float], ...]] = {
    "escalation_threat": (("escalate", 0.6), ("ownership", 0.4)),
    "profanity": (("boundary", 0.5),),
    "waiting": (("expectations", 0.4),),
    "repeated_contact": (("ownership", 0.5),),
    "still_broken": (("ownership", 0.4),),
    "question_burst": (("concrete_help", 0.4),),
}


# Intents that only fit when asked for (a "no", a handover) start a little lower; some situations
# call for a particular kind of phrase.
INTENT_PRIOR: dict[str, float] = {"boundary": -0.8, "escalate": -0.4, "close": -0.4}
SITUATION_INTENTS: dict[str, tuple[tuple[str, float], ...]] = {
    "resolved": (("close", 1.5), ("gratitude", 0.8)),
    "handover": (("escalate", 1.2),),
    "angry_customer": (("acknowledge", 0.4),),
    "repeat_contact": (("ownership", 0.4),),
    "wait": (("expectations", 0.3),),
}


@dataclass(frozen=True, slots=True)
class Query:
    """What a query asks for: weighted situations, intents and content words."""

    situations: Mapping[str, float]
    intents: Mapping[str, float]
    words: tuple[str, ...]


# Multi-word signals the single-word table can't see ("that worked" is not "work").
PHRASE_SITUATIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), situation)
    for pattern, situation in (
        (r"\b(?:that|it|this) (?:worked|works now|fixed it|did it)\b|\bworking (?:again|now)\b|\ball good\b", "resolved"),
        (r"\b(?:locked out|can'?t (?:log|sign) ?in|cannot (?:log|sign) ?in|forgot (?:my )?password)\b", "account_access"),
        (
            r"\b(?:is|are|went|goes|was) down\b|\bnot loading\b|\b(?:error )?50[0234]\b(?! \w*(?:rows|items|users|seats))",
            "outage",
        ),
        (r"\b(?:still waiting|no (?:reply|response|answer)|haven'?t heard)\b", "wait"),
        (r"\b(?:works (?:on my end|for me)|only sometimes|every now and then)\b", "cant_reproduce"),
        (r"\b(?:my (?:fault|mistake|bad)|by mistake|by accident)\b", "customer_mistake"),
    )
)


# One pass that fails when no multi-word signal can match (most messages), before trying each one.
_ANY_PHRASE = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in PHRASE_SITUATIONS))


def query_from_text(text: str) -> Query:
    words = tuple(dict.fromkeys(tokens(text)))
    situations: dict[str, float] = {}
    lower = text.lower().replace("\u2019", "'")
    if _ANY_PHRASE.search(lower):
        for pattern, situation in PHRASE_SITUATIONS:
            if pattern.search(lower):
                situations[situation] = situations.get(situation, 0.0) + 1.0
    intents: dict[str, float] = {}
    for word in words:
        for s in SITUATION_WORDS.get(word, ()):
            situations[s] = min(2.0, situations.get(s, 0.0) + 1.0)
        for i in INTENT_WORDS.get(word, ()):
            intents[i] = min(2.0, intents.get(i, 0.0) + 1.0)
    return Query(situations, intents, words)


def query_from_cues(cue_names: Iterable[str], frustration: float) -> Query:
    shared = shared_cue_query(tuple(cue_names), frustration >= 0.5)
    return Query(dict(shared.situations), dict(shared.intents), ())


@lru_cache(maxsize=1024)
def shared_cue_query(cue_names: tuple[str, ...], upset: bool) -> Query:
    """query_from_cues() depends only on the cue names (in order) and frustration >= 0.5, so one object is
    shared per pair: callers must not mutate it (query_from_cues() hands out copies)."""
    situations: dict[str, float] = {}
    intents: dict[str, float] = {}
    for cue in cue_names:
        for s, w in CUE_SITUATIONS.get(cue, ()):
            situations[s] = min(1.5, situations.get(s, 0.0) + w)
        for i, w in CUE_INTENTS.get(cue, ()):
            intents[i] = intents.get(i, 0.0) + w
    if upset:
        intents["acknowledge"] = intents.get("acknowledge", 0.0) + 0.8
        intents["apologize"] = intents.get("apologize", 0.0) + 0.5
    intents["follow_up"] = intents.get("follow_up", 0.0) + 0.3
    return Query(situations, intents, ())


def combine(a: Query, b: Query) -> Query:
    def add(x: Mapping[str, float], y: Mapping[str, float]) -> dict[str, float]:
        out = dict(x)
        for k, v in y.items():
            out[k] = out.get(k, 0.0) + v
        return out

    situations = {k: min(v, 1.5) for k, v in add(a.situations, b.situations).items()}
    return Query(situations, add(a.intents, b.intents), a.words + b.words)


class Index:
    """Inverted indexes over one list of phrases; scores are deterministic for a given list."""

    SITUATION_WEIGHT = 3.0
    INTENT_WEIGHT = 2.0
    WORD_WEIGHT = 1.0
    GENERAL_BONUS = 0.6

    def __init__(self, phrases: list[Phrase]) -> None:
        self.phrases = phrases
        self.by_word: dict[str, list[int]] = {}
        self.by_situation: dict[str, list[int]] = {}
        self.by_intent: dict[str, list[int]] = {}
        for n, phrase in enumerate(phrases):
            words = set(tokens(phrase.text)) | {t for k in phrase.keywords for t in tokens(k)}
            for word in words:
                self.by_word.setdefault(word, []).append(n)
            for s in phrase.situations:
                self.by_situation.setdefault(s, []).append(n)
            self.by_intent.setdefault(phrase.intent, []).append(n)
        total = max(1, len(phrases))
        self.idf = {w: math.log(1.0 + total / len(ns)) / math.log(1.0 + total) for w, ns in self.by_word.items()}
        self.specificity = [1.0 / len(p.situations) for p in phrases]
        # score() adds 0.3 * specificity per situation hit; the products are the same floats computed once.
        self._situation_extra = {s: tuple((n, 0.3 * self.specificity[n]) for n in ns) for s, ns in self.by_situation.items()}
        self._base_cached = lru_cache(maxsize=256)(self._base_uncached)

    def score(self, query: Query) -> dict[int, float]:
        """Score every phrase the query touches; untouched phrases score zero."""
        return dict(self.scored(query)[0])

    def scored(self, query: Query) -> tuple[Mapping[int, float], list[int], set[int]]:
        """score() without the copy: (scores, the numbers scored by situations and intents alone in top()'s
        order, the numbers the query's words touched).

        The scores and the order may be cached and shared between calls: read them, never change them."""
        scores, order = self._base(tuple(query.situations.items()), tuple(query.intents.items()))
        touched: set[int] = set()
        words = query.words
        if words:
            by_word, idf, weight = self.by_word, self.idf, self.WORD_WEIGHT
            added: dict[int, float] | None = None
            for word in words:
                ns = by_word.get(word)
                if ns:
                    if added is None:
                        added = dict(scores)
                    get = added.get
                    bonus = weight * idf[word]
                    for n in ns:
                        added[n] = get(n, 0.0) + bonus
                    touched.update(ns)
            if added is not None:
                scores = added
        return scores, order, touched

    def top(self, query: Query, m: int) -> tuple[Mapping[int, float], list[int]]:
        """(scored(query)'s scores, the first `m` scored numbers by score descending, then number ascending).

        Words touch few phrases, so only they are re-ranked against the head of the cached order: what they
        did not touch keeps its scores and its relative order, so the first m + len(touched) of the cached
        order plus the touched contain the first m of all."""
        scores, order, touched = self.scored(query)
        if not touched:
            return scores, order[:m]
        candidates = set(order[: m + len(touched)])
        candidates.update(touched)
        return scores, _by_score(candidates, scores)[:m]

    def _base(
        self, situations: tuple[tuple[str, float], ...], intents_asked: tuple[tuple[str, float], ...]
    ) -> tuple[dict[int, float], list[int]]:
        """Scores from situations and intents alone, and their numbers as top() ranks them.

        Cached per index: messages share a few cue and situation mixes while their words differ. Each phrase's
        sum is built in the order it always was (situations, its one intent, then words): floats must not change.
        """
        result: tuple[dict[int, float], list[int]] = self._base_cached(situations, intents_asked)
        return result

    def _base_uncached(
        self, situations: tuple[tuple[str, float], ...], intents_asked: tuple[tuple[str, float], ...]
    ) -> tuple[dict[int, float], list[int]]:
        scores: dict[int, float] = {}
        get = scores.get
        for situation, weight in situations:
            bonus = self.SITUATION_WEIGHT * weight
            for n, extra in self._situation_extra.get(situation, ()):
                scores[n] = get(n, 0.0) + bonus + extra
        if not situations:
            for n in self.by_situation.get("general", ()):
                scores[n] = get(n, 0.0) + self.GENERAL_BONUS
        intents = dict(INTENT_PRIOR)
        for situation, weight in situations:
            for intent, extra in SITUATION_INTENTS.get(situation, ()):
                intents[intent] = intents.get(intent, 0.0) + extra * min(weight, 1.0) / self.INTENT_WEIGHT
        for intent, weight in intents_asked:
            intents[intent] = intents.get(intent, 0.0) + weight
        for intent, weight in intents.items():
            ns = self.by_intent.get(intent)
            if ns:
                bonus = self.INTENT_WEIGHT * weight
                scores.update({n: get(n, 0.0) + bonus for n in ns})  # a phrase has one intent: one update each
        return scores, _by_score(scores, scores)


def _by_score(numbers: Iterable[int], scores: Mapping[int, float]) -> list[int]:
    """`numbers` by score descending, then number ascending: a stable sort by score of the sorted numbers
    gives that order with C-level keys only."""
    return sorted(sorted(numbers), key=scores.__getitem__, reverse=True)
