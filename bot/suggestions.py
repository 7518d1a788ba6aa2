"""The one seam between the app and the phrasebank / rewriter.

Listeners and the watcher ask this module for phrasings and rewrites, so the phrasebank's
API is called from exactly one place.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

from bot.phrasebank import Phrase, load_phrasebank, render
from bot.rewrite import rewrite
from bot.tone import Analysis, Cue

log = logging.getLogger(__name__)


class PhraseLike(Protocol):
    id: str
    text: str
    intent: str


@dataclass(frozen=True, slots=True)
class Change:
    kind: str
    before: str
    after: str
    reason: str


@dataclass(frozen=True, slots=True)
class Rewritten:
    """A draft and Kindly's suggested rewrite, with the reasons for each change."""

    original: str
    text: str
    changes: tuple[Change, ...]
    before: Analysis | None = None
    after: Analysis | None = None

    @property
    def changed(self) -> bool:
        return self.text.strip() != self.original.strip()


class Suggester:
    """Phrasings from the phrasebank (bundled, merged with PHRASEBANK_DIR) and draft rewrites."""

    def __init__(self, extra_dir: Path | None = None, *, book: Any = None, rewriter: Any = None) -> None:
        if book is None:
            book = load_phrasebank(extra_dir)
        if rewriter is None:
            rewriter = rewrite
        self._book: Any = book
        self._rewriter: Any = rewriter

    def suggest(
        self, query: str | Analysis, k: int = 3, exclude: Sequence[str] = (), text: str | None = None
    ) -> list[PhraseLike]:
        """Up to k phrases fitted to an analysis (and the message's words) or to free words."""
        return list(self._book.suggest(query, k=k, exclude=tuple(exclude), text=text))

    def suggest_for_cues(
        self, cue_names: Sequence[str], frustration: float, k: int = 3, exclude: Sequence[str] = ()
    ) -> list[PhraseLike]:
        """For "More": the text is gone (never stored), the cue names and score are enough to match."""
        cues = tuple(Cue(name, "", "frustration") for name in cue_names)
        analysis = Analysis(vader={}, frustration=frustration, curtness=0.0, warmth=0.0, cues=cues)
        return self.suggest(analysis, k=k, exclude=exclude)

    def by_id(self, phrase_id: str) -> PhraseLike | None:
        phrase: PhraseLike | None = self._book.by_id(phrase_id)
        return phrase

    def fill(self, phrase: PhraseLike, name: str | None = None) -> str:
        """The phrase ready to paste, with the customer's name filled in when known."""
        return render(cast(Phrase, phrase), name=name)

    def intents(self) -> list[str]:
        return list(self._book.intents())

    def situations(self) -> list[str]:
        return list(self._book.situations())

    def browse(self, intent: str | None = None, situation: str | None = None) -> list[PhraseLike]:
        return [
            phrase
            for phrase in self._book.phrases
            if (not intent or phrase.intent == intent) and (not situation or situation in getattr(phrase, "situations", ()))
        ]

    def rewrite(self, draft: str, customer_text: str | None = None) -> Rewritten:
        result = self._rewriter(draft, customer_text=customer_text, phrasebank=self._book)
        changes = tuple(
            Change(
                kind=str(getattr(c, "kind", "")),
                before=str(getattr(c, "before", "")),
                after=str(getattr(c, "after", "")),
                reason=str(getattr(c, "reason", "")),
            )
            for c in result.changes
        )
        return Rewritten(
            original=draft,
            text=result.text,
            changes=changes,
            before=getattr(result, "before", None),
            after=getattr(result, "after", None),
        )
