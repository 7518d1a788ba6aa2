"""The loaded phrasebank: lookup by id, suggestions for a situation, and placeholder rendering."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.phrasebank.loader import load_entries
from bot.phrasebank.matching import Index, Query, combine, query_from_text, shared_cue_query
from bot.phrasebank.replace import Replacer
from bot.phrasebank.schema import INTENTS, PLACEHOLDER_RE, SITUATIONS, Phrase, Replacement

if TYPE_CHECKING:
    from bot.tone import Analysis

SAME_INTENT_PENALTY = 4.0  # a second apology must be far better to beat a fitting next step
SAME_ROLE_PENALTY = 3.5
COVER_BONUS = 2.5  # when a query names two situations (a late refund, asked again), cover both
MAX_INPUT = 2000  # characters of a free-text query that are looked at


def render(phrase: Phrase | str, name: str | None = None, timeframe: str | None = None, team: str | None = None) -> str:
    """Fill the placeholders we know; leave the others visible as `[timeframe]` for the agent to complete.

    Square brackets, not braces, so a left-over reads as "fill me in" in Slack and can't be
    mistaken for a template by anything downstream.
    """
    text = phrase.text if isinstance(phrase, Phrase) else phrase
    values = {"name": name, "timeframe": timeframe, "team": team}

    def fill(match: object) -> str:
        key = match.group(1)  # type: ignore[attr-defined]
        value = values.get(key)
        return value.strip() if value and value.strip() else f"[{key}]"

    return PLACEHOLDER_RE.sub(fill, text)


class Phrasebank:
    """Phrases and replacements after validation and merging, with indexes built once."""

    def __init__(self, phrases: list[Phrase], replacements: list[Replacement] | None = None) -> None:
        self.phrases = list(phrases)
        self.replacements = list(replacements or [])
        self._by_id = {p.id: p for p in self.phrases}
        # Inside, phrases are numbered in id order so "ties break on id" is "ties break on the number", which
        # C-level sorts do without a Python key per phrase. Duplicate ids (never from the loader) keep the
        # given order and the general ranking, whose ties then follow the scoring order as they always did.
        self._unique = len(self._by_id) == len(self.phrases)
        self._ordered = sorted(self.phrases, key=lambda p: p.id) if self._unique else self.phrases
        ordered = self._ordered
        self._index = Index(ordered)
        self._numbers: dict[str, list[int]] = {}
        for n, p in enumerate(ordered):
            self._numbers.setdefault(p.id, []).append(n)
        self._intent = [p.intent for p in ordered]
        self._role = [p.role for p in ordered]
        self._situations = [frozenset(p.situations) for p in ordered]
        self._by_intent = {i: frozenset(ns) for i, ns in self._index.by_intent.items()}
        self._by_situation = {s: frozenset(ns) for s, ns in self._index.by_situation.items()}
        # _diverse() penalties before any pick: the floats a count lookup would give (4.0 * 0 is 0.0).
        self._no_intent_penalty = dict.fromkeys(self._intent, SAME_INTENT_PENALTY * 0)
        self._no_role_penalty = dict.fromkeys(self._role, SAME_ROLE_PENALTY * 0)
        self._auto = frozenset(n for n, p in enumerate(ordered) if p.auto and not p.placeholders)
        # Fallback order when a query matches nothing: general phrases first, then by id.
        self._default = sorted(range(len(ordered)), key=lambda n: self._default_key(n))

    def _default_key(self, n: int) -> tuple[int, str]:
        return (0 if "general" in self._ordered[n].situations else 1, self._ordered[n].id)

    @cached_property
    def replacer(self) -> Replacer:
        """The curt-phrasing matcher, compiled on first use."""
        return Replacer(self.replacements)

    def __len__(self) -> int:
        return len(self.phrases)

    def by_id(self, ident: str) -> Phrase | None:
        return self._by_id.get(ident)

    def intents(self) -> list[str]:
        present = {p.intent for p in self.phrases}
        return [i for i in INTENTS if i in present]

    def situations(self) -> list[str]:
        present = {s for p in self.phrases for s in p.situations}
        return [s for s in SITUATIONS if s in present]

    def suggest(
        self,
        query: str | Analysis,
        k: int = 3,
        *,
        text: str | None = None,
        intents: Collection[str] | None = None,
        situations: Collection[str] | None = None,
        auto_only: bool = False,
        exclude: Iterable[str] = (),
    ) -> list[Phrase]:
        """Up to `k` phrases for a situation described in words, or for an analysed customer message.

        `text` adds the message's words to an Analysis query; `intents`, `situations` and
        `auto_only` (phrases the rewriter may add unasked) narrow the choice. The pick favours different
        intents (acknowledge, then a next step, then a follow-up) over several of one kind, and
        the result is ordered the way a reply reads: feelings, action, what happens after.
        Ties break on id, so the same query always gives the same answer.
        """
        if k <= 0 or not self.phrases:
            return []
        parsed = self._query(query, text)
        allowed = self._allowed(intents, situations, auto_only, set(exclude))
        m = max(40, 4 * k)
        scores: Mapping[int, float]
        if not self._unique:  # equal (score, id) pairs keep the scoring order, as they always did
            scores = self._index.scored(parsed)[0]
            pool = (n for n in scores if allowed is None or n in allowed)
            ranked = sorted(pool, key=lambda n: (-scores[n], self._ordered[n].id))
            count = len(ranked)
        elif allowed is None:
            scores, ranked = self._index.top(parsed, m)
            count = len(scores)
        else:  # (-score, id) order, as numbers are in id order
            scores = self._index.scored(parsed)[0]
            ranked = sorted(sorted(allowed.intersection(scores)), key=scores.__getitem__, reverse=True)
            count = len(ranked)
        in_order = count >= k
        if not in_order:  # then `ranked` holds every allowed scored phrase (count < k <= m)
            ranked += [n for n in self._default if n not in scores and (allowed is None or n in allowed)]
        picked = self._diverse(ranked[:m], scores, k, parsed.situations, in_order)
        picked.sort(key=self._role.__getitem__)
        return [self._ordered[n] for n in picked]

    def _allowed(
        self, intents: Collection[str] | None, situations: Collection[str] | None, auto_only: bool, excluded: set[str]
    ) -> set[int] | None:
        """The phrase numbers the filters let through, or None when nothing is filtered (the usual case).

        Membership is asked of the caller's collections exactly as a per-phrase check would ask it."""
        allowed: set[int] | None = None
        if intents is not None:
            allowed = set().union(*(ns for i, ns in self._by_intent.items() if i in intents))
        if situations is not None:
            fitting = set().union(*(ns for s, ns in self._by_situation.items() if s in situations))
            allowed = fitting if allowed is None else allowed & fitting
        if auto_only:
            allowed = set(self._auto) if allowed is None else allowed & self._auto
        if excluded:
            gone = {n for i in excluded if i in self._numbers for n in self._numbers[i]}
            if gone:
                allowed = set(range(len(self._ordered))) - gone if allowed is None else allowed - gone
        return allowed

    def detect(self, query: str | Analysis, text: str | None = None) -> dict[str, float]:
        """The situations a query points at, with weights (empty when it names none)."""
        return dict(self._query(query, text).situations)

    def _query(self, query: str | Analysis, text: str | None) -> Query:
        if isinstance(query, str):
            return query_from_text(query[:MAX_INPUT])
        cues = shared_cue_query(tuple(query.cue_names), query.frustration >= 0.5)  # read-only, never mutated here
        return combine(cues, query_from_text(text[:MAX_INPUT])) if text else cues

    def _diverse(
        self, ranked: list[int], scores: Mapping[int, float], k: int, wanted: Mapping[str, float], in_order: bool
    ) -> list[int]:
        """Greedy pick: each step takes the best phrase after penalties for intents and roles already used,
        with a bonus for a situation of the query that no picked phrase covers yet.

        When `ranked` is in descending score order, a step stops scanning once score + the largest bonus
        can't beat the best so far: penalties only subtract and float rounding is monotonic, so no later
        phrase could win (the first best still wins ties, as in a full scan)."""
        uncovered = {s for s in wanted if s != "general"} if len(wanted) > 1 else set()
        picked: list[int] = []
        intent_count: dict[str, int] = {}
        role_count: dict[int, int] = {}
        intents, roles, situations = self._intent, self._role, self._situations
        intent_penalty, role_penalty = dict(self._no_intent_penalty), dict(self._no_role_penalty)
        remaining = [(scores.get(n, 0.0), intents[n], roles[n], situations[n], n) for n in ranked]
        while remaining and len(picked) < k:
            best, best_value = 0, float("-inf")
            cap = COVER_BONUS if uncovered else 0.0
            for pos, (score, intent, role, covers, _) in enumerate(remaining):
                if in_order and score + cap <= best_value:
                    break
                value = (
                    score
                    - intent_penalty[intent]
                    - role_penalty[role]
                    + (COVER_BONUS if uncovered and not uncovered.isdisjoint(covers) else 0.0)
                )
                if value > best_value:
                    best, best_value = pos, value
            n = remaining.pop(best)[4]
            picked.append(n)
            intent_count[intents[n]] = count = intent_count.get(intents[n], 0) + 1
            intent_penalty[intents[n]] = SAME_INTENT_PENALTY * count
            role_count[roles[n]] = count = role_count.get(roles[n], 0) + 1
            role_penalty[roles[n]] = SAME_ROLE_PENALTY * count
            uncovered.difference_update(situations[n])
        return picked


@lru_cache(maxsize=8)
def _load(extra_dir: Path | None) -> Phrasebank:
    return Phrasebank(*load_entries(extra_dir))


def load_phrasebank(extra_dir: Path | None = None) -> Phrasebank:
    """The bundled phrasebank merged with `extra_dir` (e.g. Settings.phrasebank_dir), loaded once per folder.

    Raises PhrasebankError (a ValueError) listing every problem when a file is invalid.
    """
    key = Path(extra_dir).resolve() if extra_dir is not None else None
    return _load(key)


def clear_cache() -> None:
    """Forget loaded phrasebanks, e.g. after a team edits its folder (tests use it too)."""
    _load.cache_clear()
