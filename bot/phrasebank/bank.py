"""The loaded phrasebank: lookup by id, suggestions for a situation, and placeholder rendering."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from bot.phrasebank.loader import load_entries
from bot.phrasebank.matching import Index, Query, combine, query_from_cues, query_from_text
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
        self._index = Index(self.phrases)
        # Fallback order when a query matches nothing: general phrases first, then by id.
        self._default = sorted(range(len(self.phrases)), key=lambda n: self._default_key(n))

    def _default_key(self, n: int) -> tuple[int, str]:
        return (0 if "general" in self.phrases[n].situations else 1, self.phrases[n].id)

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
        scores = self._index.score(parsed)
        excluded = set(exclude)

        def allowed(n: int) -> bool:
            p = self.phrases[n]
            if p.id in excluded or (intents is not None and p.intent not in intents):
                return False
            if situations is not None and not any(s in situations for s in p.situations):
                return False
            return not (auto_only and (not p.auto or p.placeholders))

        ranked = sorted((n for n in scores if allowed(n)), key=lambda n: (-scores[n], self.phrases[n].id))
        if len(ranked) < k:
            seen = set(ranked)
            ranked += [n for n in self._default if n not in seen and allowed(n)]
        picked = self._diverse(ranked[: max(40, 4 * k)], scores, k, parsed.situations)
        picked.sort(key=lambda n: self.phrases[n].role)
        return [self.phrases[n] for n in picked]

    def detect(self, query: str | Analysis, text: str | None = None) -> dict[str, float]:
        """The situations a query points at, with weights (empty when it names none)."""
        return dict(self._query(query, text).situations)

    def _query(self, query: str | Analysis, text: str | None) -> Query:
        if isinstance(query, str):
            return query_from_text(query[:MAX_INPUT])
        cues = query_from_cues(query.cue_names, query.frustration)
        return combine(cues, query_from_text(text[:MAX_INPUT])) if text else cues

    def _diverse(self, ranked: list[int], scores: dict[int, float], k: int, wanted: Mapping[str, float]) -> list[int]:
        """Greedy pick: each step takes the best phrase after penalties for intents and roles already used,
        with a bonus for a situation of the query that no picked phrase covers yet."""
        uncovered = {s for s in wanted if s != "general"} if len(wanted) > 1 else set()
        picked: list[int] = []
        intent_count: dict[str, int] = {}
        role_count: dict[int, int] = {}
        remaining = list(ranked)
        while remaining and len(picked) < k:
            best, best_value = 0, float("-inf")
            for pos, n in enumerate(remaining):
                p = self.phrases[n]
                value = (
                    scores.get(n, 0.0)
                    - SAME_INTENT_PENALTY * intent_count.get(p.intent, 0)
                    - SAME_ROLE_PENALTY * role_count.get(p.role, 0)
                    + (COVER_BONUS if uncovered.intersection(p.situations) else 0.0)
                )
                if value > best_value:
                    best, best_value = pos, value
            n = remaining.pop(best)
            picked.append(n)
            p = self.phrases[n]
            intent_count[p.intent] = intent_count.get(p.intent, 0) + 1
            role_count[p.role] = role_count.get(p.role, 0) + 1
            uncovered.difference_update(p.situations)
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
